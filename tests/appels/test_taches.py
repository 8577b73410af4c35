import datetime

import pytest
from django.core import mail
from django.utils import timezone

from appels.models import Appel, Candidature, StatutAppel, StatutCandidature
from appels.services import candidatures
from appels.tasks import mettre_en_instruction, relancer_brouillons
from tests.appels.factories import AppelFactory

pytestmark = pytest.mark.django_db


def test_a_la_date_limite_l_appel_et_ses_depots_passent_en_instruction(operateur):
    echu = AppelFactory(reference="echu")
    Candidature.objects.create(appel=echu, organisme=operateur.organismes.get(), statut=StatutCandidature.DEPOSEE)
    en_cours = AppelFactory(reference="en-cours")

    bascules = candidatures.mettre_en_instruction(maintenant=echu.cloture)

    assert bascules == 1
    assert Appel.objects.get(reference="echu").statut == StatutAppel.EN_INSTRUCTION
    assert Appel.objects.get(pk=en_cours.pk).statut == StatutAppel.PUBLIE
    assert Candidature.objects.get().statut == StatutCandidature.EN_INSTRUCTION
    assert candidatures.mettre_en_instruction(maintenant=echu.cloture) == 0  # rejouable sans effet


def test_la_tache_celery_bascule_les_appels_echus():
    AppelFactory(clos=True, statut=StatutAppel.PUBLIE)

    assert mettre_en_instruction.apply().get() == 1


def test_une_seule_relance_a_48_h_pour_un_brouillon_non_depose(operateur, operateur_autre):
    appel = AppelFactory(cloture=timezone.now() + datetime.timedelta(hours=30))
    brouillon = Candidature.objects.create(
        appel=appel, organisme=operateur.organismes.get(), brouillon={"experience": ["Maraudes"]}
    )
    Candidature.objects.create(appel=appel, organisme=operateur_autre.organismes.get())  # rien saisi : pas de rappel
    AppelFactory(cloture=timezone.now() + datetime.timedelta(days=10))  # trop tôt pour relancer

    assert relancer_brouillons.apply().get() == 1
    assert relancer_brouillons.apply().get() == 0

    (courriel,) = mail.outbox
    assert courriel.to == [operateur.email]
    assert "n’est pas déposée" in courriel.subject and "heure de Paris" in courriel.body
    brouillon.refresh_from_db()
    assert brouillon.relance_envoyee_le is not None
