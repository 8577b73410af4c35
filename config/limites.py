"""Les limites de débit de l'API : REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] donne le débit de chaque portée, une
vue s'y range par `throttle_scope` (le jeton : « jeton », 10 demandes par minute et par adresse IP, contre
l'essai d'un mot de passe sur de nombreux comptes, que django-axes ne compte que par compte et adresse).

Les compteurs vivent dans le cache par défaut : LocMem en démonstration (un seul processus), Redis en production
(partagé par tous les processus web)."""

from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle


class TropDeDemandes(Throttled):
    default_detail = "Trop de demandes depuis votre adresse."
    extra_detail_singular = "Réessayez dans {wait} seconde."
    extra_detail_plural = "Réessayez dans {wait} secondes."


class LimiteParPortee(ScopedRateThrottle):
    """Compte les écritures des vues qui déclarent une portée, par utilisateur connecté ou par adresse IP (lue
    derrière REST_FRAMEWORK["NUM_PROXIES"] mandataires : un en-tête X-Forwarded-For inventé ne change pas
    d'adresse). Une lecture ne compte pas : un GET sur le jeton reçoit toujours son 405. Au-delà : 429, message
    en français et en-tête Retry-After."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS or super().allow_request(request, view):
            return True
        raise TropDeDemandes(self.wait())


def oublier(*, portee: str, ident: str):
    """Remet à zéro le compteur d'une portée pour une adresse (ou un utilisateur) : les tests, entre deux clients
    qui partagent 127.0.0.1."""
    cache.delete(LimiteParPortee.cache_format % {"scope": portee, "ident": ident})
