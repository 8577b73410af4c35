"""Tâches Celery des indicateurs : agrégation des déclarations validées, relances, rapports mensuels."""

import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from config.celery import TachePraps
from indicateurs import agregation


@shared_task
def agreger_mois(type_id: int, mois_iso: str, territoire_id: int | None = None) -> int:
    """Recalcule ce qu'une validation touche : le mois, son trimestre et son année, pour un type, dans le
    territoire du dispositif et ceux qui le contiennent."""
    mois = datetime.date.fromisoformat(mois_iso)
    return agregation.agreger_autour(type_id=type_id, mois=mois, territoire_id=territoire_id)


@shared_task
def agreger_tout() -> int:
    """Recalcul de nuit des derniers mois, tous types : rattrape une tâche perdue, ne change rien sinon."""
    fin = timezone.localdate().replace(day=1)
    debut = agregation.decaler(fin, -settings.INDICATEURS_RECALCUL_MOIS)
    return agregation.agreger_periode(debut=debut, fin=fin)


# Rapports PDF mensuels (indicateurs/rapports.py) ----------------------------------------------------------


@shared_task(autoretry_for=(OSError, *TachePraps.autoretry_for))
def generer_rapport(rapport_id: int) -> str:
    """Produit le PDF d'un rapport ; rejouée si la base ou le disque flanche, le rapport précédent restant servi."""
    from indicateurs import rapports
    from indicateurs.models import Rapport

    rapport = Rapport.objects.select_related("territoire__parent").get(pk=rapport_id)
    return rapports.generer_rapport(rapport).statut


@shared_task
def generer_rapports_du_mois() -> int:
    """Beat, le 1er du mois au petit matin : les rapports du mois écoulé de chaque région et département."""
    from indicateurs import rapports

    return rapports.demander_rapports_du_mois()


# Relances des déclarations mensuelles (indicateurs/suivi.py) ----------------------------------------------


@shared_task
def relancer_declarations() -> int:
    """Beat, chaque matin : un courriel par organisme pour ses mois non transmis, avant puis après l'échéance ;
    chaque relance ne part qu'une fois (modèle Relance)."""
    from indicateurs import suivi

    return suivi.relancer_declarations()
