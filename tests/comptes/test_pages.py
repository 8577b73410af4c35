import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views.defaults import permission_denied

from config.comptes.models import Role
from config.policy import Regle, acces

pytestmark = pytest.mark.django_db

TEXTE_PAR_ROLE = {
    Role.PLANIFICATEUR: "Vous fixez les cibles du PRAPS",
    Role.INSTRUCTEUR: "Vous instruisez les lettres d'intention",
    Role.DREETS: "co-instruisez les appels",
    Role.OPERATEUR: "Vos organismes",
    Role.ADMINISTRATEUR: "Vous gérez les comptes",
}


@pytest.mark.parametrize("role", list(Role))
def test_chaque_role_a_sa_page_d_accueil(client, casting, role):
    client.force_login(casting[role])

    contenu = client.get("/").content.decode()

    assert TEXTE_PAR_ROLE[role] in contenu
    autres = [texte for autre, texte in TEXTE_PAR_ROLE.items() if autre != role]
    assert not any(texte in contenu for texte in autres)


def test_accueil_public_sans_connexion(client):
    contenu = client.get("/").content.decode()

    assert "Se connecter" in contenu
    assert "Programme régional d'accès à la prévention" in contenu


def test_l_en_tete_montre_la_structure_de_l_agent(client, dreets):
    client.force_login(dreets)

    assert "DREETS Hauts-de-France" in client.get("/").content.decode()


def test_l_operateur_voit_ses_organismes_et_pas_les_autres(client, operateur, operateur_autre):
    client.force_login(operateur)

    contenu = client.get("/").content.decode()

    assert "Association Exemple Nord (fictive)" in contenu
    assert "Association Autre Somme (fictive)" not in contenu


def test_le_menu_suit_les_droits(client, planificateur, administrateur):
    client.force_login(planificateur)
    assert "/admin/" not in client.get("/").content.decode()

    client.force_login(administrateur)
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_page_404_en_francais(client):
    reponse = client.get("/cette-page-n-existe-pas/")

    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()


def test_page_403_en_francais(operateur):
    requete = RequestFactory().get("/")
    requete.user = operateur

    reponse = permission_denied(requete, PermissionDenied())

    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()


def test_une_vue_gardee_refuse_un_role_non_admis_et_renvoie_l_anonyme_a_la_connexion(operateur):
    vue = acces(Regle.ADMINISTRATION)(lambda request: HttpResponse("secret"))
    requete = RequestFactory().get("/reserve/")
    requete.user = operateur
    with pytest.raises(PermissionDenied):
        vue(requete)

    requete.user = AnonymousUser()
    assert vue(requete)["Location"] == "/connexion/?next=/reserve/"


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r or "anonyme")
def test_accueil_en_nombre_de_requetes_constant(client, casting, role, django_assert_max_num_queries):
    if casting[role]:
        client.force_login(casting[role])
    # session, utilisateur, sa région ; organismes pour un opérateur
    with django_assert_max_num_queries(4):
        client.get("/")
