"""Les tâches Celery des appels : chacune charge ses lignes, appelle un service et rend son résultat."""

from celery import shared_task

from appels.models import Depot
from appels.services import candidatures
from journal.contexte import au_nom_de


@shared_task
def generer_accuse(depot_id: int) -> str:
    """Après un dépôt : l'accusé (PDF) enregistré et envoyé au déposant, une seule fois ; le journal l'attribue
    au déposant."""
    depot = Depot.objects.avec_candidature().get(pk=depot_id)
    with au_nom_de(depot.depose_par):
        return candidatures.produire_accuse(depot=depot)


@shared_task
def mettre_en_instruction() -> int:
    """Beat, chaque minute : les appels échus passent en instruction (au nom du « système »)."""
    with au_nom_de(None):
        return candidatures.mettre_en_instruction()


@shared_task
def relancer_brouillons() -> int:
    """Beat, chaque heure : rappel des brouillons non déposés à moins de 48 h de la date limite."""
    return candidatures.relancer_brouillons()
