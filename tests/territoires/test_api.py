import pytest
from rest_framework.serializers import ModelSerializer

from territoires.api import LECTURE_TERRITOIRES, TerritoireSerializer
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires

pytestmark = pytest.mark.django_db


@pytest.fixture
def territoires():
    importer_territoires()


def test_l_api_liste_les_101_departements_avec_leur_population(client, territoires):
    reponse = client.get("/api/v1/territoires/", {"niveau": "departement"})

    assert reponse.status_code == 200
    donnees = reponse.json()
    assert donnees["count"] == 101
    assert len(donnees["results"]) == 101
    aisne = next(t for t in donnees["results"] if t["code"] == "02")
    assert aisne == {
        "id": aisne["id"],
        "niveau": "departement",
        "code": "02",
        "nom": "Aisne",
        "parent": Territoire.objects.get(niveau=Niveau.REGION, code="32").pk,
        "region": "32",
        "population": 523_342,
        "millesime_population": 2023,
        "source_population": "INSEE populations légales 2023 (en vigueur au 1er janvier 2026)",
        "note": "",
    }


def test_le_filtre_niveau_donne_les_18_regions(client, territoires):
    assert client.get("/api/v1/territoires/", {"niveau": "region"}).json()["count"] == 18


def test_filtre_region_donne_la_region_et_tout_ce_qu_elle_contient(client, territoires):
    codes = {t["code"] for t in client.get("/api/v1/territoires/", {"region": "32"}).json()["results"]}

    assert {"32", "02", "59", "60", "62", "80", "32-nord-metropole"} <= codes
    assert len(codes) == 12


def test_les_filtres_parent_et_code_donnent_les_enfants_et_le_territoire_exact(client, territoires):
    nord = Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="59")

    enfants = client.get("/api/v1/territoires/", {"parent": nord.pk}).json()["results"]
    par_code = client.get("/api/v1/territoires/", {"code": "976"}).json()["results"]

    assert {t["nom"] for t in enfants} == {"Nord-Hainaut", "Nord-Métropole"}
    assert [(t["nom"], t["millesime_population"]) for t in par_code] == [("Mayotte", 2017)]


def test_un_niveau_inconnu_repond_une_erreur_en_francais(client, territoires):
    reponse = client.get("/api/v1/territoires/", {"niveau": "canton"})

    assert reponse.status_code == 400
    assert "canton" in reponse.json()["niveau"][0]


def test_la_liste_tient_en_deux_requetes_quel_que_soit_le_nombre_de_territoires(client, django_assert_num_queries):
    from tests.territoires.factories import TerritoireFactory

    TerritoireFactory()
    # 1 page de territoires, qui n'est pas pleine : elle donne le total, sans COUNT
    with django_assert_num_queries(1):
        client.get("/api/v1/territoires/")
    TerritoireFactory.create_batch(20)
    with django_assert_num_queries(1):
        assert client.get("/api/v1/territoires/").json()["count"] == 23
    # une page pleine ne dit pas s'il en reste : COUNT, puis la page
    with django_assert_num_queries(2):
        assert client.get("/api/v1/territoires/", {"page_size": 5}).json()["count"] == 23


def test_une_ligne_lue_par_values_se_rend_comme_le_model_serializer_la_rendrait(territoires):
    """La sérialisation en une passe (sur les lignes de `.values()`) face à celle, champ par champ, du
    ModelSerializer sur chaque territoire : pays, régions, départements, territoires de santé, populations absentes."""
    rendu_rapide = TerritoireSerializer(Territoire.objects.values(*LECTURE_TERRITOIRES), many=True).data
    rendu_champ_par_champ = [
        ModelSerializer.to_representation(TerritoireSerializer(), territoire)
        for territoire in Territoire.objects.all()
    ]

    assert len(rendu_rapide) > 100
    assert rendu_rapide == rendu_champ_par_champ
    assert {ligne["population"] is None for ligne in rendu_rapide} == {True, False}
    assert {ligne["region"] is None for ligne in rendu_rapide} == {True, False}


def test_la_page_des_territoires_montre_le_millesime_ancien_de_mayotte(client, territoires):
    reponse = client.get("/territoires/")

    contenu = reponse.content.decode()
    assert "Mayotte" in contenu
    assert "millésime ancien" in contenu
    # Les deux territoires de santé du Nord ; les quatre autres couvrent leur département et en ont la population.
    assert contenu.count('<td class="nombre">non disponible</td>') == 2


def test_la_page_des_territoires_en_nombre_de_requetes_constant(client, territoires, django_assert_num_queries):
    # 1 France, 1 territoires avec leur parent ; session anonyme : aucune requête
    with django_assert_num_queries(2):
        client.get("/territoires/")


def test_page_size_choisit_la_taille_de_la_page_de_1_a_500(client, territoires):
    deux = client.get("/api/v1/territoires/", {"niveau": "departement", "page_size": 2}).json()
    tout = client.get("/api/v1/territoires/", {"page_size": 500}).json()

    assert (deux["count"], len(deux["results"])) == (101, 2)
    assert deux["next"].endswith("page=2&page_size=2")
    assert len(tout["results"]) == tout["count"]
    for refusee in ("0", "501", "abc", "2.5", "", "null"):
        reponse = client.get("/api/v1/territoires/", {"page_size": refusee})
        assert reponse.status_code == 400, refusee
        assert reponse.json() == {"page_size": ["Taille de page invalide : un nombre entier de 1 à 500."]}


def test_un_territoire_se_lit_par_son_identifiant(client, territoires):
    nord = Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="59")

    reponse = client.get(f"/api/v1/territoires/{nord.pk}/")

    assert reponse.status_code == 200
    assert reponse.json() == ModelSerializer.to_representation(TerritoireSerializer(), nord)
    assert reponse.json()["region"] == "32"
    assert client.get("/api/v1/territoires/999999/").status_code == 404
