"""La connexion des agents par ProConnect, avec les vues de mozilla-django-oidc, et la déconnexion.

Aller : « S'identifier avec ProConnect » → /proconnect/connexion/ (state et nonce rangés dans la session) →
ProConnect → /proconnect/retour/?code&state → le backend (comptes/backends.py) échange le code, vérifie les jetons
et retrouve le compte → session ouverte. Retour : « Se déconnecter » ferme la session ici, puis envoie chez ProConnect
(id_token_hint, state) qui revient sur /proconnect/deconnexion/."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare, get_random_string
from django.views.decorators.http import require_POST
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from config.policy import Regle, acces

logger = logging.getLogger(__name__)

CLE_ETAT_DECONNEXION = "proconnect_etat_deconnexion"


def est_ouvert() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


class DebutProConnect(OIDCAuthenticationRequestView):
    def get(self, request):
        if not est_ouvert():
            messages.error(request, "La connexion par ProConnect n'est pas ouverte sur ce site.")
            return redirect("comptes:connexion")
        return super().get(request)


class RetourProConnect(OIDCAuthenticationCallbackView):
    """Le retour de ProConnect. Chaque échec revient à la page de connexion avec un message : celui du backend, ou
    ici une erreur annoncée par ProConnect, un retour rejoué ou une session expirée (state inconnu)."""

    @property
    def failure_url(self):
        return reverse("comptes:connexion")

    def get(self, request):
        if request.GET.get("error"):
            logger.info("ProConnect renvoie l'erreur %s", request.GET.get("error"))
            messages.error(request, "La connexion avec ProConnect n'a pas abouti : recommencez.")
        elif "oidc_states" not in request.session:
            messages.error(request, "Votre connexion a expiré : recommencez avec ProConnect.")
        try:
            return super().get(request)
        except SuspiciousOperation as erreur:  # state inconnu : retour rejoué ou venu d'ailleurs
            logger.warning("Retour de ProConnect refusé : %s", erreur)
            messages.error(request, "Ce retour de ProConnect n'est pas celui attendu : recommencez la connexion.")
            return self.login_failure()


debut = acces(Regle.PUBLIC)(DebutProConnect.as_view())
retour = acces(Regle.PUBLIC)(RetourProConnect.as_view())


@acces(Regle.PUBLIC)
@require_POST
def deconnexion(request):
    """Ferme la session ici d'abord (elle ne dépend pas du retour de ProConnect), puis, pour une session ouverte par
    ProConnect, l'y ferme aussi : id_token_hint et un state vérifié au retour."""
    id_token = request.session.get("oidc_id_token")
    auth.logout(request)
    if not (id_token and est_ouvert()):
        return redirect(settings.LOGOUT_REDIRECT_URL)
    etat = get_random_string(32)
    request.session[CLE_ETAT_DECONNEXION] = etat
    parametres = {
        "id_token_hint": id_token,
        "state": etat,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("comptes:proconnect_deconnexion")),
    }
    return redirect(f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(parametres)}")


@acces(Regle.PUBLIC)
def retour_deconnexion(request):
    attendu = request.session.pop(CLE_ETAT_DECONNEXION, None)
    if attendu and constant_time_compare(attendu, request.GET.get("state", "")):
        messages.success(request, "Vous êtes déconnecté de Pilotage PRAPS et de ProConnect.")
    return redirect(settings.LOGOUT_REDIRECT_URL)
