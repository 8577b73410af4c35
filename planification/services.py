"""Écritures de la planification : chacune dans une transaction, avec ses règles."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from commun.erreurs import Conflit
from commun.nombres import nombre
from planification.models import Cible, Horizon, valider_valeur_de_cible


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


def _version(cible: Cible | None) -> int:
    """La version d'une case : 0 quand elle est vide (jamais saisie, ou supprimée)."""
    return cible.version if cible else 0


def _ecrire(cible: Cible, valeur: Decimal, motif: str) -> Cible:
    """Modifie une cible existante, version suivante ; django-auditlog en écrit la ligne d'historique."""
    cible.valeur = valeur
    cible.fictif = False  # une valeur saisie n'est plus celle, inventée, de la démonstration
    cible.version += 1
    cible.motif = motif
    cible.save()
    return cible


def _supprimer(cible: Cible, motif: str) -> None:
    """Supprime la cible ; django-auditlog garde au journal sa dernière valeur et le motif (l'historique de la
    case le montre)."""
    cible.motif = motif
    cible.delete()


@transaction.atomic
def modifier_cible(*, type, territoire, horizon, valeur: Decimal, version_lue: int, motif: str = "") -> Cible:
    """Crée ou modifie la cible d'une case du tableau, avec verrou optimiste.

    `version_lue` est la version affichée à l'utilisateur (0 quand la case était vide) : si la cible a
    changé depuis, un Conflit est levé et rien n'est écrit. Le motif rejoint l'historique.
    """
    valider_valeur_de_cible(valeur, type)
    cible = Cible.objects.select_for_update().filter(type=type, territoire=territoire, horizon=horizon).first()
    if _version(cible) != version_lue:
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
    return _ecrire(cible, valeur, motif)


@transaction.atomic
def supprimer_cible(*, type, territoire, horizon, version_lue: int, motif: str = "") -> None:
    """Supprime la cible d'une case (la case vidée), avec le même verrou optimiste que `modifier_cible`. La
    suppression reste au journal d'audit, avec son auteur et son motif."""
    cible = Cible.objects.select_for_update().filter(type=type, territoire=territoire, horizon=horizon).first()
    if _version(cible) != version_lue:
        raise _conflit_sur(cible)
    if cible is not None:
        _supprimer(cible, motif)


@dataclass(frozen=True)
class Saisie:
    """Une case modifiée de la grille : sa nouvelle valeur (None : la case vidée, cible supprimée) et la version
    lue à l'affichage."""

    type: object
    territoire: object
    valeur: Decimal | None
    version_lue: int

    @property
    def cle(self) -> tuple[int, int]:
        return (self.type.pk, self.territoire.pk)


class ConflitsDeGrille(Conflit):
    """Des cases de la grille ont changé depuis leur lecture : rien n'a été écrit. `conflits` : {(type, territoire):
    le Conflit de la case, qui porte la cible actuelle (None si elle a disparu)}."""

    def __init__(self, conflits: dict[tuple[int, int], Conflit]):
        nombre_de_cases = len(conflits)
        cases = "une case a changé" if nombre_de_cases == 1 else f"{nombre_de_cases} cases ont changé"
        super().__init__(
            f"Pendant votre saisie, {cases} : rien n'a été enregistré. Votre saisie est conservée ; la valeur "
            "actuelle est indiquée à côté de chaque case en conflit. Vérifiez puis enregistrez à nouveau."
        )
        self.conflits = conflits


def enregistrer_grille(*, horizon, saisies: list[Saisie], motif: str = "") -> int:
    """Enregistre toutes les cases modifiées d'une grille, ou aucune. Chaque case garde son verrou optimiste : si
    l'une a changé depuis sa lecture, ConflitsDeGrille nomme toutes celles-là et rien n'est écrit. Une ligne
    d'historique par case (django-auditlog), avec le motif commun. Rend le nombre de cases écrites.

    Requêtes : une lecture verrouillée de toutes les cases, puis, par case écrite, son écriture et sa ligne de
    journal (le journal s'écrit ligne à ligne, par les signaux de django-auditlog : pas d'écriture groupée)."""
    try:
        with transaction.atomic():
            actuelles = _cases_verrouillees(horizon, saisies)
            conflits = {s.cle: _conflit_sur(actuelles.get(s.cle)) for s in saisies if _perimee(s, actuelles)}
            if conflits:
                raise ConflitsDeGrille(conflits)
            return sum(_appliquer(saisie, actuelles.get(saisie.cle), horizon, motif) for saisie in saisies)
    except IntegrityError:  # une autre personne a créé l'une des cases au même instant : tout est annulé
        actuelles = _cases_verrouillees(horizon, saisies, verrou=False)
        raise ConflitsDeGrille(
            {s.cle: _conflit_sur(actuelles.get(s.cle)) for s in saisies if _perimee(s, actuelles)}
        ) from None


def _cases_verrouillees(horizon, saisies, *, verrou=True) -> dict[tuple[int, int], Cible]:
    """Les cibles actuelles des cases saisies, en une requête (verrouillées jusqu'à la fin de la transaction)."""
    cibles = Cible.objects.select_for_update() if verrou else Cible.objects.all()
    cibles = cibles.filter(
        horizon=horizon,
        type__in={s.type.pk for s in saisies},
        territoire__in={s.territoire.pk for s in saisies},
    )
    return {(c.type_id, c.territoire_id): c for c in cibles}


def _perimee(saisie: Saisie, actuelles: dict) -> bool:
    return _version(actuelles.get(saisie.cle)) != saisie.version_lue


def _appliquer(saisie: Saisie, cible: Cible | None, horizon, motif: str) -> int:
    """Écrit une case : création, modification ou suppression ; 0 quand il n'y avait rien à faire (case vide
    vidée)."""
    if saisie.valeur is None:
        if cible is None:
            return 0
        _supprimer(cible, motif)
        return 1
    if cible is None:
        cible = Cible(type=saisie.type, territoire=saisie.territoire, horizon=horizon, valeur=saisie.valeur)
        cible.motif = motif
        cible.save()
        return 1
    _ecrire(cible, saisie.valeur, motif)
    return 1


@transaction.atomic
def enregistrer_horizon(*, horizon: Horizon | None, version_lue: int | None, **champs) -> Horizon:
    """Crée un horizon (`horizon` None) ou le modifie si personne ne l'a fait depuis la lecture de `version_lue` ;
    sinon Conflit, et rien n'est écrit."""
    if horizon is None:
        try:
            with transaction.atomic():
                return Horizon.objects.create(**champs)
        except IntegrityError:  # le même identifiant créé au même instant par une autre personne
            raise ValidationError({"slug": "Un horizon porte déjà cet identifiant."}, code="unique") from None
    actuel = Horizon.objects.select_for_update().filter(pk=horizon.pk).first()
    if actuel is None or actuel.version != version_lue:
        raise Conflit(
            "Cet horizon a été modifié (ou supprimé) pendant votre saisie : rien n'a été écrasé ; vérifiez les "
            "valeurs actuelles puis enregistrez à nouveau.",
            actuel=actuel,
            modele=Horizon,
        )
    for champ, valeur in champs.items():
        setattr(actuel, champ, valeur)
    actuel.version += 1
    actuel.save()
    return actuel
