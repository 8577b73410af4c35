"""L'arithmétique des mois, écrite une seule fois.

Un mois est représenté par son premier jour (`datetime.date`). Les règles du calendrier des déclarations
(échéance, verrouillage) sont dans indicateurs/calendrier.py ; les périodes (trimestre, année), dans
indicateurs/periodes.py : toutes s'appuient sur ces fonctions.
"""

import datetime


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


def lire_mois(texte: str) -> datetime.date | None:
    """« 2026-10 » → 1er octobre 2026 ; None pour tout autre texte."""
    try:
        return datetime.datetime.strptime(texte.strip(), "%Y-%m").date()
    except (ValueError, AttributeError):
        return None
