"""Un jeu de données ouvert, décrit une fois : sa page, son CSV, son JSON, son Table Schema et l'API s'en
déduisent (donnees/formats.py, donnees/views.py, donnees/api.py)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

# La licence des données publiques de l'État (décret n° 2017-638 : licences de réutilisation à titre gratuit).
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Etalab 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

# Les types Table Schema employés (https://specs.frictionlessdata.io/table-schema/#types-and-formats).
TYPES = {"string", "integer", "number", "boolean", "date"}


@dataclass(frozen=True)
class Champ:
    """Une colonne : son nom (stable, l'en-tête du CSV et la clé du JSON), son type Table Schema, ce qu'elle
    contient et, pour un nombre dont l'unité ne varie pas, son unité."""

    nom: str
    type: str
    description: str
    unite: str = ""
    valeurs: tuple[str, ...] = ()  # les seules valeurs admises, quand la liste est fermée

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"Type Table Schema inconnu pour {self.nom} : {self.type}")

    @property
    def description_complete(self) -> str:
        return f"{self.description} Unité : {self.unite}." if self.unite else self.description


@dataclass(frozen=True)
class Jeu:
    """Un jeu de données : `lignes()` rend ses lignes (un dict par ligne, clés = noms des champs, en nombre de
    requêtes constant), `mise_a_jour()` la date de sa donnée la plus récente (une requête, None sans donnée)."""

    slug: str
    titre: str
    description: str
    champs: tuple[Champ, ...]
    lignes: Callable[[], list[dict]]
    mise_a_jour: Callable[[], datetime.date | None]
    cle_primaire: tuple[str, ...] = ()
    # La version du schéma : les noms de colonnes sont stables ; en changer (renommer, retirer) change la version.
    version: str = "1.0.0"

    @property
    def entetes(self) -> list[str]:
        return [champ.nom for champ in self.champs]
