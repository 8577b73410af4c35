"""Démonstration : les horizons et les cibles du PRAPS des Hauts-de-France (source 000 des documents du projet).

Cibles 2019-2023 de la source : LHSS 62, LAM 32, ACT 40 ; au PRAPS 2018-2022, les 60 postes d'ARMS (21 / 29 / 5 / 4 / 1
par département) et l'objectif de 50 places d'UCSD ; en Occitanie (source 003), les 36 psychologues de premier
accueil. Les dispositifs et projets que le tableau compare à ces cibles viennent de dispositifs.demo.
"""

import datetime

from django.db import transaction

from dispositifs.demo import creer_dispositifs_demo, creer_occitanie_demo
from dispositifs.models import TypeDispositif
from planification.models import Cible, Horizon
from territoires.models import Niveau, Territoire

HORIZONS = [
    ("praps-2018-2022", "PRAPS 2018-2022", datetime.date(2018, 1, 1), datetime.date(2022, 12, 31)),
    ("cibles-2019-2023", "Cibles 2019-2023", datetime.date(2019, 1, 1), datetime.date(2023, 12, 31)),
    ("prs-2023-2028", "PRS 2023-2028", datetime.date(2023, 1, 1), datetime.date(2028, 12, 31)),
]

CIBLES = {"LHSS": 62, "LAM": 32, "ACT": 40}

# Les autres objectifs chiffrés des sources (issue 13) : (horizon, type, niveau, code du territoire, valeur).
# Source 000 : « 60 postes crées […] dans la Région: 21 (62), 29 (59), 5 (02),4 (80), 1 (60) » (ARMS) ; « Conforter
# les dispositifs UCSD et UCSD jeunes ( objectif 50 places) » (un objectif pour les deux, posé sur la ligne UCSD).
# Source 003 : « 36 psychologues supplémentaires » en Occitanie, sans répartition par département.
CIBLES_DES_SOURCES = [
    ("praps-2018-2022", "ARMS", Niveau.REGION, "32", 60),
    ("praps-2018-2022", "ARMS", Niveau.DEPARTEMENT, "62", 21),
    ("praps-2018-2022", "ARMS", Niveau.DEPARTEMENT, "59", 29),
    ("praps-2018-2022", "ARMS", Niveau.DEPARTEMENT, "02", 5),
    ("praps-2018-2022", "ARMS", Niveau.DEPARTEMENT, "80", 4),
    ("praps-2018-2022", "ARMS", Niveau.DEPARTEMENT, "60", 1),
    ("praps-2018-2022", "UCSD", Niveau.REGION, "32", 50),
    ("prs-2023-2028", "PSY-ACCUEIL", Niveau.REGION, "76", 36),
]


@transaction.atomic
def creer_planification_demo() -> dict[str, int]:
    """Recrée les horizons, les dispositifs et projets qui s'y inscrivent, et les cibles (idempotent)."""
    horizons = {
        slug: Horizon.objects.update_or_create(slug=slug, defaults={"libelle": libelle, "debut": d, "fin": f})[0]
        for slug, libelle, d, f in HORIZONS
    }
    creer_occitanie_demo(horizons)
    dispositifs = creer_dispositifs_demo(horizons)  # tous les dispositifs fictifs, Occitanie comprise
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    types = {t.code: t for t in TypeDispositif.objects.all()}
    for code, valeur in CIBLES.items():
        Cible.objects.update_or_create(
            type=types[code], territoire=region, horizon=horizons["cibles-2019-2023"], defaults={"valeur": valeur}
        )
    for horizon, code, niveau, territoire, valeur in CIBLES_DES_SOURCES:
        Cible.objects.update_or_create(
            type=types[code],
            territoire=Territoire.objects.get(niveau=niveau, code=territoire),
            horizon=horizons[horizon],
            defaults={"valeur": valeur},
        )
    return {"dispositifs": dispositifs, "cibles": Cible.objects.count()}
