"""gunicorn sur 127.0.0.1 : son environnement (la production, sans Redis ni SMTP), son démarrage, son arrêt et les
erreurs de son journal."""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from bench.commun import Arret, url_de_la_base
from bench.depots.navigateur import Navigateur


def environnement(dossier: Path, nom: str) -> dict:
    """L'environnement de gunicorn : la production (DEBUG=0), mais en HTTP sur 127.0.0.1 et sans Redis, donc avec
    l'accusé PDF produit pendant la requête de dépôt ; courriels jetés (aucun SMTP ici)."""
    variables = {cle: valeur for cle, valeur in os.environ.items() if cle != "REDIS_URL"}
    return variables | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": url_de_la_base(os.environ["DATABASE_URL"], nom),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(dossier),
        "MEDIA_ROOT": str(dossier / "media"),
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "ERROR",
    }


def ecrire_manifeste(dossier: Path):
    """Un manifeste où chaque fichier statique garde son nom : `{% static %}` fonctionne avec DEBUG=0 sans
    collectstatic, dont la compression prend près de 4 minutes ici. Les opérateurs simulés ne chargent ni CSS ni JS."""
    chemins = sorted({chemin for finder in get_finders() for chemin, _ in finder.list([])})
    manifeste = {"paths": {chemin: chemin for chemin in chemins}, "version": "1.1", "hash": ""}
    (dossier / "staticfiles.json").write_text(json.dumps(manifeste))


def port_libre() -> int:
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


@contextmanager
def serveur(variables: dict, dossier: Path, gunicorn: tuple[int, int], dire):
    """gunicorn sur 127.0.0.1 et un port libre, arrêté en sortant ; son journal va dans `dossier/gunicorn.log`."""
    processus, fils = gunicorn
    port = port_libre()
    commande = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    commande += ["--workers", str(processus), "--threads", str(fils), "--preload", "--graceful-timeout", "5"]
    with (dossier / "gunicorn.log").open("w") as journal:
        gunicorn = subprocess.Popen(commande, cwd=settings.BASE_DIR, env=variables, stdout=journal, stderr=journal)
        try:
            attendre_sante(port, gunicorn, dossier / "gunicorn.log")
            dire(f"gunicorn prêt sur http://127.0.0.1:{port} : {processus} processus × {fils} fils, DEBUG=0.")
            yield port
        finally:
            arreter(gunicorn)
            dire("gunicorn arrêté.")


def arreter(gunicorn: subprocess.Popen):
    """SIGTERM, puis SIGKILL s'il n'a pas fini au bout de 15 s."""
    gunicorn.terminate()
    try:
        gunicorn.wait(timeout=15)
    except subprocess.TimeoutExpired:
        gunicorn.kill()
        gunicorn.wait()


def attendre_sante(port: int, serveur: subprocess.Popen, journal: Path, delai: float = 30):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if serveur.poll() is not None:
            raise Arret(f"gunicorn s'est arrêté au démarrage :\n{journal.read_text()[-2000:]}")
        try:
            if Navigateur(port).envoyer("GET", "/sante/", delai=2).statut == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise Arret(f"/sante/ ne répond pas après {delai:.0f} s :\n{journal.read_text()[-2000:]}")


def compter_erreurs_serveur(journal: Path, dire) -> int:
    """Les erreurs 500 journalisées par Django (LOG_LEVEL=ERROR) et les processus tués ; la première est montrée."""
    texte = journal.read_text()
    erreurs = [m.start() for m in re.finditer(r"Traceback \(most recent call last\)|WORKER TIMEOUT", texte)]
    if erreurs:
        premiere = texte[erreurs[0] : erreurs[0] + 3000]
        dire(f"{len(erreurs)} erreurs dans le journal de gunicorn ; la première :\n{premiere}")
    return len(erreurs)
