"""La charge simulée au moment de la date limite, de bout en bout : base jetable, gunicorn, opérateurs préparés puis
lâchés sur la date limite, bilan confronté à la base. Tout reste sur 127.0.0.1, en nombre et en durée bornés."""

import itertools
import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from django.utils import timezone

from bench.commun import Arret, Journal, base_jetable, figure, verifier_postgresql
from bench.depots.donnees import accuses_manquants, creer_operateurs, depots_en_base, fixer_date_limite, ouvrir_appel
from bench.depots.navigateur import DELAI_REQUETE
from bench.depots.operateurs import DERNIER_ENVOI_TARDIF, Operateur, Plan, operateur, preparer_operateur
from bench.depots.reference import creer_table, mesurer_reference
from bench.depots.verification import OBJECTIFS, Requete, avancement, objectifs, problemes, verifier
from bench.serveur import (
    compter_erreurs_serveur,
    ecrire_manifeste,
    environnement,
    redis_de_la_mesure,
    serveur,
    worker,
)
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires

SUFFIXE = "charge_depots"
DUREE_MAX_PREPARATION = 120  # secondes pour connecter tous les opérateurs et ouvrir leur lettre
ATTENTE_MAX_DES_ACCUSES = 300  # secondes après la date limite au-delà desquelles un accusé manquant est un échec
REGION = "32"  # Hauts-de-France, comme la démonstration


def mesurer(*, operateurs: int, fenetre: int, processus: int, fils: int, accuses: int) -> int:
    """L'avancement, une ligne par objectif, puis en dernière ligne le bilan en JSON sur la sortie standard ; 1 si une
    vérification échoue (un objectif de vitesse manqué est signalé, pas compté comme un échec)."""
    if operateurs < 50:
        raise Arret("Il faut au moins 50 opérateurs simultanés (--operateurs).")
    journal = Journal(sys.stdout, largeur=5)
    verifier_postgresql(SUFFIXE)
    redis_url = redis_de_la_mesure()
    with tempfile.TemporaryDirectory(prefix="charge-depots-") as dossier, base_jetable(journal.dire, SUFFIXE) as nom:
        variables = environnement(Path(dossier), nom, redis_url)
        options = {"fenetre": fenetre, "gunicorn": (processus, fils), "accuses": accuses}
        bilan = charger(journal.dire, Path(dossier), variables, operateurs, **options)
    bilan["duree_s"] = round(journal.ecoule(), 1)
    bilan["objectifs"] = {cle: f"{sens} {seuil}" for cle, (sens, seuil) in OBJECTIFS.items()}
    for ligne in objectifs(bilan):
        figure("load_depot", **ligne)
    echecs = problemes(bilan)
    for echec in echecs:
        journal.dire(f"ÉCHEC : {echec}")
    print(json.dumps(bilan, ensure_ascii=False), flush=True)
    return 1 if echecs else 0


def charger(dire, dossier: Path, variables: dict, operateurs: int, *, fenetre: int, gunicorn, accuses: int) -> dict:
    importer_territoires()
    region = Territoire.objects.get(niveau=Niveau.REGION, code=REGION)
    comptes, mot_de_passe = creer_operateurs(operateurs)
    appel = ouvrir_appel(region)
    creer_table()
    dire(f"Base prête : territoires, {operateurs} opérateurs chacun dans son organisme, un appel, la référence.")
    ecrire_manifeste(dossier)
    with serveur(variables, dossier, gunicorn, dire) as port, worker(variables, dossier, accuses, dire):
        plan = Plan(port, appel.reference, region.enfants.order_by("code").first().code)
        prets = preparer(dire, plan, comptes, mot_de_passe)
        reference = mesurer_reference(prets)
        dire(f"Référence (POST connecté, CSRF, une ligne) : {reference['minimal_par_s']} envois/s.")
        plan = replace(plan, cloture=fixer_date_limite(appel, fenetre))
        dire(f"Date limite fixée à {timezone.localtime(appel.cloture):%H:%M:%S}, dans {fenetre} s : la ruée.")
        requetes, incidents = lancer(dire, plan, prets)
        delai = attendre_les_accuses(dire, appel, plan.cloture)
    erreurs = sum(compter_erreurs_serveur(dossier / journal, dire) for journal in ("gunicorn.log", "celery.log"))
    for incident in incidents[:3]:
        dire(f"Incident côté client : {incident}")
    bilan = verifier(requetes, depots_en_base(appel), plan.cloture)
    bilan.update(operateurs=operateurs, incidents_clients=len(incidents), erreurs_serveur=erreurs, **reference)
    bilan["ratio_au_minimal"] = round(bilan["depots_par_s"] / max(reference["minimal_par_s"], 0.1), 2)
    return bilan | {"accuses_manquants": accuses_manquants(appel), "accuses_delai_s": delai}


def attendre_les_accuses(dire, appel, cloture: float) -> float | None:
    """Secondes entre la date limite et l'instant où chaque dépôt a son accusé (produit par le worker) ; None si des
    accusés manquent encore ATTENTE_MAX_DES_ACCUSES secondes après la date limite."""
    for tour in itertools.count():
        manquants = accuses_manquants(appel)
        if not manquants:
            return round(max(time.time() - cloture, 0), 1)
        if time.time() > cloture + ATTENTE_MAX_DES_ACCUSES:
            return None
        if tour % 10 == 0:
            dire(f"{manquants} accusés encore à produire par le worker.")
        time.sleep(0.5)


def preparer(dire, plan: Plan, comptes: list[str], mot_de_passe: str) -> list[Operateur]:
    """Connexion, lettre ouverte, brouillon enregistré, par 8 à la fois : le hachage du mot de passe (PBKDF2,
    ~0,6 s de calcul par connexion) domine et ferait attendre au-delà du délai."""
    debut = time.monotonic()
    groupe = ThreadPoolExecutor(max_workers=8)
    taches = [groupe.submit(preparer_operateur, plan, email, mot_de_passe) for email in comptes]
    _, en_retard = wait(taches, timeout=DUREE_MAX_PREPARATION)
    groupe.shutdown(wait=False, cancel_futures=True)
    if en_retard:
        raise Arret(f"{len(en_retard)} opérateurs pas encore prêts après {DUREE_MAX_PREPARATION} s.")
    prets = [tache.result() for tache in taches]
    dire(f"{len(prets)} opérateurs connectés, lettre ouverte et enregistrée en {time.monotonic() - debut:.1f} s.")
    return prets


def lancer(dire, plan: Plan, prets: list[Operateur]) -> tuple[list[Requete], list[str]]:
    """Un fil par opérateur ; l'avancement toutes les 5 s ; on cesse d'attendre passé la dernière réponse possible."""
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
        dire(avancement(list(journal), plan.cloture, time.time()))
    if any(fil.is_alive() for fil in fils):
        incidents.append("des opérateurs simulés n'ont pas fini à temps : arrêt sans les attendre")
    return list(journal), incidents
