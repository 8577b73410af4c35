"""Les relances : un courriel par organisme avant l'échéance, un après, jamais deux fois la même chose."""

import datetime

import pytest
from django.core import mail

from indicateurs.models import MomentRelance, Relance, StatutDeclaration
from indicateurs.services import relancer_declarations
from indicateurs.suivi import moment_de_relance
from indicateurs.tasks import relancer_declarations as tache
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory

pytestmark = pytest.mark.django_db
SEPTEMBRE, OCTOBRE = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)


@pytest.fixture
def parc(lhss, lhss_autre, organisme, type_lhss, departement):
    """lhss : rien déclaré ; transmis : octobre transmis, septembre non ; lhss_autre : octobre en brouillon."""
    transmis = DispositifFactory(nom="LHSS ponctuel", type=type_lhss, organisme=organisme, territoire=departement)
    DeclarationFactory(dispositif=transmis, mois=OCTOBRE, statut=StatutDeclaration.TRANSMISE)
    DeclarationFactory(dispositif=lhss_autre, mois=OCTOBRE, statut=StatutDeclaration.BROUILLON)
    return transmis


def test_les_moments_de_relance(settings):
    settings.INDICATEURS_RELANCE_JOURS_AVANT = 3
    assert moment_de_relance(OCTOBRE, datetime.date(2026, 11, 6)) is None
    assert moment_de_relance(OCTOBRE, datetime.date(2026, 11, 7)) == MomentRelance.AVANT
    assert moment_de_relance(OCTOBRE, datetime.date(2026, 11, 10)) == MomentRelance.AVANT
    assert moment_de_relance(OCTOBRE, datetime.date(2026, 11, 11)) == MomentRelance.APRES
    assert moment_de_relance(OCTOBRE, datetime.date(2026, 12, 31)) is None  # verrouillé : trop tard


def test_avant_l_echeance_un_courriel_par_organisme_une_seule_fois(parc, operateur, operateur_autre):
    sept_novembre = datetime.date(2026, 11, 7)  # octobre : avant l'échéance ; septembre : après la sienne

    envoyes = relancer_declarations(aujourd_hui=sept_novembre)
    encore = relancer_declarations(aujourd_hui=sept_novembre)

    assert (envoyes, encore) == (2, 0)
    par_destinataire = {m.to[0]: m for m in mail.outbox}
    assert set(par_destinataire) == {operateur.email, operateur_autre.email}
    corps = par_destinataire[operateur.email].body
    assert "LHSS fictif de Lille (LHSS, FINESS 990000011) — octobre 2026 : échéance le 10 novembre 2026" in corps
    assert (
        "LHSS fictif de Lille (LHSS, FINESS 990000011) — septembre 2026 : échéance le 10 octobre 2026, dépassée"
        in corps
    )
    assert "LHSS ponctuel" in corps and "LHSS ponctuel (LHSS) — octobre" not in corps
    assert "3 déclarations mensuelles à transmettre" in par_destinataire[operateur.email].subject


def test_apres_l_echeance_une_seconde_relance_une_seule_fois(parc, operateur):
    relancer_declarations(aujourd_hui=datetime.date(2026, 11, 7))
    mail.outbox.clear()

    relancer_declarations(aujourd_hui=datetime.date(2026, 11, 11))
    relancer_declarations(aujourd_hui=datetime.date(2026, 11, 12))

    assert len(mail.outbox) == 2  # un par organisme, pour octobre seulement (septembre déjà relancé après)
    assert all("octobre 2026" in m.body and "septembre" not in m.body for m in mail.outbox)
    assert Relance.objects.filter(mois=OCTOBRE, moment=MomentRelance.APRES).count() == 2


def test_la_tache_de_beat_relance_une_seule_fois(parc, operateur):
    tache.apply()
    premiers = len(mail.outbox)
    tache.apply()

    assert premiers == 2
    assert len(mail.outbox) == 2
    # Après l'échéance, septembre et octobre : lhss deux fois, ponctuel pour septembre, l'autre deux fois.
    assert Relance.objects.count() == 5
