import datetime

import pytest

from indicateurs.models import Granularite, Indicateur
from tests.dispositifs.factories import TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.territoires.factories import FranceFactory, RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/agregats/"


@pytest.fixture
def agregats(region_hdf, region_idf):
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    paris = TerritoireFactory(code="75", nom="Paris", parent=region_idf)
    return {
        "nord": AgregatFactory(territoire=nord, valeur=30),
        "hdf": AgregatFactory(territoire=region_hdf, valeur=42),
        "hdf_trimestre": AgregatFactory(
            territoire=region_hdf, granularite=Granularite.TRIMESTRE, periode=datetime.date(2026, 10, 1), valeur=40
        ),
        "hdf_ancien": AgregatFactory(territoire=region_hdf, periode=datetime.date(2025, 1, 1), valeur=9),
        "france": AgregatFactory(territoire=FranceFactory(), valeur=100),
        "paris": AgregatFactory(territoire=paris, valeur=7),
    }


def valeurs(response):
    assert response.status_code == 200, response.content
    return sorted(float(ligne["valeur"]) for ligne in response.json()["results"])


def test_un_agent_lit_la_france_et_sa_region_seulement(client, planificateur, agregats):
    client.force_login(planificateur)

    assert valeurs(client.get(URL)) == [9, 30, 40, 42, 100]


def test_le_public_et_les_operateurs_n_y_ont_pas_acces(client, operateur, agregats):
    assert client.get(URL).status_code in (401, 403)
    client.force_login(operateur)
    assert client.get(URL).status_code == 403


def test_les_filtres_du_contrat(client, planificateur, agregats):
    client.force_login(planificateur)

    assert valeurs(client.get(URL, {"territoire": "32", "niveau": "region", "granularite": "mois"})) == [9, 42]
    assert valeurs(client.get(URL, {"niveau": "region", "periode_debut": "2026-01", "periode_fin": "2026-12"})) == [
        40,
        42,
    ]
    assert valeurs(client.get(URL, {"niveau": "departement", "indicateur": "file_active", "type": "LHSS"})) == [30]
    assert valeurs(client.get(URL, {"indicateur": "nouvelles_personnes"})) == []


def test_une_ligne_dit_tout_ce_qu_il_faut_pour_la_lire(client, planificateur, agregats):
    client.force_login(planificateur)

    ligne = client.get(URL, {"niveau": "departement"}).json()["results"][0]

    assert ligne | {"calcule_le": None} == {
        "indicateur": "file_active",
        "type": "LHSS",
        "territoire": "59",
        "niveau": "departement",
        "granularite": "mois",
        "periode": "2026-10-01",
        "valeur": "30.00",
        "numerateur": None,
        "denominateur": None,
        "nb_dispositifs": 3,
        "nb_declarations": 3,
        "nb_attendues": 4,
        "completude": 75.0,
        "calcule_le": None,
    }


def test_un_mois_mal_ecrit_est_une_erreur_claire(client, planificateur):
    client.force_login(planificateur)

    response = client.get(URL, {"periode_debut": "octobre"})

    assert response.status_code == 400
    assert "periode_debut" in response.json()


def test_nombre_de_requetes_constant(client, planificateur, region_hdf, django_assert_num_queries):
    client.force_login(planificateur)
    indicateurs = list(Indicateur.objects.all()[:5])
    for rang, code in enumerate(["LHSS", "LAM", "ACT"]):
        for indicateur in indicateurs:
            AgregatFactory(
                indicateur=indicateur,
                type=TypeDispositifFactory(code=code),
                territoire=TerritoireFactory(parent=RegionFactory()) if rang else region_hdf,
            )

    # session, utilisateur, chemins des régions visibles, compte, page des agrégats avec indicateur, type et territoire
    with django_assert_num_queries(5):
        assert len(client.get(URL).json()["results"]) == 15
