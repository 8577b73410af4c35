"""Les opérateurs simulés : chacun ouvre sa lettre, l'enregistre, puis en dépose des versions successives (avec des
doubles clics et des rejeux de la même clé) jusqu'à la date limite, et un peu après."""

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass

from appels.demo import lettre_demo
from appels.lettre import INDETERMINE
from bench.commun import Arret
from bench.depots.navigateur import (
    DELAI_REQUETE,
    Navigateur,
    champ_cache,
    classer_refus,
    connecter,
    numero_de,
)
from bench.depots.verification import Requete

APRES_LA_DATE_LIMITE = 3  # secondes de dépôts tardifs, tous à refuser
DERNIER_ENVOI_TARDIF = 15  # secondes après la date limite pour l'opérateur qui n'a pas encore envoyé trop tard
PAUSE = (1, 3)  # secondes de relecture entre deux dépôts d'un même opérateur
DEPOTS_MAX_PAR_OPERATEUR = 400  # borne du nombre de requêtes, en plus de la borne de durée


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
class Operateur:
    navigateur: Navigateur
    organisme: str
    version: int  # la version du brouillon que porte son formulaire


def lettre(*, territoire: str, budget: int) -> dict:
    """La lettre complète et valide de la démonstration (appels.demo) ; le budget change à chaque version."""
    return lettre_demo(INDETERMINE, str(budget), territoire)


def preparer_operateur(plan: Plan, email: str, mot_de_passe: str) -> Operateur:
    navigateur = connecter(plan.port, email, mot_de_passe)
    try:
        organisme, version = ouvrir_lettre(navigateur, plan)
        return Operateur(navigateur, organisme, enregistrer_brouillon(navigateur, plan, organisme, version))
    except (OSError, http.client.HTTPException, RuntimeError) as erreur:
        raise Arret(f"{email} n'a pas pu ouvrir ni enregistrer sa lettre : {erreur!r}") from erreur


def operateur(rang: int, pret: Operateur, plan: Plan, journal: list, incidents: list):
    """Dépose des versions de sa lettre, avec une pause de relecture, jusqu'à 3 s après la date limite ; et au moins
    une fois après la date limite, même si sa réponse précédente arrive plus tard."""
    try:
        tardif = False
        for tour in range(1, DEPOTS_MAX_PAR_OPERATEUR + 1):
            if not doit_continuer(plan, tardif, time.time()):
                return
            donnees = donnees_du_tour(plan, pret, tour)
            envois = deposer_une_version(pret.navigateur, plan, donnees, rang, sorte_du_tour(rang, tour))
            journal.extend(envois)
            tardif = tardif or any(envoi.envoi >= plan.cloture for envoi in envois)
            pret.version = version_suivante(envois, pret.version) or ouvrir_lettre(pret.navigateur, plan)[1]
            time.sleep(random.uniform(*PAUSE))
    except Exception as erreur:  # un opérateur qui tombe est compté, les autres continuent
        incidents.append(f"opérateur {rang} : {erreur!r}")


def donnees_du_tour(plan: Plan, pret: Operateur, tour: int) -> dict:
    """La lettre du tour (son budget change), la version lue du brouillon et une clé de dépôt neuve."""
    return lettre(territoire=plan.territoire, budget=250_000 + tour) | {
        "organisme": pret.organisme,
        "version_brouillon": pret.version,
        "cle_depot": uuid.uuid4().hex,
    }


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
