"""Le calendrier des déclarations : échéance, verrouillage d'un mois et dérogations.

Un mois est représenté par son premier jour. Les règles vivent ici et sont appliquées par les services :
la page, l'API et l'import CSV y obéissent de la même façon.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def aujourd_hui() -> datetime.date:
    """La date du jour à Paris ; une seule fonction, que les tests figent."""
    return timezone.localdate()


def mois_de(date: datetime.date) -> datetime.date:
    return date.replace(day=1)


def mois_suivant(mois: datetime.date) -> datetime.date:
    return (mois.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def mois_precedent(mois: datetime.date) -> datetime.date:
    return (mois - datetime.timedelta(days=1)).replace(day=1)


def derniers_mois(jusqu_au: datetime.date, nombre: int) -> list[datetime.date]:
    """Les `nombre` mois qui finissent par celui de `jusqu_au`, du plus récent au plus ancien."""
    mois = [mois_de(jusqu_au)]
    while len(mois) < nombre:
        mois.append(mois_precedent(mois[-1]))
    return mois


def lire_mois(texte: str) -> datetime.date | None:
    """« 2026-10 » → 1er octobre 2026 ; None pour tout autre texte."""
    try:
        return datetime.datetime.strptime(texte.strip(), "%Y-%m").date()
    except (ValueError, AttributeError):
        return None


def echeance(mois: datetime.date) -> datetime.date:
    """Le jour où la déclaration est attendue : le N du mois suivant (INDICATEURS_JOUR_ECHEANCE)."""
    return mois_suivant(mois).replace(day=settings.INDICATEURS_JOUR_ECHEANCE)


def date_verrouillage(mois: datetime.date) -> datetime.date:
    """Le premier jour où le mois est verrouillé : INDICATEURS_VERROUILLAGE_JOURS jours après sa fin."""
    fin = mois_suivant(mois) - datetime.timedelta(days=1)
    return fin + datetime.timedelta(days=settings.INDICATEURS_VERROUILLAGE_JOURS + 1)


def est_futur(mois: datetime.date, today: datetime.date) -> bool:
    """Le mois en cours se déclare déjà (brouillon au fil du mois) ; les suivants, pas encore."""
    return mois > mois_de(today)


def verrouille_sans_derogation(mois: datetime.date, today: datetime.date) -> bool:
    return today >= date_verrouillage(mois)


def derogation_active(dispositif, mois: datetime.date, today: datetime.date) -> bool:
    from indicateurs.models import Derogation

    return Derogation.objects.filter(dispositif=dispositif, mois=mois, jusqu_au__gte=today).exists()


def verrouille(mois: datetime.date, dispositif, today: datetime.date) -> bool:
    """Le mois est fermé à l'opérateur : délai passé et aucune dérogation en cours pour ce dispositif."""
    return verrouille_sans_derogation(mois, today) and not derogation_active(dispositif, mois, today)


def raison_de_fermeture(mois: datetime.date, dispositif, today: datetime.date) -> str | None:
    """Pourquoi ce mois ne se déclare pas aujourd'hui, en français ; None s'il est ouvert."""
    if est_futur(mois, today):
        return f"Le mois de {mois:%m/%Y} n'a pas commencé : il ne se déclare pas encore."
    if verrouille(mois, dispositif, today):
        return (
            f"Le mois de {mois:%m/%Y} est verrouillé depuis le {date_verrouillage(mois):%d/%m/%Y} : "
            "demandez à l'ARS une dérogation pour le rouvrir."
        )
    return None
