"""Ce que partagent les mesures : le démarrage de Django hors de manage.py, l'arrêt sur un message clair, le journal
d'avancement, une base PostgreSQL à elles (créée et migrée pour l'occasion puis détruite, sans jamais toucher la base
du développeur) et le calcul des centiles.

Ce module n'importe aucun modèle : les points d'entrée (`bench/<nom>/__main__.py`) l'importent avant django.setup().
"""

import importlib
import json
import math
import os
import sys
import time
import warnings
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.db import OperationalError, connection


class Arret(Exception):
    """La mesure ne peut pas se faire (service absent, option hors bornes) : son message, en français, est affiché
    seul sur la sortie d'erreur et le code de sortie vaut 1."""


def demarrer_django():
    """django.setup() avec les réglages de DJANGO_SETTINGS_MODULE (config.settings par défaut), comme manage.py."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


def lancer(analyseur, module: str, argv: list[str] | None = None) -> int:
    """Le point d'entrée d'une mesure : ses options, Django, puis `module.mesurer(**options)`. Le module est importé
    après django.setup(), puisqu'il importe des modèles."""
    options = vars(analyseur.parse_args(argv))
    demarrer_django()
    return executer(importlib.import_module(module).mesurer, options)


def executer(mesure, options: dict) -> int:
    """Lance `mesure(**options)` et renvoie son code de sortie (0 par défaut) ; un Arret devient 1 et son message."""
    try:
        return mesure(**options) or 0
    except Arret as arret:
        print(arret, file=sys.stderr, flush=True)
        return 1


class Journal:
    """Les lignes d'avancement, préfixées du temps écoulé depuis le début de la mesure (« [ 12.3 s] … »)."""

    def __init__(self, flux, largeur: int):
        self.flux, self.largeur, self.debut = flux, largeur, time.monotonic()

    def ecoule(self) -> float:
        return time.monotonic() - self.debut

    def dire(self, texte: str):
        print(f"[{self.ecoule():{self.largeur}.1f} s] {texte}", file=self.flux, flush=True)


def figure(nom: str, **valeurs):
    """Une mesure : une ligne JSON sur la sortie standard, `{"figure": nom, …}`."""
    print(json.dumps({"figure": nom, **valeurs}, ensure_ascii=False, default=str), flush=True)


def verifier_postgresql(suffixe: str):
    """S'arrête avec un message clair si DATABASE_URL ne désigne pas un PostgreSQL qui répond."""
    if connection.vendor != "postgresql":
        raise Arret(
            "PostgreSQL requis : définissez DATABASE_URL=postgres://utilisateur@127.0.0.1:5432/base "
            f"(une base « <base>_{suffixe} » y est créée puis détruite ; la vôtre n'est pas touchée)."
        )
    try:  # la connexion « sans base » que create_test_db utilisera : la base de DATABASE_URL peut ne pas exister
        with warnings.catch_warnings(action="ignore", category=RuntimeWarning), connection._nodb_cursor() as curseur:
            curseur.execute("SELECT 1")
    except OperationalError as erreur:
        raise Arret(f"PostgreSQL ne répond pas à DATABASE_URL : {erreur}".strip()) from erreur


@contextmanager
def base_jetable(dire, suffixe: str, *, garder: bool = False):
    """Bascule la connexion sur une base neuve et migrée « <nom>_<suffixe> » (recréée si elle existe), détruite en
    sortant, même sur une erreur ou un Ctrl-C ; `garder` la laisse en place pour l'examiner."""
    reglages = connection.settings_dict
    reglages["TEST"]["NAME"] = f"{reglages['NAME']}_{suffixe}"
    debut, nom_d_origine = time.monotonic(), reglages["NAME"]
    nom = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    dire(f"Base {nom} créée et migrée en {time.monotonic() - debut:.1f} s.")
    try:
        yield nom
    finally:
        connection.close()
        if garder:
            reglages["NAME"] = nom_d_origine  # comme le fait detruire : une base suivante dérive son nom de celui-ci
            dire(f"Base {nom} gardée (à supprimer ensuite : DROP DATABASE {nom}).")
        else:
            detruire(nom, nom_d_origine)
            dire(f"Base {nom} supprimée.")


def detruire(nom: str, nom_d_origine: str):
    """DROP DATABASE `nom`, après avoir coupé les connexions restées ouvertes (elles l'empêcheraient) ; la connexion
    revient à la base `nom_d_origine`."""
    with connection._nodb_cursor() as curseur:
        curseur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [nom],
        )
    connection.creation.destroy_test_db(nom_d_origine, verbosity=0)


def url_de_la_base(url: str, nom: str) -> str:
    """La même adresse PostgreSQL, vers la base `nom` (utilisateur, hôte, port et options inchangés)."""
    return urlsplit(url)._replace(path=f"/{nom}").geturl()


def hacher_comme_en_production(mot_de_passe: str) -> str:
    """Le hachage que gunicorn (config.settings) sait vérifier, quels que soient les réglages de ce processus : les
    tests des mesures les lancent avec les réglages des tests, qui hachent en MD5 pour aller vite."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hacheur = PBKDF2PasswordHasher()
    return hacheur.encode(mot_de_passe, hacheur.salt())


def centile(valeurs: list[float], rang: float) -> float:
    """Centile au rang le plus proche (le p95 de 20 valeurs est la 19e) ; 0 sans valeur."""
    if not valeurs:
        return 0
    ordonnees = sorted(valeurs)
    return ordonnees[max(math.ceil(rang / 100 * len(ordonnees)) - 1, 0)]
