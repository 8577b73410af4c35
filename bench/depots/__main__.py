"""`python -m bench.depots [options]` (`make load-depot`) : les options, puis la mesure (bench.depots.charge)."""

import argparse
import os
import sys

from bench.commun import lancer

AIDE = (
    "Charge simulée au moment de la date limite d'un appel. Crée une base PostgreSQL jetable "
    "« <nom>_charge_depots » (détruite en sortant) avec les territoires, des opérateurs chacun dans son organisme "
    "et un appel ouvert ; sert l'application avec gunicorn sur 127.0.0.1 (DEBUG=0) et un worker Celery qui produit "
    "les accusés PDF après la réponse ; les opérateurs se connectent, ouvrent leur lettre et l'enregistrent ; ils "
    "envoient d'abord 15 s durant la référence (une vue connectée qui valide un POST protégé contre le CSRF et "
    "insère une ligne, au même rythme) ; puis la date limite est fixée à 32 s et ils déposent des versions "
    "successives (avec des doubles clics et des rejeux de la même clé) jusqu'à la date limite, et 3 s encore. "
    "Vérifie ensuite en base : chaque dépôt accepté est enregistré une fois sous un numéro unique, chaque envoi "
    "tardif est refusé hors délai (code « hors_delai » de la page), rien n'est perdu, chaque dépôt a son accusé. "
    "Une ligne JSON par objectif (ratio_au_minimal, p95_ms, perdues, accuses_manquants, accuses_delai_s), puis le "
    "bilan en JSON en dernière ligne ; code de sortie 1 si une vérification échoue. Exige DATABASE_URL=postgres://… "
    "et REDIS_URL=redis://… (base 14, vidée) ; dure environ 3 min (chaque étape est bornée dans le temps)."
)


def analyseur() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.depots", description=AIDE)
    parser.add_argument("--operateurs", type=int, default=200, help="Opérateurs simultanés (50 au moins).")
    parser.add_argument("--fenetre", type=int, default=32, help="Secondes entre la ruée et la date limite.")
    parser.add_argument(
        "--processus", type=int, default=max(os.cpu_count() or 2, 2), help="Processus gunicorn (un par cœur)."
    )
    parser.add_argument("--fils", type=int, default=4, help="Fils d'exécution par processus gunicorn (gthread).")
    parser.add_argument(
        "--accuses",
        type=int,
        default=2,  # comme le worker de la production (docker-compose.yml : --concurrency 2)
        help="Processus du worker Celery qui produit les accusés (2, comme docker-compose.yml).",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    return lancer(analyseur(), "bench.depots.charge", argv)


if __name__ == "__main__":
    sys.exit(main())
