"""L'arithmétique des périodes des agrégats (mois, trimestre, année), écrite une seule fois.

Une période est représentée par son premier jour et sa granularité ; les mois eux-mêmes se comptent avec
commun.mois. L'agrégation, le tableau de bord et le rapport PDF s'en servent tous.
"""

import datetime

from commun.mois import decaler, mois_de, nombre_de_mois
from indicateurs.models import Granularite

MOIS_PAR_GRANULARITE = {Granularite.MOIS: 1, Granularite.TRIMESTRE: 3, Granularite.ANNEE: 12}
MOIS_COURTS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def debut_de_periode(mois: datetime.date, granularite: str) -> datetime.date:
    """Le premier mois du mois, du trimestre ou de l'année qui contient `mois`."""
    longueur = MOIS_PAR_GRANULARITE[granularite]
    return datetime.date(mois.year, (mois.month - 1) // longueur * longueur + 1, 1)


def decaler_periode(periode: datetime.date, granularite: str, nombre: int = 1) -> datetime.date:
    """La période `nombre` périodes après (avant si négatif) celle qui commence à `periode`."""
    return decaler(periode, nombre * MOIS_PAR_GRANULARITE[granularite])


def dernier_jour(periode: datetime.date, granularite: str = Granularite.MOIS) -> datetime.date:
    """Le dernier jour de la période (du mois, par défaut) qui commence à `periode`."""
    return decaler_periode(periode, granularite) - datetime.timedelta(days=1)


def periodes(debut: datetime.date, fin: datetime.date, granularite: str) -> list[datetime.date]:
    """Les périodes de la granularité qui couvrent les mois de `debut` à `fin`, dans l'ordre."""
    courante, derniere = debut_de_periode(debut, granularite), debut_de_periode(fin, granularite)
    liste = []
    while courante <= derniere:
        liste.append(courante)
        courante = decaler_periode(courante, granularite)
    return liste


def periodes_touchees(mois: datetime.date) -> list[tuple[str, datetime.date]]:
    """Ce qu'une valeur du mois `mois` change : son mois, son trimestre et son année."""
    return [(granularite, debut_de_periode(mois, granularite)) for granularite in MOIS_PAR_GRANULARITE]


def periodes_entre(debut: datetime.date, fin: datetime.date) -> list[tuple[str, datetime.date]]:
    """Chaque mois de [debut, fin[, et chaque trimestre et année qui en contient un."""
    touchees = []
    for rang in range(nombre_de_mois(debut, fin)):
        touchees += [p for p in periodes_touchees(decaler(debut, rang)) if p not in touchees]
    return touchees


def mois_finis(granularite: str, periode: datetime.date, aujourd_hui: datetime.date) -> int:
    """Les mois de la période qui sont déjà finis : ceux dont une déclaration est attendue."""
    fin = min(decaler_periode(periode, granularite), mois_de(aujourd_hui))
    return max(0, nombre_de_mois(periode, fin))


def libelle_periode(periode: datetime.date, granularite: str) -> str:
    """« mars 2026 », « T1 2026 », « 2026 »."""
    if granularite == Granularite.ANNEE:
        return str(periode.year)
    if granularite == Granularite.TRIMESTRE:
        return f"T{(periode.month - 1) // 3 + 1} {periode.year}"
    return f"{MOIS_COURTS[periode.month - 1]} {periode.year}"
