"""Charge simulée au moment de la date limite : des opérateurs déposent en rafale, puis juste après la clôture.

Tout reste sur 127.0.0.1 : une base PostgreSQL jetable, un gunicorn local, des requêtes en nombre et en durée bornés.
"""

import http.client
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.staticfiles.finders import get_finders
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from appels.models import Appel, Depot, Nature, StatutAppel
from comptes.models import Role, Utilisateur
from config.bench import base_jetable, centile, url_de_la_base, verifier_postgresql
from dispositifs.models import Organisme
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires

APRES_LA_DATE_LIMITE = 3  # secondes de dépôts tardifs, tous à refuser
DERNIER_ENVOI_TARDIF = 15  # secondes après la date limite pour l'opérateur qui n'a pas encore envoyé trop tard
DELAI_REQUETE = 30  # secondes au plus par requête, comme le délai par défaut de gunicorn
DUREE_MAX_PREPARATION = 60  # secondes pour connecter tous les opérateurs et ouvrir leur lettre
PAUSE = (1, 3)  # secondes de relecture entre deux dépôts d'un même opérateur
DEPOTS_MAX_PAR_OPERATEUR = 400  # borne du nombre de requêtes, en plus de la borne de durée
REGION = "32"  # Hauts-de-France, comme la démonstration

# Les refus, reconnus à leur message. Après la date limite, le dépôt (qui enregistre d'abord le brouillon) est refusé
# par candidatures.deposer (« Dépôt refusé : la date limite était le … ») ou, plus tôt, par
# candidatures.enregistrer_brouillon (« L'appel est fermé depuis le … » ; apostrophe échappée dans la page).
MESSAGE_DATE_LIMITE = "Dépôt refusé : la date limite était le"
MESSAGE_APPEL_FERME = "est fermé depuis le"
MESSAGE_CONFLIT = "enregistré ailleurs"
REFUS_HORS_DELAI = ("date_limite", "appel_ferme")
RE_NUMERO = re.compile(r"/candidatures/depots/([^/]+)/$")


class Command(BaseCommand):
    help = (
        "Charge simulée au moment de la date limite d'un appel. Crée une base PostgreSQL jetable "
        "« <nom>_charge_depots » (détruite en sortant) avec les territoires, des opérateurs chacun dans son organisme "
        "et un appel ouvert ; sert l'application avec gunicorn sur 127.0.0.1 (DEBUG=0, accusés PDF produits pendant "
        "le dépôt) ; les opérateurs se connectent, ouvrent leur lettre et l'enregistrent ; puis la date limite est "
        "fixée à 32 s et ils en déposent des versions successives (avec des doubles clics et des rejeux de la même "
        "clé) jusqu'à la date limite, et 3 s encore. Vérifie ensuite en base : chaque dépôt accepté est enregistré "
        "une fois sous un numéro unique, chaque envoi tardif est refusé avec un message qui donne la date limite, "
        "rien n'est perdu. La dernière ligne est un objet JSON ; code de sortie 1 si une vérification échoue. "
        "Exige DATABASE_URL=postgres://… ; dure environ 1 min 30 (chaque étape est bornée dans le temps)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--operateurs", type=int, default=50, help="Opérateurs simultanés (50 au moins).")
        parser.add_argument("--fenetre", type=int, default=32, help="Secondes entre la ruée et la date limite.")
        parser.add_argument(
            "--processus", type=int, default=max(os.cpu_count() or 2, 2), help="Processus gunicorn (un par cœur)."
        )
        parser.add_argument("--fils", type=int, default=4, help="Fils d'exécution par processus gunicorn (gthread).")

    def handle(self, *args, operateurs: int, fenetre: int, processus: int, fils: int, **options):
        if operateurs < 50:
            raise CommandError("Il faut au moins 50 opérateurs simultanés (--operateurs).")
        self.debut = time.monotonic()
        verifier_postgresql("charge_depots")
        with (
            tempfile.TemporaryDirectory(prefix="charge-depots-") as dossier,
            base_jetable(self.dire, "charge_depots") as nom,
        ):
            bilan = self.charger(Path(dossier), nom, operateurs, fenetre=fenetre, gunicorn=(processus, fils))
        bilan["duree_s"] = round(time.monotonic() - self.debut, 1)
        echecs = problemes(bilan)
        for echec in echecs:
            self.dire(f"ÉCHEC : {echec}")
        self.stdout.write(json.dumps(bilan, ensure_ascii=False))
        if echecs:
            sys.exit(1)

    def dire(self, texte: str):
        self.stdout.write(f"[{time.monotonic() - self.debut:5.1f} s] {texte}")
        self.stdout.flush()

    def charger(self, dossier: Path, nom: str, operateurs: int, *, fenetre: int, gunicorn: tuple[int, int]) -> dict:
        importer_territoires()
        region = Territoire.objects.get(niveau=Niveau.REGION, code=REGION)
        comptes, mot_de_passe = creer_operateurs(operateurs)
        appel = ouvrir_appel(region)
        self.dire(f"Base {nom} prête : territoires, {operateurs} opérateurs chacun dans son organisme, un appel.")
        ecrire_manifeste(dossier)
        with serveur(environnement(dossier, nom), dossier, gunicorn, self.dire) as port:
            plan = Plan(port, appel.reference, region.enfants.order_by("code").first().code)
            prets = self.preparer(plan, comptes, mot_de_passe)
            plan = replace(plan, cloture=fixer_date_limite(appel, fenetre))
            self.dire(f"Date limite fixée à {timezone.localtime(appel.cloture):%H:%M:%S}, dans {fenetre} s : la ruée.")
            journal, incidents = self.lancer(plan, prets)
            erreurs_serveur = compter_erreurs_serveur(dossier / "gunicorn.log", self.dire)
        for incident in incidents[:3]:
            self.dire(f"Incident côté client : {incident}")
        bilan = verifier(journal, depots_en_base(appel), plan.cloture)
        bilan.update(operateurs=operateurs, incidents_clients=len(incidents), erreurs_serveur=erreurs_serveur)
        bilan.update(accuses_manquants=Depot.objects.filter(candidature__appel=appel, accuse="").count())
        return bilan

    def preparer(self, plan: "Plan", comptes: list[str], mot_de_passe: str) -> list["Operateur"]:
        """Connexion, lettre ouverte, brouillon enregistré, par 8 à la fois : le hachage du mot de passe (PBKDF2,
        ~0,6 s de calcul par connexion) domine et ferait attendre au-delà du délai."""
        debut = time.monotonic()
        groupe = ThreadPoolExecutor(max_workers=8)
        taches = [groupe.submit(preparer_operateur, plan, email, mot_de_passe) for email in comptes]
        _, en_retard = wait(taches, timeout=DUREE_MAX_PREPARATION)
        groupe.shutdown(wait=False, cancel_futures=True)
        if en_retard:
            raise CommandError(f"{len(en_retard)} opérateurs pas encore prêts après {DUREE_MAX_PREPARATION} s.")
        prets = [tache.result() for tache in taches]
        self.dire(
            f"{len(prets)} opérateurs connectés, lettre ouverte et enregistrée en {time.monotonic() - debut:.1f} s."
        )
        return prets

    def lancer(self, plan: "Plan", prets: list["Operateur"]) -> tuple[list["Requete"], list[str]]:
        journal, incidents = [], []
        fils = [
            threading.Thread(target=operateur, args=(rang, pret, plan, journal, incidents), daemon=True)
            for rang, pret in enumerate(prets)
        ]
        for fil in fils:
            fil.start()
        limite = plan.cloture + DERNIER_ENVOI_TARDIF + DELAI_REQUETE + 5
        while any(fil.is_alive() for fil in fils) and time.time() < limite:
            time.sleep(min(5, max(limite - time.time(), 0)))
            self.dire(avancement(list(journal), plan.cloture))
        if any(fil.is_alive() for fil in fils):
            incidents.append("des opérateurs simulés n'ont pas fini à temps : arrêt sans les attendre")
        return list(journal), incidents


# La base jetable et le serveur


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
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait()
            dire("gunicorn arrêté.")


def attendre_sante(port: int, serveur: subprocess.Popen, journal: Path, delai: float = 30):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        if serveur.poll() is not None:
            raise CommandError(f"gunicorn s'est arrêté au démarrage :\n{journal.read_text()[-2000:]}")
        try:
            if Navigateur(port).envoyer("GET", "/sante/", delai=2).statut == 200:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise CommandError(f"/sante/ ne répond pas après {delai:.0f} s :\n{journal.read_text()[-2000:]}")


def compter_erreurs_serveur(journal: Path, dire) -> int:
    """Les erreurs 500 journalisées par Django (LOG_LEVEL=ERROR) et les processus tués ; la première est montrée."""
    texte = journal.read_text()
    erreurs = [m.start() for m in re.finditer(r"Traceback \(most recent call last\)|WORKER TIMEOUT", texte)]
    if erreurs:
        premiere = texte[erreurs[0] : erreurs[0] + 3000]
        dire(f"{len(erreurs)} erreurs dans le journal de gunicorn ; la première :\n{premiere}")
    return len(erreurs)


# Les données


def creer_operateurs(nombre: int) -> tuple[list[str], str]:
    """`nombre` opérateurs, chacun membre de son propre organisme ; un seul hachage (coûteux) pour tous."""
    mot_de_passe = secrets.token_urlsafe(16)
    hachage = make_password(mot_de_passe)
    organismes = Organisme.objects.bulk_create(
        Organisme(nom=f"Association de la mesure de charge n° {i} (fictive)", fictif=True) for i in range(nombre)
    )
    comptes = Utilisateur.objects.bulk_create(
        Utilisateur(email=f"operateur{i}@charge.example", role=Role.OPERATEUR, password=hachage, last_name=f"n° {i}")
        for i in range(nombre)
    )
    Membre = Utilisateur.organismes.through
    Membre.objects.bulk_create(
        Membre(utilisateur_id=compte.pk, organisme_id=organisme.pk)
        for compte, organisme in zip(comptes, organismes, strict=True)
    )
    return [compte.email for compte in comptes], mot_de_passe


def ouvrir_appel(region) -> Appel:
    """Un appel ouvert ; sa date limite, lointaine le temps que les opérateurs se préparent, est fixée ensuite."""
    maintenant = timezone.now()
    return Appel.objects.create(
        nature=Nature.AMI,
        titre="Appel de la mesure de charge (fictif)",
        reference="charge-depots",
        region=region,
        description="Appel inventé pour la mesure de charge à la date limite.",
        ouverture=maintenant - timedelta(seconds=1),
        cloture=maintenant + timedelta(minutes=10),
        statut=StatutAppel.PUBLIE,
        fictif=True,
    )


def fixer_date_limite(appel, fenetre: int) -> float:
    appel.cloture = timezone.now() + timedelta(seconds=fenetre)
    appel.save(update_fields=["cloture"])
    return appel.cloture.timestamp()


def lettre(*, territoire: str, budget: int) -> dict:
    """Une lettre complète et valide, comme `lettre_complete` des tests ; le budget change à chaque version."""
    return {
        "statut_organisme": "Association loi 1901",
        "experience": "Quinze ans de maraudes sanitaires.",
        "dispositif_envisage": "indetermine",
        "projet_existant": "non",
        "publics": ["rue", "campements"],
        "territoires": [territoire],
        "nature_proposition": "Consultations de rue et accompagnement vers le droit commun.",
        "file_active": "120",
        "budget_demande": str(budget),
        "equipe-TOTAL_FORMS": "2",
        "equipe-INITIAL_FORMS": "0",
        "equipe-0-profession": "Infirmière",
        "equipe-0-etp": "1,5",
        "equipe-0-professionnel_sante": "on",
        "equipe-1-profession": "Travailleur social",
        "equipe-1-etp": "1",
        "partenariats-TOTAL_FORMS": "1",
        "partenariats-INITIAL_FORMS": "0",
        "partenariats-0-nom": "PASS du centre hospitalier",
        "partenariats-0-nature": "Consultations et bilans",
        "partenariats-0-etat": "acte",
    }


def depots_en_base(appel) -> list["DepotEnBase"]:
    lignes = Depot.objects.filter(candidature__appel=appel).values_list("numero", "cle_idempotence", "depose_le")
    return [DepotEnBase(numero, cle, depose_le.timestamp()) for numero, cle, depose_le in lignes]


# Les opérateurs simulés


@dataclass
class Reponse:
    statut: int
    location: str = ""
    contenu: str = ""


class Navigateur:
    """Un opérateur vu du serveur : ses cookies et des requêtes vers 127.0.0.1, sans suivre les redirections."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

    def envoyer(self, methode: str, chemin: str, donnees=None, entetes=None, delai=DELAI_REQUETE) -> Reponse:
        en_tetes = {"Cookie": "; ".join(f"{nom}={valeur}" for nom, valeur in self.cookies.items()), **(entetes or {})}
        corps = None
        if donnees is not None:
            corps = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **donnees}, doseq=True)
            en_tetes["Content-Type"] = "application/x-www-form-urlencoded"
        connexion = http.client.HTTPConnection("127.0.0.1", self.port, timeout=delai)
        try:
            connexion.request(methode, chemin, body=corps, headers=en_tetes)
            reponse = connexion.getresponse()
            contenu = reponse.read().decode()
        finally:
            connexion.close()
        for entete in reponse.headers.get_all("Set-Cookie") or []:
            for nom, morceau in SimpleCookie(entete).items():
                self.cookies[nom] = morceau.value
        return Reponse(reponse.status, reponse.headers.get("Location", ""), contenu)


def connecter(port: int, email: str, mot_de_passe: str) -> Navigateur:
    navigateur = Navigateur(port)
    try:
        navigateur.envoyer("GET", "/connexion/")
        reponse = navigateur.envoyer("POST", "/connexion/", {"username": email, "password": mot_de_passe})
    except (OSError, http.client.HTTPException) as erreur:
        raise CommandError(f"Connexion de {email} sans réponse : {erreur!r}") from erreur
    if reponse.statut != 302 or not navigateur.cookies.get("sessionid"):
        raise CommandError(f"Connexion de {email} refusée (HTTP {reponse.statut}).")
    return navigateur


@dataclass(frozen=True)
class Plan:
    port: int
    reference: str
    territoire: str
    cloture: float = 0  # la date limite, en secondes depuis l'époque

    @property
    def fin(self) -> float:
        return self.cloture + APRES_LA_DATE_LIMITE

    @property
    def url_lettre(self) -> str:
        return f"/appels/{self.reference}/lettre/"


@dataclass
class Requete:
    """Un envoi du bouton « Déposer » et ce qu'il a obtenu."""

    operateur: int
    sorte: str  # simple, double_clic, rejeu
    cle: str
    envoi: float  # heure d'envoi, en secondes depuis l'époque
    latence_ms: float = 0
    statut: int = 0  # 0 : pas de réponse
    numero: str = ""  # si accepté (redirection vers le dépôt)
    refus: str = ""  # date_limite, appel_ferme, conflit_version, autre
    version_lue: str | None = None  # celle de la page renvoyée avec un refus


@dataclass
class Operateur:
    navigateur: Navigateur
    organisme: str
    version: int  # la version du brouillon que porte son formulaire


@dataclass(frozen=True)
class DepotEnBase:
    numero: str
    cle: str
    depose_le: float


def preparer_operateur(plan: Plan, email: str, mot_de_passe: str) -> Operateur:
    navigateur = connecter(plan.port, email, mot_de_passe)
    try:
        organisme, version = ouvrir_lettre(navigateur, plan)
        return Operateur(navigateur, organisme, enregistrer_brouillon(navigateur, plan, organisme, version))
    except (OSError, http.client.HTTPException, RuntimeError) as erreur:
        raise CommandError(f"{email} n'a pas pu ouvrir ni enregistrer sa lettre : {erreur!r}") from erreur


def operateur(rang: int, pret: Operateur, plan: Plan, journal: list, incidents: list):
    """Dépose des versions de sa lettre, avec une pause de relecture, jusqu'à 3 s après la date limite ; et au moins
    une fois après la date limite, même si sa réponse précédente arrive plus tard."""
    try:
        tardif = False
        for tour in range(1, DEPOTS_MAX_PAR_OPERATEUR + 1):
            if not doit_continuer(plan, tardif, time.time()):
                return
            donnees = lettre(territoire=plan.territoire, budget=250_000 + tour) | {
                "organisme": pret.organisme,
                "version_brouillon": pret.version,
                "cle_depot": uuid.uuid4().hex,
            }
            envois = deposer_une_version(pret.navigateur, plan, donnees, rang, sorte_du_tour(rang, tour))
            journal.extend(envois)
            tardif = tardif or any(envoi.envoi >= plan.cloture for envoi in envois)
            pret.version = version_suivante(envois, pret.version) or ouvrir_lettre(pret.navigateur, plan)[1]
            time.sleep(random.uniform(*PAUSE))
    except Exception as erreur:  # un opérateur qui tombe est compté, les autres continuent
        incidents.append(f"opérateur {rang} : {erreur!r}")


def doit_continuer(plan: Plan, tardif: bool, maintenant: float) -> bool:
    return maintenant < plan.fin or (not tardif and maintenant < plan.cloture + DERNIER_ENVOI_TARDIF)


def sorte_du_tour(rang: int, tour: int) -> str:
    """Le premier dépôt est simple ; ensuite un sur quatre est un double clic et un sur quatre est rejoué."""
    return "simple" if tour == 1 else ("double_clic", "rejeu", "simple", "simple")[(rang + tour) % 4]


def ouvrir_lettre(navigateur: Navigateur, plan: Plan) -> tuple[str, int]:
    reponse = navigateur.envoyer("GET", plan.url_lettre)
    if reponse.statut != 200:
        raise RuntimeError(f"page de la lettre : HTTP {reponse.statut}")
    return champ_cache(reponse.contenu, "organisme"), int(champ_cache(reponse.contenu, "version_brouillon"))


def enregistrer_brouillon(navigateur: Navigateur, plan: Plan, organisme: str, version: int) -> int:
    donnees = lettre(territoire=plan.territoire, budget=250_000) | {
        "organisme": organisme,
        "version_brouillon": version,
    }
    chemin = f"{plan.url_lettre}brouillon/"
    reponse = navigateur.envoyer("POST", chemin, donnees, entetes={"Accept": "application/json"})
    if reponse.statut != 200:
        raise RuntimeError(f"brouillon : HTTP {reponse.statut} {reponse.contenu[:200]}")
    return json.loads(reponse.contenu)["version"]


def deposer_une_version(navigateur: Navigateur, plan: Plan, donnees: dict, rang: int, sorte: str) -> list[Requete]:
    if sorte == "double_clic":
        return double_clic(navigateur, plan, donnees, rang)
    envois = [deposer(navigateur, plan, donnees, rang, "simple")]
    if sorte == "rejeu" and envois[0].numero and time.time() < plan.fin:
        # La même clé avec la version qui suit le dépôt, comme test_un_double_clic_ne_cree_qu_un_depot.
        rejeu = donnees | {"version_brouillon": donnees["version_brouillon"] + 1}
        envois.append(deposer(navigateur, plan, rejeu, rang, "rejeu"))
    return envois


def double_clic(navigateur: Navigateur, plan: Plan, donnees: dict, rang: int) -> list[Requete]:
    """Deux envois identiques au même instant, chacun sur sa connexion, comme un double clic."""
    envois = [None, None]

    def envoyer(i, nav):
        envois[i] = deposer(nav, plan, donnees, rang, "double_clic")

    jumeau = threading.Thread(target=envoyer, args=(1, Navigateur(navigateur.port, navigateur.cookies)))
    jumeau.start()
    envoyer(0, navigateur)
    jumeau.join(DELAI_REQUETE + 5)
    return [envoi for envoi in envois if envoi is not None]


def deposer(navigateur: Navigateur, plan: Plan, donnees: dict, rang: int, sorte: str) -> Requete:
    requete = Requete(operateur=rang, sorte=sorte, cle=donnees["cle_depot"], envoi=time.time())
    debut = time.perf_counter()
    try:
        reponse = navigateur.envoyer("POST", f"{plan.url_lettre}deposer/", donnees)
    except (OSError, http.client.HTTPException):  # délai dépassé, connexion refusée ou coupée : sans réponse
        reponse = None
    requete.latence_ms = (time.perf_counter() - debut) * 1000
    if reponse is not None:
        requete.statut = reponse.statut
        requete.numero = numero_de(reponse.location) if reponse.statut == 302 else ""
        if reponse.statut == 400:
            requete.refus = classer_refus(reponse.contenu)
            requete.version_lue = champ_cache(reponse.contenu, "version_brouillon")
    return requete


def version_suivante(envois: list[Requete], version: int) -> int | None:
    """La version du brouillon après ces envois : celle de la page de refus, ou une de plus si le dépôt est
    accepté (le rejeu de la même clé retrouve le dépôt sans réenregistrer le brouillon) ; None s'il faut
    relire la page (double clic, réponse inattendue)."""
    lues = [int(envoi.version_lue) for envoi in envois if envoi.version_lue]
    if lues:
        return max(lues)
    if envois[0].sorte != "double_clic" and all(envoi.statut == 302 for envoi in envois):
        return version + 1
    return None


# Les fonctions pures : lecture des réponses, vérification


def champ_cache(html: str, nom: str) -> str | None:
    """La valeur (un nombre) d'un champ caché du formulaire, sans séparateur de milliers s'il y en avait un."""
    trouve = re.search(rf'name="{re.escape(nom)}" value="([^"]*)"', html)
    return re.sub(r"\D", "", trouve.group(1)) if trouve else None


def numero_de(location: str) -> str:
    trouve = RE_NUMERO.search(location)
    return trouve.group(1) if trouve else ""


def classer_refus(html: str) -> str:
    if MESSAGE_DATE_LIMITE in html:
        return "date_limite"
    if MESSAGE_APPEL_FERME in html:
        return "appel_ferme"
    if MESSAGE_CONFLIT in html:
        return "conflit_version"
    return "autre"


def verifier(requetes: list[Requete], depots: list[DepotEnBase], cloture: float) -> dict:
    """Confronte ce que les opérateurs ont reçu à ce que la base contient. Les six premières clés sont le contrat."""
    acceptes = {(r.numero, r.cle) for r in requetes if r.numero}
    en_base = {d.numero: d.cle for d in depots}
    acceptees = len({numero for numero, _ in acceptes})
    debut = min((r.envoi for r in requetes), default=cloture)
    latences = [r.latence_ms for r in requetes]
    return {
        "acceptees": acceptees,
        "refusees_hors_delai": sum(1 for r in requetes if r.refus in REFUS_HORS_DELAI),
        "perdues": sum(1 for numero, cle in acceptes if en_base.get(numero) != cle),
        "doublons": compter_doublons(acceptes, depots),
        "depots_par_s": round(acceptees / max(cloture - debut, 1), 1),
        "p95_ms": round(centile(latences, 95)),
        "p50_ms": round(centile(latences, 50)),
        "p95_acceptees_ms": round(centile([r.latence_ms for r in requetes if r.numero], 95)),
        "requetes_depot": len(requetes),
        "depots_en_base": len(depots),
        "fantomes": len({d.cle for d in depots} - {cle for _, cle in acceptes}),
        "depots_apres_date_limite": sum(1 for d in depots if d.depose_le >= cloture),
        "trous_de_numerotation": trous(depots),
        **bilan_des_refus(requetes, cloture),
        **bilan_des_doubles(requetes),
    }


def bilan_des_refus(requetes: list[Requete], cloture: float) -> dict:
    """Tout envoi parti à ou après la date limite doit être refusé (400) avec un message qui la donne."""
    tardives = [r for r in requetes if r.envoi >= cloture]
    return {
        "envois_tardifs": len(tardives),
        "tardives_mal_refusees": sum(1 for r in tardives if r.statut != 400 or r.refus not in REFUS_HORS_DELAI),
        "refus_date_limite": sum(1 for r in requetes if r.refus == "date_limite"),
        "refus_appel_ferme": sum(1 for r in requetes if r.refus == "appel_ferme"),
        "conflits_version": sum(1 for r in requetes if r.sorte != "double_clic" and r.refus == "conflit_version"),
        "refus_autres": sum(1 for r in requetes if r.refus == "autre" or r.statut not in (0, 302, 400)),
        "sans_reponse_ou_5xx": sum(1 for r in requetes if r.statut == 0 or r.statut >= 500),
    }


def trous(depots: list[DepotEnBase]) -> int:
    """Les numéros de séquence manquants entre 1 et le plus grand attribué (« …-00042 » : 42)."""
    sequences = {int(d.numero.rsplit("-", 1)[-1]) for d in depots}
    return max(sequences, default=0) - len(sequences)


def compter_doublons(acceptes: set[tuple[str, str]], depots: list[DepotEnBase]) -> int:
    """Ce qui est en trop : un numéro donné à deux dépôts, une clé qui a produit deux dépôts ou deux numéros."""
    en_trop = sum(n - 1 for n in Counter(d.numero for d in depots).values())
    en_trop += sum(n - 1 for n in Counter(d.cle for d in depots).values())
    en_trop += sum(n - 1 for n in Counter(numero for numero, _ in acceptes).values())
    return en_trop + sum(n - 1 for n in Counter(cle for _, cle in acceptes).values())


def bilan_des_doubles(requetes: list[Requete]) -> dict:
    """Doubles clics et rejeux : une seule acceptation par clé ; le second envoi, s'il est refusé, dit pourquoi."""
    doubles = defaultdict(list)
    for requete in requetes:
        if requete.sorte == "double_clic":
            doubles[requete.cle].append(requete)
    premiers = {r.cle: r.numero for r in requetes if r.sorte == "simple" and r.numero}
    rejeux = [r for r in requetes if r.sorte == "rejeu"]
    acceptes_une_fois = [envois for envois in doubles.values() if len({r.numero for r in envois if r.numero}) == 1]
    return {
        "doubles_clics": len(doubles),
        "doubles_clics_acceptes": len(acceptes_une_fois),
        "doubles_clics_second_accepte_meme_numero": sum(1 for e in acceptes_une_fois if all(r.numero for r in e)),
        "doubles_clics_second_refuse_conflit": sum(
            1 for e in acceptes_une_fois if any(r.refus == "conflit_version" for r in e)
        ),
        "doubles_clics_second_refuse_hors_delai": sum(
            1 for e in acceptes_une_fois if any(r.refus in REFUS_HORS_DELAI for r in e)
        ),
        "rejeux": len(rejeux),
        "rejeux_meme_numero": sum(1 for r in rejeux if r.numero and r.numero == premiers.get(r.cle)),
        "rejeux_refuses_hors_delai": sum(1 for r in rejeux if r.refus in REFUS_HORS_DELAI),
    }


def avancement(requetes: list[Requete], cloture: float) -> str:
    acceptes = sum(1 for r in requetes if r.numero)
    refuses = sum(1 for r in requetes if r.refus in REFUS_HORS_DELAI)
    numeros = len({r.numero for r in requetes if r.numero})
    p95 = round(centile([r.latence_ms for r in requetes], 95))
    return (
        f"T{time.time() - cloture:+.0f} s : {len(requetes)} envois ; {acceptes} acceptés ({numeros} numéros), "
        f"{refuses} refusés hors délai, {len(requetes) - acceptes - refuses} autres ; p95 {p95} ms"
    )


def problemes(bilan: dict) -> list[str]:
    """Ce qui fait échouer la mesure, en français ; vide si tout est conforme."""
    regles = [
        (bilan["perdues"], "dépôts acceptés mais absents de la base (perdus)"),
        (bilan["doublons"], "doublons (numéro ou clé en double)"),
        (bilan["depots_apres_date_limite"], "dépôts enregistrés à ou après la date limite"),
        (bilan["tardives_mal_refusees"], "envois tardifs non refusés avec un message qui donne la date limite"),
        (bilan["fantomes"], "dépôts enregistrés sans que l'opérateur ait reçu leur numéro"),
        (bilan["sans_reponse_ou_5xx"], "envois sans réponse ou en erreur 5xx"),
        (bilan["erreurs_serveur"], "erreurs dans le journal du serveur"),
        (bilan["incidents_clients"], "opérateurs simulés arrêtés par un incident"),
        (bilan["conflits_version"] + bilan["refus_autres"], "refus inattendus"),
        (bilan["acceptees"] == 0, "aucun dépôt accepté"),
        (bilan["refusees_hors_delai"] == 0, "aucun envoi tardif refusé"),
    ]
    return [f"{libelle} : {int(nombre)}" for nombre, libelle in regles if nombre]
