"""Démonstration : les horizons et les cibles du PRAPS des Hauts-de-France (source 000 des documents du projet).

Cibles 2019-2023 de la source : LHSS 62, LAM 32, ACT 40. Les dispositifs et projets que le tableau compare à ces
cibles viennent de dispositifs.demo.
"""

import datetime

from django.db import transaction

from dispositifs.demo import creer_dispositifs_demo
from dispositifs.models import TypeDispositif
from planification.models import Cible, Horizon
from territoires.models import Niveau, Territoire

HORIZONS = [
    ("praps-2018-2022", "PRAPS 2018-2022", datetime.date(2018, 1, 1), datetime.date(2022, 12, 31)),
    ("cibles-2019-2023", "Cibles 2019-2023", datetime.date(2019, 1, 1), datetime.date(2023, 12, 31)),
    ("prs-2023-2028", "PRS 2023-2028", datetime.date(2023, 1, 1), datetime.date(2028, 12, 31)),
]

CIBLES = {"LHSS": 62, "LAM": 32, "ACT": 40}


@transaction.atomic
def creer_planification_demo() -> dict[str, int]:
    """Recrée les horizons, les dispositifs et projets qui s'y inscrivent, et les cibles (idempotent)."""
    horizons = {
        slug: Horizon.objects.update_or_create(slug=slug, defaults={"libelle": libelle, "debut": d, "fin": f})[0]
        for slug, libelle, d, f in HORIZONS
    }
    dispositifs = creer_dispositifs_demo(horizons)
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    types = {t.code: t for t in TypeDispositif.objects.filter(code__in=CIBLES)}
    for code, valeur in CIBLES.items():
        Cible.objects.update_or_create(
            type=types[code], territoire=region, horizon=horizons["cibles-2019-2023"], defaults={"valeur": valeur}
        )
    return {"dispositifs": dispositifs, "cibles": Cible.objects.count()}
