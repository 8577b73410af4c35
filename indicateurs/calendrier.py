"""Le calendrier des déclarations : échéance, verrouillage d'un mois et dérogations.

Un mois est représenté par son premier jour ; son arithmétique est celle de commun.mois. Les règles vivent ici et
sont appliquées par les services : la page, l'API et l'import CSV y obéissent de la même façon.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from commun.mois import mois_de, mois_suivant
from indicateurs.periodes import dernier_jour


def aujourd_hui() -> datetime.date:
    """La date du jour à Paris ; une seule fonction, que les tests figent."""
    return timezone.localdate()


def echeance(mois: datetime.date) -> datetime.date:
    """Le jour où la déclaration est attendue : le N du mois suivant (INDICATEURS_JOUR_ECHEANCE)."""
    return mois_suivant(mois).replace(day=settings.INDICATEURS_JOUR_ECHEANCE)


def date_verrouillage(mois: datetime.date) -> datetime.date:
    """Le premier jour où le mois est verrouillé : INDICATEURS_VERROUILLAGE_JOURS jours après sa fin."""
    return dernier_jour(mois) + datetime.timedelta(days=settings.INDICATEURS_VERROUILLAGE_JOURS + 1)


def est_futur(mois: datetime.date, aujourd_hui: datetime.date) -> bool:
    """Le mois en cours se déclare déjà (brouillon au fil du mois) ; les suivants, pas encore."""
    return mois > mois_de(aujourd_hui)


def pas_encore_transmissible(mois: datetime.date, aujourd_hui: datetime.date) -> str | None:
    """Pourquoi ce mois ne se transmet pas encore, en français ; None une fois le mois terminé. Ses chiffres (file
    active, journées…) ne sont complets qu'à la fin du mois : avant, il ne s'enregistre qu'en brouillon."""
    if mois_suivant(mois) > aujourd_hui:
        return (
            f"Le mois de {mois:%m/%Y} n'est pas terminé : enregistrez-le en brouillon ; il se transmettra à partir "
            f"du {mois_suivant(mois):%d/%m/%Y}."
        )
    return None


def verrouille_sans_derogation(mois: datetime.date, aujourd_hui: datetime.date) -> bool:
    return aujourd_hui >= date_verrouillage(mois)


def derogation_active(dispositif, mois: datetime.date, aujourd_hui: datetime.date) -> bool:
    from indicateurs.models import Derogation

    return Derogation.objects.en_cours(aujourd_hui).filter(dispositif=dispositif, mois=mois).exists()


def verrouille(mois: datetime.date, dispositif, aujourd_hui: datetime.date) -> bool:
    """Le mois est fermé à l'opérateur : délai passé et aucune dérogation en cours pour ce dispositif."""
    return verrouille_sans_derogation(mois, aujourd_hui) and not derogation_active(dispositif, mois, aujourd_hui)


def raison_de_fermeture(mois: datetime.date, dispositif, aujourd_hui: datetime.date) -> str | None:
    """Pourquoi ce mois ne se déclare pas aujourd'hui, en français ; None s'il est ouvert."""
    if est_futur(mois, aujourd_hui):
        return f"Le mois de {mois:%m/%Y} n'a pas commencé : il ne se déclare pas encore."
    if verrouille(mois, dispositif, aujourd_hui):
        return (
            f"Le mois de {mois:%m/%Y} est verrouillé depuis le {date_verrouillage(mois):%d/%m/%Y} : "
            "demandez à l'ARS une dérogation pour le rouvrir."
        )
    return None
