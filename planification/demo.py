"""Démonstration : les horizons et les cibles du PRAPS des Hauts-de-France (source 000 des documents du projet).

Cibles 2019-2023 de la source : LHSS 62, LAM 32, ACT 40 ; au PRAPS 2018-2022, les 60 postes d'ARMS (21 / 29 / 5 / 4 / 1
par département) et l'objectif de 50 places d'UCSD ; en Occitanie (source 003), les 36 psychologues de premier
accueil. Les dispositifs et projets que le tableau compare à ces cibles viennent de dispositifs.demo.

Et le tableau national (`creer_planification_nationale_demo`) : l'horizon du Ségur, la cible nationale de 2 800
places de LHSS (source 002), et des chiffres régionaux FICTIFS, marqués comme tels, pour chaque région.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from dispositifs.demo import creer_dispositifs_demo, creer_occitanie_demo
from dispositifs.models import Dispositif, Nature, Organisme, Statut, TypeDispositif
from dispositifs.registre import enregistrer_evenement
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


# Le Ségur de la santé et la stratégie pauvreté, d'après la page nationale « Renforcement des dispositifs
# médico-sociaux dédiés à la prise en charge des personnes précaires » (source 002 des documents du projet).
SEGUR = {
    "slug": "segur-2020-2022",
    "libelle": "Ségur de la santé et stratégie pauvreté 2020-2022",
    "debut": datetime.date(2020, 1, 1),
    "fin": datetime.date(2022, 12, 31),
    "description": (
        "Objectifs nationaux des lits halte soins santé (LHSS) et des lits d'accueil médicalisés (LAM), d'après la "
        "page nationale « Renforcement des dispositifs médico-sociaux dédiés à la prise en charge des personnes "
        "précaires » (source 002). Elle compte deux choses différentes.\n"
        "1. Un parc de LHSS : « 500 LHSS seront créés dans le cadre du Ségur de la santé, pour atteindre 2800 places "
        "d'ici 2022 » ; c'est la cible nationale LHSS de 2 800 places.\n"
        "2. Des créations de LHSS et de LAM ensemble : « 76,4 M€ ont été investis pour créer 1 450 nouveaux lits "
        "d'ici 2022 » (stratégie pauvreté) ; la source ne les répartit pas entre LHSS et LAM et ne donne pas le parc "
        "visé : aucune cible ne les porte, ni LHSS ni LAM, et il n'y a pas de cible nationale LAM.\n"
        "Démonstration : les cibles régionales de cet horizon et les capacités des régions autres que les "
        "Hauts-de-France sont fictives."
    ),
}
CIBLES_NATIONALES = {"LHSS": 2800}  # source 002 : « pour atteindre 2800 places d'ici 2022 »

# Chiffres FICTIFS des régions, pour que le tableau national ne soit pas vide : une cible pour 100 000 habitants
# proche de la moyenne nationale (2 800 LHSS pour 68,4 millions d'habitants, 4,1), modulée d'une région à l'autre
# pour que la somme des cibles régionales diffère de la cible nationale ; aucune source ne les donne. LAM : 1,5.
CIBLES_FICTIVES_POUR_100K = {"LHSS": Decimal("4.1"), "LAM": Decimal("1.5")}
MODULATIONS = (Decimal("0.9"), Decimal("1"), Decimal("1.15"))
PART_AUTORISEE, PART_INSTALLEE = Decimal("0.8"), Decimal("0.75")
GESTIONNAIRE_FICTIF = "Gestionnaire fictif (démonstration du tableau national)"
# Les capacités déjà portées par une source ne reçoivent pas de chiffre fictif : les LHSS et LAM des Hauts-de-France
# (source 000), les LAM d'Occitanie (source 003, créées par l'appel de démonstration, appels.demo).
CAPACITES_SOURCEES = {("32", "LHSS"), ("32", "LAM"), ("76", "LAM")}


@transaction.atomic
def creer_planification_nationale_demo() -> dict[str, int]:
    """L'horizon du Ségur, sa cible nationale LHSS (source 002), et des cibles et capacités FICTIVES pour chaque
    région (idempotent) ; les dispositifs fictifs sont rattachés à la région, sans département."""
    horizon, _ = Horizon.objects.update_or_create(slug=SEGUR["slug"], defaults=SEGUR)
    types = {t.code: t for t in TypeDispositif.objects.filter(code__in=CIBLES_FICTIVES_POUR_100K)}
    france = Territoire.objects.get(niveau=Niveau.PAYS, code="FR")
    for code, valeur in CIBLES_NATIONALES.items():
        Cible.objects.update_or_create(
            type=types[code], territoire=france, horizon=horizon, defaults={"valeur": valeur, "fictif": False}
        )
    organisme, _ = Organisme.objects.update_or_create(nom=GESTIONNAIRE_FICTIF, defaults={"fictif": True})
    Dispositif.objects.filter(organisme=organisme).delete()
    regions = Territoire.objects.regions().order_by("code")
    for rang, region in enumerate(regions):
        for code, pour_100k in CIBLES_FICTIVES_POUR_100K.items():
            cible = (pour_100k * MODULATIONS[rang % len(MODULATIONS)] * region.population / 100_000).quantize(1)
            Cible.objects.update_or_create(
                type=types[code], territoire=region, horizon=horizon, defaults={"valeur": cible, "fictif": True}
            )
            if (region.code, code) not in CAPACITES_SOURCEES:
                creer_capacite_fictive(types[code], region, organisme, cible)
    return {"regions": regions.count(), "dispositifs": organisme.dispositifs.count()}


def creer_capacite_fictive(type_, region, organisme, cible: Decimal):
    """Un dispositif fictif rattaché à la région : autorisé pour 80 % de la cible fictive, installé pour 75 %."""
    dispositif = Dispositif.objects.create(
        nom=f"{type_.sigle} fictifs de la région {region.nom}",
        type=type_,
        organisme=organisme,
        territoire=region,
        statut=Statut.INSTALLE,
        note="Capacité fictive (démonstration du tableau national) : aucune source ne la donne.",
        fictif=True,
    )
    reference = f"Arrêté n° 2021-{region.code}-{type_.code} (référence fictive)"
    autorisee = max((cible * PART_AUTORISEE).quantize(1), Decimal(1))
    installee = max((cible * PART_INSTALLEE).quantize(1), Decimal(1))
    enregistrer_evenement(
        dispositif, nature=Nature.AUTORISATION, date=datetime.date(2021, 3, 1), capacite=autorisee, reference=reference
    )
    enregistrer_evenement(
        dispositif,
        nature=Nature.INSTALLATION,
        date=datetime.date(2021, 9, 1),
        capacite=min(installee, autorisee),
        visite_conformite=datetime.date(2021, 8, 20),
        reference=f"Procès-verbal de visite de conformité n° 2021-{region.code}-{type_.code} (référence fictive)",
    )
