"""L'import FINESS mesuré deux fois sur la même extraction synthétique : l'import, puis le réimport (qui ne doit
rien écrire). Une ligne JSON par mesure sur la sortie standard, rien d'autre."""

import random
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from bench.commun import Arret, figure
from bench.finess.extraction import ecrire_extraction
from dispositifs.services import importer_finess, types_par_categorie
from territoires.services import importer_territoires


def mesurer(*, etablissements: int, graine: int):
    with tempfile.TemporaryDirectory(prefix="mesure-finess-") as dossier, base_jetable(Path(dossier)):
        importer_territoires()
        categories = sorted(types_par_categorie())
        if not categories:
            raise Arret("Le catalogue migré ne retient aucune catégorie FINESS : rien à mesurer.")
        fichier = Path(dossier) / "etalab-cs1100507-stock-synthetique.csv"
        lignes = ecrire_extraction(fichier, nb=etablissements, categories=categories, hasard=random.Random(graine))
        for nom in ("import_finess", "reimport_finess"):
            figure(nom, **importer(fichier=fichier, lignes=lignes))


@contextmanager
def base_jetable(dossier: Path):
    """Bascule la connexion sur une base neuve et migrée, détruite en sortant. Elle porte un nom à elle, pour ne
    croiser ni la base du développeur ni la base de test que pytest réutilise (--reuse-db) : un fichier SQLite dans
    `dossier` si la base configurée est SQLite, sinon « <nom>_mesure_finess »."""
    reglages = connection.settings_dict
    if connection.vendor == "sqlite":
        reglages["TEST"]["NAME"] = str(dossier / "mesure.sqlite3")
    else:
        reglages["TEST"]["NAME"] = f"{reglages['NAME']}_mesure_finess"
    nom_d_origine = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(nom_d_origine, verbosity=0)


def importer(*, fichier: Path, lignes: int) -> dict:
    """Un import chronométré et ce qu'il a fait de chaque ligne."""
    debut = time.perf_counter()
    rapport = importer_finess(fichier=fichier)
    return {
        "lignes": lignes,
        "secondes": round(time.perf_counter() - debut, 2),
        "crees": rapport.crees,
        "mis_a_jour": rapport.modifies,
        "inchanges": rapport.inchanges,
        "hors_perimetre": rapport.hors_perimetre,
        "rejetees": len(rapport.rejets),
    }
