"""Les numéros d'identification : SIREN et SIRET (Insee) des organismes, FINESS (répertoire des établissements
sanitaires et sociaux) des organismes et des dispositifs. Un numéro invalide est refusé par une ValidationError
au message français et au code stable."""

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.exceptions import ValidationError as NumeroInvalide
from stdnum.fr import siren, siret


def _valider_numero(norme, valeur: str, *, message: str, code: str):
    """La vérification de python-stdnum (longueur, chiffres, clé de contrôle), traduite en refus."""
    try:
        norme.validate(valeur)
    except NumeroInvalide as erreur:
        raise ValidationError(message, code=code) from erreur


def valider_siren(valeur: str):
    _valider_numero(
        siren,
        valeur,
        message="Ce SIREN n'est pas valide : il faut 9 chiffres dont le dernier est une clé de contrôle (Luhn).",
        code="siren_invalide",
    )


def valider_siret(valeur: str):
    _valider_numero(
        siret,
        valeur,
        message=(
            "Ce SIRET n'est pas valide : il faut 14 chiffres (le SIREN de 9 chiffres puis le numéro "
            "d'établissement), avec une clé de contrôle. Vous le trouvez sur l'avis de situation Insee."
        ),
        code="siret_invalide",
    )


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
            f"« {valeur} » n'est pas un numéro FINESS valide : 9 caractères dont le dernier est une clé de contrôle.",
            code="finess_invalide",
        )
