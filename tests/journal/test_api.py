"""/api/v1/journal/ : la même chose que la page (mêmes filtres, même périmètre), avec exactement les clés
date, auteur, action, objet, objet_id, avant, apres ; paginée comme les autres listes ; requêtes en nombre fixe."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from journal.models import OBJETS
from tests.journal.conftest import ANNOTATION, poser_cible
from tests.territoires.factories import TerritoireFactory
from tests.test_journal import client_api

pytestmark = pytest.mark.django_db
URL = "/api/v1/journal/"
CLES = {"date", "auteur", "action", "objet", "objet_id", "avant", "apres"}


def objets(reponse) -> list[tuple[str, int]]:
    return [(e["objet"], e["objet_id"]) for e in reponse.json()["results"]]


def test_chaque_entree_a_exactement_les_cles_attendues(planificateur, journal_exemple):
    resultats = client_api(planificateur).get(URL).json()["results"]

    assert resultats and all(set(entree) == CLES for entree in resultats)
    creation, modification = [e for e in resultats if e["objet"] == "cible"][::-1]
    assert modification | {"date": None} == {
        "date": None,
        "auteur": "planificateur@exemple.test",
        "action": "modification",
        "objet": "cible",
        "objet_id": journal_exemple["cible"].pk,
        "avant": {"valeur": "62.00", "version": "1"},
        "apres": {"valeur": "70", "version": "2"},
    }
    assert creation["action"] == "creation" and creation["avant"] == {} and creation["apres"]["valeur"] == "62"


def test_l_api_donne_les_memes_entrees_que_la_page(client, planificateur, journal_exemple):
    client.force_login(planificateur)
    for filtres in ({}, {"objet": "cible"}, {"auteur": "système"}):
        page = [(e.objet, e.object_id) for e in client.get("/journal/", filtres).context["page_obj"]]
        assert objets(client_api(planificateur).get(URL, filtres)) == page


def test_meme_perimetre_que_la_page(planificateur_idf, journal_exemple, operateur, instructeur):
    assert objets(client_api(planificateur_idf).get(URL)) == [("cible", journal_exemple["cible_idf"].pk)]
    assert client_api(operateur).get(URL).status_code == 403
    assert client_api(instructeur).get(URL).status_code == 403
    assert APIClient().get(URL).status_code == 401


def test_l_annotation_privee_n_y_parait_jamais(planificateur, administrateur, journal_exemple):
    for user in (planificateur, administrateur):
        corps = client_api(user).get(URL).content.decode()
        assert "Solide." in corps and ANNOTATION not in corps and "annotation_privee" not in corps


def test_un_filtre_mal_ecrit_repond_400_par_filtre(planificateur, journal_exemple):
    reponse = client_api(planificateur).get(URL, {"date_debut": "hier", "objet": "utilisateur"})

    assert reponse.status_code == 400
    assert set(reponse.json()) == {"date_debut", "objet"}


def test_paginee_comme_les_autres_listes(planificateur, region_hdf, horizon):
    taille = settings.REST_FRAMEWORK["PAGE_SIZE"]
    for rang in range(taille + 1):
        poser_cible(planificateur, TerritoireFactory(parent=region_hdf), horizon, rang)
    client = client_api(planificateur)

    premiere = client.get(URL).json()
    seconde = client.get(URL, {"page": 2}).json()

    assert (premiere["count"], len(premiere["results"]), len(seconde["results"])) == (taille + 1, taille, 1)
    assert premiere["next"].endswith("?page=2") and seconde["previous"]
    assert client.get(URL, {"page": 3}).status_code == 404


@pytest.mark.parametrize("nombre", [1, 20])
def test_nombre_de_requetes_constant(planificateur, region_hdf, horizon, nombre, django_assert_num_queries):
    for rang in range(nombre):
        poser_cible(planificateur, TerritoireFactory(parent=region_hdf), horizon, rang)
    client = client_api(planificateur)

    # Jeton et utilisateur, chemins de ses régions, compte, page d'entrées (auteur et type d'objet joints).
    with django_assert_num_queries(4):
        reponse = client.get(URL)
    assert len(reponse.json()["results"]) == nombre


def test_les_reglages_d_auditlog_se_deduisent_des_objets_du_journal():
    """Un seul endroit dit quels modèles sont journalisés et dans quelle région ils se rangent ; les champs exclus
    (brouillon, annotation privée) suivent."""
    suivis = {m if isinstance(m, str) else m["model"] for m in settings.AUDITLOG_INCLUDE_TRACKING_MODELS}
    assert suivis == {objet.modele for objet in OBJETS}
    avis = next(
        m for m in settings.AUDITLOG_INCLUDE_TRACKING_MODELS if isinstance(m, dict) and m["model"] == "appels.Avis"
    )
    assert avis["exclude_fields"] == ["annotation_privee"]
