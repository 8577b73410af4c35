"""La démonstration (SQLite fichier) sous usage simultané : des modifications concurrentes de la même cible donnent
une réussite et des 409, comme sur PostgreSQL, jamais un 500 « database is locked » (config/settings.py : WAL,
attente du verrou, transactions IMMEDIATE). Dans un processus à part : la base des tests est en mémoire."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NB_FILS = 8
RACINE = Path(__file__).resolve().parent.parent


def lancer(base: Path) -> dict:
    environnement = {
        **{cle: v for cle, v in os.environ.items() if cle not in ("REDIS_URL", "DATABASE_URL")},
        "DATABASE_URL": f"sqlite:///{base}",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "ALLOWED_HOSTS": "testserver",
    }
    resultat = subprocess.run(
        [sys.executable, "-m", "tests.sqlite_concurrent", str(NB_FILS)],
        cwd=RACINE,
        env=environnement,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resultat.returncode == 0, resultat.stderr[-3000:]
    return json.loads(resultat.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def resultat(tmp_path_factory) -> dict:
    """Une seule démonstration pour les deux tests : sa migration prend une dizaine de secondes."""
    return lancer(tmp_path_factory.mktemp("sqlite") / "demo.sqlite3")


def test_des_modifications_simultanees_sur_sqlite_donnent_une_reussite_et_des_409(resultat):
    assert sorted(resultat["statuts"]) == [200] + [409] * (NB_FILS - 1), resultat
    assert resultat["version"] == 2  # une seule modification est passée, aucune n'a été écrasée


def test_des_ecritures_simultanees_sur_sqlite_font_une_seule_chaine_du_journal(resultat):
    assert resultat["statuts_chacun_la_sienne"] == [200] * NB_FILS
    journal = resultat["journal"]
    assert journal["ruptures"] == 0 and journal["premiere_cassee"] is None, journal
    assert journal["maillons_verifies"] == resultat["entrees"] >= 1 + NB_FILS  # aucune entrée hors chaîne
