"""Écritures de la planification : chacune dans une transaction, avec ses règles."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from commun.erreurs import Conflit
from commun.nombres import nombre
from planification.models import Cible, valider_valeur_de_cible


def _conflit_sur(cible: Cible | None) -> Conflit:
    """Quelqu'un a modifié (ou supprimé) la cible entre l'affichage et l'enregistrement : rien n'a été écrasé."""
    if cible is None:
        return Conflit(
            "Cette cible a été supprimée entre-temps par une autre personne : rien n'a été enregistré.", modele=Cible
        )
    derniere = cible.history.select_related("actor").first()
    par = f" par {derniere.actor}" if derniere and derniere.actor else ""
    return Conflit(
        f"Cette cible a été modifiée{par} pendant votre saisie : elle vaut maintenant "
        f"{nombre(cible.valeur)}. Rien n'a été écrasé ; vérifiez puis saisissez à nouveau.",
        actuel=cible,
    )


@transaction.atomic
def modifier_cible(*, type, territoire, horizon, valeur: Decimal, version_lue: int, motif: str = "") -> Cible:
    """Crée ou modifie la cible d'une case du tableau, avec verrou optimiste.

    `version_lue` est la version affichée à l'utilisateur (0 quand la case était vide) : si la cible a
    changé depuis, un Conflit est levé et rien n'est écrit. Le motif rejoint l'historique.
    """
    valider_valeur_de_cible(valeur, type)
    cible = Cible.objects.select_for_update().filter(type=type, territoire=territoire, horizon=horizon).first()
    version_actuelle = cible.version if cible else 0
    if version_actuelle != version_lue:
        raise _conflit_sur(cible)
    if cible is None:
        cible = Cible(type=type, territoire=territoire, horizon=horizon, valeur=valeur)
        cible.motif = motif
        try:
            with transaction.atomic():
                cible.save()
        except IntegrityError:  # une autre personne a créé la même case au même instant
            raise _conflit_sur(Cible.objects.get(type=type, territoire=territoire, horizon=horizon)) from None
        return cible
    cible.valeur = valeur
    cible.version += 1
    cible.motif = motif
    cible.save()
    return cible
