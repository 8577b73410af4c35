"""Réglages des tests : uniquement ce qui est propre aux tests, le reste vient de l'environnement."""

import os

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
