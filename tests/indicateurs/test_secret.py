import math
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicateurs.secret import (
    TOTAL,
    Seuils,
    Systeme,
    Tableau,
    cases_exposees,
    intervalle,
    lignes_du_tableau,
    protegee,
    proteger_tableau,
    secret_primaire,
    secret_secondaire,
)

SEUILS = Seuils(personnes=11, dispositifs=3)


class TestSecretPrimaire:
    def test_un_effectif_sous_le_seuil_est_masque(self):
        assert secret_primaire(Decimal(10), 5, compte_personnes=True, seuils=SEUILS)
        assert secret_primaire(Decimal(1), 5, compte_personnes=True, seuils=SEUILS)

    def test_un_effectif_egal_au_seuil_est_publie(self):
        assert not secret_primaire(Decimal(11), 5, compte_personnes=True, seuils=SEUILS)

    def test_zero_personne_ne_designe_personne_et_reste_publie(self):
        assert not secret_primaire(Decimal(0), 5, compte_personnes=True, seuils=SEUILS)

    def test_un_petit_nombre_d_actes_est_publie(self):
        assert not secret_primaire(Decimal(2), 5, compte_personnes=False, seuils=SEUILS)

    def test_moins_de_trois_dispositifs_masquent_toute_valeur(self):
        assert secret_primaire(Decimal(500), 2, compte_personnes=False, seuils=SEUILS)
        assert secret_primaire(Decimal(0), 1, compte_personnes=True, seuils=SEUILS)
        assert not secret_primaire(Decimal(500), 3, compte_personnes=False, seuils=SEUILS)

    def test_une_cellule_vide_n_a_rien_a_cacher(self):
        assert not secret_primaire(None, 0, compte_personnes=True, seuils=SEUILS)

    def test_les_seuils_viennent_des_reglages(self, settings):
        settings.SECRET_SEUIL_PERSONNES = 5
        settings.SECRET_SEUIL_DISPOSITIFS = 2
        assert Seuils.depuis_reglages() == Seuils(personnes=5, dispositifs=2)


def tableau(cases: dict) -> tuple[dict, list, list]:
    """Les valeurs d'un tableau {(ligne, colonne): valeur} complétées de ses totaux de lignes et de colonnes."""
    lignes = sorted({r for r, _ in cases})
    colonnes = sorted({c for _, c in cases})
    valeurs = dict(cases)
    for r in lignes:
        valeurs[r, TOTAL] = sum(cases.get((r, c)) or 0 for c in colonnes)
    for c in colonnes:
        valeurs[TOTAL, c] = sum(cases.get((r, c)) or 0 for r in lignes)
    valeurs[TOTAL, TOTAL] = sum(v or 0 for v in cases.values())
    return valeurs, lignes, colonnes


def inconnues_par_ligne(masques, lignes, colonnes):
    """Pour chaque contrainte « somme = total » : (total visible ?, nombre de cases masquées hors total)."""
    for total, cases in lignes_du_tableau(lignes, colonnes):
        yield total, total not in masques, sum(1 for cle in cases if cle in masques)


class TestPremierePasse:
    """La première passe, rapide : plus aucune ligne ni colonne avec une seule case masquée."""

    def test_une_cellule_masquee_ne_se_retrouve_pas_par_le_total(self):
        # Nord : 4 personnes en LHSS, masqué ; sans secret secondaire, 4 = 54 − 30 − 20.
        valeurs, lignes, colonnes = tableau(
            {
                ("59", "LHSS"): 4,
                ("59", "LAM"): 30,
                ("59", "ACT"): 20,
                ("62", "LHSS"): 25,
                ("62", "LAM"): 40,
                ("62", "ACT"): 35,
            }
        )
        masques = secret_secondaire(valeurs, {("59", "LHSS")}, lignes=lignes, colonnes=colonnes)

        # Sur la ligne et la colonne de la case masquée, une autre inconnue au moins : la différence avec le
        # total donne une somme de deux cases masquées, jamais la case elle-même.
        for total, cases in lignes_du_tableau(lignes, colonnes):
            if ("59", "LHSS") in cases:
                inconnues = [cle for cle in [*cases, total] if cle in masques]
                assert len(inconnues) >= 2
                if total not in masques:
                    visibles = sum(valeurs[cle] for cle in cases if cle not in masques)
                    assert valeurs[total] - visibles != valeurs["59", "LHSS"]
        # La plus petite case visible de la ligne (ACT, 20) et de la colonne (Pas-de-Calais, 25) sont choisies.
        assert ("59", "ACT") in masques
        assert ("62", "LHSS") in masques

    def test_la_seconde_cellule_est_la_plus_petite_visible(self):
        valeurs, lignes, colonnes = tableau({("a", "x"): 3, ("a", "y"): 50, ("a", "z"): 12})
        masques = secret_secondaire(valeurs, {("a", "x")}, lignes=lignes, colonnes=colonnes)
        assert ("a", "z") in masques
        assert ("a", "y") not in masques

    def test_le_total_est_masque_quand_aucune_autre_cellule_ne_peut_l_etre(self):
        valeurs, lignes, colonnes = tableau({("a", "x"): 3, ("b", "x"): 40})
        valeurs["a", "y"] = None  # pas de donnée : rien à masquer à sa place
        masques = secret_secondaire(valeurs, {("a", "x")}, lignes=lignes, colonnes=colonnes)
        assert ("a", TOTAL) in masques

    def test_un_tableau_sans_cellule_masquee_ne_change_pas(self):
        valeurs, lignes, colonnes = tableau({("a", "x"): 30, ("b", "x"): 40})
        assert secret_secondaire(valeurs, set(), lignes=lignes, colonnes=colonnes) == set()

    def test_un_total_masque_seul_recoit_un_compagnon(self):
        # Le total d'une ligne masqué pour lui-même se recalculerait en additionnant les cases.
        valeurs, lignes, colonnes = tableau({("a", "x"): 30, ("a", "y"): 40, ("b", "x"): 50, ("b", "y"): 60})
        masques = secret_secondaire(valeurs, {("a", TOTAL)}, lignes=lignes, colonnes=colonnes)
        assert ("a", "x") in masques

    @pytest.mark.parametrize("graine", range(200))
    def test_aucune_ligne_au_total_visible_n_a_une_seule_cellule_masquee(self, graine):
        hasard = random.Random(graine)
        lignes = [f"d{i}" for i in range(hasard.randint(1, 6))]
        colonnes = [f"t{j}" for j in range(hasard.randint(1, 6))]
        cases = {
            (r, c): hasard.choice([None, 0, *range(1, 40)]) if hasard.random() < 0.9 else None
            for r in lignes
            for c in colonnes
        }
        valeurs, _, _ = tableau({cle: v for cle, v in cases.items()})
        primaires = {cle for cle, v in valeurs.items() if v is not None and 0 < v < 11}

        masques = secret_secondaire(valeurs, primaires, lignes=lignes, colonnes=colonnes)

        assert primaires <= masques
        for total, total_visible, nombre in inconnues_par_ligne(masques, lignes, colonnes):
            if total_visible:
                assert nombre != 1, f"{total} : une seule case masquée, recalculable depuis le total"


def somme(valeurs):
    """Un total comme le calcule le croisement : vide quand toutes ses cases le sont."""
    return None if all(v is None for v in valeurs) else sum(v or 0 for v in valeurs)


def tableau_protege(cases: dict, primaires_en_plus=()) -> Tableau:
    """Le tableau {(ligne, colonne): valeur} avec ses totaux, sous secret primaire (personnes)."""
    lignes = sorted({r for r, _ in cases})
    colonnes = sorted({c for _, c in cases})
    valeurs = dict(cases)
    for r in lignes:
        valeurs[r, TOTAL] = somme([cases[r, c] for c in colonnes])
    for c in colonnes:
        valeurs[TOTAL, c] = somme([cases[r, c] for r in lignes])
    valeurs[TOTAL, TOTAL] = somme(list(cases.values()))
    primaires = {
        cle
        for cle, v in valeurs.items()
        if secret_primaire(v, 1 if cle in primaires_en_plus else 5, compte_personnes=True, seuils=SEUILS)
    }
    return Tableau(lignes, colonnes, valeurs, primaires)


# Deux cycles de cases masquées (Nord–Somme × LHSS–LAM, Oise–Aisne × ACT–EMPP) reliés par une seule case
# (Somme × ACT) : chaque ligne et chaque colonne a au moins deux cases masquées, et pourtant la case pont se
# recalcule. Σ des cases masquées des lignes Nord et Somme (totaux moins cases visibles) − Σ de celles des
# colonnes LHSS et LAM = Somme × ACT.
PONT = {
    ("59", "LHSS"): 3, ("59", "LAM"): 4, ("59", "ACT"): 30, ("59", "EMPP"): 41,
    ("80", "LHSS"): 5, ("80", "LAM"): 6, ("80", "ACT"): 7, ("80", "EMPP"): 52,
    ("60", "LHSS"): 33, ("60", "LAM"): 25, ("60", "ACT"): 8, ("60", "EMPP"): 9,
    ("02", "LHSS"): 47, ("02", "LAM"): 38, ("02", "ACT"): 2, ("02", "EMPP"): 10,
}  # fmt: skip


class TestAudit:
    def test_l_ancienne_regle_laisse_recalculer_une_case_pont(self):
        t = tableau_protege({k: Decimal(v) for k, v in PONT.items()})
        t.masques = secret_secondaire(t.valeurs, t.masques, lignes=t.lignes, colonnes=t.colonnes)

        # Aucune ligne ni colonne n'a une seule case masquée : l'ancienne règle est satisfaite…
        for total, total_visible, nombre in inconnues_par_ligne(t.masques, t.lignes, t.colonnes):
            assert not (total_visible and nombre == 1), total
        # … et la case pont se lit exactement : 7 personnes.
        assert ("80", "ACT") in t.masques
        assert intervalle(Systeme([t]), t, ("80", "ACT")) == (7, 7)
        assert (0, ("80", "ACT"), 7, 7) in cases_exposees([t], SEUILS)

    def test_l_audit_masque_ce_qu_il_faut_pour_proteger_la_case_pont(self):
        t = tableau_protege({k: Decimal(v) for k, v in PONT.items()})
        primaires = set(t.masques)

        masques = proteger_tableau(t, SEUILS)

        assert primaires <= masques
        assert cases_exposees([t], SEUILS) == []
        minimum, maximum = intervalle(Systeme([t]), t, ("80", "ACT"))
        assert maximum - minimum >= SEUILS.personnes

    def test_la_regle_de_protection_compte_les_entiers_de_l_intervalle(self):
        assert protegee(0, 11, SEUILS)
        assert not protegee(0, 10.5, SEUILS)  # 0 à 10 : on sait que la case est sous le seuil
        assert not protegee(7, 7, SEUILS)
        assert protegee(3, math.inf, SEUILS)

    def test_un_tableau_sans_total_visible_ne_borne_rien(self):
        t = tableau_protege({("a", "x"): Decimal(4)})
        proteger_tableau(t, SEUILS)
        # La seule case, ses totaux : tout est masqué, rien ne la borne.
        assert t.masques == {("a", "x"), ("a", TOTAL), (TOTAL, "x"), (TOTAL, TOTAL)}
        assert intervalle(Systeme([t]), t, ("a", "x"))[1] == math.inf


# Petites valeurs et zéros, des cases vides, parfois trop peu de dispositifs : ce qui fait les ponts.
VALEURS = st.one_of(st.none(), st.just(0), st.integers(1, 10), st.integers(11, 60))


@st.composite
def tableaux(draw):
    nb_lignes, nb_colonnes = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    cases = {(f"d{i}", f"t{j}"): draw(VALEURS) for i in range(nb_lignes) for j in range(nb_colonnes)}
    peu_de_dispositifs = draw(st.sets(st.sampled_from(sorted(cases)), max_size=2))
    cases = {cle: None if v is None else Decimal(v) for cle, v in cases.items()}
    return cases, {cle for cle in peu_de_dispositifs if cases[cle] is not None}


def reviser(cases: dict, revision: list[tuple[int, int]]) -> dict:
    """Une validation tardive : des cases augmentent (une case vide reçoit sa première valeur)."""
    cles, revisees = sorted(cases), dict(cases)
    for indice, ajout in revision:
        cle = cles[indice % len(cles)]
        revisees[cle] = (revisees[cle] or 0) + Decimal(ajout)
    return revisees


AUDIT = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class TestProprietes:
    @AUDIT
    @given(tableaux())
    def test_chaque_case_masquee_d_un_tableau_aleatoire_passe_l_audit(self, tableau):
        cases, peu_de_dispositifs = tableau
        t = tableau_protege(cases, peu_de_dispositifs)
        primaires = set(t.masques)

        proteger_tableau(t, SEUILS)

        assert primaires <= t.masques
        assert cases_exposees([t], SEUILS) == []

    @AUDIT
    @given(
        tableaux(),
        st.lists(
            st.lists(st.tuples(st.integers(0, 24), st.integers(1, 15)), min_size=1, max_size=3), min_size=1, max_size=3
        ),
    )
    def test_les_editions_successives_lues_ensemble_passent_l_audit(self, tableau, revisions):
        cases, peu_de_dispositifs = tableau
        editions = []
        for revision in [[], *revisions]:
            cases = reviser(cases, revision)
            t = tableau_protege(cases, peu_de_dispositifs)
            primaires = set(t.masques)
            proteger_tableau(t, SEUILS, tuple(editions))
            assert primaires <= t.masques
            editions.append(t)

        assert cases_exposees(editions, SEUILS) == []


class TestRevisions:
    NORD_LHSS_4 = {
        ("59", "LHSS"): Decimal(4), ("59", "LAM"): Decimal(30), ("59", "ACT"): Decimal(20),
        ("80", "LHSS"): Decimal(25), ("80", "LAM"): Decimal(40), ("80", "ACT"): Decimal(35),
    }  # fmt: skip

    def test_deux_editions_protegees_chacune_seule_livrent_la_case(self):
        # Une validation tardive porte le Nord × LHSS de 4 à 14 : plus rien n'est secret dans la révision, qui
        # montre Nord × ACT inchangé ; la première édition donne alors 4 = total du Nord − 30 − 20.
        premiere = tableau_protege(self.NORD_LHSS_4)
        proteger_tableau(premiere, SEUILS)
        revision = tableau_protege(reviser(self.NORD_LHSS_4, [(sorted(self.NORD_LHSS_4).index(("59", "LHSS")), 10)]))
        proteger_tableau(revision, SEUILS)  # seule, comme avant : rien à masquer

        assert revision.masques == set()
        assert (0, ("59", "LHSS"), 4, 4) in cases_exposees([premiere, revision], SEUILS)

    def test_la_revision_auditee_avec_la_premiere_edition_garde_ses_compagnons(self):
        premiere = tableau_protege(self.NORD_LHSS_4)
        proteger_tableau(premiere, SEUILS)
        revision = tableau_protege(reviser(self.NORD_LHSS_4, [(sorted(self.NORD_LHSS_4).index(("59", "LHSS")), 10)]))

        proteger_tableau(revision, SEUILS, (premiere,))

        assert cases_exposees([premiere, revision], SEUILS) == []
        # Les compagnons inchangés de la première édition restent masqués dans la révision.
        compagnons = {cle for cle in premiere.masques if cle != ("59", "LHSS") and TOTAL not in cle}
        assert compagnons and compagnons <= revision.masques

    def test_une_valeur_deja_publiee_n_a_plus_de_secret_a_garder(self):
        premiere = tableau_protege({("a", "x"): Decimal(40), ("a", "y"): Decimal(50)})
        proteger_tableau(premiere, SEUILS)
        revision = tableau_protege({("a", "x"): Decimal(40), ("a", "y"): Decimal(50)})
        revision.masques = {("a", "x"), ("a", "y")}

        # Masquer dans la révision ce que la première édition montrait ne cache rien : l'audit ne le compte pas.
        assert Systeme([premiere, revision]).a_proteger([premiere, revision], 1) == []
