"""Les chiffres des sources dans la démonstration (issue 13) : consultations avancées de CSAPA en CHRS, vagues des
SSIAD précarité, renfort de la coordination régionale des PASS (source 000), EMPP et psychologues d'Occitanie
(source 003)."""

from decimal import Decimal

import pytest

from dispositifs.fiches import frise
from dispositifs.models import Dispositif, Statut
from planification.demo import creer_planification_demo
from planification.models import Cible
from territoires.models import Niveau
from territoires.services import importer_territoires

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    importer_territoires()
    creer_planification_demo()


def test_les_consultations_avancees_de_csapa_de_2019_et_de_l_appel_2020(demo):
    csapa = Dispositif.objects.filter(type__code="CSAPA-CA")

    assert csapa.filter(statut=Statut.INSTALLE).count() == 5
    projets = csapa.filter(statut=Statut.PROJET)
    assert projets.count() == 11
    assert set(projets.values_list("capacite_prevue", flat=True)) == {None}  # la source ne dit pas combien
    assert all(d.fictif for d in csapa)


def test_les_six_ssiad_du_plan_disent_leur_vague(demo):
    notes = Dispositif.objects.filter(type__code="SSIAD-PRECARITE", statut=Statut.PROJET).values_list(
        "note", flat=True
    )

    assert sorted(note.split(" »")[0] for note in notes) == [
        "Vague 2020 « Aisne et Nord (2)",
        "Vague 2020 « Aisne et Nord (2)",
        *["Vague 2020 « Oise et Pas-de-Calais / Somme et Nord (4)"] * 4,
    ]


def test_la_coordination_regionale_des_pass_est_renforcee_d_un_demi_etp(demo):
    coordination = Dispositif.objects.get(nom__startswith="Coordination régionale des PASS")

    assert frise(coordination, set())[-1].renfort_etp == Decimal("0.5")
    assert Dispositif.objects.with_capacites().get(pk=coordination.pk).capacite_autorisee == 1


def test_l_occitanie_a_une_empp_par_departement_et_36_psychologues_a_la_region(demo):
    empp = Dispositif.objects.filter(type__code="EMPP", territoire__chemin__startswith="FR/76/")

    assert empp.filter(territoire__niveau=Niveau.DEPARTEMENT).values("territoire").distinct().count() == 13
    psychologues = Dispositif.objects.get(type__code="PSY-ACCUEIL")
    assert (psychologues.territoire.code, psychologues.territoire.niveau) == ("76", Niveau.REGION)
    assert psychologues.capacite_prevue == 36
    assert Cible.objects.get(type__code="PSY-ACCUEIL").valeur == 36
