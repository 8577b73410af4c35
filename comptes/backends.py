import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from config.policy import exige_double_authentification, peut_se_connecter_par_proconnect

logger = logging.getLogger(__name__)


class ConnexionParCourriel(ModelBackend):
    """Connexion par courriel, insensible à la casse.

    Hors démonstration (DEBUG désactivé), le mot de passe des comptes de démonstration est refusé :
    une base de démonstration copiée en production ne peut pas servir.

    Pour un rôle soumis à la double authentification, le mot de passe seul n'ouvre rien (administration) : la page
    de connexion et le jeton de l'API le demandent comme premier facteur, avant le code (`premier_facteur=True`).
    """

    def authenticate(self, request, username=None, password=None, premier_facteur=False, **kwargs):
        if not settings.DEBUG and password == settings.MOT_DE_PASSE_DEMO:
            return None
        if username:
            username = username.strip().lower()
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and exige_double_authentification(user) and not premier_facteur:
            return None
        return user


class ConnexionProConnect(OIDCAuthenticationBackend):
    """Connexion des agents ARS et DREETS par ProConnect (OpenID Connect, flux « authorization code »).

    mozilla-django-oidc porte le protocole : state et nonce, échange du code, signature RS256 vérifiée sur les clés
    publiées (jwks). On y ajoute ce que la documentation de ProConnect exige du fournisseur de service : l'émetteur et
    le destinataire des jetons (mozilla ne les vérifie pas), le niveau acr de double authentification, et le
    rapprochement avec un compte existant : par courriel à la première connexion, puis par le « sub » retenu alors ;
    la connexion ne crée jamais de compte.
    Chaque refus laisse un message en français, que la page de connexion affiche."""

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException:
            logger.exception("ProConnect injoignable")
            return self.refuser("ProConnect ne répond pas pour le moment : réessayez dans quelques minutes.")
        except (jwt.InvalidTokenError, SuspiciousOperation) as erreur:
            logger.warning("Réponse de ProConnect refusée : %s", erreur)
            return self.refuser("La réponse de ProConnect n'a pas pu être vérifiée : recommencez la connexion.")

    def get_payload_data(self, token, key):
        """Signature, algorithme, expiration, émetteur et destinataire attendus (OpenID Connect Core 3.1.3.7)."""
        return jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.PROCONNECT_EMETTEUR,
        )

    def get_or_create_user(self, access_token, id_token, payload):
        if payload.get("acr") not in settings.PROCONNECT_ACR_DOUBLE_AUTHENTIFICATION:
            return self.refuser(
                "Pilotage PRAPS demande une connexion ProConnect avec double authentification, et la vôtre n'en a "
                "pas eu. Activez une application d'authentification dans ProConnect puis reconnectez-vous."
            )
        infos = self.get_userinfo(access_token, id_token, payload)
        sub = str(payload.get("sub") or "")
        if not sub or str(infos.get("sub") or "") != sub:  # OpenID Connect Core 5.3.2 : le même sujet aux deux
            return self.refuser("La réponse de ProConnect n'a pas pu être vérifiée : recommencez la connexion.")
        courriel = str(infos.get("email") or "").strip()
        compte = self.compte_de(sub, courriel)
        if compte is None:
            return self.refuser(
                f"Aucun compte de Pilotage PRAPS n'est ouvert pour le courriel « {courriel} » donné par ProConnect. "
                "Un administrateur de votre ARS ouvre les comptes des agents : demandez-lui le vôtre."
            )
        if compte.proconnect_sub not in ("", sub):
            logger.warning("Compte %s : ProConnect présente un autre sujet que celui retenu", compte.pk)
            return self.refuser(
                "Ce compte est rattaché à une autre identité ProConnect. Si votre identité ProConnect a changé, "
                "demandez à un administrateur de votre ARS de la rattacher de nouveau."
            )
        if not compte.is_active:
            return self.refuser("Ce compte est désactivé. Contactez votre administrateur.")
        if not peut_se_connecter_par_proconnect(compte):
            return self.refuser(
                f"ProConnect est réservé aux agents ARS et DREETS ; votre compte ({compte.get_role_display()}) se "
                "connecte avec son courriel et son mot de passe."
            )
        if not compte.proconnect_sub:
            compte.proconnect_sub = sub
            compte.save(update_fields=["proconnect_sub"])
        return compte

    def compte_de(self, sub: str, courriel: str):
        """Le compte déjà rattaché à ce sujet ProConnect ; sinon le seul compte de ce courriel (première connexion)."""
        rattache = self.UserModel.objects.filter(proconnect_sub=sub).first()
        if rattache is not None:
            return rattache
        comptes = list(self.UserModel.objects.filter(email__iexact=courriel)) if courriel else []
        return comptes[0] if len(comptes) == 1 else None

    def refuser(self, message: str) -> None:
        # Le jeton d'un refus ne sert à rien : la déconnexion de ProConnect n'est proposée qu'à une session ouverte.
        self.request.session.pop("oidc_id_token", None)
        messages.error(self.request, message)
        return None
