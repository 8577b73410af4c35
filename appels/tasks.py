"""Les tâches Celery des appels : chacune charge ses lignes, appelle un service et rend son résultat."""

from celery import shared_task

from appels.models import Depot
from appels.services import candidatures, instruction
from config.celery import TachePraps
from journal.contexte import au_nom_de

# Un serveur de courriel qui refuse ou ne répond pas lève une OSError (SMTPException en est une) : reprise.
REPRISE_DES_ENVOIS = (OSError, *TachePraps.autoretry_for)


@shared_task(autoretry_for=REPRISE_DES_ENVOIS)
def generer_accuse(depot_id: int) -> str:
    """Après un dépôt : l'accusé (PDF) enregistré et envoyé au déposant, une seule fois ; un envoi manqué est
    repris. Le journal l'attribue au déposant."""
    depot = Depot.objects.avec_candidature().get(pk=depot_id)
    with au_nom_de(depot.depose_par):
        return candidatures.produire_accuse(depot=depot)


@shared_task(autoretry_for=REPRISE_DES_ENVOIS)
def prevenir_l_operateur(courriel: str, pk: int) -> None:
    """Après une décision ou une demande de complément : le courriel à l'organisme, repris s'il échoue."""
    instruction.envoyer_a_l_operateur(courriel=courriel, pk=pk)


@shared_task
def mettre_en_instruction() -> int:
    """Beat, chaque minute : les appels échus passent en instruction (au nom du « système »)."""
    with au_nom_de(None):
        return candidatures.mettre_en_instruction()


@shared_task
def relancer_brouillons() -> int:
    """Beat, chaque heure : rappel des brouillons non déposés à moins de 48 h de la date limite."""
    return candidatures.relancer_brouillons()
