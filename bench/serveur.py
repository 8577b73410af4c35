"""gunicorn et un worker Celery sur 127.0.0.1 : leur environnement (la production, sans SMTP), leur démarrage, leur
arrêt et les erreurs de leurs journaux."""

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
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from bench.commun import Arret, url_de_la_base
from bench.depots.navigateur import Navigateur

# La base Redis de la mesure (file Celery et cache), vidée au début : pas celle des tests ni du développeur.
BASE_REDIS = 14


def redis_de_la_mesure() -> str:
    """L'adresse Redis de REDIS_URL, vers la base BASE_REDIS vidée ; Arret si REDIS_URL manque ou ne répond pas."""
    import redis

    if not os.environ.get("REDIS_URL"):
        raise Arret(
            "Redis requis : définissez REDIS_URL=redis://127.0.0.1:6379 (les accusés sont produits par un worker)."
        )
    url = urlsplit(os.environ["REDIS_URL"])._replace(path=f"/{BASE_REDIS}").geturl()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError as erreur:
        raise Arret(f"Redis ne répond pas à REDIS_URL : {erreur}") from erreur
    return url


def environnement(dossier: Path, nom: str, redis_url: str | None = None) -> dict:
    """L'environnement de gunicorn et du worker : la production (DEBUG=0, connexions persistantes), en HTTP sur
    127.0.0.1, avec les références des mesures (bench.reglages) ; Redis seulement si `redis_url` est donné (sinon
    les tâches s'exécutent sur place) ; courriels jetés (aucun SMTP ici)."""
    variables = {cle: valeur for cle, valeur in os.environ.items() if cle != "REDIS_URL"}
    return (
        variables
        | ({"REDIS_URL": redis_url} if redis_url else {})
        | {
            "DJANGO_SETTINGS_MODULE": "bench.reglages",
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
    )


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


@contextmanager
def worker(variables: dict, dossier: Path, processus: int, dire):
    """Un worker Celery de `processus` processus, arrêté en sortant ; son journal va dans `dossier/celery.log`."""
    commande = [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--loglevel", "WARNING"]
    commande += ["--concurrency", str(processus), "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with (dossier / "celery.log").open("w") as journal:
        celery = subprocess.Popen(commande, cwd=settings.BASE_DIR, env=variables, stdout=journal, stderr=journal)
        try:
            dire(f"Worker Celery démarré : {processus} processus.")
            yield
        finally:
            arreter(celery)
            dire("Worker Celery arrêté.")


def arreter(processus: subprocess.Popen):
    """SIGTERM, puis SIGKILL s'il n'a pas fini au bout de 15 s."""
    processus.terminate()
    try:
        processus.wait(timeout=15)
    except subprocess.TimeoutExpired:
        processus.kill()
        processus.wait()


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
    """Les erreurs 500 journalisées par Django (LOG_LEVEL=ERROR), les tâches en échec et les processus tués ; la
    première est montrée."""
    texte = journal.read_text()
    motif = r"Traceback \(most recent call last\)|WORKER TIMEOUT|raised unexpected"
    erreurs = [m.start() for m in re.finditer(motif, texte)]
    if erreurs:
        premiere = texte[erreurs[0] : erreurs[0] + 3000]
        dire(f"{len(erreurs)} erreurs dans le journal {journal.name} ; la première :\n{premiere}")
    return len(erreurs)
