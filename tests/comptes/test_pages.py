import pytest
from django.http import HttpResponse
from django.urls import path

import config.urls
from comptes.models import Role
from config.policy import Regle, acces

pytestmark = pytest.mark.django_db

TEXTE_PAR_ROLE = {
    Role.PLANIFICATEUR: "Vous fixez les cibles du PRAPS",
    Role.INSTRUCTEUR: "Vous instruisez les lettres d'intention",
    Role.DREETS: "co-instruisez les appels",
    Role.OPERATEUR: "Vos organismes",
    Role.ADMINISTRATEUR: "Vous gérez les comptes",
    Role.NATIONAL: "Votre périmètre : la France",
}


@pytest.mark.parametrize("role", list(Role))
def test_chaque_role_a_sa_page_d_accueil(client, casting, role):
    client.force_login(casting[role])

    contenu = client.get("/").content.decode()

    assert TEXTE_PAR_ROLE[role] in contenu
    autres = [texte for autre, texte in TEXTE_PAR_ROLE.items() if autre != role]
    assert not any(texte in contenu for texte in autres)


def test_l_anonyme_voit_l_accueil_public(client):
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


def test_une_page_introuvable_repond_404_en_francais(client):
    reponse = client.get("/cette-page-n-existe-pas/")

    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()


def vue_reservee(request):
    return HttpResponse("Réservé aux administrateurs.")


# Le projet plus une page réservée aux administrateurs, pour voir la règle appliquée de bout en bout.
urlpatterns = [*config.urls.urlpatterns, path("reserve/", acces(Regle.ADMINISTRATION)(vue_reservee))]


@pytest.mark.urls("tests.comptes.test_pages")
def test_un_role_non_admis_recoit_la_page_403_en_francais(client, operateur):
    client.force_login(operateur)

    reponse = client.get("/reserve/")

    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.content.decode()


@pytest.mark.urls("tests.comptes.test_pages")
def test_l_anonyme_est_renvoye_a_la_connexion_et_l_admis_passe(client, administrateur):
    assert client.get("/reserve/")["Location"] == "/connexion/?next=/reserve/"

    client.force_login(administrateur)
    assert client.get("/reserve/").content.decode() == "Réservé aux administrateurs."


# Les requêtes de l'accueil : session, utilisateur, puis ce que la page montre de lui (sa région dans l'en-tête,
# ses organismes) ; rien pour l'anonyme, dont la session n'existe pas encore.
REQUETES_ACCUEIL = {
    None: [],
    Role.PLANIFICATEUR: ["session", "utilisateur", "sa région"],
    Role.INSTRUCTEUR: ["session", "utilisateur", "sa région"],
    Role.DREETS: ["session", "utilisateur", "sa région"],
    Role.OPERATEUR: ["session", "utilisateur", "ses organismes", "les appels ouverts"],
    Role.ADMINISTRATEUR: ["session", "utilisateur"],
    Role.NATIONAL: ["session", "utilisateur"],
}


@pytest.mark.parametrize("role", [None, *Role], ids=lambda r: r or "anonyme")
def test_l_accueil_de_chaque_role_fait_un_nombre_fixe_de_requetes(client, casting, role, django_assert_num_queries):
    if casting[role]:
        client.force_login(casting[role])

    with django_assert_num_queries(len(REQUETES_ACCUEIL[role])):
        client.get("/")


TACHES_PRINCIPALES = {
    Role.OPERATEUR: ["/appels/", "/candidatures/", "/indicateurs/declarations/"],
    Role.INSTRUCTEUR: ["/instruction/", "/tableau-de-bord/"],
    Role.DREETS: ["/instruction/", "/tableau-de-bord/"],
    Role.PLANIFICATEUR: ["/planification/", "/planification/cibles/", "/appels/gestion/", "/tableau-de-bord/"],
}


@pytest.mark.parametrize("role", list(TACHES_PRINCIPALES))
def test_l_accueil_de_chaque_role_mene_a_ses_taches_principales(client, casting, role):
    """Des tuiles dans la page elle-même, pas seulement dans le menu : le menu est retiré avant de chercher."""
    client.force_login(casting[role])

    contenu = client.get("/").content.decode()
    principal = contenu[contenu.index("<main") : contenu.index("</main>")]

    for adresse in TACHES_PRINCIPALES[role]:
        assert f'href="{adresse}"' in principal, adresse


def test_l_accueil_de_l_operateur_mene_aux_appels_ouverts_et_pas_aux_clos(client, operateur):
    from tests.appels.factories import AppelFactory

    ouvert = AppelFactory(reference="ouvert", titre="Équipes mobiles 2027")
    AppelFactory(reference="clos", titre="Appel d'hier", clos=True)
    client.force_login(operateur)

    contenu = client.get("/").content.decode()

    assert f'href="/appels/{ouvert.reference}/">Équipes mobiles 2027</a>' in contenu
    assert "Appel d&#x27;hier" not in contenu


def test_l_accueil_de_l_operateur_garde_ses_requetes_avec_vingt_appels_ouverts(
    client, operateur, django_assert_num_queries
):
    from tests.appels.factories import AppelFactory

    AppelFactory.create_batch(20)
    client.force_login(operateur)

    with django_assert_num_queries(len(REQUETES_ACCUEIL[Role.OPERATEUR])):  # les appels et leur région : une requête
        contenu = client.get("/").content.decode()
    assert contenu.count('href="/appels/appel-fictif-') == 5  # les cinq dont la date limite est la plus proche
