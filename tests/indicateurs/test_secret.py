import random
from decimal import Decimal

import pytest

from indicateurs.secret import TOTAL, Seuils, lignes_du_tableau, secret_primaire, secret_secondaire

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


class TestSecretSecondaire:
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
