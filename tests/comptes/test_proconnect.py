"""La connexion des agents par ProConnect, de bout en bout contre le fournisseur OpenID local (tests/conftest.py) :
redirections, state, nonce, échange du code et signature vérifiés par mozilla-django-oidc et notre backend."""

import json
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.messages import get_messages

from comptes.backends import ConnexionProConnect
from comptes.models import Utilisateur
from tests.comptes.factories import UtilisateurFactory
from tests.comptes.fournisseur_oidc import chemin

pytestmark = pytest.mark.django_db


def parametres(adresse: str) -> dict[str, str]:
    return {cle: valeurs[0] for cle, valeurs in parse_qs(urlsplit(adresse).query).items()}


def aller_retour(client, fournisseur, sub, suivante=""):
    """L'agent clique sur « S'identifier avec ProConnect », s'authentifie chez le fournisseur et revient."""
    depart = client.get("/proconnect/connexion/" + (f"?next={suivante}" if suivante else ""))
    assert depart.status_code == 302
    retour = fournisseur.autoriser(depart["Location"], sub)
    return client.get(chemin(retour)), depart["Location"]


def messages_de(reponse) -> list[str]:
    return [str(m) for m in get_messages(reponse.wsgi_request)]


def test_un_agent_ars_se_connecte_par_proconnect_sans_code_de_plus(client, proconnect, planificateur):
    proconnect.declarer("agent-ars-1", email="Planificateur@EXEMPLE.test", given_name="Camille", usual_name="Testeur")

    reponse, aller = aller_retour(client, proconnect, "agent-ars-1", suivante="/planification/")

    demande = parametres(aller)
    assert demande["scope"] == "openid email given_name usual_name siret"
    assert demande["response_type"] == "code" and demande["client_id"] == "pilotage-praps-tests"
    assert len(demande["state"]) >= 32 and len(demande["nonce"]) >= 32  # exigés par ProConnect
    assert json.loads(demande["claims"]) == {
        "id_token": {"acr": {"essential": True, "values": ["eidas0-mfa", "eidas1-mfa", "eidas2", "eidas3"]}}
    }
    assert reponse.status_code == 302 and reponse["Location"] == "/planification/"  # pas de code TOTP en plus
    assert client.get("/").context["user"] == planificateur
    assert client.session["oidc_id_token"].count(".") == 2  # gardé pour la déconnexion


@pytest.mark.parametrize("role", ["instructeur", "dreets"])
def test_instructeurs_et_agents_dreets_se_connectent_aussi(client, proconnect, role, request):
    agent = request.getfixturevalue(role)
    proconnect.declarer(f"agent-{role}", email=agent.email)

    aller_retour(client, proconnect, f"agent-{role}")

    assert client.get("/").context["user"] == agent


def test_un_courriel_inconnu_est_refuse_sans_rien_creer(client, proconnect, planificateur):
    proconnect.declarer("inconnu", email="nouvel.agent@ars.sante.fr")
    avant = Utilisateur.objects.count()

    reponse, _ = aller_retour(client, proconnect, "inconnu")

    assert reponse["Location"] == "/connexion/"
    assert Utilisateur.objects.count() == avant
    assert messages_de(reponse) == [
        "Aucun compte de Pilotage PRAPS n'est ouvert pour le courriel « nouvel.agent@ars.sante.fr » donné par "
        "ProConnect. Un administrateur de votre ARS ouvre les comptes des agents : demandez-lui le vôtre."
    ]


@pytest.mark.parametrize(
    ("role", "libelle"), [("operateur", "Opérateur"), ("administrateur", "Administrateur")], ids=["operateur", "admin"]
)
def test_operateurs_et_administrateurs_gardent_leur_mot_de_passe(client, proconnect, role, libelle, request):
    compte = request.getfixturevalue(role)
    proconnect.declarer(f"compte-{role}", email=compte.email)

    reponse, _ = aller_retour(client, proconnect, f"compte-{role}")

    assert messages_de(reponse) == [
        f"ProConnect est réservé aux agents ARS et DREETS ; votre compte ({libelle}) se connecte avec son courriel "
        "et son mot de passe."
    ]


def test_un_compte_desactive_est_refuse(client, proconnect, planificateur):
    Utilisateur.objects.filter(pk=planificateur.pk).update(is_active=False)
    proconnect.declarer("desactive", email=planificateur.email)

    reponse, _ = aller_retour(client, proconnect, "desactive")

    assert messages_de(reponse) == ["Ce compte est désactivé. Contactez votre administrateur."]
    assert client.get("/").context["user"].is_anonymous


@pytest.mark.parametrize("acr", ["eidas1", "eidas0", ""])
def test_une_connexion_proconnect_sans_double_authentification_est_refusee(client, proconnect, planificateur, acr):
    proconnect.declarer(f"sans-mfa-{acr}", email=planificateur.email, acr=acr)

    reponse, _ = aller_retour(client, proconnect, f"sans-mfa-{acr}")

    assert "demande une connexion ProConnect avec double authentification" in messages_de(reponse)[0]
    assert client.get("/").context["user"].is_anonymous
    assert "oidc_id_token" not in client.session


def test_un_retour_rejoue_est_refuse(client, proconnect, planificateur):
    proconnect.declarer("rejeu", email=planificateur.email)
    depart = client.get("/proconnect/connexion/")
    retour = chemin(proconnect.autoriser(depart["Location"], "rejeu"))
    client.get(retour)
    client.post("/deconnexion/")  # session fermée ; quelqu'un rejoue l'adresse de retour

    reponse = client.get(retour)

    assert reponse.status_code == 302 and reponse["Location"] == "/connexion/"
    assert client.get("/").context["user"].is_anonymous


def test_un_state_inconnu_est_refuse_en_francais(client, proconnect, planificateur):
    proconnect.declarer("state", email=planificateur.email)
    depart = client.get("/proconnect/connexion/")
    retour = parametres(proconnect.autoriser(depart["Location"], "state"))

    reponse = client.get("/proconnect/retour/", {"code": retour["code"], "state": "x" * 32})

    assert reponse["Location"] == "/connexion/"
    assert messages_de(reponse) == ["Ce retour de ProConnect n'est pas celui attendu : recommencez la connexion."]
    assert client.get("/").context["user"].is_anonymous


def test_un_jeton_d_un_autre_emetteur_est_refuse(client, proconnect, planificateur, settings):
    settings.PROCONNECT_EMETTEUR = "https://auth.agentconnect.gouv.fr/api/v2"  # ce n'est pas lui qui a signé
    proconnect.declarer("emetteur", email=planificateur.email)

    reponse, _ = aller_retour(client, proconnect, "emetteur")

    assert messages_de(reponse) == ["La réponse de ProConnect n'a pas pu être vérifiée : recommencez la connexion."]
    assert client.get("/").context["user"].is_anonymous


@pytest.mark.parametrize(
    ("aud", "iss", "erreur"),
    [
        ("un-autre-service", "https://auth.agentconnect.gouv.fr/api/v2", jwt.InvalidAudienceError),
        ("pilotage-praps", "https://ailleurs.example", jwt.InvalidIssuerError),
        (None, "https://auth.agentconnect.gouv.fr/api/v2", jwt.MissingRequiredClaimError),
    ],
    ids=["autre-destinataire", "autre-emetteur", "sans-destinataire"],
)
def test_le_backend_verifie_destinataire_et_emetteur_que_mozilla_ne_verifie_pas(settings, aud, iss, erreur):
    """Le fournisseur local signe toujours pour le bon client : ce refus se vérifie donc sur un jeton signé ici."""
    settings.OIDC_RP_CLIENT_ID = "pilotage-praps"
    settings.PROCONNECT_EMETTEUR = "https://auth.agentconnect.gouv.fr/api/v2"
    cle = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    contenu = {"iss": iss, "sub": "x", "exp": int(time.time()) + 60} | ({"aud": aud} if aud else {})
    backend = ConnexionProConnect()

    with pytest.raises(erreur):
        backend.get_payload_data(jwt.encode(contenu, cle, algorithm="RS256"), cle.public_key())
    bon = {**contenu, "aud": "pilotage-praps", "iss": "https://auth.agentconnect.gouv.fr/api/v2"}
    assert backend.get_payload_data(jwt.encode(bon, cle, algorithm="RS256"), cle.public_key())["sub"] == "x"


def test_une_erreur_annoncee_par_proconnect_est_dite_en_francais(client, proconnect):
    client.get("/proconnect/connexion/")

    reponse = client.get("/proconnect/retour/", {"error": "access_denied", "state": "x"})

    assert reponse["Location"] == "/connexion/"
    assert messages_de(reponse) == ["La connexion avec ProConnect n'a pas abouti : recommencez."]


def test_proconnect_injoignable_ne_donne_pas_d_erreur_500(client, proconnect, planificateur, settings):
    proconnect.declarer("injoignable", email=planificateur.email)
    depart = client.get("/proconnect/connexion/")
    retour = proconnect.autoriser(depart["Location"], "injoignable")
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # port fermé

    reponse = client.get(chemin(retour))

    assert reponse["Location"] == "/connexion/"
    assert messages_de(reponse) == ["ProConnect ne répond pas pour le moment : réessayez dans quelques minutes."]


def test_la_deconnexion_ferme_aussi_la_session_proconnect(client, proconnect, planificateur):
    proconnect.declarer("deconnexion", email=planificateur.email)
    aller_retour(client, proconnect, "deconnexion")
    id_token = client.session["oidc_id_token"]

    sortie = client.post("/deconnexion/")

    assert client.get("/").context["user"].is_anonymous  # fermée ici d'abord
    fin = parametres(sortie["Location"])
    assert fin["id_token_hint"] == id_token
    assert fin["post_logout_redirect_uri"] == "http://testserver/proconnect/deconnexion/"
    retour = client.get(chemin(proconnect.terminer_session(sortie["Location"])))
    assert retour["Location"] == "/"
    assert messages_de(retour) == ["Vous êtes déconnecté de Pilotage PRAPS et de ProConnect."]


def test_la_deconnexion_d_une_session_par_mot_de_passe_ne_passe_pas_par_proconnect(client, proconnect, operateur):
    client.force_login(operateur)

    assert client.post("/deconnexion/")["Location"] == "/"


def test_le_bouton_proconnect_mene_au_fournisseur(client, proconnect):
    contenu = client.get("/connexion/?next=/planification/").content.decode()

    assert 'href="/proconnect/connexion/?next=/planification/"' in contenu
    assert "S’identifier avec" in contenu


def test_sans_reglage_proconnect_le_bouton_disparait_et_l_adresse_le_dit(client):
    assert "S’identifier avec" not in client.get("/connexion/").content.decode()

    reponse = client.get("/proconnect/connexion/")

    assert reponse["Location"] == "/connexion/"
    assert messages_de(reponse) == ["La connexion par ProConnect n'est pas ouverte sur ce site."]


def test_un_agent_cree_apres_coup_par_l_administration_se_connecte(client, proconnect, region_hdf):
    """Le parcours d'un nouvel agent : refusé, puis son compte ouvert par l'administration, il entre."""
    proconnect.declarer("nouveau", email="nouvel.agent@ars.sante.fr")
    aller_retour(client, proconnect, "nouveau")
    assert client.get("/").context["user"].is_anonymous

    agent = UtilisateurFactory(instructeur=True, region=region_hdf, email="nouvel.agent@ars.sante.fr")
    aller_retour(client, proconnect, "nouveau")

    assert client.get("/").context["user"] == agent


class TestIdentiteProConnect:
    """Le « sub » de ProConnect, retenu à la première connexion, reconnaît l'agent ensuite ; un autre sujet qui
    présente le même courriel est refusé."""

    def test_la_premiere_connexion_retient_le_sub_et_la_suivante_le_suit_meme_si_le_courriel_change(
        self, client, proconnect, planificateur
    ):
        proconnect.declarer("agent-ars-1", email=planificateur.email)
        aller_retour(client, proconnect, "agent-ars-1")
        planificateur.refresh_from_db()
        assert planificateur.proconnect_sub == "agent-ars-1"

        client.logout()
        proconnect.declarer("agent-ars-1", email="nouveau.courriel@ars.sante.fr")
        aller_retour(client, proconnect, "agent-ars-1")

        assert client.get("/").context["user"] == planificateur

    def test_un_autre_sujet_avec_le_meme_courriel_est_refuse(self, client, proconnect, planificateur):
        planificateur.proconnect_sub = "agent-ars-1"
        planificateur.save()
        proconnect.declarer("usurpateur", email=planificateur.email)

        reponse, _ = aller_retour(client, proconnect, "usurpateur")

        assert client.get("/").context["user"].is_anonymous
        assert "rattaché à une autre identité ProConnect" in messages_de(reponse)[0]
        planificateur.refresh_from_db()
        assert planificateur.proconnect_sub == "agent-ars-1"

    def test_un_refus_ne_retient_pas_le_sub(self, client, proconnect, operateur):
        proconnect.declarer("operateur-1", email=operateur.email)

        aller_retour(client, proconnect, "operateur-1")

        operateur.refresh_from_db()
        assert operateur.proconnect_sub == ""

    def test_deux_comptes_ne_partagent_pas_une_identite(self, planificateur, instructeur):
        from django.core.exceptions import ValidationError

        planificateur.proconnect_sub = "agent-ars-1"
        planificateur.save()
        instructeur.proconnect_sub = "agent-ars-1"

        with pytest.raises(ValidationError, match="déjà rattachée à un autre compte"):
            instructeur.validate_constraints()
