"""Boucler la boucle : du tableau de planification à un appel prérempli sur ses écarts."""

import pytest

from appels.budget import proposer_depuis_ecarts
from tests.dispositifs.factories import EvenementCapaciteFactory, TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ecarts(region_hdf):
    horizon = HorizonFactory()
    avec_cout = TypeDispositifFactory(code="ESSAI-HLM", sigle="ACT HLM", cout_annuel_unitaire=11_000)
    sans_cout = TypeDispositifFactory(code="ESSAI-LHSS", sigle="LHSS")
    comble = TypeDispositifFactory(code="ESSAI-LAM", sigle="LAM")
    CibleFactory(type=avec_cout, territoire=region_hdf, horizon=horizon, valeur=10)
    CibleFactory(type=sans_cout, territoire=region_hdf, horizon=horizon, valeur=5)
    CibleFactory(type=comble, territoire=region_hdf, horizon=horizon, valeur=3)
    EvenementCapaciteFactory(dispositif__type=avec_cout, quantite=4)
    EvenementCapaciteFactory(dispositif__type=comble, quantite=3)
    return horizon, avec_cout, sans_cout


def test_l_enveloppe_vaut_l_ecart_fois_le_cout_de_reference(ecarts, region_hdf):
    horizon, avec_cout, sans_cout = ecarts

    proposition = proposer_depuis_ecarts(region=region_hdf, horizon=horizon)

    assert proposition["enveloppe"] == 6 * 11_000  # cible 10 − 4 autorisées
    assert set(proposition["types_cibles"]) == {avec_cout.pk, sans_cout.pk}  # pas le type déjà comblé
    assert proposition["territoires"] == []  # écarts portés par la région entière
    assert "Coût de référence inconnu pour LHSS : enveloppe à compléter." in proposition["description"]


def test_le_planificateur_lance_l_appel_depuis_le_tableau(client, planificateur, ecarts):
    horizon, avec_cout, _ = ecarts
    client.force_login(planificateur)

    tableau = client.get(f"/planification/?region=32&horizon={horizon.slug}").content.decode()
    assert "Lancer un appel sur ces écarts" in tableau
    form = client.get(f"/appels/nouveau/?region=32&horizon={horizon.slug}").context["form"]

    assert form.initial["enveloppe"] == 66_000
    assert avec_cout.pk in form.initial["types_cibles"]


def test_un_agent_dreets_n_a_pas_le_bouton(client, dreets, ecarts):
    horizon, *_ = ecarts
    client.force_login(dreets)

    assert "Lancer un appel" not in client.get(f"/planification/?region=32&horizon={horizon.slug}").content.decode()
