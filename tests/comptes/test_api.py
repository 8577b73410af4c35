import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.api import CODE_REQUIS
from tests.comptes.factories import MOT_DE_PASSE, appareil_totp, code_totp

pytestmark = pytest.mark.django_db


def test_un_courriel_et_un_mot_de_passe_s_echangent_contre_un_jeton(client, operateur):
    reponse = client.post(
        "/api/v1/auth/token/",
        {"email": operateur.email, "password": MOT_DE_PASSE},
        content_type="application/json",
    )

    assert reponse.status_code == 200
    jeton = reponse.json()["token"]
    assert client.get("/api/v1/territoires/", headers={"Authorization": f"Token {jeton}"}).status_code == 200


def test_le_jeton_est_refuse_avec_un_mauvais_mot_de_passe(client, planificateur):
    reponse = client.post("/api/v1/auth/token/", {"email": planificateur.email, "password": "faux"})

    assert reponse.status_code == 400
    assert reponse.json() == {"detail": "Courriel ou mot de passe incorrect."}


def test_le_jeton_exige_les_deux_champs_et_le_dit_en_francais(client):
    reponse = client.post("/api/v1/auth/token/", {"email": "pas-un-courriel"})

    assert reponse.status_code == 400
    erreurs = reponse.json()
    assert erreurs["email"] == ["Saisissez une adresse e-mail valide."]
    assert erreurs["password"] == ["Ce champ est obligatoire."]


def test_le_jeton_est_suspendu_apres_cinq_echecs(client, planificateur):
    for _ in range(5):
        client.post("/api/v1/auth/token/", {"email": planificateur.email, "password": "faux"})

    reponse = client.post("/api/v1/auth/token/", {"email": planificateur.email, "password": MOT_DE_PASSE})

    assert reponse.status_code == 429
    assert "suspendue" in reponse.json()["detail"]


def test_un_jeton_invalide_repond_401(client):
    reponse = client.get("/api/v1/territoires/", headers={"Authorization": "Token inconnu"})

    assert reponse.status_code == 401


def test_le_mot_de_passe_seul_ne_donne_pas_de_jeton_a_un_role_soumis_a_la_double_authentification(
    client, planificateur, instructeur, administrateur
):
    """Sinon l'API contournerait le code demandé à la connexion."""
    for compte in (planificateur, instructeur, administrateur):
        reponse = client.post("/api/v1/auth/token/", {"email": compte.email, "password": MOT_DE_PASSE})

        assert reponse.status_code == 400
        assert reponse.json() == {"code": [CODE_REQUIS]}


def test_un_role_soumis_a_la_double_authentification_obtient_son_jeton_avec_son_code(client, planificateur):
    appareil = appareil_totp(planificateur)
    demande = {"email": planificateur.email, "password": MOT_DE_PASSE}

    faux = client.post("/api/v1/auth/token/", {**demande, "code": code_totp(appareil, decalage=5)})
    TOTPDevice.objects.get(pk=appareil.pk).throttle_reset()  # le frein d'une seconde, qu'on n'attend pas ici
    bon = client.post("/api/v1/auth/token/", {**demande, "code": code_totp(appareil)})

    assert faux.status_code == 400 and "token" not in faux.json()
    assert faux.json()["code"][0].startswith("Code incorrect")
    assert bon.status_code == 200
    jeton = bon.json()["token"]
    assert client.get("/api/v1/journal/", headers={"Authorization": f"Token {jeton}"}).status_code == 200


def test_le_code_ne_sert_pas_sans_le_bon_mot_de_passe(client, planificateur):
    appareil = appareil_totp(planificateur)

    reponse = client.post(
        "/api/v1/auth/token/", {"email": planificateur.email, "password": "faux", "code": code_totp(appareil)}
    )

    assert reponse.status_code == 400
    assert reponse.json() == {"detail": "Courriel ou mot de passe incorrect."}
