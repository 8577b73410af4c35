import importlib

import pytest
from django.core import mail
from django.db import IntegrityError
from django.test import override_settings

from comptes.models import Role
from tests.comptes.factories import MOT_DE_PASSE, UtilisateurFactory

pytestmark = pytest.mark.django_db


def se_connecter(client, email, mot_de_passe=MOT_DE_PASSE):
    return client.post("/connexion/", {"username": email, "password": mot_de_passe})


def test_la_connexion_par_courriel_ignore_la_casse(client, operateur):
    reponse = se_connecter(client, "OPERATEUR@Exemple.test")

    assert reponse.status_code == 302
    assert reponse["Location"] == "/"
    assert client.get("/").context["user"] == operateur


def test_un_mauvais_mot_de_passe_est_refuse_en_francais(client, planificateur):
    reponse = se_connecter(client, planificateur.email, "pas-le-bon")

    assert reponse.status_code == 200
    assert "Courriel ou mot de passe incorrect" in reponse.content.decode()


def test_cinq_echecs_suspendent_la_connexion(client, planificateur):
    for _ in range(5):
        se_connecter(client, planificateur.email, "pas-le-bon")

    reponse = se_connecter(client, planificateur.email)  # même le bon mot de passe est refusé

    assert reponse.status_code == 429
    assert "Connexion suspendue" in reponse.content.decode()
    assert "pendant 15 minutes" in reponse.content.decode()


def test_changer_la_casse_du_courriel_ne_contourne_pas_le_verrou(client, planificateur):
    for _ in range(5):
        se_connecter(client, "Planificateur@EXEMPLE.test", "pas-le-bon")

    assert se_connecter(client, planificateur.email).status_code == 429


def test_le_mot_de_passe_de_demo_est_refuse_hors_demonstration(client, settings):
    UtilisateurFactory(email="demo@exemple.test", password=settings.MOT_DE_PASSE_DEMO)

    assert se_connecter(client, "demo@exemple.test", settings.MOT_DE_PASSE_DEMO).status_code == 200
    assert "_auth_user_id" not in client.session


@override_settings(DEBUG=True)
def test_le_mot_de_passe_de_demo_est_accepte_en_demonstration(client, settings):
    UtilisateurFactory(email="demo@exemple.test", password=settings.MOT_DE_PASSE_DEMO)

    assert se_connecter(client, "demo@exemple.test", settings.MOT_DE_PASSE_DEMO).status_code == 302


def test_la_deconnexion_se_fait_par_post(client, planificateur):
    client.force_login(planificateur)

    client.post("/deconnexion/")

    assert "_auth_user_id" not in client.session


def test_un_mot_de_passe_oublie_se_reinitialise_par_un_lien_envoye_par_courriel(client, planificateur):
    client.post("/mot-de-passe/oubli/", {"email": planificateur.email})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Pilotage PRAPS : choisir un nouveau mot de passe"
    lien = next(ligne for ligne in mail.outbox[0].body.splitlines() if "/mot-de-passe/reinitialiser/" in ligne)
    formulaire = client.get(lien.removeprefix("http://testserver"), follow=True)
    nouveau = "un-mot-de-passe-tout-neuf-2026"
    client.post(formulaire.redirect_chain[-1][0], {"new_password1": nouveau, "new_password2": nouveau})
    assert se_connecter(client, planificateur.email, nouveau).status_code == 302


def test_un_lien_de_reinitialisation_invalide_le_dit(client):
    contenu = client.get("/mot-de-passe/reinitialiser/MQ/jeton-invalide/").content.decode()

    assert "Ce lien n'est plus valable" in contenu


def test_une_page_privee_renvoie_l_anonyme_vers_la_connexion(client):
    reponse = client.get("/mot-de-passe/changer/")

    assert reponse.status_code == 302
    assert reponse["Location"] == "/connexion/?next=/mot-de-passe/changer/"


def test_la_base_refuse_un_agent_regional_sans_region():
    with pytest.raises(IntegrityError):
        UtilisateurFactory(role=Role.PLANIFICATEUR, region=None)


def test_une_session_ouverte_sous_l_ancien_backend_reste_connectee_apres_la_migration(client, planificateur):
    from django.apps import apps
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    migration = importlib.import_module("comptes.migrations.0004_sessions_du_nouveau_backend")
    session = SessionStore()
    session.update(
        {
            SESSION_KEY: str(planificateur.pk),
            BACKEND_SESSION_KEY: migration.ANCIEN,
            HASH_SESSION_KEY: planificateur.get_session_auth_hash(),
        }
    )
    session.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get("/").context["user"].is_anonymous  # l'ancien chemin n'est plus un backend connu

    migration.renommer(apps, None)

    assert client.get("/").context["user"] == planificateur
