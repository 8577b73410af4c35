"""L'agrégation mesurée face au SELECT … GROUP BY brut des mêmes périodes, et le recalcul après une validation."""

import datetime
import statistics
import time
from contextlib import contextmanager

from django.db import connection

from bench.commun import centile, figure
from bench.indicateurs import OBJECTIFS
from bench.indicateurs.pages import creer_agent
from commun.mois import decaler
from comptes.models import Role
from config.celery import app as celery
from indicateurs import services
from indicateurs.agregation import agreger, agreger_periode, requete_agregation
from indicateurs.models import Agregat, Declaration, Granularite, StatutDeclaration, Valeur
from indicateurs.periodes import periodes_entre, periodes_touchees


def agreger_les_derniers_mois(dire, jeu):
    """Ce que le recalcul de nuit tient à jour (24 mois, leurs trimestres et années) : de quoi nourrir le tableau
    de bord, l'API et le rapport."""
    debut = max(jeu.debut, decaler(jeu.fin, -24))
    dire(f"Agrégation initiale de {debut:%m/%Y} à {decaler(jeu.fin, -1):%m/%Y}…")
    depart = time.perf_counter()
    lignes = agreger_periode(debut=debut, fin=jeu.fin)
    with connection.cursor() as curseur:
        curseur.execute("ANALYZE indicateurs_agregat")
    figure(
        "agregation_initiale",
        secondes=round(time.perf_counter() - depart, 1),
        periodes=len(periodes_entre(debut, jeu.fin)),
        lignes=lignes,
    )


# Agrégation face au GROUP BY brut ----------------------------------------------------------------------------


def mesurer_mois_france(dire, mois, repetitions: int):
    dire(f"Agrégation de {mois:%m/%Y} pour la France, face au SELECT … GROUP BY brut…")
    resultat = ([], [], [])
    for _ in range(repetitions):
        une = comparer(lambda: agreger(granularite=Granularite.MOIS, periode=mois), [(Granularite.MOIS, mois)])
        resultat = cumuler(resultat, une)
    figure("agregation_mois_france", periode=mois, **bilan_agregation(*resultat))


def mesurer_annee_region(dire, region, annee: int, repetitions: int):
    debut, fin = datetime.date(annee, 1, 1), datetime.date(annee + 1, 1, 1)
    periodes = periodes_entre(debut, fin)
    dire(f"Agrégation de {annee} pour la région {region.code} ({len(periodes)} périodes), face au brut…")
    resultat = ([], [], [])
    for _ in range(repetitions):
        une = comparer(lambda: agreger_periode(debut=debut, fin=fin, dans=region), periodes, dans=region)
        resultat = cumuler(resultat, une)
    figure(
        "agregation_annee_region",
        region=region.code,
        annee=annee,
        periodes=len(periodes),
        **bilan_agregation(*resultat),
    )


def expliquer(dire, mois):
    sql, parametres = requete_agregation(granularite=Granularite.MOIS, periode=mois)
    with connection.cursor() as curseur:
        curseur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", parametres)
        plan = "\n".join(ligne for (ligne,) in curseur.fetchall())
    dire(f"EXPLAIN ANALYZE de l'agrégation de {mois:%m/%Y} (France) :\n{plan}")


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


# Recalcul incrémental ----------------------------------------------------------------------------------------


# Assez de validations pour que le p95 ne soit pas simplement le maximum (le 19e temps sur 20).
VALIDATIONS_AU_MOINS = 20
P95_MAX_S = 0.1  # OBJECTIFS["incremental"]


def mesurer_incremental(dire, region, mois, nombre: int):
    """Une déclaration repasse « transmise » puis est validée par le service ; la tâche d'agrégation tourne sur
    place (task_always_eager), comme le worker la lancerait, et son temps est compté. `nombre` validations, 20 au
    moins."""
    nombre = max(nombre, VALIDATIONS_AU_MOINS)
    dire(f"Recalcul après validation ({nombre} déclarations de {mois:%m/%Y})…")
    instructeur = creer_agent(Role.INSTRUCTEUR, region)
    declarations = list(
        Declaration.objects.filter(mois=mois, statut=StatutDeclaration.VALIDEE)
        .select_related("dispositif")
        .order_by("?")[:nombre]
    )
    with taches_sur_place():
        durees = [valider_a_nouveau(declaration, instructeur) for declaration in declarations]
    p95 = centile(durees, 95)
    identique = identique_au_calcul_complet({d.dispositif.type_id for d in declarations}, mois)
    figure(
        "recalcul_incremental",
        periode=mois,
        executions=len(durees),
        secondes_p50=round(statistics.median(durees), 3),
        secondes_p95=round(p95, 3),
        secondes_max=round(max(durees), 3),
        valeurs=Valeur.objects.count(),
        identique_au_calcul_complet=identique,
        objectif=OBJECTIFS["incremental"],
        atteint=identique and p95 <= P95_MAX_S,
    )


@contextmanager
def taches_sur_place():
    """Les tâches Celery exécutées sur place le temps du bloc (task_always_eager), puis comme avant."""
    eager = celery.conf.task_always_eager
    celery.conf.task_always_eager = True
    try:
        yield
    finally:
        celery.conf.task_always_eager = eager


def valider_a_nouveau(declaration, instructeur) -> float:
    """Repasse la déclaration « transmise » (hors chronomètre) puis la valide ; renvoie la durée de la validation."""
    Declaration.objects.filter(pk=declaration.pk).update(statut=StatutDeclaration.TRANSMISE)
    depart = time.perf_counter()
    services.valider(declaration=declaration, user=instructeur)
    return time.perf_counter() - depart


def identique_au_calcul_complet(types: set[int], mois) -> bool:
    """Les agrégats laissés par les recalculs incrémentaux (la France par somme de ses régions) sont-ils ceux que
    le calcul complet depuis les déclarations écrit pour les mêmes types et périodes ?"""
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
