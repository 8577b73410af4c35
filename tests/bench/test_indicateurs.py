"""`python -m bench.indicateurs` (`make bench`) à toute petite échelle : ses lignes JSON, et le jeu qu'il génère
agrégé juste (les totaux France de l'agrégation égalent la somme directe des valeurs écrites).

La mesure tourne dans un processus à part, comme `make bench`, sur sa propre base qu'elle garde (--garder) le
temps que le test la relise ; le test la supprime ensuite.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from bench.commun import url_de_la_base
from bench.indicateurs.pages import CATALOGUE
from tests.conftest import exige_service

FIGURES = [
    "generation",
    "agregation_initiale",
    "agregation_mois_france",
    "agregation_annee_region",
    "recalcul_incremental",
    "tableau_de_bord_region",
    "tableau_de_bord_region_sans_cache",
    "api_agregats",
    "api_debit",
    "rapport_pdf_region",
    "page",
]

# Pour chaque (indicateur, type) : la somme des valeurs validées du mois et le nombre de dispositifs qui les portent.
SOMMES_DU_MOIS = """
SELECT i.code, t.code, SUM(v.valeur), COUNT(DISTINCT dc.dispositif_id)
FROM indicateurs_valeur v
JOIN indicateurs_indicateur i ON i.id = v.indicateur_id
JOIN indicateurs_declaration dc ON dc.id = v.declaration_id
JOIN dispositifs_dispositif d ON d.id = dc.dispositif_id
JOIN dispositifs_typedispositif t ON t.id = d.type_id
WHERE dc.statut = 'validee' AND dc.mois = %s
GROUP BY i.code, t.code
"""
AGREGATS_FRANCE = """
SELECT i.code, t.code, i.agregation, num.code, den.code, a.valeur, a.numerateur, a.denominateur, a.nb_dispositifs
FROM indicateurs_agregat a
JOIN indicateurs_indicateur i ON i.id = a.indicateur_id
LEFT JOIN indicateurs_indicateur num ON num.id = i.numerateur_id
LEFT JOIN indicateurs_indicateur den ON den.id = i.denominateur_id
JOIN dispositifs_typedispositif t ON t.id = a.type_id
JOIN territoires_territoire ter ON ter.id = a.territoire_id
WHERE ter.niveau = 'pays' AND a.granularite = 'mois' AND a.periode = %s
"""
# Les déclarations générées qui contrediraient les contrôles de saisie : il n'y en a aucune.
INCOHERENCES = """
SELECT COUNT(*) FROM indicateurs_valeur partie
JOIN indicateurs_indicateur ip ON ip.id = partie.indicateur_id
JOIN indicateurs_valeur tout ON tout.declaration_id = partie.declaration_id
JOIN indicateurs_indicateur it ON it.id = tout.indicateur_id
WHERE partie.valeur > tout.valeur AND (
    (ip.code = 'nouvelles_personnes' AND it.code = 'file_active')
    OR (ip.code = 'journees_realisees' AND it.code = 'journees_theoriques'))
"""


def lancer(url: str, *arguments: str) -> subprocess.CompletedProcess:
    variables = {cle: valeur for cle, valeur in os.environ.items() if cle != "REDIS_URL"}
    variables |= {"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    return subprocess.run(
        [sys.executable, "-m", "bench.indicateurs", *arguments],
        cwd=settings.BASE_DIR,
        env=variables,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture
def url_de_mesure():
    """Une adresse à part (« <base>_essai ») : la mesure y ajoute « _bench_indicateurs » et ne croise ni la base
    des tests ni un `make bench` lancé sur DATABASE_URL. La base gardée est supprimée après le test."""
    exige_service(connection.vendor == "postgresql", "PostgreSQL requis (DATABASE_URL) pour mesurer les indicateurs")
    url = os.environ["DATABASE_URL"]
    nom = f"{urlsplit(url).path.lstrip('/')}_essai"
    yield url_de_la_base(url, nom)
    with psycopg.connect(url_de_la_base(url, "postgres"), autocommit=True) as maintenance:
        for suffixe in ("bench_indicateurs", "bench_indicateurs_petit"):
            maintenance.execute(f'DROP DATABASE IF EXISTS "{nom}_{suffixe}" WITH (FORCE)')


def test_sans_postgresql_la_mesure_s_arrete_avec_un_message_clair(tmp_path):
    resultat = lancer(f"sqlite:///{tmp_path / 'base.sqlite3'}")

    assert resultat.returncode != 0
    assert "PostgreSQL requis : définissez DATABASE_URL=postgres://" in resultat.stderr
    assert resultat.stdout == ""


def test_la_mesure_ecrit_une_ligne_json_par_figure_et_agrege_juste(url_de_mesure):
    resultat = lancer(
        url_de_mesure,
        *("--dispositifs", "30", "--mois", "3", "--repetitions", "3", "--requetes", "3", "--duree-debit", "1"),
        *("--lettres", "4", "--petite-taille", "2"),
        "--garder",
    )

    assert resultat.returncode == 0, resultat.stderr[-3000:]
    figures = {ligne["figure"]: ligne for ligne in map(json.loads, resultat.stdout.splitlines())}
    assert list(figures) == FIGURES
    debits = [ligne for ligne in map(json.loads, resultat.stdout.splitlines()) if ligne["figure"] == "api_debit"]
    assert [d["mesure"] for d in debits] == ["territoires", "dispositifs", "agregats"]
    for debit in debits:  # les mêmes lignes des deux côtés, sinon la comparaison s'arrête
        assert debit["lignes"] == debit["lignes_nues"] and debit["requetes_par_s"] > 0 and debit["ratio"] > 0
    assert debits[0]["lignes"] == 101
    assert figures["generation"]["dispositifs"] == 30 and figures["generation"]["declarations"] == 90
    assert figures["generation"]["lettres"] == 4 and figures["generation"]["cibles"] > 0
    pages = [ligne for ligne in map(json.loads, resultat.stdout.splitlines()) if ligne["figure"] == "page"]
    assert [p["page"] for p in pages] == [page.nom for page in CATALOGUE]
    for page in pages:  # chaque page mesurée aux deux tailles, et jugée
        assert page["taille"]["dispositifs"] == 30 and page["petite_taille"]["dispositifs"] == 15
        assert page["requetes"] > 0 and page["petite_taille"]["requetes"] > 0 and page["p95_ms"] > 0
        assert isinstance(page["atteint"], bool) and page["objectif"]
    for nom in ("agregation_mois_france", "agregation_annee_region"):
        assert {"secondes", "sql_brut_secondes", "ratio", "lignes", "objectif"} <= set(figures[nom])
    assert figures["agregation_mois_france"]["lignes"] == figures["agregation_mois_france"]["lignes_sql_brut"] > 0
    assert 0 < figures["recalcul_incremental"]["secondes_p50"] <= figures["recalcul_incremental"]["secondes_p95"]
    assert figures["recalcul_incremental"]["valeurs"] > 0 and "atteint" in figures["recalcul_incremental"]
    assert figures["recalcul_incremental"]["identique_au_calcul_complet"] is True
    for nom in ("tableau_de_bord_region", "tableau_de_bord_region_sans_cache", "api_agregats", "rapport_pdf_region"):
        assert figures[nom].get("absent") or {"p50_ms", "secondes"} & set(figures[nom]), figures[nom]
    mois = figures["agregation_mois_france"]["periode"]
    with psycopg.connect(f"{url_de_mesure}_bench_indicateurs") as base:
        sommes = {(i, t): (s, n) for i, t, s, n in base.execute(SOMMES_DU_MOIS, [mois])}
        agregats = base.execute(AGREGATS_FRANCE, [mois]).fetchall()
        incoherences = base.execute(INCOHERENCES).fetchone()[0]

    assert incoherences == 0
    assert len(agregats) > 10
    for indicateur, type_, agregation, numerateur, denominateur, valeur, num, den, nb_dispositifs in agregats:
        if agregation == "taux":
            assert (num, den) == (sommes[numerateur, type_][0], sommes[denominateur, type_][0])
            assert valeur == (100 * num / den).quantize(Decimal("0.01"))
        else:  # un mois : flux et stocks valent la somme des dispositifs
            assert (valeur, nb_dispositifs) == sommes[indicateur, type_], (indicateur, type_)
    declares = {cle for cle in sommes}
    assert declares == {(i, t) for i, t, agregation, *_ in agregats if agregation != "taux"}
