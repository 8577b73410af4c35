"""Les refus et les conflits des services des comptes : un ValidationError au code stable, ou un Conflit."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from commun.erreurs import Conflit
from comptes.models import StatutDemande
from comptes.services import accepter_demande, inviter_operateur, refuser_demande
from tests.comptes.test_inscription import demande

pytestmark = pytest.mark.django_db


def test_refuser_sans_motif_est_un_refus_au_code_motif_manquant(planificateur):
    with pytest.raises(ValidationError) as refus:
        refuser_demande(demande=demande(planificateur.region), user=planificateur, motif=" ")

    assert refus.value.code == "motif_manquant"


def test_traiter_une_demande_deja_traitee_est_un_conflit_qui_montre_son_etat(planificateur):
    a_traiter = demande(planificateur.region)
    refuser_demande(demande=a_traiter, user=planificateur, motif="Hors région.")

    with pytest.raises(Conflit) as conflit:
        accepter_demande(demande=a_traiter, user=planificateur, request=RequestFactory().post("/"))

    assert conflit.value.message == "Cette demande a déjà été traitée : rien n'a été modifié."
    assert conflit.value.actuel.statut == StatutDemande.REFUSEE


def test_inviter_le_courriel_d_un_agent_est_un_refus_au_code_compte_non_operateur(planificateur, dreets, organisme):
    with pytest.raises(ValidationError) as refus:
        inviter_operateur(
            courriel=dreets.email,
            prenom="D",
            nom="D",
            organisme=organisme,
            user=planificateur,
            request=RequestFactory().post("/"),
        )

    assert refus.value.code == "compte_non_operateur"
