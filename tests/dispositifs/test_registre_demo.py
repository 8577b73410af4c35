"""Le registre de la démonstration : arrêtés datés et fictifs, capacité des SSIAD précarité, projet retenu autorisé
puis à moitié installé."""

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from appels.models import Decision, NatureDecision
from dispositifs.demo import autoriser_projet_retenu_demo, moitie
from dispositifs.models import Dispositif, Nature, Statut, Unite
from planification.demo import creer_planification_demo
from territoires.services import importer_territoires
from tests.appels.factories import AppelFactory
from tests.dispositifs.factories import DispositifFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    importer_territoires()
    creer_planification_demo()


def test_les_dispositifs_installes_ont_leurs_arretes_fictifs(demo):
    arras = Dispositif.objects.get(nom="LHSS fictif d'Arras")

    autorisation, installation = arras.evenements.exclude(nature=Nature.FINANCEMENT).order_by("date")
    assert (autorisation.nature, autorisation.duree_annees, autorisation.quantite) == (Nature.AUTORISATION, 15, 7)
    assert "(référence fictive)" in autorisation.reference
    assert (installation.date, installation.visite_conformite) == (
        datetime.date(2019, 9, 1),
        datetime.date(2019, 8, 20),
    )


def test_les_ssiad_precarite_installes_ont_une_capacite_fictive_dite_dans_la_note(demo):
    ssiad = Dispositif.objects.filter(type__code="SSIAD-PRECARITE", statut=Statut.INSTALLE).with_capacites()

    assert [(s.capacite_autorisee, s.capacite_installee) for s in ssiad] == [(10, 10), (10, 10)]
    assert all("Capacité fictive de 10 places" in s.note for s in ssiad)


@override_settings(DEBUG=True)
def test_recharger_la_demo_ne_double_pas_le_registre(demo):
    creer_planification_demo()

    arras = Dispositif.objects.with_capacites().get(nom="LHSS fictif d'Arras")
    # Financées : lues dans les crédits (financements.demo), que cette démonstration seule ne crée pas.
    assert (arras.capacite_autorisee, arras.capacite_installee, arras.capacite_financee) == (7, 7, 0)


def test_un_projet_retenu_est_autorise_puis_a_moitie_installe(planificateur, organisme):
    from appels.models import Candidature

    appel = AppelFactory(clos=True)
    projet = DispositifFactory(projet=True, capacite_prevue=12)
    decide_le = timezone.now() - datetime.timedelta(days=200)
    Decision.objects.create(
        candidature=Candidature.objects.create(appel=appel, organisme=organisme),
        nature=NatureDecision.RETENUE,
        capacite_retenue=Decimal(9),
        decide_par=planificateur,
        decide_le=decide_le,
        dispositif=projet,
    )

    assert autoriser_projet_retenu_demo() == projet
    projet = Dispositif.objects.with_capacites().get(pk=projet.pk)
    assert (projet.statut, projet.capacite_autorisee, projet.capacite_installee) == (Statut.INSTALLE, 9, 4)
    autorisation = projet.evenements.get(nature=Nature.AUTORISATION)
    assert autorisation.date == timezone.localtime(decide_le).date()
    assert autoriser_projet_retenu_demo() is None  # plus de projet à autoriser


def test_la_moitie_est_entiere_sauf_en_etp():
    assert [moitie(Decimal(9), Unite.PLACES), moitie(Decimal(1), Unite.EQUIPES)] == [4, 1]
    assert moitie(Decimal("1.5"), Unite.ETP) == Decimal("0.75")
