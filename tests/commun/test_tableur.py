"""Les exports neutralisent les formules : tout texte qui commencerait une formule reste un texte, en CSV comme en
XLSX, et reste lisible ; les nombres, même négatifs, restent des nombres."""

import csv
import io
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from commun.tableur import DEBUTS_DE_FORMULE, ecrire_csv, ecrire_feuille, neutraliser

# Des textes quelconques, et autant qui commencent par un début de formule (suivi de n'importe quoi).
textes = st.one_of(st.text(), st.builds(str.__add__, st.sampled_from(DEBUTS_DE_FORMULE), st.text()))
nombres = st.one_of(st.integers(-(10**12), 10**12), st.decimals(-(10**6), 10**6, places=2))
lignes = st.lists(st.lists(st.one_of(textes, nombres), min_size=1, max_size=5), min_size=1, max_size=5)


def relire_csv(lignes_ecrites) -> list[list[str]]:
    sortie = io.StringIO()
    ecrire_csv(sortie, ["Colonne"], lignes_ecrites)
    contenu = sortie.getvalue()
    assert contenu.startswith("\ufeff")
    return list(csv.reader(io.StringIO(contenu[1:], newline=""), delimiter=";"))[1:]


def relire_xlsx(lignes_ecrites):
    classeur = Workbook()
    ecrire_feuille(classeur.active, lignes_ecrites)
    fichier = io.BytesIO()
    classeur.save(fichier)
    return load_workbook(io.BytesIO(fichier.getvalue())).active


@settings(max_examples=200, deadline=None)
@given(lignes)
def test_le_csv_ecrit_chaque_texte_comme_un_texte_lisible(lignes_ecrites):
    relues = relire_csv(lignes_ecrites)

    for ecrite, relue in zip(lignes_ecrites, relues, strict=True):
        for valeur, cellule in zip(ecrite, relue, strict=True):
            if isinstance(valeur, str):
                dangereux = valeur.startswith(DEBUTS_DE_FORMULE)
                assert cellule == ("'" + valeur if dangereux else valeur)  # le texte entier, derrière l'apostrophe
                assert not cellule.startswith(DEBUTS_DE_FORMULE)
            else:  # un nombre, à la française, signe compris : « -3 », « -2,5 »
                assert Decimal(cellule.replace(",", ".")) == valeur
                assert cellule.startswith("-") == (valeur < 0)


@settings(max_examples=200, deadline=None)
@given(lignes)
def test_le_xlsx_n_a_aucune_formule_et_garde_textes_et_nombres(lignes_ecrites):
    feuille = relire_xlsx(lignes_ecrites)

    for ecrite, cellules in zip(lignes_ecrites, feuille.iter_rows(), strict=False):
        for valeur, cellule in zip(ecrite, cellules, strict=False):
            assert cellule.data_type != "f"
            if isinstance(valeur, str):
                texte = ILLEGAL_CHARACTERS_RE.sub("", valeur)
                assert cellule.value == (texte or None)  # openpyxl relit une cellule vide comme None
                assert cellule.quotePrefix == texte.startswith(DEBUTS_DE_FORMULE)
            else:
                assert cellule.data_type == "n" and Decimal(str(cellule.value)) == valeur


def test_les_cinq_formules_d_avant_sont_des_textes_et_les_negatifs_des_nombres():
    """Avant : openpyxl écrivait « =… » en formule vive (cinq des charges d'essai en commençaient)."""
    charges = ["=1+1", '=HYPERLINK("http://x.example","clic")', "=cmd|' /C calc'!A0", "=SOMME(A1:A9)", "=A1"]
    feuille = relire_xlsx([[*charges, "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", "\r=1", -3, Decimal("-2.5")]])

    cellules = list(feuille.iter_rows())[0]
    assert [c.data_type for c in cellules] == ["s"] * 10 + ["n", "n"]
    assert [c.value for c in cellules[:5]] == charges and all(c.quotePrefix for c in cellules[:10])
    assert (cellules[10].value, cellules[11].value) == (-3, -2.5)
    assert relire_csv([["=1+1", -3, Decimal("-2.5"), "-2+3"]]) == [["'=1+1", "-3", "-2,5", "'-2+3"]]
    assert neutraliser(-3) == -3 and neutraliser("Sans danger") == "Sans danger"
