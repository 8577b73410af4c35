"""Le déroulement de `make bench` : base jetable, jeu national, agrégation initiale, puis chaque mesure, une ligne
JSON chacune, dans cet ordre."""

import logging
import os
import signal
import sys
import tempfile
from pathlib import Path

from django.test.utils import override_settings

from bench.commun import Arret, Journal, base_jetable, figure, verifier_postgresql
from bench.indicateurs.agregats import (
    agreger_les_derniers_mois,
    expliquer,
    mesurer_annee_region,
    mesurer_incremental,
    mesurer_mois_france,
)
from bench.indicateurs.debit import mesurer_api_debit
from bench.indicateurs.donnees_nationales import Jeu, generer
from bench.indicateurs.pages import creer_agent, creer_agent_avec_mot_de_passe, mesurer_api, mesurer_tableau
from bench.indicateurs.rapport import mesurer_rapport
from commun.mois import decaler
from comptes.models import Role
from territoires.models import Niveau, Territoire

SUFFIXE = "bench_indicateurs"


def mesurer(**options):
    if options["repetitions"] < 3 or options["dispositifs"] < 1 or options["mois"] < 1:
        raise Arret("Il faut au moins 3 répétitions, 1 dispositif et 1 mois.")
    journal = Journal(sys.stderr, largeur=6)
    verifier_postgresql(SUFFIXE)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # une ligne par page sinon
    # Un arrêt par SIGTERM (docker, CI) défait la pile comme un Ctrl-C : la base est supprimée.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with base_jetable(journal.dire, SUFFIXE, garder=options["garder"]) as nom:
        derouler(journal.dire, options, nom)
    journal.dire("Terminé.")


def derouler(dire, options: dict, nom: str):
    jeu = generer(nb_dispositifs=options["dispositifs"], nb_mois=options["mois"], graine=options["graine"], dire=dire)
    figure_generation(jeu)
    agreger_les_derniers_mois(dire, jeu)
    region = Territoire.objects.get(niveau=Niveau.REGION, code=options["region"])
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


def figure_generation(jeu: Jeu):
    figure(
        "generation",
        secondes=round(sum(jeu.secondes.values()), 1),
        etapes_secondes=jeu.secondes,
        dispositifs=jeu.dispositifs,
        organismes=jeu.organismes,
        declarations=jeu.declarations,
        valeurs=jeu.valeurs,
        mois=f"{jeu.debut:%Y-%m} → {decaler(jeu.fin, -1):%Y-%m}",
        coeurs=os.cpu_count(),
    )
