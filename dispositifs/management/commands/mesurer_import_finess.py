import json
import random
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from stdnum import luhn

from dispositifs.finess import DEPARTEMENTS_OUTRE_MER
from dispositifs.services import importer_finess, types_par_categorie
from territoires.models import Territoire
from territoires.services import importer_territoires

PART_RETENUE = 0.05
# Catégories fréquentes que le catalogue ne retient pas (pharmacies, EHPAD, laboratoires, centres de santé, CH,
# SSIAD, SAAS, CSAPA, CAARUD, SESSAD, CMPP…) : le gros d'une extraction réelle.
AUTRES_CATEGORIES = ["620", "500", "611", "124", "355", "354", "209", "197", "178", "182", "189", "603"]
CODES_FINESS = {insee: finess for finess, insee in DEPARTEMENTS_OUTRE_MER.items()}
SOURCE_COORDONNEES = "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"


class Command(BaseCommand):
    help = (
        "Mesure l'import FINESS (puis le réimport, qui ne doit rien écrire) sur une extraction synthétique au format "
        "réel : 100 000 lignes « structureet », dont 5 % dans les catégories du catalogue, et autant de lignes "
        "« geolocalisation ». Tout se passe dans une base jetable, créée et migrée pour l'occasion comme une base de "
        "test Django puis détruite : un fichier SQLite dans un dossier temporaire si la base configurée est SQLite, "
        "sinon une base PostgreSQL « <nom>_mesure_finess ». Les données du développeur ne sont ni lues ni modifiées. "
        "Affiche une ligne JSON par mesure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--etablissements", type=int, default=100_000, help="Lignes « structureet » à écrire.")
        parser.add_argument(
            "--graine", type=int, default=2026, help="Graine du hasard, pour un fichier reproductible."
        )

    def handle(self, *args, etablissements: int, graine: int, **options):
        with tempfile.TemporaryDirectory(prefix="mesure-finess-") as dossier, base_jetable(Path(dossier)):
            importer_territoires()
            categories = sorted(types_par_categorie())
            if not categories:
                raise CommandError("Le catalogue migré ne retient aucune catégorie FINESS : rien à mesurer.")
            fichier = Path(dossier) / "etalab-cs1100507-stock-synthetique.csv"
            lignes = ecrire_extraction(fichier, nb=etablissements, categories=categories, hasard=random.Random(graine))
            for figure in ("import_finess", "reimport_finess"):
                self.stdout.write(json.dumps(mesurer(figure, fichier=fichier, lignes=lignes), ensure_ascii=False))


@contextmanager
def base_jetable(dossier: Path):
    """Bascule la connexion sur une base neuve et migrée, détruite en sortant. Elle porte un nom à elle, pour ne
    croiser ni la base du développeur ni la base de test que pytest réutilise (--reuse-db)."""
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


def mesurer(figure: str, *, fichier: Path, lignes: int) -> dict:
    debut = time.perf_counter()
    rapport = importer_finess(fichier=fichier)
    return {
        "figure": figure,
        "lignes": lignes,
        "secondes": round(time.perf_counter() - debut, 2),
        "crees": rapport.crees,
        "mis_a_jour": rapport.modifies,
        "inchanges": rapport.inchanges,
        "hors_perimetre": rapport.hors_perimetre,
        "rejetees": len(rapport.rejets),
    }


def ecrire_extraction(fichier: Path, *, nb: int, categories: list[str], hasard: random.Random) -> int:
    """Écrit l'extraction synthétique (Latin-1, lignes fictives) et renvoie son nombre de lignes.

    Environ trois établissements retenus par entité juridique, comme des gestionnaires qui en portent plusieurs."""
    departements = list(Territoire.objects.departements().values_list("code", flat=True))
    autres = [categorie for categorie in AUTRES_CATEGORIES if categorie not in categories]
    entites = [finess_synthetique(hasard.choice(departements), 500_000 + i) for i in range(max(1, nb // 30))]
    structures, geolocalisations = [], []
    for numero in range(nb):
        departement = hasard.choice(departements)
        categorie = hasard.choice(categories if hasard.random() < PART_RETENUE else autres)
        finess = finess_synthetique(departement, numero)
        structures.append(ligne_structureet(finess, hasard.choice(entites), categorie, departement, numero))
        x, y = hasard.uniform(100_000, 1_200_000), hasard.uniform(6_000_000, 7_100_000)
        geolocalisations.append(f"geolocalisation;{finess};{x:.1f};{y:.1f};{SOURCE_COORDONNEES};2026-11-02")
    lignes = ["finess;etalab;111;2026-11-23", *structures, *geolocalisations]
    fichier.write_text("\n".join(lignes) + "\n", encoding="latin-1")
    return len(lignes)


def finess_synthetique(departement: str, numero: int) -> str:
    """2 caractères du département (« 97 » outre-mer), 6 chiffres, la clé de Luhn (calculée avec « 20 » en Corse)."""
    corps = f"{departement[:2]}{numero % 1_000_000:06d}"
    return corps + luhn.calc_check_digit(corps.replace("2A", "20", 1).replace("2B", "20", 1))


def ligne_structureet(finess: str, finess_juridique: str, categorie: str, departement: str, numero: int) -> str:
    """Une ligne de 31 champs terminée par « ; », comme dans l'extraction réelle."""
    champs = [
        "structureet",
        finess,
        finess_juridique,
        f"ÉTABLISSEMENT {numero} (FICTIF)",
        f"ÉTABLISSEMENT SYNTHÉTIQUE N° {numero} (FICTIF)",
        *["", "", str(numero % 200 + 1), "R", "DES ESSAIS", "", "", "001"],
        *[CODES_FINESS.get(departement, departement), "DÉPARTEMENT FICTIF", f"{departement[:2]}000 COMMUNE FICTIVE"],
        *["", "", categorie, "Catégorie fictive", "4604", "Agrégat fictif", "", "", "99", "Indéterminé", "", ""],
        "2010-01-01" if numero % 3 else "",
        "2009-06-01",
        "2026-11-02",
    ]
    return ";".join(champs) + ";"
