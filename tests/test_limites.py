"""Le point d'accès du jeton est limité à 10 demandes par minute et par adresse (config/limites.py), avec le cache
local (LocMem, la démonstration) comme avec Redis (la production)."""

import pytest

from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import exige_service, redis_repond

pytestmark = pytest.mark.django_db

JETON = "/api/v1/auth/token/"


@pytest.fixture(params=["locmem", "redis"])
def cache_des_compteurs(request, settings):
    """Le cache par défaut, l'un puis l'autre ; le compteur est remis à zéro avant et après."""
    from config.limites import oublier

    if request.param == "redis":
        exige_service(redis_repond(settings.REDIS_URL), "Redis injoignable (REDIS_URL) : limites sur Redis")
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL}
    else:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limites"}
    settings.CACHES = {"default": backend}
    oublier(portee="jeton", ident="127.0.0.1")
    yield request.param
    oublier(portee="jeton", ident="127.0.0.1")


def demander(client, email, mot_de_passe="faux", **entetes):
    return client.post(JETON, {"email": email, "password": mot_de_passe}, content_type="application/json", **entetes)


def test_la_onzieme_demande_de_la_minute_recoit_429_en_francais(client, planificateur, cache_des_compteurs):
    # Un mot de passe essayé sur dix comptes (différents : django-axes ne compte que par compte et adresse).
    reponses = [demander(client, f"compte{rang}@exemple.test") for rang in range(10)]
    onzieme = demander(client, planificateur.email, MOT_DE_PASSE)  # même le bon mot de passe attend

    assert [r.status_code for r in reponses] == [400] * 10
    assert onzieme.status_code == 429
    assert 0 < int(onzieme["Retry-After"]) <= 60
    detail = onzieme.json()["detail"]
    assert detail.startswith("Trop de demandes depuis votre adresse. Réessayez dans ") and "secondes" in detail


def test_un_x_forwarded_for_invente_ne_remet_pas_le_compteur_a_zero(client, cache_des_compteurs):
    for rang in range(10):
        demander(client, f"compte{rang}@exemple.test", HTTP_X_FORWARDED_FOR=f"203.0.113.{rang}")

    assert demander(client, "autre@exemple.test", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429


def test_une_autre_adresse_garde_son_propre_compteur(client, operateur, cache_des_compteurs):
    for rang in range(11):
        demander(client, f"compte{rang}@exemple.test")

    ailleurs = demander(client, operateur.email, MOT_DE_PASSE, REMOTE_ADDR="192.0.2.10")

    assert ailleurs.status_code == 200 and ailleurs.json()["token"]


def test_une_lecture_ne_compte_pas_et_recoit_toujours_405(client, cache_des_compteurs):
    lectures = [client.get(JETON).status_code for _ in range(12)]

    assert set(lectures) == {405}
    assert demander(client, "compte@exemple.test").status_code == 400
