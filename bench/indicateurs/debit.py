"""Le débit de l'API face à Django nu (`{"figure": "api_debit", …}`) : trois adresses de l'API servies par gunicorn
(DEBUG=0, connexions persistantes), chacune face à une vue Django nue qui lit les mêmes lignes dans les mêmes tables
et les rend en JSON (`.values()` et JsonResponse : ni DRF, ni filtres, ni sérialiseur, ni pagination), sous le même
gunicorn, par les mêmes clients, dans le même passage. `ratio` = requêtes/s de l'API ÷ requêtes/s de la vue nue.
"""

import http.client
import json
import threading
import time
from datetime import date
from pathlib import Path

from django.db.models import F
from django.http import JsonResponse

from bench.commun import Arret, centile, figure
from bench.depots.navigateur import connecter
from bench.serveur import ecrire_manifeste, environnement, serveur
from dispositifs.models import Dispositif
from indicateurs.models import Agregat
from territoires.models import Territoire

OBJECTIF = "ratio ≥ 0,5 (au moins la moitié du débit de Django nu)"
CLIENTS = 8  # connexions simultanées, chacune persistante (keep-alive)
PAGE = 50  # la page de l'API des dispositifs

CHAMPS_TERRITOIRE = ["id", "niveau", "code", "nom", "parent", "chemin", "population", "millesime_population"]
CHAMPS_DISPOSITIF = ["id", "finess", "nom", "type__code", "organisme_id", "organisme__nom", "territoire_id"]
CHAMPS_DISPOSITIF += ["territoire__code", "statut", "capacite_prevue", "commune", "fictif", "version"]
CHAMPS_DISPOSITIF += ["capacite_autorisee", "capacite_installee", "capacite_financee"]
CHAMPS_AGREGAT = ["indicateur__code", "type__code", "territoire__code", "territoire__niveau", "granularite"]
CHAMPS_AGREGAT += ["periode", "valeur", "numerateur", "denominateur", "nb_dispositifs", "nb_declarations"]
CHAMPS_AGREGAT += ["nb_attendues", "calcule_le"]


def territoires_nus(request):
    lignes = Territoire.objects.filter(niveau=request.GET["niveau"]).order_by("chemin").values(*CHAMPS_TERRITOIRE)
    return JsonResponse({"results": list(lignes)})


def dispositifs_nus(request):
    """Comme l'API : les identifiants de la page d'abord, puis les capacités de ces seuls dispositifs."""
    identifiants = list(Dispositif.objects.order_by("type__ordre", "nom", "pk").values_list("pk", flat=True)[:PAGE])
    lignes = Dispositif.objects.filter(pk__in=identifiants).with_capacites().values(*CHAMPS_DISPOSITIF)
    par_pk = {ligne["id"]: ligne for ligne in lignes}
    return JsonResponse({"results": [par_pk[pk] for pk in identifiants]})


def agregats_nus(request):
    lignes = (
        Agregat.objects.filter(
            territoire__code=request.GET["territoire"],
            territoire__niveau=request.GET["niveau"],
            indicateur__code=request.GET["indicateur"],
            granularite=request.GET["granularite"],
            periode__gte=date.fromisoformat(request.GET["periode_debut"] + "-01"),
            periode__lte=date.fromisoformat(request.GET["periode_fin"] + "-01"),
        )
        .order_by(F("indicateur__ordre"), "type__ordre", "territoire__chemin", "granularite", "periode")
        .values(*CHAMPS_AGREGAT)
    )
    return JsonResponse({"results": list(lignes)})


# Les vues nues, sous /mesure/ (bench.urls) : la même requête que l'API, sans le préfixe /api/v1/.
VUES_NUES = {
    "/mesure/territoires/": territoires_nus,
    "/mesure/dispositifs/": dispositifs_nus,
    "/mesure/agregats/": agregats_nus,
}


def paires(region, mois) -> list[tuple[str, str, str]]:
    """(nom, adresse de l'API, adresse nue) : les trois mesures de l'issue 16, mêmes paramètres des deux côtés."""
    debut = date(mois.year - 1, mois.month, 1) if mois.month == 12 else date(mois.year - 1, mois.month + 1, 1)
    agregats = (
        f"territoire={region.code}&niveau=region&indicateur=file_active&granularite=mois"
        f"&periode_debut={debut:%Y-%m}&periode_fin={mois:%Y-%m}"
    )
    return [
        ("territoires", "/api/v1/territoires/?niveau=departement", "/mesure/territoires/?niveau=departement"),
        ("dispositifs", f"/api/v1/dispositifs/?page_size={PAGE}", "/mesure/dispositifs/"),
        # Une année d'une région tient sur une page de 500 : les mêmes lignes des deux côtés.
        ("agregats", f"/api/v1/agregats/?{agregats}&page_size=500", f"/mesure/agregats/?{agregats}"),
    ]


def mesurer_api_debit(dire, nom: str, dossier: Path, compte: tuple, region, mois, duree: float):
    """gunicorn sur la base de la mesure (2 processus × 4 fils, comme `make load-depot`), un agent connecté par la
    page de connexion (`compte` : l'agent et son mot de passe), puis les trois paires, `duree` secondes chacune."""
    ecrire_manifeste(dossier)
    agent, mot_de_passe = compte
    with serveur(environnement(dossier, nom), dossier, (2, 4), dire) as port:
        cookies = connecter(port, agent.email, mot_de_passe).cookies
        mesurer_debit(dire, port, cookies, region, mois, duree)


def mesurer_debit(dire, port: int, cookies: dict, region, mois, duree: float):
    """Une ligne `api_debit` par adresse : l'API puis la vue nue, chacune `duree` secondes par CLIENTS connexions."""
    for nom, api, nue in paires(region, mois):
        lignes_api, lignes_nues = compter_lignes(port, cookies, api), compter_lignes(port, cookies, nue)
        if lignes_api != lignes_nues:
            raise Arret(f"{api} rend {lignes_api} lignes, {nue} en rend {lignes_nues} : la comparaison ne vaut rien.")
        dire(f"Débit {api} ({lignes_api} lignes) face à {nue} ({lignes_nues} lignes)…")
        notre = marteler(port, cookies, api, duree)
        nu = marteler(port, cookies, nue, duree)
        figure(
            "api_debit",
            mesure=nom,
            url=api,
            lignes=lignes_api,
            lignes_nues=lignes_nues,
            requetes_par_s=notre["par_s"],
            p95_ms=notre["p95_ms"],
            nu_requetes_par_s=nu["par_s"],
            nu_p95_ms=nu["p95_ms"],
            ratio=round(notre["par_s"] / max(nu["par_s"], 0.1), 2),
            clients=CLIENTS,
            objectif=OBJECTIF,
        )


def compter_lignes(port: int, cookies: dict, chemin: str) -> int:
    statut, corps = obtenir(connexion(port), cookies, chemin)
    if statut != 200:
        raise RuntimeError(f"{chemin} répond {statut} : {corps[:300]!r}")
    return len(json.loads(corps)["results"])


def marteler(port: int, cookies: dict, chemin: str, duree: float) -> dict:
    """CLIENTS fils, chacun sur sa connexion persistante, envoient `chemin` en boucle pendant `duree` secondes."""
    durees, echecs, fin = [], [], time.monotonic() + duree

    def boucle():
        lien = connexion(port)
        while time.monotonic() < fin:
            depart = time.perf_counter()
            try:
                statut, _ = obtenir(lien, cookies, chemin)
            except (OSError, http.client.HTTPException):
                statut, lien = 0, connexion(port)
            (durees if statut == 200 else echecs).append((time.perf_counter() - depart) * 1000)

    fils = [threading.Thread(target=boucle, daemon=True) for _ in range(CLIENTS)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    if echecs:
        raise RuntimeError(f"{chemin} : {len(echecs)} requêtes en échec pendant la mesure du débit")
    return {"par_s": round(len(durees) / duree, 1), "p95_ms": round(centile(durees, 95), 1)}


def connexion(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def obtenir(lien: http.client.HTTPConnection, cookies: dict, chemin: str) -> tuple[int, bytes]:
    en_tetes = {
        "Cookie": "; ".join(f"{nom}={valeur}" for nom, valeur in cookies.items()),
        "Accept": "application/json",
    }
    lien.request("GET", chemin, headers=en_tetes)
    reponse = lien.getresponse()
    return reponse.status, reponse.read()
