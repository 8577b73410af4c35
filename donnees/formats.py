"""Les trois formats d'un jeu, déduits de sa description : le CSV (UTF-8, virgule, en-tête = noms des champs),
le JSON (mêmes lignes, valeurs typées) et le Table Schema (`schema.json`, le format des schémas de données
publiques françaises, schema.data.gouv.fr)."""

import csv
import datetime
from decimal import Decimal

from commun.tableur import neutraliser
from donnees.jeu import LICENCE, Jeu
from planification.calcul import nombre

VRAI, FAUX = "true", "false"


def texte_csv(valeur) -> str:
    """Une cellule du CSV, lisible par tout outil : nombre à point décimal, date ISO 8601, booléen true/false, vide
    pour une absence ; un texte qui commencerait une formule de tableur est neutralisé (commun/tableur.py)."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return VRAI if valeur else FAUX
    if isinstance(valeur, Decimal):
        return f"{valeur.normalize():f}"
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    return neutraliser(str(valeur))


def ecrire_csv(sortie, jeu: Jeu, lignes: list[dict]) -> None:
    ecrivain = csv.writer(sortie, lineterminator="\r\n")
    ecrivain.writerow(jeu.entetes)
    for ligne in lignes:
        ecrivain.writerow([texte_csv(ligne[nom]) for nom in jeu.entetes])


def valeur_json(valeur):
    if isinstance(valeur, Decimal):
        return nombre(valeur)
    if isinstance(valeur, datetime.date):
        return valeur.isoformat()
    return valeur


def lignes_json(jeu: Jeu, lignes: list[dict]) -> list[dict]:
    return [{nom: valeur_json(ligne[nom]) for nom in jeu.entetes} for ligne in lignes]


def table_schema(jeu: Jeu, adresses: dict | None = None) -> dict:
    """Le Table Schema du jeu (https://specs.frictionlessdata.io/table-schema/), avec les métadonnées qu'ajoutent
    les schémas de schema.data.gouv.fr (nom, titre, description, version, licence, adresse du schéma et de sa
    page)."""
    schema = {
        "name": jeu.slug,
        "title": jeu.titre,
        "description": jeu.description,
        "version": jeu.version,
        "licenses": [LICENCE],
        "fields": [champ_schema(champ) for champ in jeu.champs],
        "missingValues": [""],
    }
    if adresses:
        schema |= {"path": adresses["schema"], "homepage": adresses["page"]}
    if jeu.cle_primaire:
        schema["primaryKey"] = list(jeu.cle_primaire)
    return schema


def champ_schema(champ) -> dict:
    descripteur = {"name": champ.nom, "type": champ.type, "description": champ.description_complete}
    if champ.type == "boolean":
        descripteur |= {"trueValues": [VRAI], "falseValues": [FAUX]}
    if champ.valeurs:
        descripteur["constraints"] = {"enum": list(champ.valeurs)}
    return descripteur
