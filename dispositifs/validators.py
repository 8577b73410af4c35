from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as NumeroInvalide
from stdnum.fr import siren


def valider_siren(valeur: str):
    try:
        siren.validate(valeur)
    except NumeroInvalide as erreur:
        raise ValidationError(
            "Ce SIREN n'est pas valide : il faut 9 chiffres dont le dernier est une clé de contrôle (Luhn)."
        ) from erreur
