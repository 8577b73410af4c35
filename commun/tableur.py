"""Les exports pour tableur, communs à toutes les pages : CSV à la française lisible par Excel et LibreOffice."""

import csv
from decimal import Decimal


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
