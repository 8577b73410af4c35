"""Les fichiers que les pages font télécharger (CSV à la française, lisible par Excel et LibreOffice ; XLSX ; ZIP ;
PDF) : leur réponse et leur nom écrits une fois."""

import csv
from decimal import Decimal

from django.http import HttpResponse


def cellule_csv(valeur) -> str:
    """Nombres à la française (« 72,5 », « 134 »), dates « 30/06/2026 23:59 », vide pour une absence."""
    if valeur is None:
        return ""
    if isinstance(valeur, Decimal):
        return f"{valeur.normalize():f}".replace(".", ",")
    if hasattr(valeur, "strftime"):
        return valeur.strftime("%d/%m/%Y %H:%M")
    return str(valeur)


def ecrire_csv(sortie, entetes: list[str], lignes):
    """En-têtes puis lignes, séparées par « ; » ; le BOM fait reconnaître l'UTF-8 et les accents au tableur."""
    sortie.write("\ufeff")
    ecrivain = csv.writer(sortie, delimiter=";")
    ecrivain.writerow(entetes)
    for ligne in lignes:
        ecrivain.writerow([cellule_csv(valeur) for valeur in ligne])


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
