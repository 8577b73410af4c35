"""Un opérateur vu du serveur : ses cookies et des requêtes vers 127.0.0.1 ; et ce qu'on lit dans les réponses.

Un refus se reconnaît au code stable que la page de la lettre pose sur l'alerte des erreurs de dépôt
(`data-refus="hors_delai"`, le code de la ValidationError du service, « conflit » pour un conflit) : jamais au texte
du message, qui peut changer.
"""

import http.client
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.commun import Arret

DELAI_REQUETE = 30  # secondes au plus par requête, comme le délai par défaut de gunicorn
RE_REFUS = re.compile(r'data-refus="(\w*)"')
# Les codes des refus de la page (appels.services.candidatures), dans les mots du bilan.
SORTES_DE_REFUS = {"hors_delai": "date_limite", "appel_ferme": "appel_ferme", "conflit": "conflit_version"}
RE_NUMERO = re.compile(r"/candidatures/depots/([^/]+)/$")


@dataclass
class Reponse:
    statut: int
    location: str = ""
    contenu: str = ""


class Navigateur:
    """Des requêtes vers 127.0.0.1 avec les cookies de l'opérateur, sans suivre les redirections."""

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
        self.garder_les_cookies(reponse)
        return Reponse(reponse.status, reponse.headers.get("Location", ""), contenu)

    def garder_les_cookies(self, reponse: http.client.HTTPResponse):
        for entete in reponse.headers.get_all("Set-Cookie") or []:
            for nom, morceau in SimpleCookie(entete).items():
                self.cookies[nom] = morceau.value


def connecter(port: int, email: str, mot_de_passe: str) -> Navigateur:
    navigateur = Navigateur(port)
    try:
        navigateur.envoyer("GET", "/connexion/")
        reponse = navigateur.envoyer("POST", "/connexion/", {"username": email, "password": mot_de_passe})
    except (OSError, http.client.HTTPException) as erreur:
        raise Arret(f"Connexion de {email} sans réponse : {erreur!r}") from erreur
    if reponse.statut != 302 or not navigateur.cookies.get("sessionid"):
        raise Arret(f"Connexion de {email} refusée (HTTP {reponse.statut}).")
    return navigateur


def champ_cache(html: str, nom: str) -> str | None:
    """La valeur (un nombre) d'un champ caché du formulaire, sans séparateur de milliers s'il y en avait un."""
    trouve = re.search(rf'name="{re.escape(nom)}" value="([^"]*)"', html)
    return re.sub(r"\D", "", trouve.group(1)) if trouve else None


def numero_de(location: str) -> str:
    trouve = RE_NUMERO.search(location)
    return trouve.group(1) if trouve else ""


def classer_refus(html: str) -> str:
    """« date_limite » (le dépôt arrivé après l'heure), « appel_ferme » (son brouillon refusé, l'appel fermé),
    « conflit_version », ou « autre » (lettre invalide, formulaire déjà servi), d'après le code de la page."""
    trouve = RE_REFUS.search(html)
    return SORTES_DE_REFUS.get(trouve.group(1) if trouve else "", "autre")
