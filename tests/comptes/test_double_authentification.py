"""La double authentification (TOTP) des comptes à mot de passe qui décident, hors démonstration."""

import pytest
from django.contrib.messages import get_messages
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptes.views.double_authentification import CLE_ATTENTE, DUREE_ATTENTE
from tests.comptes.factories import MOT_DE_PASSE, appareil_totp, code_totp
from tests.comptes.test_connexion import se_connecter

pytestmark = pytest.mark.django_db


@pytest.fixture
def appareil(planificateur):
    return appareil_totp(planificateur)


def connecte(client):
    return client.get("/").context["user"]


@pytest.mark.parametrize("role", ["planificateur", "instructeur", "administrateur"])
def test_le_mot_de_passe_seul_n_ouvre_pas_la_session_d_un_role_qui_decide(client, role, request):
    compte = request.getfixturevalue(role)

    reponse = se_connecter(client, compte.email)

    assert reponse["Location"] == "/connexion/activation/"
    assert connecte(client).is_anonymous


@pytest.mark.parametrize("role", ["operateur", "dreets"])
def test_operateurs_et_agents_dreets_entrent_avec_le_mot_de_passe(client, role, request):
    compte = request.getfixturevalue(role)

    assert se_connecter(client, compte.email)["Location"] == "/"
    assert connecte(client) == compte


@override_settings(DEBUG=True)
def test_en_demonstration_le_code_n_est_pas_demande(client, planificateur):
    assert se_connecter(client, planificateur.email)["Location"] == "/"
    assert connecte(client) == planificateur


def test_activation_par_qr_code_puis_codes_de_secours(client, planificateur, django_assert_num_queries):
    client.post("/connexion/?next=/planification/", {"username": planificateur.email, "password": MOT_DE_PASSE})
    # session, compte en attente, un appareil confirmé ? (TOTP, codes de secours), l'appareil à confirmer :
    # cherché, puis créé (point de sauvegarde, INSERT, libération)
    with django_assert_num_queries(8):
        page = client.get("/connexion/activation/")
    contenu = page.content.decode()
    appareil = TOTPDevice.objects.get(user=planificateur)
    assert not appareil.confirmed
    principal = contenu.split("<main")[1].split("</main>")[0]
    assert 'src="data:image/svg+xml;base64,' in principal and "<script" not in principal and "style=" not in principal
    assert client.get("/connexion/activation/").context["cle"] == page.context["cle"]  # le même QR code au retour

    faux = client.post("/connexion/activation/", {"code": code_totp(appareil, decalage=5)})
    assert "Ce code ne correspond pas" in faux.content.decode()
    assert connecte(client).is_anonymous
    TOTPDevice.objects.get(pk=appareil.pk).throttle_reset()  # le frein d'une seconde, qu'on n'attend pas ici

    reponse = client.post("/connexion/activation/", {"code": code_totp(appareil)})

    assert reponse["Location"] == "/connexion/codes-de-secours/"
    assert connecte(client) == planificateur
    codes = client.get("/connexion/codes-de-secours/")
    assert sorted(codes.context["codes"]) == sorted(StaticToken.objects.values_list("token", flat=True))
    assert len(codes.context["codes"]) == 10 and codes.context["suivante"] == "/planification/"
    assert client.get("/connexion/codes-de-secours/")["Location"] == "/"  # montrés une seule fois
    appareil.refresh_from_db()
    assert appareil.confirmed


def test_a_chaque_connexion_le_code_de_l_application(client, planificateur, appareil, django_assert_num_queries):
    assert se_connecter(client, planificateur.email)["Location"] == "/connexion/code/"
    # session, compte en attente, un appareil confirmé ? (le TOTP répond : les codes de secours ne sont pas lus)
    with django_assert_num_queries(3):
        assert client.get("/connexion/code/").status_code == 200

    refuse = client.post("/connexion/code/", {"code": code_totp(appareil, decalage=5)})
    assert "Code incorrect" in refuse.content.decode()
    assert connecte(client).is_anonymous
    TOTPDevice.objects.get(pk=appareil.pk).throttle_reset()  # le frein d'une seconde, qu'on n'attend pas ici

    reponse = client.post("/connexion/code/", {"code": code_totp(appareil)})

    assert reponse["Location"] == "/"
    assert connecte(client) == planificateur


def test_un_code_deja_utilise_ne_sert_pas_deux_fois(client, planificateur, appareil):
    code = code_totp(appareil)
    se_connecter(client, planificateur.email)
    client.post("/connexion/code/", {"code": code})
    client.post("/deconnexion/")

    se_connecter(client, planificateur.email)
    client.post("/connexion/code/", {"code": code})

    assert connecte(client).is_anonymous


def test_un_code_de_secours_sert_une_fois(client, planificateur, appareil):
    from comptes.services import _nouveaux_codes_de_secours

    secours = _nouveaux_codes_de_secours(planificateur)[0]
    se_connecter(client, planificateur.email)
    assert client.post("/connexion/code/", {"code": f" {secours[:4].upper()} {secours[4:]} "})["Location"] == "/"
    client.post("/deconnexion/")

    se_connecter(client, planificateur.email)
    client.post("/connexion/code/", {"code": secours})

    assert connecte(client).is_anonymous
    assert StaticToken.objects.count() == 9


def test_les_essais_de_code_sont_freines(client, planificateur, appareil):
    se_connecter(client, planificateur.email)
    for _ in range(3):
        client.post("/connexion/code/", {"code": code_totp(appareil, decalage=10)})

    reponse = client.post("/connexion/code/", {"code": code_totp(appareil)})  # même le bon code attend

    assert "Trop de codes erronés : réessayez après" in reponse.content.decode()
    assert connecte(client).is_anonymous


def test_un_compte_qui_a_deja_un_appareil_n_en_active_pas_un_autre_avec_son_seul_mot_de_passe(
    client, planificateur, appareil
):
    se_connecter(client, planificateur.email)

    assert client.get("/connexion/activation/")["Location"] == "/connexion/code/"
    assert TOTPDevice.objects.filter(user=planificateur).count() == 1


@pytest.mark.parametrize("adresse", ["/connexion/code/", "/connexion/activation/"])
def test_sans_mot_de_passe_saisi_les_etapes_renvoient_a_la_connexion(client, adresse):
    reponse = client.get(adresse)

    assert reponse["Location"] == "/connexion/"
    assert [str(m) for m in get_messages(reponse.wsgi_request)] == [
        "Votre connexion a expiré : saisissez de nouveau votre courriel et votre mot de passe."
    ]


def test_la_connexion_en_attente_expire(client, planificateur, appareil):
    se_connecter(client, planificateur.email)
    session = client.session
    session[CLE_ATTENTE]["le"] -= DUREE_ATTENTE + 1
    session.save()

    client.post("/connexion/code/", {"code": code_totp(appareil)})

    assert connecte(client).is_anonymous


def test_l_administration_passe_par_la_page_de_connexion_commune(client, administrateur):
    reponse = client.get("/admin/login/?next=/admin/comptes/")

    assert reponse["Location"] == "/connexion/?next=/admin/comptes/"
    # Le formulaire de l'administration ne suffit pas non plus avec le mot de passe seul.
    client.post("/admin/login/", {"username": administrateur.email, "password": MOT_DE_PASSE})
    assert connecte(client).is_anonymous
