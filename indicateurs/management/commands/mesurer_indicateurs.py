"""`make bench` : les indicateurs à l'échelle nationale, dans une base PostgreSQL à eux, créée puis détruite.

Chaque mesure est une ligne JSON sur la sortie standard (`{"figure": …}`) ; l'avancement va sur la sortie d'erreur.
Les temps sont ceux d'un processus, sur une machine peut-être partagée : ce sont les rapports (agrégation face au
GROUP BY brut, rapport face à WeasyPrint seul), mesurés dans le même passage, qui se comparent d'une machine à
l'autre.
"""

import datetime
import io
import json
import logging
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, resolve
from pypdf import PdfReader

from comptes.models import Role, Utilisateur
from config.bench import base_jetable, centile, verifier_postgresql
from config.celery import app as celery
from indicateurs import services
from indicateurs.agregation import (
    agreger,
    agreger_periode,
    decaler,
    nouvelle_version_des_agregats,
    periodes_entre,
    periodes_touchees,
    requete_agregation,
)
from indicateurs.management.donnees_nationales import generer
from indicateurs.models import Declaration, Granularite, StatutDeclaration
from territoires.models import Niveau, Territoire

SUFFIXE = "bench_indicateurs"
OBJECTIFS = {
    "agregation": "ratio ≤ 2 (au plus 2 fois le GROUP BY brut)",
    "incremental": "< 0,5 s",
    "tableau": "p95 < 150 ms, nombre de requêtes constant",
    "api": "p95 < 150 ms (même exigence que les pages)",
    "pdf": "< 3 s et ratio ≤ 1,2 (WeasyPrint seul)",
}
URL_TABLEAU = "/tableau-de-bord/"
URL_API = "/api/v1/agregats/"


class Command(BaseCommand):
    help = (
        "Mesure les indicateurs à l'échelle nationale. Crée une base PostgreSQL « <nom>_bench_indicateurs » "
        "(détruite en sortant, même sur une erreur ou un Ctrl-C), y écrit par COPY un jeu synthétique : territoires "
        "réels, ~5 000 dispositifs installés répartis au prorata de la population, 120 mois de déclarations "
        "validées et leurs valeurs ; agrège les 24 derniers mois comme le recalcul de nuit ; puis mesure "
        "l'agrégation d'un mois pour la France et d'une année pour une région face au GROUP BY brut, le recalcul "
        "après une validation, le tableau de bord régional, l'API des agrégats et le rapport PDF régional face à "
        "WeasyPrint seul. Une ligne JSON par mesure. Exige DATABASE_URL=postgres://…"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dispositifs", type=int, default=5_000, help="Dispositifs installés (5 000).")
        parser.add_argument("--mois", type=int, default=120, help="Mois de déclarations validées (120).")
        parser.add_argument("--repetitions", type=int, default=5, help="Exécutions par mesure (3 au moins).")
        parser.add_argument("--requetes", type=int, default=30, help="Requêtes HTTP par page mesurée (p50, p95).")
        parser.add_argument("--region", default="32", help="Code de la région mesurée (32 : Hauts-de-France).")
        parser.add_argument("--graine", type=int, default=2026, help="Graine du hasard, pour un jeu reproductible.")
        parser.add_argument("--garder", action="store_true", help="Garde la base pour l'examiner.")
        parser.add_argument(
            "--tracemalloc", action="store_true", help="Mesure aussi le pic du tas Python du rapport (plus lent)."
        )
        parser.add_argument(
            "--expliquer", action="store_true", help="Écrit l'EXPLAIN ANALYZE de l'agrégation d'un mois (stderr)."
        )

    def handle(self, *args, **options):
        if options["repetitions"] < 3 or options["dispositifs"] < 1 or options["mois"] < 1:
            raise CommandError("Il faut au moins 3 répétitions, 1 dispositif et 1 mois.")
        self.debut = time.monotonic()
        verifier_postgresql(SUFFIXE)
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # une ligne par page sinon
        # Un arrêt par SIGTERM (docker, CI) défait la pile comme un Ctrl-C : la base est supprimée.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        with base_jetable(self.dire, SUFFIXE, garder=options["garder"]):
            self.mesurer(options)
        self.dire("Terminé.")

    def dire(self, texte: str):
        self.stderr.write(f"[{time.monotonic() - self.debut:6.1f} s] {texte}")
        self.stderr.flush()

    def figure(self, nom: str, **valeurs):
        self.stdout.write(json.dumps({"figure": nom, **valeurs}, ensure_ascii=False, default=str))
        self.stdout.flush()

    def mesurer(self, options: dict):
        jeu = generer(
            nb_dispositifs=options["dispositifs"], nb_mois=options["mois"], graine=options["graine"], dire=self.dire
        )
        self.figure(
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
        self.agreger_les_derniers_mois(jeu)
        region = Territoire.objects.get(niveau=Niveau.REGION, code=options["region"])
        mois = decaler(jeu.fin, -1)
        repetitions = options["repetitions"]
        with override_settings(DEBUG=False), tempfile.TemporaryDirectory(prefix="bench-indicateurs-") as dossier:
            if options["expliquer"]:
                self.expliquer(mois)
            self.mesurer_mois_france(mois, repetitions)
            self.mesurer_annee_region(region, jeu.fin.year - 1, repetitions)
            self.mesurer_incremental(region, mois, max(repetitions, 5))
            planificateur = creer_agent(Role.PLANIFICATEUR, region)
            self.mesurer_tableau(planificateur, region, mois, options["requetes"])
            self.mesurer_api(planificateur, region, mois, options["requetes"])
            with override_settings(MEDIA_ROOT=dossier):
                self.mesurer_rapport(region, mois, repetitions, options["tracemalloc"])

    def agreger_les_derniers_mois(self, jeu):
        """Ce que le recalcul de nuit tient à jour (24 mois, leurs trimestres et années) : de quoi nourrir le tableau
        de bord, l'API et le rapport."""
        debut = max(jeu.debut, decaler(jeu.fin, -24))
        self.dire(f"Agrégation initiale de {debut:%m/%Y} à {decaler(jeu.fin, -1):%m/%Y}…")
        depart = time.perf_counter()
        lignes = agreger_periode(debut=debut, fin=jeu.fin)
        with connection.cursor() as curseur:
            curseur.execute("ANALYZE indicateurs_agregat")
        self.figure(
            "agregation_initiale",
            secondes=round(time.perf_counter() - depart, 1),
            periodes=len(periodes_entre(debut, jeu.fin)),
            lignes=lignes,
        )

    # Agrégation face au GROUP BY brut ----------------------------------------------------------------------

    def mesurer_mois_france(self, mois, repetitions: int):
        self.dire(f"Agrégation de {mois:%m/%Y} pour la France, face au SELECT … GROUP BY brut…")
        resultat = ([], [], [])
        for _ in range(repetitions):
            une = comparer(lambda: agreger(granularite=Granularite.MOIS, periode=mois), [(Granularite.MOIS, mois)])
            resultat = cumuler(resultat, une)
        self.figure("agregation_mois_france", periode=mois, **bilan_agregation(*resultat))

    def mesurer_annee_region(self, region, annee: int, repetitions: int):
        debut, fin = datetime.date(annee, 1, 1), datetime.date(annee + 1, 1, 1)
        periodes = periodes_entre(debut, fin)
        self.dire(f"Agrégation de {annee} pour la région {region.code} ({len(periodes)} périodes), face au brut…")
        resultat = ([], [], [])
        for _ in range(repetitions):
            une = comparer(lambda: agreger_periode(debut=debut, fin=fin, dans=region), periodes, dans=region)
            resultat = cumuler(resultat, une)
        self.figure(
            "agregation_annee_region",
            region=region.code,
            annee=annee,
            periodes=len(periodes),
            **bilan_agregation(*resultat),
        )

    def expliquer(self, mois):
        sql, parametres = requete_agregation(granularite=Granularite.MOIS, periode=mois)
        with connection.cursor() as curseur:
            curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", parametres)
            plan = "\n".join(ligne for (ligne,) in curseur.fetchall())
        self.dire(f"EXPLAIN ANALYZE de l'agrégation de {mois:%m/%Y} (France) :\n{plan}")

    # Recalcul incrémental --------------------------------------------------------------------------------

    def mesurer_incremental(self, region, mois, nombre: int):
        """Une déclaration repasse « transmise » puis est validée par le service ; la tâche d'agrégation tourne sur
        place (task_always_eager), comme le worker la lancerait, et son temps est compté."""
        self.dire(f"Recalcul après validation ({nombre} déclarations de {mois:%m/%Y})…")
        instructeur = creer_agent(Role.INSTRUCTEUR, region)
        declarations = list(
            Declaration.objects.filter(mois=mois, statut=StatutDeclaration.VALIDEE)
            .select_related("dispositif")
            .order_by("?")[:nombre]
        )
        durees = []
        eager = celery.conf.task_always_eager
        celery.conf.task_always_eager = True
        try:
            for declaration in declarations:
                Declaration.objects.filter(pk=declaration.pk).update(statut=StatutDeclaration.TRANSMISE)
                depart = time.perf_counter()
                services.valider(declaration=declaration, par=instructeur)
                durees.append(time.perf_counter() - depart)
        finally:
            celery.conf.task_always_eager = eager
        self.figure(
            "recalcul_incremental",
            periode=mois,
            executions=len(durees),
            secondes_p50=round(statistics.median(durees), 3),
            secondes_max=round(max(durees), 3),
            identique_au_calcul_complet=identique_au_calcul_complet(
                {d.dispositif.type_id for d in declarations}, mois
            ),
            objectif=OBJECTIFS["incremental"],
        )

    # Pages et API ----------------------------------------------------------------------------------------

    def mesurer_tableau(self, agent, region, mois, nombre: int):
        if not existe(URL_TABLEAU):
            self.dire(f"{URL_TABLEAU} ne répond pas encore (aucune vue) : mesure absente.")
            self.figure("tableau_de_bord_region", absent=True, url=URL_TABLEAU, objectif=OBJECTIFS["tableau"])
            return
        url = f"{URL_TABLEAU}?region={region.code}"
        autre = Territoire.objects.regions().exclude(pk=region.pk).order_by("-population").first()
        self.dire(f"Tableau de bord {url} ({nombre} requêtes)…")
        mesure = mesurer_page(agent, url, nombre)
        # Une autre région, mesurée comme celle-ci : après une première visite (caches du processus et de la page).
        client_ailleurs = connecter(creer_agent(Role.PLANIFICATEUR, autre))
        _, _, requetes_premiere_ailleurs = une_requete(client_ailleurs, url_pour(autre))
        _, _, requetes_ailleurs = une_requete(client_ailleurs, url_pour(autre))
        self.figure(
            "tableau_de_bord_region",
            url=url,
            **mesure,
            requetes_autre_region=requetes_ailleurs,
            requetes_autre_region_premiere_visite=requetes_premiere_ailleurs,
            autre_region=autre.code,
            objectif=OBJECTIFS["tableau"],
            note="tableau servi par le cache jusqu'au prochain recalcul des agrégats, comme en service",
        )
        # Le pire cas : chaque visite suit un recalcul, le tableau est reconstruit à chaque fois.
        self.dire(f"Tableau de bord {url} sans cache ({nombre} requêtes)…")
        sans_cache = mesurer_page(agent, url, nombre, avant=nouvelle_version_des_agregats)
        self.figure("tableau_de_bord_region_sans_cache", url=url, **sans_cache, objectif=OBJECTIFS["tableau"])

    def mesurer_api(self, agent, region, mois, nombre: int):
        annee = decaler(mois, -11)
        filtres = (
            f"territoire={region.code}&niveau=region&indicateur=file_active&granularite=mois"
            f"&periode_debut={annee:%Y-%m}&periode_fin={mois:%Y-%m}"
        )
        url = f"{URL_API}?{filtres}"
        self.dire(f"API {url} ({nombre} requêtes)…")
        self.figure("api_agregats", url=url, **mesurer_page(agent, url, nombre), objectif=OBJECTIFS["api"])

    # Rapport PDF -----------------------------------------------------------------------------------------

    def mesurer_rapport(self, region, mois, repetitions: int, tracer: bool):
        try:
            from indicateurs import rapports
        except ImportError:
            rapports = None
        if rapports is None or not hasattr(rapports, "generer_rapport"):
            self.figure("rapport_pdf_region", absent=True, objectif=OBJECTIFS["pdf"])
            return
        self.dire(
            f"Rapport PDF de la région {region.code} pour {mois:%m/%Y} ({repetitions} fois), puis WeasyPrint seul…"
        )
        from weasyprint import HTML  # import coûteux (~1 s), payé hors mesure

        from indicateurs.models import Rapport, StatutRapport

        rapport = Rapport.objects.create(territoire=region, mois=mois, public=False)
        generation = []
        for rang in range(repetitions + 1):  # la première, à froid (gabarits, polices), n'est pas comptée
            Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_ATTENTE)
            rapport.refresh_from_db()
            if rang == 0:  # le pic se lit sur la première, qui ne réutilise pas la mémoire d'une précédente
                avant, remis_a_zero = lire_statut_memoire("VmRSS"), remettre_pic_a_zero()
            depart = time.perf_counter()
            rapports.generer_rapport(rapport)
            generation.append(time.perf_counter() - depart)
            if rang == 0:
                memoire = pic_memoire(avant, remis_a_zero)
        html = html_du_rapport(rapports, rapport)
        seul = []
        for _ in range(repetitions + 1):
            depart = time.perf_counter()
            pdf = HTML(string=html).write_pdf()
            seul.append(time.perf_counter() - depart)
        if tracer:
            memoire["pic_memoire_python_mo"] = pic_python(rapports, rapport)
        secondes, secondes_seul = statistics.median(generation[1:]), statistics.median(seul[1:])
        self.figure(
            "rapport_pdf_region",
            region=region.code,
            periode=mois,
            secondes=round(secondes, 2),
            weasyprint_seul_secondes=round(secondes_seul, 2),
            ratio=round(secondes / secondes_seul, 2),
            premiere_secondes=round(generation[0], 2),
            executions=repetitions,
            pages=len(PdfReader(io.BytesIO(pdf)).pages),
            pdf_octets=len(pdf),
            **memoire,
            objectif=OBJECTIFS["pdf"],
        )


# Fonctions de mesure -----------------------------------------------------------------------------------------


def comparer(agregation, periodes, dans=None) -> tuple[list, list, list]:
    """Une exécution de l'agrégation puis, aussitôt, les SELECT bruts des mêmes périodes (lus en entier)."""
    depart = time.perf_counter()
    ecrites = agregation()
    duree = time.perf_counter() - depart
    depart = time.perf_counter()
    lues = 0
    with connection.cursor() as curseur:
        for granularite, periode in periodes:
            sql, parametres = requete_agregation(granularite=granularite, periode=periode, dans=dans)
            curseur.execute(sql, parametres)
            lues += len(curseur.fetchall())
    return [duree], [time.perf_counter() - depart], [(ecrites, lues)]


def cumuler(total: tuple, ajout: tuple) -> tuple:
    return tuple(a + b for a, b in zip(total, ajout, strict=True))


def bilan_agregation(agregation: list, brut: list, lignes: list) -> dict:
    secondes, sql_brut = statistics.median(agregation), statistics.median(brut)
    ecrites, lues = lignes[-1]
    return {
        "secondes": round(secondes, 3),
        "sql_brut_secondes": round(sql_brut, 3),
        "ratio": round(secondes / sql_brut, 2) if sql_brut else None,
        "lignes": ecrites,
        "lignes_sql_brut": lues,
        "executions": len(agregation),
        "secondes_min_max": [round(min(agregation), 3), round(max(agregation), 3)],
        "sql_brut_min_max": [round(min(brut), 3), round(max(brut), 3)],
        "objectif": OBJECTIFS["agregation"],
    }


def identique_au_calcul_complet(types: set[int], mois) -> bool:
    """Les agrégats laissés par les recalculs incrémentaux (la France par somme de ses régions) sont-ils ceux que
    le calcul complet depuis les déclarations écrit pour les mêmes types et périodes ?"""
    from indicateurs.models import Agregat

    periodes = periodes_touchees(mois)
    champs = [f.attname for f in Agregat._meta.concrete_fields if f.name not in {"id", "calcule_le"}]

    def lignes():
        return sorted(
            ligne
            for granularite, periode in periodes
            for ligne in Agregat.objects.filter(
                granularite=granularite, periode=periode, type_id__in=types
            ).values_list(*champs)
        )

    incremental = lignes()
    for granularite, periode in periodes:
        agreger(granularite=granularite, periode=periode, types=sorted(types))
    return incremental == lignes()


def existe(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def creer_agent(role: str, region) -> Utilisateur:
    return Utilisateur.objects.create(email=f"{role}-{region.code}@bench.example", role=role, region=region)


def connecter(agent) -> Client:
    """Un client HTTP connecté, en HTTPS sur 127.0.0.1 : sans redirection, quel que soit DEBUG."""
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(agent)
    return client


def une_requete(client: Client, url: str) -> tuple[float, int, int]:
    with CaptureQueriesContext(connection) as requetes:
        depart = time.perf_counter()
        reponse = client.get(url, secure=True)
        duree = time.perf_counter() - depart
    if reponse.status_code != 200:
        raise CommandError(f"{url} répond {reponse.status_code} : {reponse.content[:500]!r}")
    return duree, len(reponse.content), len(requetes)


def mesurer_page(agent, url: str, nombre: int, avant=None) -> dict:
    """p50 et p95 de `nombre` requêtes après une première à froid ; le nombre de requêtes SQL de la dernière.
    `avant` est appelé hors chronomètre avant chaque requête (ex. : périmer le cache)."""
    client = connecter(agent)
    froid, _, _ = une_requete(client, url)
    durees = []
    for _ in range(nombre):
        if avant:
            avant()
        depart = time.perf_counter()
        reponse = client.get(url, secure=True)
        durees.append((time.perf_counter() - depart) * 1000)
        if reponse.status_code != 200:
            raise CommandError(f"{url} répond {reponse.status_code}")
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


def url_pour(region) -> str:
    return f"{URL_TABLEAU}?region={region.code}"


def html_du_rapport(rapports, rapport) -> str:
    """Le HTML final que le rapport donne à WeasyPrint, recomposé comme rapports.composer_pdf le fait."""
    from django.template.loader import render_to_string

    contexte = rapports.donnees_du_rapport(rapport)
    contexte |= rapports.graphiques_du_rapport(contexte)
    return render_to_string(rapports.GABARIT_PDF, contexte)


def pic_memoire(avant: int, remis_a_zero: bool) -> dict:
    """Le pic de mémoire résidente pendant une génération : VmHWM, remis à zéro juste avant
    (/proc/self/clear_refs), compte aussi ce qu'allouent les bibliothèques C de WeasyPrint (Pango, HarfBuzz).
    Sans cette remise à zéro, ru_maxrss ne donne que le pic de tout le processus : on le dit."""
    if remis_a_zero:
        pic = lire_statut_memoire("VmHWM")
        return {
            "pic_memoire_mo": round(pic / 1024, 1),
            "hausse_memoire_mo": round((pic - avant) / 1024, 1),
            "memoire_avant_mo": round(avant / 1024, 1),
            "mesure_memoire": "pic de mémoire résidente du processus (VmHWM remis à zéro juste avant) pendant la "
            "première génération, et sa hausse au-dessus de la mémoire déjà occupée",
        }
    return {
        "pic_processus_mo": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "mesure_memoire": "ru_maxrss : pic de tout le processus (VmHWM indisponible)",
    }


def pic_python(rapports, rapport) -> float:
    """Une génération de plus sous tracemalloc (le tas Python seul ; il ralentit, d'où une passe à part), en Mo."""
    from indicateurs.models import Rapport, StatutRapport

    Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_ATTENTE)
    rapport.refresh_from_db()
    tracemalloc.start()
    try:
        rapports.generer_rapport(rapport)
        return round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    finally:
        tracemalloc.stop()


def remettre_pic_a_zero() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def lire_statut_memoire(cle: str) -> int:
    """Une ligne de /proc/self/status, en kio (0 hors Linux)."""
    try:
        for ligne in Path("/proc/self/status").read_text().splitlines():
            if ligne.startswith(f"{cle}:"):
                return int(ligne.split()[1])
    except OSError:
        pass
    return 0
