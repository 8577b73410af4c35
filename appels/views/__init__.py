"""Les pages des appels, une famille par module : appels, candidatures (opérateurs), instruction (ARS)."""

from django.core.exceptions import ValidationError

from commun.erreurs import Conflit


def messages_du_refus(refus: ValidationError | Conflit) -> list[str]:
    """Les messages en français d'un refus ou d'un conflit, tels que les pages les affichent."""
    return [refus.message] if isinstance(refus, Conflit) else refus.messages
