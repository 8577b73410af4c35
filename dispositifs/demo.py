"""Démonstration : le tableau du PRAPS des Hauts-de-France (source 000 des documents du projet).

Chiffres de la source : autorisés LHSS 7 (Pas-de-Calais), LAM 18 (Somme), ACT 9 (3 Aisne, 3 Somme, 3 Oise) ;
perspectives 2020/21 LHSS 13 (Hainaut), LAM 18 (« Hainaut et Aisne », sans répartition), ACT 18
(Lille-Armentières) ; cibles 2019-2023 LHSS 62, LAM 32, ACT 40. Et le plan de déploiement du PRAPS
2018-2022 : 6 SSIAD précarité de plus (8 en tout, 2,4 M€ par an), 3 équipes EMPP, 8 places d'ACT
pédiatriques. Les organismes, les noms des dispositifs et leurs FINESS sont fictifs et marqués comme tels.

Le registre : chaque dispositif autorisé reçoit ses arrêtés par le service du registre (dispositifs/registre.py),
datés, aux références fictives marquées comme telles ; autorisation de 15 ans pour ces établissements
médico-sociaux (code de l'action sociale et des familles, art. L313-1). Les SSIAD précarité existants reçoivent
une capacité FICTIVE de 10 places : la source n'en donne aucune (c'est aussi l'hypothèse des indicateurs de
démonstration, indicateurs.demo.PLACES_PAR_DEFAUT). Un projet retenu à un appel de démonstration est autorisé à
la date de sa décision puis à moitié installé (`autoriser_projet_retenu_demo`).
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from dispositifs.models import (
    Dispositif,
    Nature,
    Organisme,
    Rattachement,
    Statut,
    TypeDispositif,
    Unite,
)
from dispositifs.registre import enregistrer_evenement
from dispositifs.services import charger_catalogue
from territoires.models import Niveau, Territoire

ORGANISMES = {
    "nord": "Association Solidarité Santé Nord (fictive)",
    "picardie": "Association Accueil et Soins Picardie (fictive)",
    "artois": "Association Artois Entraide (fictive)",
    "aisne": "Centre hospitalier fictif de l'Aisne",
    "oise": "Association Oise Hébergement Soins (fictive)",
    "littoral": "Centre hospitalier fictif du Littoral",
}

# (type, nom, organisme, territoire, places autorisées et installées)
AUTORISES = [
    ("LHSS", "LHSS fictif d'Arras", "artois", "62", 7),
    ("LAM", "LAM fictif d'Amiens", "picardie", "80", 18),
    ("ACT", "ACT fictif de Laon", "aisne", "02", 3),
    ("ACT", "ACT fictif d'Abbeville", "picardie", "80", 3),
    ("ACT", "ACT fictif de Beauvais", "oise", "60", 3),
]

# (type, nom, organisme, territoire, capacité prévue ou None, horizon, note)
PROJETS = [
    ("LHSS", "Projet LHSS du Hainaut (fictif)", "nord", "32-nord-hainaut", 13, "cibles-2019-2023", ""),
    (
        "LAM",
        "Projet LAM Hainaut et Aisne (fictif)",
        "nord",
        "32",
        18,
        "cibles-2019-2023",
        "La source annonce « 18 places en cours dans le Hainaut et l'Aisne » sans répartition : le projet est "
        "rattaché à la région, pas à un département.",
    ),
    ("ACT", "Projet ACT Lille-Armentières (fictif)", "nord", "32-nord-metropole", 18, "cibles-2019-2023", ""),
    (
        "ACT-PEDIATRIQUE",
        "Projet ACT pédiatriques métropole lilloise (fictif)",
        "nord",
        "32-nord-metropole",
        8,
        "praps-2018-2022",
        "Autorisation de 8 places d'ACT pédiatriques à l'échelle de la métropole lilloise.",
    ),
    ("EMPP", "Projet EMPP Dunkerque (fictif)", "littoral", "59", 1, "praps-2018-2022", "Territoire non couvert."),
    ("EMPP", "Projet EMPP Béthune-Bruay (fictif)", "artois", "62", 1, "praps-2018-2022", "Territoire non couvert."),
    (
        "EMPP",
        "Projet EMPP Hirson-Saint-Quentin (fictif)",
        "aisne",
        "02",
        1,
        "praps-2018-2022",
        "Territoire non couvert.",
    ),
]

NOTE_SSIAD = (
    "Plan de déploiement : 6 SSIAD précarité de plus, soit 8 en Hauts-de-France, pour 2,4 M€ pérennes par an. "
    "La source ne donne pas leur capacité en places."
)
# La source ne donne pas la capacité des SSIAD précarité : 10 places FICTIVES, l'hypothèse des indicateurs de
# démonstration (indicateurs.demo.PLACES_PAR_DEFAUT), pour que leurs journées déclarées aient une capacité en face.
PLACES_FICTIVES_SSIAD = 10
NOTE_SSIAD_EXISTANT = (
    "Existant avant le plan de déploiement. Capacité fictive de 10 places (la source ne donne pas la capacité des "
    "SSIAD précarité), arrêtés fictifs."
)
# Les 6 SSIAD du plan (2020 : Oise, Pas-de-Calais, Somme, Nord ; puis Aisne et Nord) et les 2 existants.
SSIAD_PROJETS = ["60", "62", "80", "59", "02", "59"]
SSIAD_EXISTANTS = ["59", "62"]


def finess_fictif(numero: int) -> str:
    """Un FINESS à la clé valide commençant par 99, code d'aucun département : fictif à coup sûr."""
    corps = f"9900{numero:04d}"
    return corps + luhn.calc_check_digit(corps)


@transaction.atomic
def creer_dispositifs_demo(horizons: dict) -> int:
    """Recrée les organismes, dispositifs, projets et capacités de la démonstration (idempotent) ; `horizons` :
    les horizons de la démonstration par identifiant, où s'inscrivent les projets."""
    organismes = {
        cle: Organisme.objects.update_or_create(nom=nom, defaults={"fictif": True})[0]
        for cle, nom in ORGANISMES.items()
    }
    charger_catalogue()  # le catalogue de la migration, au cas où on l'aurait modifié
    types = {t.code: t for t in TypeDispositif.objects.all()}
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    territoires = {t.code: t for t in Territoire.objects.descendants(region, inclus=True)}
    Dispositif.objects.filter(fictif=True, territoire__in=territoires.values()).delete()

    compteur = iter(range(1, 1000))  # les numéros des FINESS fictifs, pris dans l'ordre de création
    for code, nom, organisme, territoire, places in AUTORISES:
        dispositif = Dispositif.objects.create(
            finess=finess_fictif(next(compteur)),
            nom=nom,
            type=types[code],
            organisme=organismes[organisme],
            territoire=territoires[territoire],
            statut=Statut.INSTALLE,
            fictif=True,
        )
        enregistrer_capacite(dispositif, places)
    creer_projets(types, organismes, territoires, horizons, compteur)
    creer_ssiad(types["SSIAD-PRECARITE"], organismes["nord"], territoires, horizons["praps-2018-2022"], compteur)
    return Dispositif.objects.filter(fictif=True).count()


def creer_projets(types, organismes, territoires, horizons, compteur):
    """Les PROJETS ; une équipe portée par un établissement de santé reçoit un FINESS porteur fictif."""
    for code, nom, organisme, territoire, capacite, horizon, note in PROJETS:
        porte = types[code].rattachement == Rattachement.ETABLISSEMENT_SANTE
        Dispositif.objects.create(
            nom=nom,
            type=types[code],
            organisme=organismes[organisme],
            territoire=territoires[territoire],
            statut=Statut.PROJET,
            horizon=horizons[horizon],
            capacite_prevue=capacite,
            finess_porteur=finess_fictif(next(compteur)) if porte else "",
            note=note,
            fictif=True,
        )


def enregistrer_capacite(dispositif, places, *, annee=2019):
    """Autorisation (15 ans, par défaut du registre) et installation totale par le service du registre, arrêtés
    datés aux références fictives (les places financées se lisent dans les crédits de la démonstration)."""
    reference = f"Arrêté ARS HDF n° {annee}-{dispositif.pk:03d} (référence fictive)"
    autorisation = datetime.date(annee, 3, 1)
    enregistrer_evenement(
        dispositif, nature=Nature.AUTORISATION, date=autorisation, capacite=Decimal(places), reference=reference
    )
    enregistrer_evenement(
        dispositif,
        nature=Nature.INSTALLATION,
        date=datetime.date(annee, 9, 1),
        capacite=Decimal(places),
        visite_conformite=datetime.date(annee, 8, 20),
        reference=f"Procès-verbal de visite de conformité ARS HDF n° {annee}-{dispositif.pk:03d} (référence fictive)",
    )


def creer_ssiad(type_ssiad, organisme, territoires, horizon, compteur):
    for code in SSIAD_EXISTANTS:
        dispositif = Dispositif.objects.create(
            finess=finess_fictif(next(compteur)),
            nom=f"SSIAD précarité fictif ({territoires[code].nom})",
            type=type_ssiad,
            organisme=organisme,
            territoire=territoires[code],
            statut=Statut.INSTALLE,
            note=NOTE_SSIAD_EXISTANT,
            fictif=True,
        )
        enregistrer_capacite(dispositif, PLACES_FICTIVES_SSIAD, annee=2017)
    for code in SSIAD_PROJETS:
        Dispositif.objects.create(
            nom=f"Projet SSIAD précarité ({territoires[code].nom}, fictif)",
            type=type_ssiad,
            organisme=organisme,
            territoire=territoires[code],
            statut=Statut.PROJET,
            horizon=horizon,
            note=NOTE_SSIAD,
            fictif=True,
        )


def autoriser_projet_retenu_demo():
    """Le premier projet retenu à un appel de démonstration, encore « projet » : autorisé à la date de sa décision
    pour la capacité retenue, puis à moitié installé deux mois plus tard (au plus tard aujourd'hui), par le service
    du registre ; arrêtés fictifs. None s'il n'y en a pas."""
    from appels.models import Decision  # les appels dépendent des dispositifs, pas l'inverse

    decision = (
        Decision.objects.filter(candidature__appel__fictif=True, dispositif__statut=Statut.PROJET)
        .select_related("dispositif__type")
        .order_by("decide_le", "pk")
        .first()
    )
    if decision is None:
        return None
    projet, autorisation = decision.dispositif, timezone.localtime(decision.decide_le).date()
    capacite = decision.capacite_retenue or projet.capacite_prevue or Decimal(2)
    reference = f"Arrêté ARS n° {autorisation:%Y}-P{projet.pk:03d} (référence fictive)"
    enregistrer_evenement(
        projet, nature=Nature.AUTORISATION, date=autorisation, capacite=capacite, reference=reference
    )
    installation = min(autorisation + datetime.timedelta(days=60), timezone.localdate())
    enregistrer_evenement(
        projet,
        nature=Nature.INSTALLATION,
        date=installation,
        capacite=moitie(capacite, projet.type.unite),
        visite_conformite=installation,
        commentaire="Installation partielle (démonstration).",
    )
    projet.refresh_from_db()
    return projet


def moitie(capacite: Decimal, unite: str) -> Decimal:
    """La moitié, entière sauf en ETP, et au moins une unité."""
    pas = Decimal("0.01") if unite == Unite.ETP else Decimal(1)
    return max((capacite / 2).quantize(pas, rounding=ROUND_DOWN), pas)
