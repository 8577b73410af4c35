"""Le déroulement de `make bench` : d'abord une petite base jetable (le jeu divisé par --petite-taille), où seules
les pages du catalogue sont mesurées ; puis la base jetable du jeu national, son agrégation initiale et chaque
mesure, une ligne JSON chacune, dans cet ordre ; enfin une ligne par page du catalogue, avec ses chiffres aux deux
tailles (le nombre de requêtes SQL d'une page ne doit pas dépendre de la taille des données)."""

import logging
import os
import signal
import sys
import tempfile
from pathlib import Path

from django.test.utils import override_settings
from django.utils import timezone

from bench.commun import Arret, Journal, base_jetable, figure, verifier_postgresql
from bench.indicateurs.agregats import (
    agreger_les_derniers_mois,
    expliquer,
    mesurer_annee_region,
    mesurer_incremental,
    mesurer_mois_france,
)
from bench.indicateurs.debit import mesurer_api_debit
from bench.indicateurs.donnees_nationales import REFERENCE_APPEL, Jeu, generer
from bench.indicateurs.pages import (
    creer_agent,
    creer_agent_avec_mot_de_passe,
    figures_des_pages,
    mesurer_api,
    mesurer_catalogue,
    mesurer_tableau,
)
from bench.indicateurs.rapport import mesurer_rapport
from commun.mois import decaler
from comptes.models import Role
from indicateurs import services
from indicateurs.agregation import agreger_periode, nouvelle_version_des_agregats
from territoires.models import Niveau, Territoire

SUFFIXE = "bench_indicateurs"
SUFFIXE_PETIT = "bench_indicateurs_petit"
# Les mois de la petite base : assez pour l'agrégation initiale (24 mois) et les séries des pages.
MOIS_PETITE_TAILLE = 24
# Les mois publiés sur la page publique (les plus récents déjà verrouillés) : ce qu'elle montre par défaut.
MOIS_PUBLIES = 12


def mesurer(**options):
    if options["repetitions"] < 3 or options["dispositifs"] < 1 or options["mois"] < 1:
        raise Arret("Il faut au moins 3 répétitions, 1 dispositif et 1 mois.")
    journal = Journal(sys.stderr, largeur=6)
    verifier_postgresql(SUFFIXE)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # une ligne par page sinon
    # Un arrêt par SIGTERM (docker, CI) défait la pile comme un Ctrl-C : la base est supprimée.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    petite = tailles(options)["petite"]
    with base_jetable(journal.dire, SUFFIXE_PETIT, garder=options["garder"]):
        journal.dire(f"Petite taille ({petite['dispositifs']} dispositifs, {petite['lettres']} lettres) : les pages…")
        petites = derouler_petit(journal.dire, options, petite)
    with base_jetable(journal.dire, SUFFIXE, garder=options["garder"]) as nom:
        derouler(journal.dire, options, nom, petites)
    journal.dire("Terminé.")


def tailles(options: dict) -> dict:
    """Les deux tailles auxquelles les pages sont mesurées : celle des options, et la petite (÷ --petite-taille)."""
    diviseur = options["petite_taille"]
    return {
        "defaut": {"dispositifs": options["dispositifs"], "mois": options["mois"], "lettres": options["lettres"]},
        "petite": {
            "dispositifs": max(1, options["dispositifs"] // diviseur),
            "mois": min(options["mois"], MOIS_PETITE_TAILLE),
            "lettres": max(1, options["lettres"] // diviseur),
        },
    }


def preparer(dire, options: dict, taille: dict, *, figurer: bool) -> tuple[Jeu, Territoire]:
    """Le jeu d'une taille, agrégé comme la nuit le fait, ses chiffres publics publiés ; le cache vidé (la base
    précédente a pu y laisser des tableaux : une nouvelle version des agrégats les périme, sans vider le cache
    que la file de Celery peut partager). `figurer` : les lignes JSON de la génération et de l'agrégation."""
    nouvelle_version_des_agregats()
    jeu = generer(
        nb_dispositifs=taille["dispositifs"],
        nb_mois=taille["mois"],
        graine=options["graine"],
        dire=dire,
        nb_lettres=taille["lettres"],
        region=options["region"],
    )
    if figurer:
        figure_generation(jeu)
        agreger_les_derniers_mois(dire, jeu)
    else:
        agreger_periode(debut=max(jeu.debut, decaler(jeu.fin, -24)), fin=jeu.fin)
    region = Territoire.objects.get(niveau=Niveau.REGION, code=options["region"])
    aujourd_hui = timezone.localdate()
    mois = services.mois_publiables(aujourd_hui)[:MOIS_PUBLIES]
    dire(f"Publication des chiffres publics de {len(mois)} mois de la région {region.code}…")
    services.publier_editions(regions=[region], mois=mois, aujourd_hui=aujourd_hui, rapports=False)
    return jeu, region


def derouler_petit(dire, options: dict, taille: dict) -> dict:
    _, region = preparer(dire, options, taille, figurer=False)
    with override_settings(DEBUG=False):
        return mesurer_catalogue(dire, region, REFERENCE_APPEL, options["requetes"])


def derouler(dire, options: dict, nom: str, petites: dict):
    jeu, region = preparer(dire, options, tailles(options)["defaut"], figurer=True)
    if options["seulement_pages"]:
        with override_settings(DEBUG=False):
            mesures = mesurer_catalogue(dire, region, REFERENCE_APPEL, options["requetes"])
        figures_des_pages(mesures, petites, tailles(options))
        return
    mois, repetitions = decaler(jeu.fin, -1), options["repetitions"]
    with override_settings(DEBUG=False), tempfile.TemporaryDirectory(prefix="bench-indicateurs-") as dossier:
        if options["expliquer"]:
            expliquer(dire, mois)
        mesurer_mois_france(dire, mois, repetitions)
        mesurer_annee_region(dire, region, jeu.fin.year - 1, repetitions)
        mesurer_incremental(dire, region, mois, max(repetitions, 5))
        planificateur = creer_agent(Role.PLANIFICATEUR, region)
        mesurer_tableau(dire, planificateur, region, options["requetes"])
        mesurer_api(dire, planificateur, region, mois, options["requetes"])
        # Sous gunicorn : un agent DREETS (DEBUG=0 le laisse entrer sans second facteur) lit les agrégats de sa région.
        agent, mot_de_passe = creer_agent_avec_mot_de_passe(Role.DREETS, region)
        mesurer_api_debit(dire, nom, Path(dossier), (agent, mot_de_passe), region, mois, options["duree_debit"])
        with override_settings(MEDIA_ROOT=dossier):
            mesurer_rapport(dire, region, mois, repetitions, options["tracemalloc"])
        mesures = mesurer_catalogue(dire, region, REFERENCE_APPEL, options["requetes"])
    figures_des_pages(mesures, petites, tailles(options))


def figure_generation(jeu: Jeu):
    figure(
        "generation",
        secondes=round(sum(jeu.secondes.values()), 1),
        etapes_secondes=jeu.secondes,
        dispositifs=jeu.dispositifs,
        organismes=jeu.organismes,
        declarations=jeu.declarations,
        valeurs=jeu.valeurs,
        **jeu.pages,
        mois=f"{jeu.debut:%Y-%m} → {decaler(jeu.fin, -1):%Y-%m}",
        coeurs=os.cpu_count(),
    )
