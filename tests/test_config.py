"""Réglages sûrs par défaut, en-têtes de sécurité, schéma OpenAPI, démarrage léger."""

import os
import subprocess
import sys

import pytest
import yaml
from django.core.management import CommandError, call_command
from drf_spectacular.validation import validate_schema

from comptes.models import Utilisateur
from tests.comptes.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db


def python_avec(env_supplementaire, code):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_supplementaire, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_la_production_refuse_de_demarrer_sans_secret_key():
    resultat = python_avec({}, "import django; django.setup()")

    assert resultat.returncode != 0
    assert "SECRET_KEY doit être défini quand DEBUG est désactivé." in resultat.stderr


def test_la_demonstration_demarre_avec_la_cle_par_defaut():
    assert python_avec({"DEBUG": "1"}, "import django; django.setup()").returncode == 0


def test_weasyprint_n_est_pas_charge_au_demarrage():
    code = "import sys; from config.wsgi import application; print('weasyprint' in sys.modules)"

    resultat = python_avec({"SECRET_KEY": "cle-de-test"}, code)

    assert resultat.stdout.strip() == "False", resultat.stderr


def test_les_cookies_de_session_et_csrf_ne_circulent_qu_en_https(client, planificateur):
    formulaire = client.get("/connexion/")
    connexion = client.post("/connexion/", {"username": planificateur.email, "password": MOT_DE_PASSE})

    assert formulaire.cookies["csrftoken"]["secure"]
    assert connexion.cookies["sessionid"]["secure"] and connexion.cookies["sessionid"]["httponly"]


def test_le_navigateur_apprend_a_ne_venir_qu_en_https_pendant_un_an(client):
    reponse = client.get("/", secure=True)

    assert reponse["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_une_connexion_a_la_base_survit_a_la_fin_d_une_requete(tmp_path):
    # Ce que Django fait à la fin de chaque requête : fermer les connexions trop vieilles (CONN_MAX_AGE).
    code = (
        "import django; django.setup(); from django.db import close_old_connections, connection; "
        "connection.ensure_connection(); close_old_connections(); print(connection.connection is not None)"
    )

    resultat = python_avec({"SECRET_KEY": "cle-de-test", "DATABASE_URL": f"sqlite:///{tmp_path}/base.sqlite3"}, code)

    assert resultat.stdout.strip() == "True", resultat.stderr


def test_chaque_page_porte_les_en_tetes_de_securite(client):
    reponse = client.get("/")

    assert reponse["X-Frame-Options"] == "DENY"
    assert reponse["X-Content-Type-Options"] == "nosniff"
    politique = reponse["Content-Security-Policy"]
    assert "default-src 'self'" in politique
    assert "script-src 'self'" in politique and "unsafe-inline" not in politique


def test_le_schema_openapi_3_est_valide(client):
    reponse = client.get("/api/schema/")

    assert reponse.status_code == 200
    schema = yaml.safe_load(reponse.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/territoires/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_la_documentation_de_l_api_est_servie_sans_cdn(client):
    contenu = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in contenu
    assert "cdn" not in contenu.lower()


def test_charger_la_demo_est_refuse_hors_demonstration():
    with pytest.raises(CommandError, match="Refusé"):
        call_command("charger_demo")
    assert not Utilisateur.objects.exists()


def test_le_deploiement_refuse_un_compte_au_mot_de_passe_de_demonstration(settings):
    from comptes.checks import aucun_compte_de_demonstration
    from tests.comptes.factories import UtilisateurFactory

    UtilisateurFactory(email="planificateur@demo.example", password=settings.MOT_DE_PASSE_DEMO)
    UtilisateurFactory(email="autre@demo.example")  # mot de passe changé : accepté

    erreurs = aucun_compte_de_demonstration(None, databases=["default"])

    assert [e.msg for e in erreurs] == [
        "Le compte planificateur@demo.example a le mot de passe public de démonstration."
    ]


def test_la_sonde_de_sante_repond(client):
    assert client.get("/sante/").json() == {"statut": "ok"}
