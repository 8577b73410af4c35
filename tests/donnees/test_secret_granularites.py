"""Le secret entre granularités (donnees/secret.py) contre un attaquant qui lit les trois granularités publiées.

L'attaquant connaît chaque mois publié en clair, chaque trimestre et chaque année publiés, et que chaque
trimestre (chaque année) est la somme de ses mois. Les mois masqués sont ses inconnues : il en retrouve un
exactement quand le vecteur de cette inconnue est dans l'espace engendré par ses équations (rang).
"""

import datetime
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from commun.mois import decaler
from donnees.indicateurs import publications as publications_du_jeu
from donnees.secret import Etat, Publication, publication_de_la_periode
from indicateurs.croisement import Cellule
from indicateurs.models import Agregation, Granularite, Indicateur
from indicateurs.periodes import MOIS_PAR_GRANULARITE

TRIMESTRES = [range(0, 3), range(3, 6), range(6, 9), range(9, 12)]
ANNEE = range(0, 12)


def etats(masques: set[int], publies: set[int]) -> list[Etat]:
    return [Etat.NON_PUBLIE if m not in publies else Etat.MASQUE if m in masques else Etat.PUBLIE for m in range(12)]


def publications(valeurs: list[int], masques: set[int], publies: set[int], regle=None) -> list[tuple[range, int]]:
    """Les périodes (trimestres et année) publiées avec leur valeur, selon `regle` (la règle du projet par défaut)."""
    regle = regle or (lambda periode: publication_de_la_periode([etats(masques, publies)[m] for m in periode]))
    return [(p, sum(valeurs[m] for m in p)) for p in [*TRIMESTRES, ANNEE] if regle(p) == Publication.VALEUR]


def mois_recalculables(valeurs, masques, publies, periodes) -> set[int]:
    """Les mois masqués qu'on retrouve exactement depuis les mois en clair et les périodes publiées."""
    inconnues = sorted(masques & publies)
    if not inconnues or not periodes:
        return set()
    # Une équation par période publiée : Σ (mois masqués de la période) = valeur − Σ (mois en clair).
    equations = np.array([[1.0 if m in p else 0.0 for m in inconnues] for p, _ in periodes])
    rang = np.linalg.matrix_rank(equations)
    retrouves = set()
    for i, m in enumerate(inconnues):
        unite = np.zeros(len(inconnues))
        unite[i] = 1
        if np.linalg.matrix_rank(np.vstack([equations, unite])) == rang:
            retrouves.add(m)
    return retrouves


def somme_connue(valeurs, masques, publies, periodes) -> list[tuple[frozenset, int]]:
    """Les sommes de mois masqués que les périodes publiées livrent (l'intervalle de chacun s'en trouve réduit)."""
    return [
        (frozenset(m for m in p if m in masques), v - sum(valeurs[m] for m in p if m not in masques))
        for p, v in periodes
        if any(m in masques for m in p)
    ]


mois = st.sets(st.integers(0, 11))


@settings(max_examples=300, deadline=None)
@given(valeurs=st.lists(st.integers(0, 60), min_size=12, max_size=12), masques=mois, publies=mois)
def test_aucun_mois_masque_ne_se_recalcule_depuis_les_trois_granularites(valeurs, masques, publies):
    periodes = publications(valeurs, masques, publies)
    assert mois_recalculables(valeurs, masques, publies, periodes) == set()
    # Plus fort : aucune période publiée ne contient un mois masqué, donc ne livre même pas une somme de mois
    # masqués (qui réduirait leur intervalle sous la largeur protégée).
    assert somme_connue(valeurs, masques, publies, periodes) == []


@settings(max_examples=100, deadline=None)
@given(valeurs=st.lists(st.integers(0, 60), min_size=12, max_size=12), masques=mois, publies=mois)
def test_une_periode_publiee_vaut_la_somme_de_mois_publies_en_clair(valeurs, masques, publies):
    for periode, _ in publications(valeurs, masques, publies):
        assert all(m in publies and m not in masques for m in periode)


def test_l_attaquant_casse_une_regle_naive():
    """Le contrôle a des dents : publier le trimestre dès que ses mois sont publiés livre le mois masqué."""
    valeurs, masques, publies = [5, 20, 30] + [40] * 9, {0}, set(range(12))

    def naive(periode):
        return Publication.VALEUR if all(m in publies for m in periode) else Publication.AUCUNE

    periodes = publications(valeurs, masques, publies, regle=naive)
    assert mois_recalculables(valeurs, masques, publies, periodes) == {0}


def test_deux_mois_masques_livreraient_leur_somme_avec_une_regle_naive():
    valeurs, masques, publies = [3, 2, 30] + [40] * 9, {0, 1}, set(range(12))

    def naive(periode):
        return Publication.VALEUR

    periodes = publications(valeurs, masques, publies, regle=naive)
    assert mois_recalculables(valeurs, masques, publies, periodes) == set()
    # Aucun mois seul ne se retrouve, mais leur somme (3 + 2) se lit : chacun tient alors entre 0 et 5.
    assert (frozenset({0, 1}), 5) in somme_connue(valeurs, masques, publies, periodes)


def test_la_regle_trimestre_par_trimestre():
    publie, masque, absent = Etat.PUBLIE, Etat.MASQUE, Etat.NON_PUBLIE
    assert publication_de_la_periode([publie, publie, publie]) == Publication.VALEUR
    assert publication_de_la_periode([publie, masque, publie]) == Publication.SECRET
    assert publication_de_la_periode([publie, publie, absent]) == Publication.AUCUNE
    assert publication_de_la_periode([masque, masque, absent]) == Publication.AUCUNE
    assert publication_de_la_periode([]) == Publication.AUCUNE


# Le code du jeu lui-même (donnees.indicateurs.publications), sur des séries aléatoires ------------------------

ANNEE_2025 = [datetime.date(2025, m, 1) for m in range(1, 13)]
cellules = st.one_of(
    st.none(),  # pas de donnée ce mois pour la case
    st.tuples(st.integers(0, 60), st.booleans()),  # (valeur, masquée)
)


def serie(tirage) -> dict:
    return {
        m: Cellule(valeur=Decimal(v), nb_dispositifs=5, numerateur=Decimal(v), denominateur=Decimal(60), secret=s)
        for m, t in zip(ANNEE_2025, tirage, strict=True)
        if t is not None
        for v, s in [t]
    }


@settings(max_examples=300, deadline=None)
@given(
    tirage=st.lists(cellules, min_size=12, max_size=12),
    publies=st.sets(st.sampled_from(ANNEE_2025)),
    agregation=st.sampled_from(list(Agregation)),
)
def test_le_jeu_ne_publie_aucune_periode_qui_contient_un_mois_masque(tirage, publies, agregation):
    mois = serie(tirage)
    publies = publies | {m for m in mois}  # une case n'a de valeur que dans un mois publié
    lignes = list(publications_du_jeu(Indicateur(agregation=agregation), mois, publies))
    for granularite, periode, valeur, secret in lignes:
        if granularite == Granularite.MOIS:
            assert (valeur is None) == secret or mois[periode].valeur is None
            continue
        contenus = [decaler(periode, i) for i in range(MOIS_PAR_GRANULARITE[granularite])]
        assert all(m in publies for m in contenus), "une période non close ne paraît pas"
        masque = any(m in mois and mois[m].secret for m in contenus)
        assert secret == masque
        assert secret == (valeur is None)


@settings(max_examples=300, deadline=None)
@given(tirage=st.lists(cellules, min_size=12, max_size=12), publies=st.sets(st.sampled_from(ANNEE_2025)))
def test_l_attaquant_ne_retrouve_aucun_mois_masque_dans_le_jeu_publie(tirage, publies):
    """Un flux (somme) : chaque trimestre et l'année publiés sont des équations sur les mois ; aucun mois masqué
    ne doit en sortir, ni seul ni en somme avec d'autres."""
    mois = serie(tirage)
    publies = publies | set(mois)
    lignes = list(publications_du_jeu(Indicateur(agregation=Agregation.SOMME), mois, publies))
    valeurs = [int(mois[m].valeur) if m in mois else 0 for m in ANNEE_2025]
    masques = {i for i, m in enumerate(ANNEE_2025) if m in mois and mois[m].secret}
    periodes = [
        (range(periode.month - 1, periode.month - 1 + MOIS_PAR_GRANULARITE[granularite]), int(valeur))
        for granularite, periode, valeur, secret in lignes
        if granularite != Granularite.MOIS and not secret
    ]
    indices_publies = {i for i, m in enumerate(ANNEE_2025) if m in publies}
    assert mois_recalculables(valeurs, masques, indices_publies, periodes) == set()
    assert somme_connue(valeurs, masques, indices_publies, periodes) == []
    for periode, valeur in periodes:  # et la valeur publiée est bien la somme de ses mois
        assert valeur == sum(valeurs[m] for m in periode)
