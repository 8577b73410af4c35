"""Réglages de Pilotage PRAPS, entièrement lus dans l'environnement.

Sans aucune variable, l'application tourne en démonstration : SQLite et tâches Celery exécutées
immédiatement. La production ne diffère que par ses variables (README, « Réglages »).
"""

import json
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from journal.objets import OBJETS as OBJETS_JOURNALISES

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Clé connue de tous : acceptée en démonstration (DEBUG) seulement.
CLE_DE_DEMONSTRATION = "demo-non-secrete-ne-pas-utiliser-en-production"
SECRET_KEY = env("SECRET_KEY", default=CLE_DE_DEMONSTRATION)
if not DEBUG and SECRET_KEY == CLE_DE_DEMONSTRATION:
    raise ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est désactivé.")

# Mot de passe des comptes de démonstration : refusé à la connexion quand DEBUG est désactivé.
MOT_DE_PASSE_DEMO = "demo-praps"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
NOM_AGENCE = env("NOM_AGENCE", default="Agence régionale de santé")
# La région montrée quand rien n'est demandé (carte, planification d'un administrateur) : code INSEE.
REGION_PAR_DEFAUT = env("REGION_PAR_DEFAUT", default="32")  # Hauts-de-France

INSTALLED_APPS = [
    "config.apps.AdministrationConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "dsfr",
    "widget_tweaks",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "auditlog",
    # Double authentification (TOTP, et codes de secours) des comptes à mot de passe qui décident.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "commun",
    "comptes",
    "territoires",
    "dispositifs",
    "planification",
    "appels",
    "indicateurs",
    "financements",
    "programme",
    "partenariats",
    "journal",
    "donnees",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # L'auteur de chaque entrée du journal, lu au moment d'écrire : aussi celui d'un jeton de l'API (DRF).
    "journal.middleware.JournalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # En dernier, comme le demande django-axes.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
            ],
            # Les nombres à la française partout (« 320 000 € », « 3,42 ») : un seul module, sans {% load %}.
            "builtins": ["commun.nombres"],
        },
    },
]
# django-dsfr : pas de sommes de contrôle (le stockage « manifest » réécrit le CSS, le navigateur le
# refuserait), et aucun contenu marqué sûr d'office (les données saisies doivent rester échappées).
DSFR_USE_INTEGRITY_CHECKSUMS = False
DSFR_CONTENT_IS_SAFE = False

# Base de données : SQLite par défaut pour la démonstration, PostgreSQL en production et en CI.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Connexions persistantes : ouvrir une connexion par requête divise le débit par sept sur ces machines.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # La démonstration sur SQLite tient l'usage simultané comme PostgreSQL : deux écritures concurrentes
    # répondaient 500 « database is locked ». Une transaction commence en prenant le verrou d'écriture
    # (IMMEDIATE) : la seconde attend son tour (jusqu'à 20 s) au lieu d'échouer en voulant écrire après avoir lu,
    # puis relit la version et répond 409 comme en production. Le journal WAL laisse lire pendant une écriture.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Journal d'audit unique (django-auditlog) : chaque étape de la boucle, datée et attribuée (/journal/ et
# /api/v1/journal/ le lisent par région). Les modèles suivis, leurs champs exclus et leur chemin vers une région
# sont écrits une fois, dans journal/objets.py.
# Les changements d'état passent par save() (commun/transitions.py) : un QuerySet.update() n'y entrerait pas.
AUDITLOG_INCLUDE_TRACKING_MODELS = [objet.reglage for objet in OBJETS_JOURNALISES]

# Comptes et connexion
AUTH_USER_MODEL = "comptes.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "comptes.backends.ConnexionParCourriel",
    "comptes.backends.ConnexionProConnect",
]
LOGIN_URL = "comptes:connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "accueil"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Le nom que les applications d'authentification affichent à côté du code (TOTP).
OTP_TOTP_ISSUER = "Pilotage PRAPS"

# ProConnect, la fédération d'identité des agents publics (OpenID Connect, mozilla-django-oidc) : ouverte quand
# PROCONNECT_CLIENT_ID est défini. Adresses de la documentation des fournisseurs de service de ProConnect ;
# intégration : PROCONNECT_URL=https://fca.integ01.dev-agentconnect.fr/api/v2.
PROCONNECT_URL = env("PROCONNECT_URL", default="https://auth.agentconnect.gouv.fr/api/v2")
PROCONNECT_EMETTEUR = PROCONNECT_URL  # le « iss » attendu dans les jetons
OIDC_RP_CLIENT_ID = env("PROCONNECT_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("PROCONNECT_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROCONNECT_URL}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{PROCONNECT_URL}/token"
OIDC_OP_USER_ENDPOINT = f"{PROCONNECT_URL}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{PROCONNECT_URL}/jwks"
OIDC_OP_LOGOUT_ENDPOINT = f"{PROCONNECT_URL}/session/end"
OIDC_RP_SIGN_ALGO = "RS256"
# L'identité pivot de ProConnect ; seul le courriel sert (rapprochement avec un compte existant).
OIDC_RP_SCOPES = "openid email given_name usual_name siret"
# Les niveaux acr qui attestent une double authentification chez ProConnect : exigés à l'aller (paramètre
# « claims », que ProConnect préfère à acr_values=eidas1, mot de passe seul) et vérifiés au retour dans l'id_token.
PROCONNECT_ACR_DOUBLE_AUTHENTIFICATION = ["eidas0-mfa", "eidas1-mfa", "eidas2", "eidas3"]
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {
    "claims": json.dumps(
        {"id_token": {"acr": {"essential": True, "values": PROCONNECT_ACR_DOUBLE_AUTHENTIFICATION}}},
        separators=(",", ":"),
    )
}
OIDC_STORE_ID_TOKEN = True  # pour la déconnexion (id_token_hint)
OIDC_CREATE_USER = False  # la connexion ne crée jamais de compte, encore moins un rôle
OIDC_AUTHENTICATION_CALLBACK_URL = "comptes:proconnect_retour"
OIDC_TIMEOUT = 10

# Limitation des tentatives de connexion (django-axes)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "comptes.verrouillage.identifiant_tente"
AXES_LOCKOUT_CALLABLE = "comptes.verrouillage.reponse_compte_suspendu"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)

# Sécurité HTTP : sûre par défaut, assouplie seulement en démonstration (DEBUG).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]  # la sonde des conteneurs parle HTTP en interne
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Langue, fuseau et formats français
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# Fichiers
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Courriel : console en démonstration, SMTP en production (EMAIL_URL=smtp+tls://utilisateur:mdp@hote:587).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pilotage PRAPS <ne-pas-repondre@praps.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Exploitation", adresse) for adresse in env.list("ADMINS", default=[])]

# Celery : sans REDIS_URL, les tâches s'exécutent immédiatement dans le processus web.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "mettre-en-instruction": {"task": "appels.tasks.mettre_en_instruction", "schedule": timedelta(minutes=1)},
    "relancer-brouillons": {"task": "appels.tasks.relancer_brouillons", "schedule": timedelta(hours=1)},
    "supprimer-sessions-expirees": {
        "task": "comptes.tasks.supprimer_sessions_expirees",
        "schedule": timedelta(hours=24),
    },
    # Chaque nuit, tout l'historique récent est recalculé : rattrape une validation dont la tâche aurait échoué.
    "agreger-la-nuit": {"task": "indicateurs.tasks.agreger_tout", "schedule": crontab(hour=2, minute=30)},
    # Le 1er du mois, après l'agrégation de nuit : rapports PDF du mois écoulé, régions et départements.
    "rapports-du-mois": {
        "task": "indicateurs.tasks.generer_rapports_du_mois",
        "schedule": crontab(day_of_month=1, hour=5, minute=0),
    },
    # Chaque matin, après l'agrégation de nuit : le rapport définitif des mois dont l'échéance est passée (les
    # rapports du 1er sont provisoires).
    "finaliser-rapports": {
        "task": "indicateurs.tasks.finaliser_rapports",
        "schedule": crontab(hour=5, minute=30),
    },
    # Chaque matin : relance des déclarations mensuelles non transmises, avant puis après l'échéance.
    "relancer-declarations": {
        "task": "indicateurs.tasks.relancer_declarations",
        "schedule": crontab(hour=8, minute=0),
    },
}

# Indicateurs mensuels : échéance de déclaration, verrouillage et secret statistique des chiffres publics.
INDICATEURS_JOUR_ECHEANCE = env.int("INDICATEURS_JOUR_ECHEANCE", default=10)  # du mois suivant
INDICATEURS_RELANCE_JOURS_AVANT = 3
INDICATEURS_VERROUILLAGE_JOURS = env.int("INDICATEURS_VERROUILLAGE_JOURS", default=60)  # après la fin du mois
INDICATEURS_RECALCUL_MOIS = 24  # profondeur du recalcul de nuit
SECRET_SEUIL_PERSONNES = env.int("SECRET_SEUIL_PERSONNES", default=11)  # effectif < seuil : masqué
SECRET_SEUIL_DISPOSITIFS = env.int("SECRET_SEUIL_DISPOSITIFS", default=3)  # contributeurs < seuil : masqué

# API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["config.policy.AccesAPI"],
    # Un parseur JSON borné (taille, profondeur, nombres finis, un objet) : voir commun/entrees.py.
    "DEFAULT_PARSER_CLASSES": [
        "commun.entrees.JSONBorne",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "commun.filtres.PaginationAPI",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "config.schema.SchemaAPI",
    # Les vues qui déclarent throttle_scope sont limitées (config/limites.py) ; l'adresse IP est lue derrière
    # autant de mandataires que pour django-axes : sans ce réglage, DRF croirait un X-Forwarded-For inventé.
    "DEFAULT_THROTTLE_CLASSES": ["config.limites.LimiteParPortee"],
    "DEFAULT_THROTTLE_RATES": {"jeton": "10/minute"},
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,
    "EXCEPTION_HANDLER": "commun.erreurs.gerer_exception",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Pilotage PRAPS",
    "DESCRIPTION": "Territoires, dispositifs, cibles, appels et indicateurs du PRAPS.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Leur INFO décrit chaque étape d'un PDF ou d'une tâche réussie : du bruit dans `make demo` comme en service.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "weasyprint.progress", "celery.app.trace")},
}
