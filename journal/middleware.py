"""L'auteur de chaque entrée du journal, pour les pages comme pour l'API."""

from auditlog.middleware import AuditlogMiddleware
from django.utils.functional import SimpleLazyObject


class JournalMiddleware(AuditlogMiddleware):
    """L'auteur d'une entrée est lu au moment où elle s'écrit, plus à l'arrivée de la requête.

    L'API authentifie son jeton dans la vue (DRF), après les middlewares : lu à l'arrivée, `request.user` y est
    encore anonyme, et les écritures faites par l'API n'étaient attribuées à personne. DRF remet l'utilisateur
    authentifié sur la requête Django (`rest_framework.request.Request.user`) : le lire au dernier moment suffit,
    pour toutes les vues de l'API, présentes et à venir, sans rien écrire vue par vue.
    """

    @staticmethod
    def _get_actor(request):
        return SimpleLazyObject(lambda: AuditlogMiddleware._get_actor(request))
