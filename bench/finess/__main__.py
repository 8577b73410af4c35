"""`python -m bench.finess [options]` (`make bench-finess`) : les options, puis la mesure (bench.finess.mesure)."""

import argparse
import sys

from bench.commun import lancer

AIDE = (
    "Mesure l'import FINESS (puis le réimport, qui ne doit rien écrire) sur une extraction synthétique au format "
    "réel : 100 000 lignes « structureet », dont 5 % dans les catégories du catalogue, et autant de lignes "
    "« geolocalisation ». Tout se passe dans une base jetable, créée et migrée pour l'occasion comme une base de "
    "test Django puis détruite : un fichier SQLite dans un dossier temporaire si la base configurée est SQLite, "
    "sinon une base PostgreSQL « <nom>_mesure_finess ». Les données du développeur ne sont ni lues ni modifiées. "
    "Affiche une ligne JSON par mesure."
)


def analyseur() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.finess", description=AIDE)
    parser.add_argument("--etablissements", type=int, default=100_000, help="Lignes « structureet » à écrire.")
    parser.add_argument("--graine", type=int, default=2026, help="Graine du hasard, pour un fichier reproductible.")
    return parser


def main(argv: list[str] | None = None) -> int:
    return lancer(analyseur(), "bench.finess.mesure", argv)


if __name__ == "__main__":
    sys.exit(main())
