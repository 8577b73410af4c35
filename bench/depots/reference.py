"""La référence de la mesure : la vue la plus simple qui fasse ce qu'un dépôt ne peut pas éviter — un utilisateur
connecté (session lue), un POST protégé contre le CSRF validé, une ligne insérée — servie par le même gunicorn, avec
les mêmes intergiciels, aux mêmes opérateurs, au même rythme. `ratio_au_minimal` (dépôts/s ÷ références/s) dit ce que
le dépôt coûte de plus que ce plancher, quelle que soit la machine.

La table de la référence n'existe que dans la base jetable de la mesure : aucune migration, aucun modèle.
"""

import http.client
import random
import threading
import time

from django.db import connection
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from bench.commun import centile
from bench.depots.operateurs import PAUSE, Operateur

TABLE = "mesure_reference"
CHEMIN = "/mesure/reference/"
DUREE = 15  # secondes de référence, avant la ruée


def creer_table():
    with connection.cursor() as curseur:
        curseur.execute(
            f"CREATE TABLE {TABLE} (utilisateur_id bigint NOT NULL, valeur text NOT NULL, "
            "cree_le timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP)"
        )


@require_POST
def reference(request):
    """Connecté (LoginRequiredMiddleware), CSRF validé (CsrfViewMiddleware), une ligne insérée."""
    with connection.cursor() as curseur:
        curseur.execute(
            f"INSERT INTO {TABLE} (utilisateur_id, valeur) VALUES (%s, %s)",
            [request.user.pk, request.POST.get("valeur", "")[:100]],
        )
    return HttpResponse("ok", content_type="text/plain")


def mesurer_reference(prets: list[Operateur], duree: float = DUREE) -> dict:
    """Chaque opérateur envoie la référence en boucle pendant `duree` secondes, avec la même pause de relecture que
    pour ses dépôts : `minimal_par_s` (envois réussis par seconde) et leur p95."""
    latences, echecs, fin = [], [], time.time() + duree

    def boucle(pret: Operateur):
        while time.time() < fin:
            debut = time.perf_counter()
            try:
                statut = pret.navigateur.envoyer("POST", CHEMIN, {"valeur": "reference"}).statut
            except (OSError, http.client.HTTPException):
                statut = 0
            (latences if statut == 200 else echecs).append((time.perf_counter() - debut) * 1000)
            time.sleep(random.uniform(*PAUSE))

    fils = [threading.Thread(target=boucle, args=(pret,), daemon=True) for pret in prets]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    return {
        "minimal_par_s": round(len(latences) / duree, 1),
        "minimal_p95_ms": round(centile(latences, 95)),
        "minimal_echecs": len(echecs),
    }
