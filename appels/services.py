"""Écritures métier des appels : chaque changement d'état vérifie l'état de départ dans l'UPDATE."""

from django.db import transaction

from appels.models import Appel, StatutAppel


class TransitionImpossible(Exception):
    pass


@transaction.atomic
def publier_appel(*, appel: Appel) -> Appel:
    """Publie un brouillon ; refuse un appel sans type visé, sans grille ou déjà publié."""
    if not appel.types_cibles.exists():
        raise TransitionImpossible("Indiquez au moins un type de dispositif visé avant de publier.")
    if appel.nature != "ami" and not appel.criteres.exists():
        raise TransitionImpossible("Un appel à projets ou à candidatures a besoin d'une grille de notation.")
    publies = Appel.objects.filter(pk=appel.pk, statut=StatutAppel.BROUILLON).update(statut=StatutAppel.PUBLIE)
    if not publies:
        raise TransitionImpossible("Seul un brouillon peut être publié.")
    appel.refresh_from_db()
    return appel
