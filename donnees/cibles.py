"""Jeu « cibles » : les objectifs de capacité du PRAPS par territoire (région surtout) × type × horizon.

Les cibles sont celles que l'ARS a posées dans la planification (les Hauts-de-France de la démonstration
reprennent le tableau « Cibles 2019-2023 » de la source 000 : LHSS 62, LAM 32, ACT 40). Une cible n'est jamais
fictive dans le modèle : elle n'a pas de colonne « fictif ».
"""

from django.db.models import Max
from django.utils import timezone

from dispositifs.models import Unite
from donnees.jeu import Champ, Jeu
from planification.models import Cible
from territoires.models import Niveau

CHAMPS = (
    Champ("region_code", "string", "Code INSEE de la région de la cible ; vide pour une cible nationale."),
    Champ("territoire_code", "string", "Code du territoire où la cible est posée (région le plus souvent)."),
    Champ("territoire_nom", "string", "Nom du territoire."),
    Champ("territoire_niveau", "string", "Niveau du territoire.", valeurs=tuple(Niveau.values)),
    Champ("type_code", "string", "Code du type de dispositif."),
    Champ("type_libelle", "string", "Libellé du type de dispositif."),
    Champ("unite", "string", "Unité de capacité du type (places, lits, équipes, ETP).", valeurs=tuple(Unite.values)),
    Champ("horizon", "string", "Identifiant stable de l'horizon de programmation."),
    Champ("horizon_libelle", "string", "Libellé de l'horizon (« Cibles 2019-2023 »…)."),
    Champ("horizon_debut", "date", "Premier jour de l'horizon."),
    Champ("horizon_fin", "date", "Dernier jour de l'horizon."),
    Champ("cible", "number", "Capacité visée à la fin de l'horizon, dans l'unité de la ligne."),
)


def lignes() -> list[dict]:
    """Une requête : les cibles avec leur type, leur territoire et leur horizon."""
    cibles = Cible.objects.with_type_territoire_horizon().order_by(
        "horizon__debut", "horizon__slug", "territoire__chemin", "type__ordre", "type__code"
    )
    return [ligne(cible) for cible in cibles]


def ligne(cible: Cible) -> dict:
    territoire, horizon = cible.territoire, cible.horizon
    return {
        "region_code": territoire.code_region,
        "territoire_code": territoire.code,
        "territoire_nom": territoire.nom,
        "territoire_niveau": territoire.niveau,
        "type_code": cible.type.code,
        "type_libelle": cible.type.libelle,
        "unite": cible.type.unite,
        "horizon": horizon.slug,
        "horizon_libelle": horizon.libelle,
        "horizon_debut": horizon.debut,
        "horizon_fin": horizon.fin,
        "cible": cible.valeur,
    }


def mise_a_jour():
    """Le jour de la dernière modification d'une cible."""
    derniere = Cible.objects.aggregate(d=Max("updated_at"))["d"]
    return timezone.localdate(derniere) if derniere else None


JEU = Jeu(
    slug="cibles",
    titre="Cibles de capacité par région, type de dispositif et horizon",
    description=(
        "Les objectifs de capacité fixés dans la planification du PRAPS : pour chaque territoire (la région le "
        "plus souvent), chaque type de dispositif et chaque horizon de programmation, la capacité visée, dans "
        "l'unité du type."
    ),
    champs=CHAMPS,
    lignes=lignes,
    mise_a_jour=mise_a_jour,
    cle_primaire=("territoire_code", "territoire_niveau", "type_code", "horizon"),
)
