import pytest

from dispositifs.models import TypeDispositif
from planification.demo import creer_planification_demo
from programme.demo import creer_programme_demo
from programme.models import Action, FeuilleDeRoute, Genre, RevueAnnuelle
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires
from tests.dispositifs.factories import TypeDispositifFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    importer_territoires()
    creer_planification_demo()
    TypeDispositifFactory(code="ARMS")  # un type du catalogue que la démonstration relie par son code
    return creer_programme_demo()


def test_la_demonstration_est_rejouable(demo):
    assert demo == {"feuilles": 8, "actions": 67, "jalons": 13, "revues": 1}
    assert creer_programme_demo() == demo


def test_une_feuille_de_route_par_territoire_de_sante_des_hauts_de_france(demo, client, planificateur):
    territoires = Territoire.objects.filter(niveau=Niveau.TERRITOIRE_SANTE, chemin__startswith="FR/32/")
    feuilles = FeuilleDeRoute.objects.filter(genre=Genre.TERRITORIALE, region__code="32")
    client.force_login(planificateur)

    resultats = client.get("/api/v1/feuilles-de-route/?region=32").json()["results"]

    assert {f.territoire for f in feuilles} == set(territoires)
    assert len(territoires) == 6
    territoriales = [f for f in resultats if f["genre"] == Genre.TERRITORIALE]
    assert sorted(f["territoire"]["nom"] for f in territoriales) == [
        "Aisne",
        "Nord-Hainaut",
        "Nord-Métropole",
        "Oise",
        "Pas-de-Calais",
        "Somme",
    ]
    assert all(f["nb_actions"] == 7 for f in territoriales)


def test_les_actions_du_praps_portent_les_chiffres_de_la_source(demo, client, planificateur):
    client.force_login(planificateur)

    actions = client.get("/api/v1/actions/?region=32&feuille_de_route=praps-hdf-2018-2022").json()["results"]

    par_code = {a["code"]: a for a in actions}
    assert len(actions) == 11
    assert par_code["arms"]["types"] == ["ARMS"]
    # Les types que le catalogue n'a pas (encore) sont ignorés, sans échec.
    assert set(par_code["ucsd"]["types"]) == set(
        TypeDispositif.objects.filter(code__in=["UCSD", "UCSD-JEUNES"]).values_list("code", flat=True)
    )
    assert "60 postes" in par_code["arms"]["objectif"]
    assert {c["type"]: c["valeur"] for c in par_code["lhss-lam-act"]["cibles"]} == {
        "LHSS": "62.00",
        "LAM": "32.00",
        "ACT": "40.00",
    }
    assert [j["echeance"] for j in par_code["ssiad-precarite"]["jalons"]] == ["2020", "2020"]
    assert all(a["statut"] == "non_renseigne" for a in actions)


def test_la_feuille_de_route_commune_d_occitanie_et_sa_revue(demo):
    feuille = FeuilleDeRoute.objects.get(genre=Genre.COMMUNE_DREETS_ARS)
    revue = RevueAnnuelle.objects.get()

    assert feuille.region.code == "76"
    assert feuille.axes.count() == 6
    assert revue.feuille_de_route == feuille
    assert revue.instance == "Réunion bilatérale DG ARS / DREETS"
    assert revue.date is None and revue.decisions == ""  # non précisées par la source
    assert revue.avancements.count() == Action.objects.filter(feuille_de_route=feuille).count() == 14
