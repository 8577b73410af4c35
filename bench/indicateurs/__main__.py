"""`python -m bench.indicateurs [options]` (`make bench`) : les options, puis la mesure (bench.indicateurs.mesure)."""

import argparse
import sys

from bench.commun import lancer

AIDE = (
    "Mesure les indicateurs à l'échelle nationale. Crée une base PostgreSQL « <nom>_bench_indicateurs » "
    "(détruite en sortant, même sur une erreur ou un Ctrl-C), y écrit par COPY un jeu synthétique : territoires "
    "réels, 8 700 dispositifs installés répartis au prorata de la population, 120 mois de déclarations "
    "validées et leurs valeurs (~9 millions), les cibles, crédits, enveloppes, un appel de 500 lettres déposées "
    "et un an de rapports archivés ; agrège les 24 derniers mois comme le recalcul de nuit ; puis mesure "
    "l'agrégation d'un mois pour la France et d'une année pour une région face au GROUP BY brut, le recalcul "
    "après une validation, le tableau de bord régional, l'API des agrégats, le débit de trois adresses de l'API sous "
    "gunicorn face à une vue Django nue qui rend les mêmes lignes, et le rapport PDF régional face à "
    "WeasyPrint seul ; enfin chaque page (planification, cibles, cartographie, dispositifs, budget, tableaux de "
    "bord, données ouvertes, file d'instruction, rapports) à deux tailles : celle-ci, et une petite base "
    "« <nom>_bench_indicateurs_petit » mesurée d'abord (÷ --petite-taille). Une ligne JSON par mesure. "
    "Exige DATABASE_URL=postgres://…"
)


def analyseur() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.indicateurs", description=AIDE)
    parser.add_argument(
        "--dispositifs",
        type=int,
        default=8_700,
        help="Dispositifs installés (8 700 : environ 9 millions de valeurs déclarées sur 120 mois, l'échelle à "
        "laquelle l'issue 16 fixe l'objectif du recalcul incrémental).",
    )
    parser.add_argument("--mois", type=int, default=120, help="Mois de déclarations validées (120).")
    parser.add_argument("--lettres", type=int, default=500, help="Lettres déposées à l'appel instruit (500).")
    parser.add_argument(
        "--petite-taille",
        type=int,
        default=10,
        help="Les pages sont aussi mesurées sur un jeu plus petit : dispositifs et lettres divisés par ce "
        "nombre (10), "
        "24 mois au plus.",
    )
    parser.add_argument(
        "--seulement-pages", action="store_true", help="Ne mesure que les pages (ni agrégation, ni débit, ni PDF)."
    )
    parser.add_argument("--repetitions", type=int, default=5, help="Exécutions par mesure (3 au moins).")
    parser.add_argument("--requetes", type=int, default=30, help="Requêtes HTTP par page mesurée (p50, p95).")
    parser.add_argument(
        "--duree-debit", type=float, default=8, help="Secondes de débit par adresse, API et vue nue (8)."
    )
    parser.add_argument("--region", default="32", help="Code de la région mesurée (32 : Hauts-de-France).")
    parser.add_argument("--graine", type=int, default=2026, help="Graine du hasard, pour un jeu reproductible.")
    parser.add_argument(
        "--garder", action="store_true", help="Garde les deux bases (la petite et la nationale) pour les examiner."
    )
    parser.add_argument(
        "--tracemalloc", action="store_true", help="Mesure aussi le pic du tas Python du rapport (plus lent)."
    )
    parser.add_argument(
        "--expliquer", action="store_true", help="Écrit l'EXPLAIN ANALYZE de l'agrégation d'un mois (stderr)."
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    return lancer(analyseur(), "bench.indicateurs.mesure", argv)


if __name__ == "__main__":
    sys.exit(main())
