"""Tâches Celery des indicateurs : chacune prend des identifiants, appelle un service et rend son résultat.

Agrégation des déclarations validées (indicateurs/agregation.py), rapports PDF mensuels et relances
(indicateurs/services.py).
"""

import datetime

from celery import shared_task

from config.celery import TachePraps
from indicateurs import agregation, services
from indicateurs.models import Rapport
from journal.contexte import au_nom_de


@shared_task
def agreger_mois(type_id: int, mois_iso: str, territoire_id: int | None = None) -> int:
    """Recalcule ce qu'une validation touche : le mois, son trimestre et son année, pour un type, dans le
    territoire du dispositif et ceux qui le contiennent."""
    mois = datetime.date.fromisoformat(mois_iso)
    return agregation.agreger_autour(type_id=type_id, mois=mois, territoire_id=territoire_id)


@shared_task
def recalculer_apres_dispositifs(type_id: int, territoire_ids: list[int]) -> int:
    """Après qu'un dispositif est entré en service ou en est sorti, a changé de type ou de territoire : ce que
    la nuit recalculerait, pour ce type et les territoires qui contiennent ceux-ci (indicateurs/receivers.py)."""
    return agregation.agreger_les_derniers_mois(types=[type_id], territoires=territoire_ids)


@shared_task
def agreger_tout() -> int:
    """Beat, chaque nuit : recalcul des derniers mois, tous types, puis publication des mois verrouillés dont les
    chiffres publics manquent ou ont changé (indicateurs/publication.py)."""
    recalcules = agregation.agreger_les_derniers_mois()
    with au_nom_de(None):
        services.publier_mois_clos()
    return recalcules


@shared_task(autoretry_for=(OSError, *TachePraps.autoretry_for))
def generer_rapport(rapport_id: int) -> str:
    """Produit le PDF d'un rapport ; rejouée si la base ou le disque flanche, le rapport précédent restant servi."""
    rapport = Rapport.objects.select_related("territoire__parent", "demande_par").get(pk=rapport_id)
    with au_nom_de(rapport.demande_par):  # le journal attribue le rapport à qui l'a demandé, sinon au « système »
        return services.generer_rapport(rapport=rapport).statut


@shared_task
def generer_rapports_du_mois() -> int:
    """Beat, le 1er du mois au petit matin : les rapports du mois écoulé de chaque région et département."""
    with au_nom_de(None):
        return services.demander_rapports_du_mois()


@shared_task
def finaliser_rapports() -> int:
    """Beat, chaque matin : le rapport définitif des mois dont l'échéance des déclarations est passée, pour chaque
    rapport encore provisoire ; rejouée, elle ne redemande rien."""
    with au_nom_de(None):
        return services.finaliser_rapports()


@shared_task
def relancer_declarations() -> int:
    """Beat, chaque matin : un courriel par organisme pour ses mois non transmis, avant puis après l'échéance ;
    chaque relance ne part qu'une fois (modèle Relance)."""
    return services.relancer_declarations()
