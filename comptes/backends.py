from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class ConnexionParCourriel(ModelBackend):
    """Connexion par courriel, insensible à la casse.

    Hors démonstration (DEBUG désactivé), le mot de passe des comptes de démonstration est refusé :
    une base de démonstration copiée en production ne peut pas servir.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.DEBUG and password == settings.MOT_DE_PASSE_DEMO:
            return None
        if username:
            username = username.strip().lower()
        return super().authenticate(request, username=username, password=password, **kwargs)
