"""Le rapport PDF régional : sa génération complète face à WeasyPrint seul sur le même HTML, et sa mémoire."""

import io
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

from django.template.loader import render_to_string
from pypdf import PdfReader

from bench.commun import figure
from bench.indicateurs import OBJECTIFS
from indicateurs import rapports, services
from indicateurs.models import Rapport, StatutRapport


def mesurer_rapport(dire, region, mois, repetitions: int, tracer: bool):
    dire(f"Rapport PDF de la région {region.code} pour {mois:%m/%Y} ({repetitions} fois), puis WeasyPrint seul…")
    from weasyprint import HTML  # import coûteux (~1 s), payé hors mesure

    rapport = Rapport.objects.create(territoire=region, mois=mois, public=False)
    generation, memoire = generer_plusieurs_fois(rapport, repetitions)
    html = html_du_rapport(rapport)
    seul, pdf = [], b""
    for _ in range(repetitions + 1):
        depart = time.perf_counter()
        pdf = HTML(string=html).write_pdf()
        seul.append(time.perf_counter() - depart)
    if tracer:
        memoire["pic_memoire_python_mo"] = pic_python(rapport)
    secondes, secondes_seul = statistics.median(generation[1:]), statistics.median(seul[1:])
    figure(
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


def generer_plusieurs_fois(rapport: Rapport, repetitions: int) -> tuple[list[float], dict]:
    """`repetitions` + 1 générations chronométrées ; la première, à froid (gabarits, polices), ne compte pas dans
    la médiane. Le pic de mémoire se lit sur elle, qui ne réutilise pas la mémoire d'une précédente."""
    remettre_en_attente(rapport)
    avant, remis_a_zero = lire_statut_memoire("VmRSS"), remettre_pic_a_zero()
    generation = [chronometrer_generation(rapport)]
    memoire = pic_memoire(avant, remis_a_zero)
    for _ in range(repetitions):
        remettre_en_attente(rapport)
        generation.append(chronometrer_generation(rapport))
    return generation, memoire


def remettre_en_attente(rapport: Rapport):
    Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_ATTENTE)
    rapport.refresh_from_db()


def chronometrer_generation(rapport: Rapport) -> float:
    depart = time.perf_counter()
    services.generer_rapport(rapport=rapport)
    return time.perf_counter() - depart


def html_du_rapport(rapport: Rapport) -> str:
    """Le HTML final que le rapport donne à WeasyPrint, recomposé comme services.generer_rapport le fait."""
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


def pic_python(rapport: Rapport) -> float:
    """Une génération de plus sous tracemalloc (le tas Python seul ; il ralentit, d'où une passe à part), en Mo."""
    remettre_en_attente(rapport)
    tracemalloc.start()
    try:
        services.generer_rapport(rapport=rapport)
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
