"""Démonstration : le tableau du PRAPS des Hauts-de-France (source 000 des documents du projet).

Chiffres de la source : autorisés LHSS 7 (Pas-de-Calais), LAM 18 (Somme), ACT 9 (3 Aisne, 3 Somme, 3 Oise) ;
perspectives 2020/21 LHSS 13 (Hainaut), LAM 18 (« Hainaut et Aisne », sans répartition), ACT 18
(Lille-Armentières) ; cibles 2019-2023 LHSS 62, LAM 32, ACT 40. Et le plan de déploiement du PRAPS
2018-2022 : 6 SSIAD précarité de plus (8 en tout, 2,4 M€ par an), 3 équipes EMPP, 8 places d'ACT
pédiatriques ; les 6 SSIAD du plan par vague de 2020 ; les 5 consultations avancées de CSAPA en CHRS de 2019 et les
territoires de l'appel 2020 ; le renfort de la coordination régionale des PASS (+ 0,5 ETP). Et l'Occitanie de la
feuille de route DREETS / ARS (source 003) : une EMPP dans chacun des 13 départements, le projet des 36 psychologues
de premier accueil. Les organismes, les noms des dispositifs et leurs FINESS sont fictifs et marqués comme tels.

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
    "addicto": "Association Addictions Hauts-de-France (fictive)",
    "metropole": "Centre hospitalier fictif de la Métropole",
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
# Les 6 SSIAD du plan, par vague (source 000 : « 2020 :Oise et Pas de Calais/ Somme et Nord (4) », « 2020 : Aisne
# et Nord (2) »), et les 2 existants.
VAGUE_1 = "Vague 2020 « Oise et Pas-de-Calais / Somme et Nord (4) »."
VAGUE_2 = "Vague 2020 « Aisne et Nord (2) »."
SSIAD_PROJETS = [("60", VAGUE_1), ("62", VAGUE_1), ("80", VAGUE_1), ("59", VAGUE_1), ("02", VAGUE_2), ("59", VAGUE_2)]
SSIAD_EXISTANTS = ["59", "62"]


# Consultations avancées de CSAPA en CHRS (source 000) : (lieu, territoire, note). Les 5 de 2019, installées (un site
# chacune, arrêtés fictifs), puis les territoires de l'appel à candidatures 2020, en projets.
CSAPA_2019 = [
    ("bassin minier", "32", "Le bassin minier s'étend sur le Nord et le Pas-de-Calais : rattaché à la région."),
    ("territoire de Cambrai", "59", "Département déduit de la commune : la source ne l'écrit pas."),
    ("territoire de Maubeuge", "59", "Département déduit de la commune : la source ne l'écrit pas."),
    ("métropole lilloise", "32-nord-metropole", ""),
    ("département de la Somme", "80", ""),
]
DEDUIT_AISNE = "Département déduit des communes : la source ne l'écrit pas pour ce groupe."
CSAPA_AAC_2020 = [
    ("Dunkerque", "59", ""),
    ("Saint-Omer", "62", ""),
    ("Berck", "62", ""),
    ("Boulogne", "62", ""),
    ("Calais", "62", ""),
    ("Compiègne", "60", ""),
    ("Creil", "60", ""),
    ("Beauvais/Clermont", "60", ""),
    ("Saint-Quentin/Hirson", "02", DEDUIT_AISNE),
    ("Laon", "02", DEDUIT_AISNE),
    ("Soissons/Château-Thierry", "02", DEDUIT_AISNE),
]
NOTE_CSAPA_2019 = "Une des 5 consultations avancées de 2019 (source 000) ; un site, arrêtés fictifs."
NOTE_CSAPA_2020 = (
    "Territoire de l'appel à candidatures 2020 (source 000), qui ne dit pas combien de consultations y ouvrent : "
    "capacité prévue non renseignée."
)
# Renforts en ETP d'équipes existantes (source 000) : la coordination régionale des PASS « (+ 0,5 ETP) », et un
# renfort d'EMPP que la source annonce (« renforcement en ETP de certaines équipes en cours ») sans le chiffrer.
RENFORTS = [
    (
        "PASS",
        "Coordination régionale des PASS des Hauts-de-France (porteur fictif)",
        "metropole",
        "32",
        Decimal("0.5"),
        "Source 000 : « Déploiement de la coordination régionale à l'échelle des HdF (+ 0,5 ETP) » ; date fictive.",
    ),
    (
        "EMPP",
        "EMPP fictive de la métropole lilloise",
        "metropole",
        "32-nord-metropole",
        Decimal(1),
        "Renfort FICTIF d'un ETP : la source annonce un « renforcement en ETP de certaines équipes », sans chiffre.",
    ),
]


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
    creer_csapa(types["CSAPA-CA"], organismes["addicto"], territoires, horizons["praps-2018-2022"], compteur)
    creer_renforts(types, organismes, territoires, compteur)
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


def enregistrer_capacite(dispositif, places, *, annee=2019, ars="HDF"):
    """Autorisation (15 ans, par défaut du registre) et installation totale par le service du registre, arrêtés
    datés aux références fictives (les places financées se lisent dans les crédits de la démonstration)."""
    numero = f"ARS {ars} n° {annee}-{dispositif.pk:03d} (référence fictive)"
    reference = f"Arrêté {numero}"
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
        reference=f"Procès-verbal de visite de conformité {numero}",
    )


def installe_fictif(*, capacite, annee=2019, ars="HDF", **champs) -> Dispositif:
    """Un dispositif fictif installé, avec ses arrêtés fictifs au registre (`enregistrer_capacite`)."""
    dispositif = Dispositif.objects.create(statut=Statut.INSTALLE, fictif=True, **champs)
    enregistrer_capacite(dispositif, capacite, annee=annee, ars=ars)
    return dispositif


def projet_fictif(**champs) -> Dispositif:
    return Dispositif.objects.create(statut=Statut.PROJET, fictif=True, **champs)


def creer_ssiad(type_ssiad, organisme, territoires, horizon, compteur):
    for code in SSIAD_EXISTANTS:
        installe_fictif(
            finess=finess_fictif(next(compteur)),
            nom=f"SSIAD précarité fictif ({territoires[code].nom})",
            type=type_ssiad,
            organisme=organisme,
            territoire=territoires[code],
            note=NOTE_SSIAD_EXISTANT,
            capacite=PLACES_FICTIVES_SSIAD,
            annee=2017,
        )
    for code, vague in SSIAD_PROJETS:
        projet_fictif(
            nom=f"Projet SSIAD précarité ({territoires[code].nom}, fictif)",
            type=type_ssiad,
            organisme=organisme,
            territoire=territoires[code],
            horizon=horizon,
            note=f"{vague} {NOTE_SSIAD}",
        )


def creer_csapa(type_csapa, organisme, territoires, horizon, compteur):
    """Les consultations avancées de CSAPA en CHRS : installées en 2019, en projets pour l'appel 2020."""
    for lieu, code, precision in CSAPA_2019:
        installe_fictif(
            finess=finess_fictif(next(compteur)),
            nom=f"Consultation avancée de CSAPA en CHRS — {lieu} (fictive)",
            type=type_csapa,
            organisme=organisme,
            territoire=territoires[code],
            note=f"{NOTE_CSAPA_2019} {precision}".strip(),
            capacite=1,
        )
    for lieu, code, precision in CSAPA_AAC_2020:
        projet_fictif(
            nom=f"Projet de consultation avancée de CSAPA en CHRS — {lieu} (fictif)",
            type=type_csapa,
            organisme=organisme,
            territoire=territoires[code],
            horizon=horizon,
            note=f"{NOTE_CSAPA_2020} {precision}".strip(),
        )


def creer_renforts(types, organismes, territoires, compteur):
    """Une équipe installée en 2019 (arrêtés fictifs), renforcée en ETP en 2021 sans changer le nombre d'équipes."""
    for code, nom, organisme, territoire, etp, commentaire in RENFORTS:
        equipe = installe_fictif(
            nom=nom,
            type=types[code],
            organisme=organismes[organisme],
            territoire=territoires[territoire],
            finess_porteur=finess_fictif(next(compteur)),
            capacite=1,
        )
        enregistrer_evenement(
            equipe,
            nature=Nature.RENFORCEMENT,
            date=datetime.date(2021, 1, 1),
            capacite=etp,
            reference=f"Décision ARS HDF n° 2021-R{equipe.pk:03d} (référence fictive)",
            commentaire=commentaire,
        )


ORGANISMES_OCCITANIE = {
    "empp": "Centres hospitaliers porteurs des EMPP d'Occitanie (regroupement fictif)",
    "psy": "Employeurs des psychologues de premier accueil d'Occitanie (regroupement fictif)",
}
NOTE_EMPP_OCCITANIE = (
    "EMPP « présentes dans les 13 départements de la région » et renforcées depuis 2022 (source 003), qui ne chiffre "
    "pas le renforcement. Porteur, nom, FINESS et arrêtés fictifs."
)
NOTE_PSY_OCCITANIE = (
    "« 36 psychologues supplémentaires qui interviendront dans les structures de premier accueil et d'hébergement » "
    "(source 003), sans répartition par département : rattachés à la région."
)


@transaction.atomic
def creer_occitanie_demo(horizons: dict) -> int:
    """L'Occitanie de la feuille de route DREETS / ARS (source 003) : une EMPP par département (13) et le projet des
    36 psychologues de premier accueil, à la région (idempotent). Les 26 LAM, 31 ACT et 103 ACT hors les murs de
    l'appel 2023 sont créés avec l'appel de démonstration (appels.demo)."""
    region = Territoire.objects.get(niveau=Niveau.REGION, code="76")
    organismes = {
        cle: Organisme.objects.update_or_create(nom=nom, defaults={"fictif": True})[0]
        for cle, nom in ORGANISMES_OCCITANIE.items()
    }
    Dispositif.objects.filter(fictif=True, organisme__in=organismes.values()).delete()
    empp, psy = TypeDispositif.objects.get(code="EMPP"), TypeDispositif.objects.get(code="PSY-ACCUEIL")
    for rang, departement in enumerate(Territoire.objects.descendants(region).departements().order_by("code")):
        installe_fictif(
            nom=f"EMPP de {departement.nom} (fictive)",
            type=empp,
            organisme=organismes["empp"],
            territoire=departement,
            finess_porteur=finess_fictif(500 + rang),
            note=NOTE_EMPP_OCCITANIE,
            capacite=1,
            annee=2022,
            ars="Occitanie",
        )
    projet_fictif(
        nom="Psychologues des structures de premier accueil et d'hébergement d'Occitanie (projet fictif)",
        type=psy,
        organisme=organismes["psy"],
        territoire=region,
        horizon=horizons["prs-2023-2028"],
        capacite_prevue=36,
        note=NOTE_PSY_OCCITANIE,
    )
    return Dispositif.objects.filter(organisme__in=organismes.values()).count()


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
