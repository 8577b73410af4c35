"""Un serveur de courriel en panne ne perd aucun courriel et ne change aucune page en erreur : l'accusé de dépôt
et le courriel de décision partent par le worker, qui reprend un envoi manqué."""

import datetime
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from appels.models import Candidature, Decision
from appels.services import candidatures, instruction
from appels.tasks import generer_accuse, prevenir_l_operateur
from dispositifs.models import TypeDispositif
from tests.appels.factories import AppelFactory, lettre_complete

pytestmark = pytest.mark.django_db


class ServeurEnPanne(BaseEmailBackend):
    """Le serveur de courriel refuse tout envoi, comme un SMTP injoignable."""

    def send_messages(self, messages):
        raise SMTPException("Serveur de courriel injoignable")


EN_PANNE = "tests.appels.test_courriels.ServeurEnPanne"
EN_SERVICE = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def depot(region_hdf, organisme, operateur):
    appel = AppelFactory(reference="ami-courriels", types_cibles=[TypeDispositif.objects.get(code="LHSS-MOBILE")])
    candidature = Candidature.objects.create(appel=appel, organisme=organisme)
    brouillon = lettre_complete(appel, dispositif_envisage="LHSS-MOBILE")
    candidature.brouillon = {cle: v if isinstance(v, list) else [v] for cle, v in brouillon.items()}
    candidature.save()
    return candidatures.deposer(candidature=candidature, user=operateur, cle="cle-courriels")


def test_un_accuse_dont_le_premier_envoi_echoue_part_a_la_reprise(settings, depot, operateur):
    settings.EMAIL_BACKEND = EN_PANNE
    with pytest.raises(SMTPException):  # l'échec remonte à la tâche, que le worker reprend
        candidatures.produire_accuse(depot=depot)
    assert isinstance(SMTPException(), generer_accuse.autoretry_for)
    depot.refresh_from_db()
    assert depot.accuse and depot.accuse_envoye_le is None  # le PDF est là, l'envoi n'est pas noté

    settings.EMAIL_BACKEND = EN_SERVICE
    generer_accuse.apply(args=[depot.pk])

    (courriel,) = mail.outbox
    assert courriel.to == [operateur.email]
    assert courriel.attachments[0][0] == f"accuse-{depot.numero}.pdf"
    depot.refresh_from_db()
    assert depot.accuse_envoye_le is not None


def test_un_accuse_envoye_ne_repart_pas(depot):
    generer_accuse.apply(args=[depot.pk])
    generer_accuse.apply(args=[depot.pk])  # acks_late : une tâche peut être rejouée

    assert len(mail.outbox) == 1


@pytest.fixture
def candidature_close(depot):
    appel = depot.candidature.appel
    appel.cloture = timezone.now() - datetime.timedelta(minutes=1)
    appel.save()
    return depot.candidature


def test_un_courriel_de_decision_qui_echoue_ne_change_pas_la_page_en_erreur(
    client, settings, instructeur, candidature_close, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = EN_PANNE
    client.force_login(instructeur)

    with django_capture_on_commit_callbacks(execute=True) as rappels:
        reponse = client.post(
            f"/instruction/candidatures/{candidature_close.pk}/",
            {"action": "decision", "nature": "non_retenue", "version_lue": 0, "motif": "Hors du champ."},
        )

    assert reponse.status_code == 302
    assert Decision.objects.get(candidature=candidature_close).nature == "non_retenue"
    assert len(rappels) == 1  # le courriel est confié au worker après la validation, pas envoyé par la page
    assert mail.outbox == []


def test_le_worker_reprend_le_courriel_de_decision_manque(client, settings, instructeur, candidature_close, operateur):
    client.force_login(instructeur)
    client.post(
        f"/instruction/candidatures/{candidature_close.pk}/",
        {"action": "decision", "nature": "non_retenue", "version_lue": 0, "motif": "Hors du champ."},
    )  # sans exécuter les rappels de fin de transaction : le courriel n'est pas encore parti
    decision = Decision.objects.get(candidature=candidature_close)

    settings.EMAIL_BACKEND = EN_PANNE
    with pytest.raises(SMTPException):  # l'échec remonte à la tâche, que le worker reprend
        instruction.envoyer_a_l_operateur(courriel="decision", pk=decision.pk)
    assert isinstance(SMTPException(), prevenir_l_operateur.autoretry_for)
    settings.EMAIL_BACKEND = EN_SERVICE
    prevenir_l_operateur.apply(args=["decision", decision.pk])

    (courriel,) = mail.outbox
    assert courriel.to == [operateur.email] and "Non retenue" in courriel.body
