"""La page /journal/ : le planificateur lit le journal de sa région (jamais celui d'une autre), filtré par type
d'objet, auteur et date, paginé, en un nombre de requêtes fixe ; les champs exclus n'y paraissent jamais."""

import html
import re

import pytest
from django.urls import reverse

from journal.views import PAR_PAGE
from tests.journal.conftest import ANNOTATION, poser_cible
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db
URL = "/journal/"


def texte(response) -> str:
    sans_balises = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(sans_balises).replace("\xa0", " "))


def lignes(response) -> list[tuple[str, int]]:
    """(type d'objet, identifiant) de chaque ligne de la page, dans l'ordre."""
    return [(e.objet, e.object_id) for e in response.context["page_obj"]]


def test_le_planificateur_lit_le_journal_de_sa_region_seulement(client, planificateur, journal_exemple):
    client.force_login(planificateur)

    reponse = client.get(URL)

    assert reponse.status_code == 200
    assert ("cible", journal_exemple["cible"].pk) in lignes(reponse)
    assert ("avis", journal_exemple["avis"].pk) in lignes(reponse)
    assert ("cible", journal_exemple["cible_idf"].pk) not in lignes(reponse)
    page = texte(reponse)
    assert "planificateur@exemple.test" in page and "planif-idf@exemple.test" not in page
    assert "Cible : 62 → 70" in page  # avant → après, à la française
    assert "Statut : Déposée → En instruction" in page  # un statut écrit comme à l'écran


def test_le_planificateur_d_une_autre_region_ne_voit_pas_ces_entrees(client, planificateur_idf, journal_exemple):
    client.force_login(planificateur_idf)

    assert lignes(client.get(URL)) == [("cible", journal_exemple["cible_idf"].pk)]


@pytest.mark.parametrize("role", ["operateur", "instructeur", "dreets"])
def test_les_autres_roles_n_y_ont_pas_acces(client, journal_exemple, role, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403


def test_l_administrateur_lit_tout_le_journal(client, administrateur, journal_exemple):
    client.force_login(administrateur)

    objets = lignes(client.get(URL))

    assert ("cible", journal_exemple["cible"].pk) in objets and ("cible", journal_exemple["cible_idf"].pk) in objets


def test_l_annotation_privee_n_y_parait_jamais(client, planificateur, administrateur, journal_exemple):
    for user in (planificateur, administrateur):
        client.force_login(user)
        page = texte(client.get(URL))
        assert "Solide." in page  # le commentaire partagé, lui, est journalisé
        assert ANNOTATION not in page


def test_filtres_par_type_d_objet_auteur_et_date(client, planificateur, instructeur, journal_exemple):
    client.force_login(planificateur)
    cible, avis = journal_exemple["cible"], journal_exemple["avis"]

    assert lignes(client.get(URL, {"objet": "cible"})) == [("cible", cible.pk), ("cible", cible.pk)]
    assert {o for o, _ in lignes(client.get(URL, {"auteur": instructeur.email}))} == {"avis", "candidature"}
    assert ("avis", avis.pk) not in lignes(client.get(URL, {"auteur": "système"}))
    assert ("appel", avis.candidature.appel_id) in lignes(client.get(URL, {"auteur": "système"}))
    jour = avis.created_at.astimezone().date().isoformat()
    assert len(lignes(client.get(URL, {"date_debut": jour, "date_fin": jour}))) == 9
    assert lignes(client.get(URL, {"date_fin": "2020-01-01"})) == []


def test_le_filtre_des_auteurs_propose_ceux_du_journal(client, planificateur, instructeur, journal_exemple):
    client.force_login(planificateur)

    page = client.get(URL).content.decode()

    assert f'value="{instructeur.email}"' in page and 'value="système"' in page
    assert 'value="planif-idf@exemple.test"' not in page


@pytest.mark.parametrize(
    ("parametres", "message"),
    [
        ({"date_debut": "hier"}, "Saisissez une date valide."),
        ({"objet": "utilisateur"}, "Sélectionnez un choix valide."),
    ],
)
def test_un_filtre_mal_ecrit_est_refuse_avec_son_message(client, planificateur, journal_exemple, parametres, message):
    client.force_login(planificateur)

    reponse = client.get(URL, parametres)

    assert reponse.status_code == 400
    assert message in texte(reponse)
    assert lignes(reponse) == []


def test_des_dates_inversees_ne_donnent_rien_et_la_page_le_dit(client, planificateur, journal_exemple):
    client.force_login(planificateur)

    reponse = client.get(URL, {"date_debut": "2026-12-01", "date_fin": "2026-11-01"})

    assert reponse.status_code == 200 and lignes(reponse) == []
    assert "La date de fin précède la date de début : aucun changement ne peut correspondre." in texte(reponse)


def test_la_page_est_paginee_et_garde_ses_filtres(client, planificateur, region_hdf, horizon):
    for rang in range(PAR_PAGE + 1):
        poser_cible(planificateur, TerritoireFactory(parent=region_hdf), horizon, rang)
    client.force_login(planificateur)

    premiere = client.get(URL, {"objet": "cible"})
    seconde = client.get(URL, {"objet": "cible", "page": 2})

    assert len(lignes(premiere)) == PAR_PAGE and len(lignes(seconde)) == 1
    assert "?objet=cible&amp;page=2" in premiere.content.decode()


@pytest.mark.parametrize("nombre", [1, 20])
def test_nombre_de_requetes_constant(client, planificateur, region_hdf, horizon, nombre, django_assert_num_queries):
    for rang in range(nombre):
        poser_cible(planificateur, TerritoireFactory(parent=region_hdf), horizon, rang)
    client.force_login(planificateur)

    # Session, utilisateur, chemins de ses régions, auteurs du filtre, compte, région (en-tête), page d'entrées
    # (auteur et type d'objet joints).
    with django_assert_num_queries(7):
        reponse = client.get(URL)
    assert len(lignes(reponse)) == nombre


def test_le_planificateur_y_arrive_depuis_son_accueil_et_le_menu(client, planificateur):
    client.force_login(planificateur)

    accueil = client.get("/")

    assert f'href="{reverse("journal:journal")}"' in accueil.content.decode()
    assert any(e.get("url") == URL for e in accueil.context["menu_principal"])
