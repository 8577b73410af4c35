"""La charge simulée au moment de la date limite, de bout en bout : base jetable, gunicorn, opérateurs préparés puis
lâchés sur la date limite, bilan confronté à la base. Tout reste sur 127.0.0.1, en nombre et en durée bornés."""

import json
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace
from pathlib import Path

from django.utils import timezone

from bench.commun import Arret, Journal, base_jetable, verifier_postgresql
from bench.depots.donnees import accuses_manquants, creer_operateurs, depots_en_base, fixer_date_limite, ouvrir_appel
from bench.depots.navigateur import DELAI_REQUETE
from bench.depots.operateurs import DERNIER_ENVOI_TARDIF, Operateur, Plan, operateur, preparer_operateur
from bench.depots.serveur import compter_erreurs_serveur, ecrire_manifeste, environnement, serveur
from bench.depots.verification import Requete, avancement, problemes, verifier
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires

SUFFIXE = "charge_depots"
DUREE_MAX_PREPARATION = 60  # secondes pour connecter tous les opérateurs et ouvrir leur lettre
REGION = "32"  # Hauts-de-France, comme la démonstration


def mesurer(*, operateurs: int, fenetre: int, processus: int, fils: int) -> int:
    """L'avancement puis, en dernière ligne, le bilan en JSON sur la sortie standard ; 1 si une vérification échoue."""
    if operateurs < 50:
        raise Arret("Il faut au moins 50 opérateurs simultanés (--operateurs).")
    journal = Journal(sys.stdout, largeur=5)
    verifier_postgresql(SUFFIXE)
    with tempfile.TemporaryDirectory(prefix="charge-depots-") as dossier, base_jetable(journal.dire, SUFFIXE) as nom:
        bilan = charger(journal.dire, Path(dossier), nom, operateurs, fenetre=fenetre, gunicorn=(processus, fils))
    bilan["duree_s"] = round(journal.ecoule(), 1)
    echecs = problemes(bilan)
    for echec in echecs:
        journal.dire(f"ÉCHEC : {echec}")
    print(json.dumps(bilan, ensure_ascii=False), flush=True)
    return 1 if echecs else 0


def charger(dire, dossier: Path, nom: str, operateurs: int, *, fenetre: int, gunicorn: tuple[int, int]) -> dict:
    importer_territoires()
    region = Territoire.objects.get(niveau=Niveau.REGION, code=REGION)
    comptes, mot_de_passe = creer_operateurs(operateurs)
    appel = ouvrir_appel(region)
    dire(f"Base {nom} prête : territoires, {operateurs} opérateurs chacun dans son organisme, un appel.")
    ecrire_manifeste(dossier)
    with serveur(environnement(dossier, nom), dossier, gunicorn, dire) as port:
        plan = Plan(port, appel.reference, region.enfants.order_by("code").first().code)
        prets = preparer(dire, plan, comptes, mot_de_passe)
        plan = replace(plan, cloture=fixer_date_limite(appel, fenetre))
        dire(f"Date limite fixée à {timezone.localtime(appel.cloture):%H:%M:%S}, dans {fenetre} s : la ruée.")
        requetes, incidents = lancer(dire, plan, prets)
        erreurs_serveur = compter_erreurs_serveur(dossier / "gunicorn.log", dire)
    for incident in incidents[:3]:
        dire(f"Incident côté client : {incident}")
    bilan = verifier(requetes, depots_en_base(appel), plan.cloture)
    bilan.update(operateurs=operateurs, incidents_clients=len(incidents), erreurs_serveur=erreurs_serveur)
    return bilan | {"accuses_manquants": accuses_manquants(appel)}


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
