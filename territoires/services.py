"""Import des territoires depuis les fichiers livrés dans territoires/donnees/ (voir PROVENANCE.md)."""

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from territoires.contours import fusionner
from territoires.models import Contour, Niveau, Territoire

DONNEES = Path(__file__).resolve().parent / "donnees"
SOURCE_REGIONS = "Somme des populations légales de ses départements (INSEE)"
SOURCE_FRANCE = "Somme des populations départementales (Mayotte au millésime 2017)"
NOTE_MAYOTTE = "Population du recensement 2017 : l'INSEE n'en publie pas de plus récente dans nos données."
NOTE_TERRITOIRE_SANTE = "Composition communale et population non publiées dans nos données : taux non disponibles."
NOTE_TERRITOIRE_DEPARTEMENT = "Couvre tout le département : sa population est celle du département."


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


@transaction.atomic
def importer_territoires() -> RapportImport:
    """Crée ou met à jour la France, ses 18 régions, 101 départements et les territoires de santé.

    Idempotent : une seconde exécution ne modifie rien et le rapport le dit.
    """
    arbre = _Arbre(existants={(t.niveau, t.code): t for t in Territoire.objects.all()})
    populations = _par_code("population_departements.csv", "departement_code")
    france = arbre.enregistrer(Niveau.PAYS, "FR", nom="France", **_population_de_la_france(populations.values()))
    regions = _importer_regions(arbre, france)
    departements = _importer_departements(arbre, regions, populations)
    for ligne in _lire_csv("territoires_sante_hdf.csv"):
        parent = departements[ligne["departement_code"]]
        arbre.enregistrer(
            Niveau.TERRITOIRE_SANTE, ligne["code"], parent=parent, nom=ligne["nom"], **_population_ts(ligne, parent)
        )
    _importer_contours(departements, regions)
    return arbre.rapport


@dataclass
class _Arbre:
    """Les territoires déjà en base, par (niveau, code), et le rapport de ce que l'import en fait."""

    existants: dict
    rapport: RapportImport = field(default_factory=RapportImport)

    def enregistrer(self, niveau: str, code: str, parent: Territoire | None = None, **valeurs) -> Territoire:
        """Crée le territoire, ou reporte sur l'existant les valeurs qui diffèrent (rien s'il est à jour)."""
        territoire = self.existants.get((niveau, code))
        if territoire is None:
            territoire = Territoire.objects.create(niveau=niveau, code=code, parent=parent, **valeurs)
            self.existants[(niveau, code)] = territoire
            self.rapport.crees[niveau] += 1
            return territoire
        changes = {nom: v for nom, v in {**valeurs, "parent": parent}.items() if getattr(territoire, nom) != v}
        for nom, valeur in changes.items():
            setattr(territoire, nom, valeur)
        if changes:
            territoire.save()
        (self.rapport.modifies if changes else self.rapport.inchanges)[niveau] += 1
        return territoire


def _importer_regions(arbre: _Arbre, france: Territoire) -> dict[str, Territoire]:
    populations = _par_code("population_regions.csv", "region_code")
    return {
        ligne["code"]: arbre.enregistrer(
            Niveau.REGION,
            ligne["code"],
            parent=france,
            nom=ligne["nom"],
            **_population(populations[ligne["code"]], source=SOURCE_REGIONS, mayotte=ligne["code"] == "06"),
        )
        for ligne in _lire_csv("regions.csv")
    }


def _importer_departements(arbre: _Arbre, regions: dict, populations: dict) -> dict[str, Territoire]:
    return {
        ligne["code"]: arbre.enregistrer(
            Niveau.DEPARTEMENT,
            ligne["code"],
            parent=regions[ligne["region_code"]],
            nom=ligne["nom"],
            **_population(
                populations[ligne["code"]], source=populations[ligne["code"]]["source"], mayotte=ligne["code"] == "976"
            ),
        )
        for ligne in _lire_csv("departements.csv")
    }


def _population(ligne: dict, *, source: str, mayotte: bool) -> dict:
    """La population légale d'une ligne INSEE, son millésime et sa source ; Mayotte dit que la sienne est ancienne."""
    return {
        "population": int(ligne["population_municipale"]),
        "millesime_population": int(ligne["millesime_population"]),
        "source_population": source,
        "note": NOTE_MAYOTTE if mayotte else "",
    }


def _population_ts(ligne: dict, departement: Territoire) -> dict:
    """Un territoire de santé qui couvre tout son département (Aisne, Oise…) en prend la population ; les autres
    (le Nord partagé en deux) n'en ont pas : leur composition communale n'est pas publiée dans nos données."""
    if ligne["couvre_le_departement"] != "oui":
        return {
            "population": None,
            "millesime_population": None,
            "source_population": "",
            "note": NOTE_TERRITOIRE_SANTE,
        }
    return {
        "population": departement.population,
        "millesime_population": departement.millesime_population,
        "source_population": departement.source_population,
        "note": NOTE_TERRITOIRE_DEPARTEMENT,
    }


def _population_de_la_france(departements) -> dict:
    departements = list(departements)
    return {
        "population": sum(int(ligne["population_municipale"]) for ligne in departements),
        "millesime_population": max(int(ligne["millesime_population"]) for ligne in departements),
        "source_population": SOURCE_FRANCE,
    }


def _importer_contours(departements: dict[str, Territoire], regions: dict[str, Territoire]):
    """Contours des départements, pour les cartes, et ceux des régions, construits depuis leurs départements
    (territoires/contours.py) pour la carte nationale ; réécrits seulement s'ils ont changé."""
    with open(DONNEES / "departements.geojson", encoding="utf-8") as fichier:
        entites = json.load(fichier)["features"]
    geometries = {departements[e["properties"]["code"]]: e["geometry"] for e in entites}
    par_region = defaultdict(list)
    for departement, geometrie in geometries.items():
        par_region[departement.parent_id].append(geometrie)
    geometries |= {region: fusionner(par_region[region.pk]) for region in regions.values() if par_region[region.pk]}
    existants = {c.territoire_id: c for c in Contour.objects.filter(territoire__in=geometries)}
    for territoire, geometrie in geometries.items():
        contour = existants.get(territoire.pk)
        if contour is None:
            Contour.objects.create(territoire=territoire, geometrie=geometrie)
        elif contour.geometrie != geometrie:
            contour.geometrie = geometrie
            contour.save(update_fields=["geometrie"])


def _lire_csv(nom: str) -> list[dict]:
    with open(DONNEES / nom, encoding="utf-8", newline="") as fichier:
        return list(csv.DictReader(fichier))


def _par_code(nom: str, colonne: str) -> dict[str, dict]:
    """Les lignes d'un fichier de populations, par code du territoire."""
    return {ligne[colonne]: ligne for ligne in _lire_csv(nom)}
