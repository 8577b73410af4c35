"""Ce que partagent les mesures (bench.commun), et leurs points d'entrée `python -m bench.<nom>`."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from bench.commun import centile, url_de_la_base


def lancer(module: str, *arguments: str, **variables) -> subprocess.CompletedProcess:
    environnement = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings_test"} | variables
    return subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=settings.BASE_DIR,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_centile_au_rang_le_plus_proche():
    assert centile(list(range(1, 21)), 95) == 19
    assert centile([30, 10, 20], 50) == 20
    assert centile([7], 95) == 7
    assert centile([], 95) == 0


def test_la_base_jetable_garde_hote_utilisateur_et_options():
    url = "postgres://praps:secret@127.0.0.1:5432/praps?sslmode=disable"

    assert url_de_la_base(url, "praps_charge_depots") == (
        "postgres://praps:secret@127.0.0.1:5432/praps_charge_depots?sslmode=disable"
    )


@pytest.mark.parametrize(
    ("module", "options"),
    [
        ("bench.depots", ["--operateurs", "--fenetre", "--processus", "--fils"]),
        ("bench.indicateurs", ["--dispositifs", "--mois", "--repetitions", "--requetes", "--garder", "--expliquer"]),
        ("bench.finess", ["--etablissements", "--graine"]),
    ],
)
def test_chaque_mesure_se_lance_par_python_m_et_decrit_ses_options(module, options):
    resultat = lancer(module, "--help")

    assert resultat.returncode == 0, resultat.stderr
    assert all(option in resultat.stdout for option in options)


def test_une_option_hors_bornes_arrete_la_mesure_sur_un_message_clair_avant_toute_base():
    resultat = lancer("bench.depots", "--operateurs", "10")

    assert resultat.returncode == 1
    assert resultat.stderr.strip() == "Il faut au moins 50 opérateurs simultanés (--operateurs)."
    assert resultat.stdout == ""
