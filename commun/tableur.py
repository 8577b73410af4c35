"""Les fichiers que les pages font télécharger (CSV à la française, lisible par Excel et LibreOffice ; XLSX ; ZIP ;
PDF) : leur réponse et leur nom écrits une fois."""

import csv
from decimal import Decimal

from django.http import HttpResponse

# Ce qu'un tableur lit comme le début d'une formule (injection de formule, « CSV injection » de l'OWASP) :
# « =HYPERLINK(…) », « +1+cmd|… », « -2+3 », « @SOMME(…) », ou l'un d'eux derrière une tabulation ou un retour.
DEBUTS_DE_FORMULE = ("=", "+", "-", "@", "\t", "\r")


def neutraliser(valeur):
    """La protection de tous les exports, CSV et XLSX : un texte qui commencerait une formule est précédé d'une
    apostrophe, la marque « ceci est du texte » des tableurs, et reste lisible derrière elle. Seuls les textes :
    un nombre (-3, Decimal("-2.5")) reste un nombre, et le CSV l'écrit sans apostrophe."""
    if isinstance(valeur, str) and valeur.startswith(DEBUTS_DE_FORMULE):
        return "'" + valeur
    return valeur


def cellule_csv(valeur) -> str:
    """Nombres à la française (« 72,5 », « 134 »), dates « 30/06/2026 23:59 », vide pour une absence ; un texte
    neutralisé (`neutraliser`)."""
    if valeur is None:
        return ""
    if isinstance(valeur, str):
        return neutraliser(valeur)
    if isinstance(valeur, Decimal):
        return f"{valeur.normalize():f}".replace(".", ",")
    if hasattr(valeur, "strftime"):
        return valeur.strftime("%d/%m/%Y %H:%M")
    return str(valeur)


def ecrire_csv(sortie, entetes: list[str], lignes):
    """En-têtes puis lignes, séparées par « ; » ; le BOM fait reconnaître l'UTF-8 et les accents au tableur."""
    sortie.write("\ufeff")
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow([cellule_csv(entete) for entete in entetes])
    for ligne in lignes:
        ecrivain.writerow([cellule_csv(valeur) for valeur in ligne])


def ecrire_feuille(feuille, lignes):
    """Les lignes d'une feuille XLSX (openpyxl). openpyxl écrit en formule vive tout texte qui commence par « = » :
    chaque texte est ici une cellule de texte, et celui qui commencerait une formule porte la marque « texte »
    d'Excel et de LibreOffice (quotePrefix, l'apostrophe de `neutraliser`, qui ne s'affiche pas). Les caractères de
    contrôle que le format XLSX ne sait pas écrire (hors tabulation et retours) sont retirés."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for ligne in lignes:
        feuille.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in ligne])
        for cellule in feuille[feuille.max_row]:
            if isinstance(cellule.value, str):
                cellule.data_type = "s"
                cellule.quotePrefix = neutraliser(cellule.value) != cellule.value


TYPES_DE_FICHIER = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "pdf": "application/pdf",
}


def reponse_fichier(nom: str) -> HttpResponse:
    """Une réponse vide à remplir, téléchargée sous le nom `nom` ; son type vient de l'extension."""
    reponse = HttpResponse(content_type=TYPES_DE_FICHIER[nom.rsplit(".", 1)[-1]])
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    return reponse


def reponse_csv(nom: str, entetes: list[str], lignes) -> HttpResponse:
    """Le fichier CSV à télécharger sous le nom `nom`."""
    reponse = reponse_fichier(nom)
    ecrire_csv(reponse, entetes, lignes)
    return reponse


def filtres_invalides(form) -> HttpResponse:
    """La réponse d'un export dont les filtres ne valent rien : 400 et, en français, quels champs et pourquoi."""
    return HttpResponse(f"Filtres invalides : {form.errors.as_text()}", status=400, content_type="text/plain")
