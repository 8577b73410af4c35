"""Le secret statistique des données publiques : fonctions pures, sans base.

Secret primaire : une case est masquée quand elle compte des personnes en nombre inférieur au seuil
(SECRET_SEUIL_PERSONNES, 11 : de 1 à 10 personnes) ou quand moins de SECRET_SEUIL_DISPOSITIFS (3) dispositifs y
contribuent (on reconnaîtrait l'activité d'un opérateur). Un zéro ne désigne personne : il reste visible, sauf
quand trop peu de dispositifs y contribuent.

Secret secondaire, prouvé par un audit. Dans un tableau avec des totaux de lignes et de colonnes, les chiffres
publiés (cases visibles, totaux visibles, et le fait qu'aucune valeur n'est négative) enferment chaque case
masquée dans un intervalle : son minimum et son maximum sous ces contraintes, qu'on calcule par programmation
linéaire (`intervalle`). Masquer une deuxième case de la ligne ne suffit pas toujours : une case masquée qui
est le seul lien entre deux groupes de cases masquées (un « pont ») se recalcule exactement.

Règle de protection (`protegee`) : l'intervalle d'une case masquée doit être au moins aussi large que la
plage que le secret primaire protège, soit SECRET_SEUIL_PERSONNES (11) : entre le plus petit et le plus grand
nombre compatibles avec les chiffres publiés, au moins 11 d'écart — on ne peut pas dire combien de personnes
(de 0 à 10, ou davantage) la case compte. La même largeur vaut pour toute case masquée d'une valeur additive.

Algorithme (`proteger_tableau`) : le secret primaire ; puis, tant que plus aucune ligne ni colonne n'a exactement
une case masquée, on en masque une deuxième (la plus petite visible, ou le total) — c'est rapide et suffit le
plus souvent ; enfin l'audit de chaque case masquée, et tant qu'une case n'est pas protégée on masque la plus
petite case visible de sa ligne ou de sa colonne (ou du tableau), puis on recommence l'audit. Un tableau tout
masqué ne contraint rien : l'algorithme s'arrête toujours sur un tableau qui passe l'audit.

Entre éditions : un mois publié puis révisé (une validation tardive) publie deux tableaux. L'audit porte sur
les deux ensemble : une case qui n'a pas changé entre deux éditions est la même inconnue dans chacune (la
différence de deux totaux ne doit pas la livrer) ; une case révisée est une inconnue nouvelle. Seule la
nouvelle édition reçoit des masques en plus : les précédentes sont publiées.

Cela ne vaut que pour des valeurs additives : un taux ou une moyenne ne se déduit pas d'un total par
soustraction, il ne suit que le secret primaire.
"""

import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

# Clé des totaux dans un tableau : (ligne, TOTAL) est le total d'une ligne, (TOTAL, colonne) celui d'une
# colonne, (TOTAL, TOTAL) le total général.
TOTAL = "__total__"
# Ce qu'on écrit à la place d'une valeur masquée (page, CSV, PDF).
LIBELLE_SECRET = "secret"
# Les bornes d'un programme linéaire sont des flottants : un écart plus petit est une égalité.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Seuils:
    personnes: int
    dispositifs: int

    @classmethod
    def depuis_reglages(cls) -> "Seuils":
        return cls(personnes=settings.SECRET_SEUIL_PERSONNES, dispositifs=settings.SECRET_SEUIL_DISPOSITIFS)

    @property
    def largeur_protegee(self) -> int:
        """La largeur minimale de l'intervalle d'une case masquée : la plage du secret primaire."""
        return self.personnes


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


@dataclass
class Tableau:
    """Un tableau publié (ou à publier) : `valeurs` porte les cases et les totaux (clés TOTAL), vraies valeurs ;
    une case absente ou vide compte pour zéro, connu de tous. `masques` : ce qui est publié « secret »."""

    lignes: list[Hashable]
    colonnes: list[Hashable]
    valeurs: dict[tuple, Decimal | None]
    masques: set[tuple] = field(default_factory=set)

    def cases(self) -> list[tuple]:
        return [(r, c) for r in self.lignes for c in self.colonnes]

    def valeur(self, cle: tuple) -> Decimal:
        return self.valeurs.get(cle) or Decimal(0)

    def masquable(self, cle: tuple) -> bool:
        return cle not in self.masques and self.valeurs.get(cle) is not None


def secret_secondaire(
    valeurs: dict[tuple, Decimal | None], masques: set[tuple], *, lignes: list[Hashable], colonnes: list[Hashable]
) -> set[tuple]:
    """Première passe, rapide : ce qu'il faut masquer en plus pour qu'aucune ligne ni colonne n'ait exactement
    une case masquée. Nécessaire, pas suffisant : `proteger_tableau` la complète par l'audit."""
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


def proteger_tableau(tableau: Tableau, seuils: Seuils, precedents: tuple[Tableau, ...] = ()) -> set[tuple]:
    """Les masques du tableau une fois protégé : ses masques (secret primaire), la première passe, puis ce que
    l'audit réclame, conjointement avec les éditions `precedents` déjà publiées du même tableau."""
    tableau.masques = secret_secondaire(
        tableau.valeurs, tableau.masques, lignes=tableau.lignes, colonnes=tableau.colonnes
    )
    # Masquer davantage retire des contraintes : l'intervalle d'une case ne peut que s'élargir. Une case trouvée
    # protégée le reste, l'audit ne la refait pas.
    protegees: set[tuple] = set()
    while (echec := premiere_case_exposee([*precedents, tableau], seuils, protegees)) is not None:
        cle = _compagnon(tableau, echec)
        if cle is None:
            raise ValueError(f"Les éditions précédentes ne passent pas l'audit du secret statistique ({echec}).")
        tableau.masques.add(cle)
    return tableau.masques


def _compagnon(tableau: Tableau, cle: tuple) -> tuple | None:
    """La case à masquer pour élargir l'intervalle de `cle` : elle-même si elle est visible dans ce tableau
    (masquée dans une édition précédente), sinon la plus petite visible de ses lignes et colonnes, sinon la
    plus petite visible du tableau ; à valeur égale, une case avant un total."""
    if tableau.masquable(cle):
        return cle
    contraintes = lignes_du_tableau(tableau.lignes, tableau.colonnes)
    voisines = [k for total, cases in contraintes if cle in [*cases, total] for k in [*cases, total]]
    toutes = [*tableau.cases(), *(total for total, _ in contraintes)]
    for candidates in (voisines, toutes):
        if masquables := [k for k in candidates if tableau.masquable(k)]:
            return min(masquables, key=lambda k: (tableau.valeur(k), TOTAL in k))
    return None


# Audit --------------------------------------------------------------------------------------------------------


class Systeme:
    """Ce qu'un attaquant sait d'une suite d'éditions d'un même tableau : une inconnue (≥ 0) par case masquée,
    la même d'une édition à l'autre tant que la valeur de la case n'a pas changé ; une constante par case
    visible (dans une édition au moins) ou vide ; une égalité par ligne et par colonne, total compris."""

    def __init__(self, editions: list[Tableau]):
        # La première édition où chaque (clé, valeur) paraît en clair. Une case vide (None) n'est pas un zéro
        # déclaré : l'identité d'une case est sa valeur brute.
        self.premiere_visible: dict[tuple, int] = {}
        for numero, t in reversed(list(enumerate(editions))):
            for cle, valeur in t.valeurs.items():
                if cle not in t.masques:
                    self.premiere_visible[cle, valeur] = numero
        # Un total masqué est une inconnue lui aussi, avec son égalité : c'est ce qui lie deux tableaux qui
        # publient le même total (un croisement et la ventilation de son indicateur, indicateurs/ventilation.py).
        self.inconnues: dict[tuple, int] = {}
        for t in editions:
            for cle in [*t.cases(), *(total for total, _ in lignes_du_tableau(t.lignes, t.colonnes))]:
                if (cle, t.valeurs.get(cle)) not in self.premiere_visible:
                    self.inconnues.setdefault((cle, t.valeurs.get(cle)), len(self.inconnues))
        self.egalites: list[tuple[list[float], float]] = []
        for t in editions:
            for total, cases in lignes_du_tableau(t.lignes, t.colonnes):
                coefficients, constante = self.somme(t, [*cases, total], signes={total: -1})
                if any(coefficients):
                    self.egalites.append((coefficients, -constante))
        # Des points où toutes les contraintes tiennent : les vraies valeurs, puis chaque solution d'un programme
        # linéaire. Une case qui y prend des valeurs assez écartées est protégée sans nouveau calcul.
        self.temoins: list[list[float]] = [[float(valeur or 0) for _, valeur in self.inconnues]]

    def a_proteger(self, editions: list[Tableau], numero: int) -> list[tuple]:
        """Les cases masquées de l'édition `numero` qui ont un secret à garder : ni vides, ni déjà publiées en
        clair par une édition antérieure (masquer de nouveau une valeur publiée ne la cache plus). Une case
        masquée qu'une édition ultérieure montre inchangée, elle, est à protéger : l'audit le voit."""
        tableau = editions[numero]
        return [
            cle
            for cle in sorted(tableau.masques, key=repr)
            if tableau.valeurs.get(cle) is not None
            and self.premiere_visible.get((cle, tableau.valeurs.get(cle)), numero) >= numero
        ]

    def somme(self, tableau: Tableau, cases: list[tuple], signes: dict | None = None) -> tuple[list[float], float]:
        """La somme de `cases` d'une édition (chacune comptée avec son signe, +1 sauf dans `signes`) : coefficients
        des inconnues, et partie connue."""
        coefficients, constante = [0.0] * len(self.inconnues), 0.0
        for cle in cases:
            signe = (signes or {}).get(cle, 1)
            if (indice := self.inconnues.get((cle, tableau.valeurs.get(cle)))) is not None:
                coefficients[indice] += signe
            else:
                constante += signe * float(tableau.valeur(cle))
        return coefficients, constante


def intervalle(systeme: Systeme, tableau: Tableau, cle: tuple, largeur: float = 0) -> tuple[float, float]:
    """Le plus petit et le plus grand nombre que les éditions publiées permettent pour `cle` (case ou total) de
    `tableau` : deux programmes linéaires (scipy, HiGHS). Le maximum vaut l'infini quand rien ne le borne. Avec
    `largeur` : un maximum sous `largeur` suffit à conclure (le minimum est au moins 0), le minimum vaut alors 0
    sans être calculé."""
    from scipy.optimize import linprog  # lourd à charger : seulement quand on publie ou audite

    coefficients, constante = systeme.somme(tableau, _cases_de(tableau, cle))
    if not any(coefficients):
        return constante, constante
    egalites = {}
    if systeme.egalites:
        egalites = {"A_eq": [a for a, _ in systeme.egalites], "b_eq": [b for _, b in systeme.egalites]}

    def optimum(signe: int) -> float:
        resultat = linprog([signe * a for a in coefficients], bounds=(0, None), method="highs", **egalites)
        if resultat.status == 3:  # non borné : seul le maximum peut l'être, les inconnues étant positives
            return math.inf
        if resultat.status != 0:
            raise ValueError(f"Audit du secret statistique impossible : {resultat.message}")
        systeme.temoins.append(list(resultat.x))
        return signe * resultat.fun + constante

    maximum = optimum(-1)
    if maximum == math.inf or maximum - constante < largeur:
        return constante, maximum
    return optimum(1), maximum


def est_protegee(systeme: Systeme, tableau: Tableau, cle: tuple, seuils: Seuils) -> bool:
    """La règle de protection pour `cle`, sans programme linéaire quand les points déjà connus (témoins) lui
    donnent deux valeurs assez écartées : l'intervalle les contient."""
    coefficients, _ = systeme.somme(tableau, _cases_de(tableau, cle))
    valeurs = [sum(a * x for a, x in zip(coefficients, temoin, strict=True) if a) for temoin in systeme.temoins]
    if max(valeurs) - min(valeurs) >= seuils.largeur_protegee:
        return True
    return protegee(*intervalle(systeme, tableau, cle, largeur=seuils.largeur_protegee), seuils)


def _cases_de(tableau: Tableau, cle: tuple) -> list[tuple]:
    """Les cases dont `cle` est la somme : elle-même, ou celles de sa ligne ou de sa colonne pour un total
    (le total général : toutes)."""
    r, c = cle
    if r != TOTAL and c != TOTAL:
        return [cle]
    return [(rr, cc) for rr, cc in tableau.cases() if (r == TOTAL or rr == r) and (c == TOTAL or cc == c)]


def protegee(minimum: float, maximum: float, seuils: Seuils) -> bool:
    """La règle de protection : au moins `seuils.largeur_protegee` entre les deux bornes. Les valeurs comptées
    sont entières : on compte l'intervalle des entiers qu'il contient."""
    if maximum == math.inf:
        return True
    return math.floor(maximum + TOLERANCE) - math.ceil(minimum - TOLERANCE) >= seuils.largeur_protegee


def premiere_case_exposee(editions: list[Tableau], seuils: Seuils, protegees: set | None = None) -> tuple | None:
    """La première case masquée (de la dernière édition d'abord) dont l'intervalle est trop étroit ; None quand
    toutes sont protégées. `protegees` : les (édition, case) déjà trouvées protégées, sautées et complétées."""
    systeme, protegees = Systeme(editions), set() if protegees is None else protegees
    for numero in reversed(range(len(editions))):
        for cle in systeme.a_proteger(editions, numero):
            if (numero, cle) in protegees:
                continue
            if not est_protegee(systeme, editions[numero], cle, seuils):
                return cle
            protegees.add((numero, cle))
    return None


def cases_exposees(editions: list[Tableau], seuils: Seuils) -> list[tuple[int, tuple, float, float]]:
    """L'audit complet : (édition, case, minimum, maximum) de chaque case masquée mal protégée."""
    systeme = Systeme(editions)
    exposees = []
    for numero, tableau in enumerate(editions):
        for cle in systeme.a_proteger(editions, numero):
            minimum, maximum = intervalle(systeme, tableau, cle)
            if not protegee(minimum, maximum, seuils):
                exposees.append((numero, cle, minimum, maximum))
    return exposees
