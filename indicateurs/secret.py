"""Le secret statistique des données publiques : fonctions pures, sans base.

Secret primaire : une case est masquée quand elle compte des personnes en nombre inférieur au seuil
(SECRET_SEUIL_PERSONNES, 11 : de 1 à 10 personnes) ou quand moins de SECRET_SEUIL_DISPOSITIFS (3) dispositifs y
contribuent (on reconnaîtrait l'activité d'un opérateur). Un zéro ne désigne personne : il reste visible, sauf
quand trop peu de dispositifs y contribuent.

Secret secondaire : dans un tableau avec des totaux de lignes et de colonnes, une case masquée seule sur sa
ligne (ou sa colonne) se recalculerait par différence avec le total. On masque alors une deuxième case de la
ligne — la plus petite visible, ou à défaut le total — et l'on recommence jusqu'à ce que plus aucune ligne ni
colonne n'ait exactement une case masquée. Cela ne vaut que pour des valeurs additives : un taux ou une
moyenne ne se déduit pas d'un total par soustraction.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

# Clé des totaux dans un tableau : (ligne, TOTAL) est le total d'une ligne, (TOTAL, colonne) celui d'une
# colonne, (TOTAL, TOTAL) le total général.
TOTAL = "__total__"
# Ce qu'on écrit à la place d'une valeur masquée (page, CSV, PDF).
LIBELLE_SECRET = "secret"


@dataclass(frozen=True)
class Seuils:
    personnes: int
    dispositifs: int

    @classmethod
    def depuis_reglages(cls) -> "Seuils":
        return cls(personnes=settings.SECRET_SEUIL_PERSONNES, dispositifs=settings.SECRET_SEUIL_DISPOSITIFS)


def secret_primaire(valeur: Decimal | None, nb_dispositifs: int, *, compte_personnes: bool, seuils: Seuils) -> bool:
    """Une case à masquer pour elle-même ; une case vide (aucune donnée) n'a rien à cacher."""
    if valeur is None:
        return False
    if nb_dispositifs < seuils.dispositifs:
        return True
    return compte_personnes and 0 < valeur < seuils.personnes


def lignes_du_tableau(lignes: list[Hashable], colonnes: list[Hashable]) -> list[tuple[tuple, list[tuple]]]:
    """Chaque contrainte « somme des cases = total » du tableau : (clé du total, clés des cases), pour chaque
    ligne et chaque colonne, la ligne et la colonne des totaux comprises."""
    toutes_lignes, toutes_colonnes = [*lignes, TOTAL], [*colonnes, TOTAL]
    par_ligne = [((r, TOTAL), [(r, c) for c in colonnes]) for r in toutes_lignes]
    par_colonne = [((TOTAL, c), [(r, c) for r in lignes]) for c in toutes_colonnes]
    return par_ligne + par_colonne


def secret_secondaire(
    valeurs: dict[tuple, Decimal | None], masques: set[tuple], *, lignes: list[Hashable], colonnes: list[Hashable]
) -> set[tuple]:
    """Les cases masquées une fois le tableau protégé : `masques` (secret primaire) plus ce qu'il faut pour
    qu'aucune ne se recalcule depuis un total. `valeurs` porte les cases et les totaux (clés TOTAL) ; une
    case absente ou vide compte pour zéro, connu de tous."""
    masques = set(masques)
    contraintes = lignes_du_tableau(lignes, colonnes)
    change = True
    while change:
        change = False
        for total, cases in contraintes:
            if len(masques.intersection([*cases, total])) == 1 and (cle := _a_masquer(valeurs, masques, total, cases)):
                masques.add(cle)
                change = True
    return masques


def _a_masquer(valeurs: dict, masques: set, total: tuple, cases: list[tuple]) -> tuple | None:
    """La plus petite case visible de la ligne ; le total quand aucune case n'est masquable."""
    visibles = [cle for cle in cases if cle not in masques and valeurs.get(cle) is not None]
    if visibles:
        return min(visibles, key=lambda cle: valeurs[cle])
    if total not in masques and valeurs.get(total) is not None:
        return total
    return None
