"""Réglages des tests : uniquement ce qui est propre aux tests, le reste vient de l'environnement."""

import os
from urllib.parse import urlsplit

os.environ.setdefault("SECRET_KEY", "cle-des-tests-non-secrete")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Le client de test parle HTTP : pas de redirection vers HTTPS, fichiers statiques sans manifeste.
SECURE_SSL_REDIRECT = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = True
# Les tests unitaires exécutent les tâches sur place ; le test d'intégration lance un vrai worker.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# pytest-xdist (`make test` répartit la suite sur les cœurs) : chaque processus de test a sa base Redis (file Celery,
# résultats, cache), comme il a sa base de données ; sinon le worker d'un processus exécuterait les tâches d'un autre,
# contre une autre base.
PROCESSUS_DE_TEST = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1…
if REDIS_URL and PROCESSUS_DE_TEST:  # noqa: F405
    _adresse = urlsplit(REDIS_URL)  # noqa: F405
    _base = int(_adresse.path.strip("/") or 0) + 1 + int(PROCESSUS_DE_TEST.removeprefix("gw"))
    REDIS_URL = _adresse._replace(path=f"/{_base}").geturl()
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
