"""Import des territoires depuis les fichiers livrés dans territoires/donnees/ (voir PROVENANCE.md)."""

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from territoires.models import Contour, Niveau, Territoire

DONNEES = Path(__file__).resolve().parent / "donnees"
SOURCE_FRANCE = "Somme des populations départementales (Mayotte au millésime 2017)"
NOTE_MAYOTTE = "Population du recensement 2017 : l'INSEE n'en publie pas de plus récente dans nos données."
NOTE_TERRITOIRE_SANTE = "Composition communale et population non publiées dans nos données : taux non disponibles."


@dataclass
class RapportImport:
    crees: Counter = field(default_factory=Counter)
    modifies: Counter = field(default_factory=Counter)
    inchanges: Counter = field(default_factory=Counter)

    def lignes(self) -> list[str]:
        return [
            f"{Niveau(niveau).label} : {self.crees[niveau]} créé(s), {self.modifies[niveau]} modifié(s), "
            f"{self.inchanges[niveau]} inchangé(s)"
            for niveau in Niveau.values
        ]

    @property
    def nb_changements(self) -> int:
        return sum(self.crees.values()) + sum(self.modifies.values())


def lire_csv(nom: str) -> list[dict]:
    with open(DONNEES / nom, encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


@transaction.atomic
def importer_territoires() -> RapportImport:
    """Crée ou met à jour la France, ses 18 régions, 101 départements et les territoires de santé.

    Idempotent : une seconde exécution ne modifie rien et le rapport le dit.
    """
    rapport = RapportImport()
    existants = {(t.niveau, t.code): t for t in Territoire.objects.all()}

    def enregistrer(niveau, code, parent=None, **valeurs):
        territoire = existants.get((niveau, code))
        if territoire is None:
            territoire = Territoire.objects.create(niveau=niveau, code=code, parent=parent, **valeurs)
            existants[(niveau, code)] = territoire
            rapport.crees[niveau] += 1
            return territoire
        valeurs["parent"] = parent
        changes = {nom: v for nom, v in valeurs.items() if getattr(territoire, nom) != v}
        if changes:
            for nom, valeur in changes.items():
                setattr(territoire, nom, valeur)
            territoire.save()
            rapport.modifies[niveau] += 1
        else:
            rapport.inchanges[niveau] += 1
        return territoire

    populations_dep = {ligne["departement_code"]: ligne for ligne in lire_csv("population_departements.csv")}
    france = enregistrer(
        Niveau.PAYS,
        "FR",
        nom="France",
        population=sum(int(ligne["population_municipale"]) for ligne in populations_dep.values()),
        millesime_population=max(int(ligne["millesime_population"]) for ligne in populations_dep.values()),
        source_population=SOURCE_FRANCE,
    )
    regions = _importer_regions(enregistrer, france)
    departements = _importer_departements(enregistrer, regions, populations_dep)
    for ligne in lire_csv("territoires_sante_hdf.csv"):
        enregistrer(
            Niveau.TERRITOIRE_SANTE,
            ligne["code"],
            parent=departements[ligne["departement_code"]],
            nom=ligne["nom"],
            note=NOTE_TERRITOIRE_SANTE,
        )
    _importer_contours(departements)
    return rapport


def _importer_regions(enregistrer, france) -> dict[str, Territoire]:
    populations = {ligne["region_code"]: ligne for ligne in lire_csv("population_regions.csv")}
    regions = {}
    for ligne in lire_csv("regions.csv"):
        population = populations[ligne["code"]]
        regions[ligne["code"]] = enregistrer(
            Niveau.REGION,
            ligne["code"],
            parent=france,
            nom=ligne["nom"],
            population=int(population["population_municipale"]),
            millesime_population=int(population["millesime_population"]),
            source_population="Somme des populations légales de ses départements (INSEE)",
            note=NOTE_MAYOTTE if ligne["code"] == "06" else "",
        )
    return regions


def _importer_departements(enregistrer, regions, populations) -> dict[str, Territoire]:
    departements = {}
    for ligne in lire_csv("departements.csv"):
        population = populations[ligne["code"]]
        departements[ligne["code"]] = enregistrer(
            Niveau.DEPARTEMENT,
            ligne["code"],
            parent=regions[ligne["region_code"]],
            nom=ligne["nom"],
            population=int(population["population_municipale"]),
            millesime_population=int(population["millesime_population"]),
            source_population=population["source"],
            note=NOTE_MAYOTTE if ligne["code"] == "976" else "",
        )
    return departements


def _importer_contours(departements: dict[str, Territoire]):
    """Contours des départements, pour les cartes ; réécrits seulement s'ils ont changé."""
    with open(DONNEES / "departements.geojson", encoding="utf-8") as fichier:
        entites = json.load(fichier)["features"]
    existants = {c.territoire_id: c for c in Contour.objects.filter(territoire__in=departements.values())}
    for entite in entites:
        territoire = departements[entite["properties"]["code"]]
        contour = existants.get(territoire.pk)
        if contour is None:
            Contour.objects.create(territoire=territoire, geometrie=entite["geometry"])
        elif contour.geometrie != entite["geometry"]:
            contour.geometrie = entite["geometry"]
            contour.save(update_fields=["geometrie"])
