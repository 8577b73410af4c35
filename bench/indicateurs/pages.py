"""Les pages, servies par le client de test de Django dans le processus : p50 et p95 des temps de réponse, et le
nombre de requêtes SQL. Le tableau de bord régional et l'API des agrégats ont leurs figures à eux ; les autres pages
sont décrites dans CATALOGUE (nom, adresse, rôle de l'agent connecté) et mesurées à deux tailles du jeu national
(`mesurer_catalogue`, puis `figures_des_pages`)."""

import secrets
import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.commun import Arret, centile, figure, hacher_comme_en_production
from bench.indicateurs import OBJECTIFS
from commun.mois import decaler
from comptes.models import Role, Utilisateur
from dispositifs.models import Dispositif
from indicateurs.agregation import nouvelle_version_des_agregats
from territoires.models import Territoire

URL_TABLEAU = "/tableau-de-bord/"
URL_API = "/api/v1/agregats/"


@dataclass(frozen=True)
class Page:
    """Une page mesurée : son adresse, où {region}, {dispositif} et {appel} désignent la région mesurée, un de ses
    dispositifs et l'appel aux lettres déposées du jeu ; le rôle de l'agent connecté (None : visiteur anonyme), qui
    est rattaché à la région mesurée, sauf l'agent national."""

    nom: str
    url: str
    role: str | None


# Chaque rôle est le premier que config/policy.py admet sur la page, ou celui qui la lit en service.
CATALOGUE = [
    Page("planification_region", "/planification/?region={region}", Role.PLANIFICATEUR),
    Page("planification_france", "/planification/?region=FR", Role.NATIONAL),
    Page("grille_des_cibles", "/planification/cibles/?region={region}", Role.PLANIFICATEUR),
    Page("cartographie_france", "/cartographie/?region=FR", None),
    Page("dispositifs", "/dispositifs/", Role.PLANIFICATEUR),
    Page("dispositif", "/dispositifs/{dispositif}/", Role.PLANIFICATEUR),
    Page("budget", "/financements/?region={region}", Role.PLANIFICATEUR),
    Page("tableau_de_bord_france", "/tableau-de-bord/?region=FR", Role.NATIONAL),
    Page("tableau_de_bord_region", "/tableau-de-bord/?region={region}", Role.PLANIFICATEUR),
    Page("tableau_de_bord_public", "/tableau-de-bord/public/?region={region}", None),
    Page("donnees_capacites_csv", "/donnees/capacites.csv", None),
    Page("file_d_instruction", "/instruction/{appel}/", Role.INSTRUCTEUR),
    Page("rapports", "/rapports/", Role.PLANIFICATEUR),
]


def adresses(region, reference_appel: str) -> dict:
    """Ce que les adresses du catalogue désignent dans la base en cours."""
    dispositif = Dispositif.objects.dans(region).order_by("pk").values_list("pk", flat=True).first()
    return {"region": region.code, "dispositif": dispositif, "appel": reference_appel}


def mesurer_catalogue(dire, region, reference_appel: str, nombre: int, pages=CATALOGUE) -> dict:
    """Chaque page du catalogue dans la base en cours : {nom: {url, p50_ms, p95_ms, requetes…}}."""
    valeurs, clients, mesures = adresses(region, reference_appel), {}, {}
    for page in pages:
        url = page.url.format(**valeurs)
        if page.role not in clients:
            clients[page.role] = connecter(agent(page.role, region)) if page.role else Client(SERVER_NAME="127.0.0.1")
        dire(f"Page {page.nom} : {url} ({page.role or 'anonyme'}, {nombre} requêtes)…")
        mesures[page.nom] = {"url": url, **mesurer_avec(clients[page.role], url, nombre)}
    return mesures


def figures_des_pages(mesures: dict, petites: dict, tailles: dict, pages=CATALOGUE):
    """Une ligne par page : ses chiffres à la taille mesurée, ceux de la petite taille, et si l'objectif est atteint
    (p95 ≤ 100 ms aux deux tailles, autant de requêtes SQL aux deux)."""
    for page in pages:
        mesure, petite = mesures[page.nom], petites[page.nom]
        atteint = max(mesure["p95_ms"], petite["p95_ms"]) <= P95_MAX_MS and mesure["requetes"] == petite["requetes"]
        figure(
            "page",
            page=page.nom,
            role=page.role or "anonyme",
            **mesure,
            taille=tailles["defaut"],
            petite_taille={**tailles["petite"], **petite},
            objectif=OBJECTIFS["pages"],
            atteint=atteint,
        )


P95_MAX_MS = 100


def mesurer_tableau(dire, agent, region, nombre: int):
    if not existe(URL_TABLEAU):
        dire(f"{URL_TABLEAU} ne répond pas encore (aucune vue) : mesure absente.")
        figure("tableau_de_bord_region", absent=True, url=URL_TABLEAU, objectif=OBJECTIFS["tableau"])
        return
    url = url_pour(region)
    dire(f"Tableau de bord {url} ({nombre} requêtes)…")
    mesure = mesurer_page(agent, url, nombre)
    figure(
        "tableau_de_bord_region",
        url=url,
        **mesure,
        **requetes_dans_une_autre_region(region),
        objectif=OBJECTIFS["tableau"],
        note="tableau servi par le cache jusqu'au prochain recalcul des agrégats, comme en service",
    )
    # Le pire cas : chaque visite suit un recalcul, le tableau est reconstruit à chaque fois.
    dire(f"Tableau de bord {url} sans cache ({nombre} requêtes)…")
    sans_cache = mesurer_page(agent, url, nombre, avant=nouvelle_version_des_agregats)
    figure("tableau_de_bord_region_sans_cache", url=url, **sans_cache, objectif=OBJECTIFS["tableau"])


def requetes_dans_une_autre_region(region) -> dict:
    """La région la plus peuplée après celle-ci, mesurée comme elle : après une première visite (caches du
    processus et de la page)."""
    autre = Territoire.objects.regions().exclude(pk=region.pk).order_by("-population").first()
    client = connecter(creer_agent(Role.PLANIFICATEUR, autre))
    _, _, premiere_visite = une_requete(client, url_pour(autre))
    _, _, seconde_visite = une_requete(client, url_pour(autre))
    return {
        "requetes_autre_region": seconde_visite,
        "requetes_autre_region_premiere_visite": premiere_visite,
        "autre_region": autre.code,
    }


def mesurer_api(dire, agent, region, mois, nombre: int):
    annee = decaler(mois, -11)
    filtres = (
        f"territoire={region.code}&niveau=region&indicateur=file_active&granularite=mois"
        f"&periode_debut={annee:%Y-%m}&periode_fin={mois:%Y-%m}"
    )
    url = f"{URL_API}?{filtres}"
    dire(f"API {url} ({nombre} requêtes)…")
    figure("api_agregats", url=url, **mesurer_page(agent, url, nombre), objectif=OBJECTIFS["api"])


def mesurer_page(agent, url: str, nombre: int, avant=None) -> dict:
    return mesurer_avec(connecter(agent), url, nombre, avant)


def mesurer_avec(client: Client, url: str, nombre: int, avant=None) -> dict:
    """p50 et p95 de `nombre` requêtes après une première à froid ; le nombre de requêtes SQL de la dernière.
    `avant` est appelé hors chronomètre avant chaque requête (ex. : périmer le cache)."""
    froid, _, _ = une_requete(client, url)
    durees = [chronometrer(client, url, avant) for _ in range(nombre)]
    if avant:
        avant()
    _, octets, requetes = une_requete(client, url)
    return {
        "p50_ms": round(centile(durees, 50), 1),
        "p95_ms": round(centile(durees, 95), 1),
        "max_ms": round(max(durees), 1),
        "premiere_ms": round(froid * 1000, 1),
        "requetes": requetes,
        "octets": octets,
        "executions": nombre,
    }


def chronometrer(client: Client, url: str, avant=None) -> float:
    """Une requête, en millisecondes ; `avant` est appelé hors chronomètre."""
    if avant:
        avant()
    depart = time.perf_counter()
    reponse = client.get(url, secure=True)
    duree = (time.perf_counter() - depart) * 1000
    if reponse.status_code != 200:
        raise Arret(f"{url} répond {reponse.status_code}")
    return duree


def une_requete(client: Client, url: str) -> tuple[float, int, int]:
    """Une requête : sa durée en secondes, sa taille en octets et son nombre de requêtes SQL."""
    with CaptureQueriesContext(connection) as requetes:
        depart = time.perf_counter()
        reponse = client.get(url, secure=True)
        duree = time.perf_counter() - depart
    if reponse.status_code != 200:
        raise Arret(f"{url} répond {reponse.status_code} : {reponse.content[:500]!r}")
    return duree, len(reponse.content), len(requetes)


def existe(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def creer_agent(role: str, region) -> Utilisateur:
    return Utilisateur.objects.create(email=f"{role}-{region.code}@bench.example", role=role, region=region)


def agent(role: str, region) -> Utilisateur:
    """L'agent du rôle dans la région (créé au besoin) ; l'agent national n'a pas de région."""
    region = None if role == Role.NATIONAL else region
    return Utilisateur.objects.get_or_create(
        email=f"{role}-{getattr(region, 'code', 'fr')}@bench.example", defaults={"role": role, "region": region}
    )[0]


def creer_agent_avec_mot_de_passe(role: str, region) -> tuple[Utilisateur, str]:
    """Un agent qui se connecte par la page de connexion (mesures sous gunicorn)."""
    mot_de_passe = secrets.token_urlsafe(16)
    agent = creer_agent(role, region)
    agent.password = hacher_comme_en_production(mot_de_passe)
    agent.save(update_fields=["password"])
    return agent, mot_de_passe


def connecter(agent) -> Client:
    """Un client HTTP connecté, en HTTPS sur 127.0.0.1 : sans redirection, quel que soit DEBUG."""
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(agent)
    return client


def url_pour(region) -> str:
    return f"{URL_TABLEAU}?region={region.code}"
