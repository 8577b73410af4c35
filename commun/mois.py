"""L'arithmétique des mois, écrite une seule fois.

Un mois est représenté par son premier jour (`datetime.date`). Les règles du calendrier des déclarations
(échéance, verrouillage) sont dans indicateurs/calendrier.py ; les périodes (trimestre, année), dans
indicateurs/periodes.py : toutes s'appuient sur ces fonctions.
"""

import datetime

# Les mois que l'application accepte d'une saisie ou d'une adresse. Borne technique, pas une règle métier : les
# pages comptent des mois autour de celui demandé (les douze précédents, le suivant…), et datetime s'arrête aux
# années 1 et 9999 — « 9999-12 » ou « 0001-01 » donnaient un 500. Un siècle de marge de chaque côté.
MOIS_MIN = datetime.date(1900, 1, 1)
MOIS_MAX = datetime.date(2999, 12, 1)
HORS_CALENDRIER = f"Mois hors du calendrier : entre {MOIS_MIN:%Y-%m} et {MOIS_MAX:%Y-%m}."


def mois_de(jour: datetime.date) -> datetime.date:
    """Le mois qui contient `jour`."""
    return jour.replace(day=1)


def decaler(mois: datetime.date, nombre: int) -> datetime.date:
    """Le mois `nombre` mois après `mois` (avant s'il est négatif)."""
    rang = mois.year * 12 + mois.month - 1 + nombre
    return datetime.date(rang // 12, rang % 12 + 1, 1)


def mois_suivant(mois: datetime.date) -> datetime.date:
    return decaler(mois_de(mois), 1)


def mois_precedent(mois: datetime.date) -> datetime.date:
    return decaler(mois_de(mois), -1)


def nombre_de_mois(debut: datetime.date, fin: datetime.date) -> int:
    """Combien de mois séparent le mois de `debut` de celui de `fin` (0 pour le même mois)."""
    return (fin.year - debut.year) * 12 + fin.month - debut.month


def derniers_mois(jusqu_au: datetime.date, nombre: int) -> list[datetime.date]:
    """Les `nombre` mois qui finissent par celui de `jusqu_au`, du plus récent au plus ancien."""
    return [decaler(mois_de(jusqu_au), -rang) for rang in range(nombre)]


def dans_le_calendrier(mois: datetime.date) -> bool:
    return MOIS_MIN <= mois <= MOIS_MAX


def lire_mois(texte: str) -> datetime.date | None:
    """« 2026-10 » → 1er octobre 2026 ; None pour tout autre texte, et pour un mois hors du calendrier."""
    try:
        mois = datetime.datetime.strptime(texte.strip(), "%Y-%m").date()
    except (ValueError, AttributeError):
        return None
    return mois if dans_le_calendrier(mois) else None
