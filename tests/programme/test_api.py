import pytest

from programme.models import Statut
from tests.dispositifs.factories import TypeDispositifFactory
from tests.planification.factories import CibleFactory
from tests.programme.conftest import remplir
from tests.programme.factories import ActionFactory, FeuilleDeRouteFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db


def test_une_action_de_l_api_donne_objectif_statut_territoires_types_et_feuille_de_route(
    client, dreets, praps, nord, region_hdf
):
    lhss = TypeDispositifFactory(code="LHSS")
    cible = CibleFactory(type=lhss, territoire=region_hdf, valeur=62)
    action = ActionFactory(
        axe__feuille_de_route=praps, objectif="62 places", territoires=[nord], types=[lhss], cibles=[cible]
    )
    client.force_login(dreets)

    corps = client.get("/api/v1/actions/?region=32").json()

    assert corps["count"] == 1
    resultat = corps["results"][0]
    assert resultat["id"] == action.pk
    assert resultat["objectif"] == "62 places"
    assert resultat["statut"] == Statut.NON_RENSEIGNE
    assert resultat["statut_libelle"] == "Non renseigné"
    assert resultat["territoires"] == [{"code": "59", "nom": "Nord", "niveau": "departement"}]
    assert resultat["types"] == ["LHSS"]
    assert resultat["feuille_de_route"]["slug"] == "praps-fictif"
    assert resultat["cibles"][0]["valeur"] == "62.00"
    assert resultat["porteur"] == ""  # non précisé par la source


def test_les_filtres_des_actions(client, planificateur, praps, nord, region_hdf):
    somme = TerritoireFactory(code="80", nom="Somme", parent=region_hdf)
    ssiad = remplir(praps, 1, territoire=nord)[0]
    empp = ActionFactory(axe__feuille_de_route=praps, territoires=[somme], types=[TypeDispositifFactory(code="EMPP")])
    regionale = ActionFactory(axe__feuille_de_route=praps, territoires=[region_hdf], statut=Statut.EN_COURS)
    client.force_login(planificateur)

    def ids(requete):
        return {a["id"] for a in client.get(f"/api/v1/actions/?{requete}").json()["results"]}

    assert ids("type=EMPP") == {empp.pk}
    assert ids("type=EMPP&type=SSIAD-PRECARITE") == {empp.pk, ssiad.pk}
    assert ids("statut=en_cours") == {regionale.pk}
    assert ids("territoire=80") == {empp.pk, regionale.pk}  # une action régionale concerne aussi la Somme
    assert ids("feuille_de_route=praps-fictif&region=32") == {ssiad.pk, empp.pk, regionale.pk}
    assert ids("region=11") == set()
    assert client.get("/api/v1/actions/?statut=termine").status_code == 400


def test_un_agent_ne_lit_pas_les_actions_d_une_autre_region(client, planificateur, region_idf):
    ActionFactory(axe__feuille_de_route=FeuilleDeRouteFactory(region=region_idf))
    client.force_login(planificateur)

    assert client.get("/api/v1/actions/").json()["count"] == 0
    assert client.get("/api/v1/feuilles-de-route/?region=11").json()["count"] == 0


def test_l_operateur_ne_lit_pas_le_programme(client, operateur, praps):
    client.force_login(operateur)

    assert client.get("/api/v1/actions/").status_code == 403
    assert client.get("/api/v1/feuilles-de-route/").status_code == 403


def test_le_national_lit_le_programme_de_chaque_region(client, national, praps, region_idf):
    FeuilleDeRouteFactory(region=region_idf)
    client.force_login(national)

    assert client.get("/api/v1/feuilles-de-route/").json()["count"] == 2


def test_les_feuilles_de_route_de_la_region(client, instructeur, praps, region_hdf):
    territoire = TerritoireFactory(territoire_sante=True, code="32-aisne", nom="Aisne")
    aisne = FeuilleDeRouteFactory(region=region_hdf, territoriale=True, territoire=territoire)
    ActionFactory(axe__feuille_de_route=aisne)
    client.force_login(instructeur)

    resultats = client.get("/api/v1/feuilles-de-route/?region=32&genre=territoriale").json()["results"]

    assert len(resultats) == 1
    assert resultats[0]["territoire"] == {"code": "32-aisne", "nom": "Aisne", "niveau": "territoire_sante"}
    assert resultats[0]["nb_actions"] == 1
    assert resultats[0]["genre_libelle"] == "Feuille de route territoriale"
    assert len(resultats[0]["axes"]) == 1


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_liste_des_actions_a_un_nombre_de_requetes_constant(
    client, dreets, praps, nord, nombre, django_assert_num_queries
):
    remplir(praps, nombre, territoire=nord)
    client.force_login(dreets)

    # Session et compte, comptage de la page, actions (feuille, région, territoire, axe joints), puis une requête
    # par relation : territoires, types, jalons, cibles, appels, dispositifs.
    with django_assert_num_queries(10):
        reponse = client.get("/api/v1/actions/?region=32")
    assert reponse.json()["count"] == nombre


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_liste_des_feuilles_de_route_a_un_nombre_de_requetes_constant(
    client, dreets, region_hdf, nombre, django_assert_num_queries
):
    for _ in range(nombre):
        FeuilleDeRouteFactory(region=region_hdf)
    client.force_login(dreets)

    # Session et compte, comptage, feuilles de route (région, territoire, nombre d'actions), leurs axes.
    with django_assert_num_queries(5):
        reponse = client.get("/api/v1/feuilles-de-route/?region=32")
    assert reponse.json()["count"] == nombre
