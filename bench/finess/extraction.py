"""L'extraction FINESS synthétique, au format réel (Latin-1, 31 champs par ligne « structureet », autant de lignes
« geolocalisation ») ; tout y est fictif."""

import random
from pathlib import Path

from stdnum import luhn

from dispositifs.finess import DEPARTEMENTS_OUTRE_MER
from territoires.models import Territoire

PART_RETENUE = 0.05
# Catégories fréquentes que le catalogue ne retient pas (pharmacies, EHPAD, laboratoires, centres de santé, CH,
# SSIAD, SAAS, CSAPA, CAARUD, SESSAD, CMPP…) : le gros d'une extraction réelle.
AUTRES_CATEGORIES = ["620", "500", "611", "124", "355", "354", "209", "197", "178", "182", "189", "603"]
CODES_FINESS = {insee: finess for finess, insee in DEPARTEMENTS_OUTRE_MER.items()}
SOURCE_COORDONNEES = "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"


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
