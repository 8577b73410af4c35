"""Le modèle d'erreur de l'application : deux idées, deux classes.

- Un **refus** (la demande n'a pas de sens : champ manquant, état qui ne le permet pas) est une
  `django.core.exceptions.ValidationError`, avec un message en français et un `code` stable. Par champ quand
  l'erreur porte sur un champ (`ValidationError({"motif": "…"})`), sinon sans champ.
- Un **conflit** (quelqu'un a enregistré entre la lecture et l'écriture) est un `Conflit` : rien n'a été
  écrasé, et `actuel` porte l'objet tel qu'il est maintenant pour que le perdant reprenne sa saisie.

Les services les lèvent ; les pages les affichent ; `gerer_exception` les traduit pour l'API en 400 et 409,
avec les mêmes mots.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler


class Conflit(Exception):
    """Une modification concurrente : rien n'a été écrit. `actuel` : l'objet tel qu'il est maintenant, None s'il a
    disparu ; `modele` : sa classe, pour le dire même quand il a disparu (déduite de `actuel` sinon)."""

    def __init__(self, message: str, *, actuel=None, modele=None):
        super().__init__(message)
        self.message = message
        self.actuel = actuel
        self.modele = modele or (type(actuel) if actuel is not None else None)

    def __str__(self):
        return self.message


def messages_du_refus(refus: ValidationError | Conflit) -> list[str]:
    """Les messages en français d'un refus ou d'un conflit, tels que les pages les affichent."""
    return [refus.message] if isinstance(refus, Conflit) else refus.messages


def code_du_refus(refus: ValidationError | Conflit) -> str:
    """Le code stable d'un refus (le premier s'il y en a plusieurs), « conflit » pour un conflit : ce que les
    pages exposent aux scripts (attribut data-refus) au lieu de leur faire lire le message."""
    if isinstance(refus, Conflit):
        return "conflit"
    if hasattr(refus, "error_dict"):
        erreurs = [e for liste in refus.error_dict.values() for e in liste]
    else:
        erreurs = refus.error_list
    return next((e.code for e in erreurs if e.code), "refus")


def messages_par_champ(erreur: ValidationError) -> dict[str, list[str]]:
    """{champ: [messages]} ; les erreurs sans champ sous la clé de DRF (« non_field_errors »)."""
    if not hasattr(erreur, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: erreur.messages}
    return {
        api_settings.NON_FIELD_ERRORS_KEY if champ == NON_FIELD_ERRORS else champ: messages
        for champ, messages in erreur.message_dict.items()
    }


def gerer_exception(exc, context):
    """Le gestionnaire d'exceptions de l'API (REST_FRAMEWORK["EXCEPTION_HANDLER"]) : refus → 400, conflit → 409,
    le reste comme DRF."""
    if isinstance(exc, ValidationError):
        return Response(messages_par_champ(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflit):
        return Response(corps_du_conflit(exc, context.get("view")), status=status.HTTP_409_CONFLICT)
    return exception_handler(exc, context)


def corps_du_conflit(conflit: Conflit, vue) -> dict:
    """{"detail": message, "<modèle>": l'objet actuel sérialisé par la vue, ou null s'il a disparu} : le client
    reprend de là."""
    corps = {"detail": conflit.message}
    if conflit.modele is not None and hasattr(vue, "get_serializer"):
        actuel = conflit.actuel
        corps[conflit.modele._meta.model_name] = None if actuel is None else vue.get_serializer(actuel).data
    return corps
