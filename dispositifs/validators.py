from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import ValidationError as NumeroInvalide
from stdnum.fr import siren


def valider_siren(valeur: str):
    try:
        siren.validate(valeur)
    except NumeroInvalide as erreur:
        raise ValidationError(
            "Ce SIREN n'est pas valide : il faut 9 chiffres dont le dernier est une clé de contrôle (Luhn)."
        ) from erreur


def finess_valide(valeur: str) -> bool:
    """9 caractères, le dernier étant une clé de Luhn calculée sur l'ensemble.

    Les FINESS de Corse commencent par 2A ou 2B : la clé y est calculée avec « 20 » à la place.
    """
    if len(valeur) != 9:
        return False
    chiffres = "20" + valeur[2:] if valeur[:2] in ("2A", "2B") else valeur
    return chiffres.isdigit() and luhn.is_valid(chiffres)


def valider_finess(valeur: str):
    if not finess_valide(valeur):
        raise ValidationError(
            f"« {valeur} » n'est pas un numéro FINESS valide : 9 caractères dont le dernier est une clé de contrôle."
        )
