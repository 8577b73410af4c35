"""Écritures du programme : une action (et son statut), ses jalons, la revue annuelle d'une feuille de route. Chacune
en transaction, avec verrou optimiste : une action et ses jalons partagent la version de l'action, une revue a la
sienne. Les pages et la démonstration passent par ici."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from commun.erreurs import Conflit
from config.policy import feuilles_de_route_pilotees
from programme.models import Action, AvancementAction, Jalon, RevueAnnuelle

CHAMPS_ACTION = ("axe", "intitule", "objectif", "porteur", "statut")
RELATIONS_ACTION = ("territoires", "types", "cibles", "appels", "dispositifs")


def verifier_pilotage(user, feuille) -> None:
    if not feuilles_de_route_pilotees(user).filter(pk=feuille.pk).exists():
        raise PermissionDenied("Vous n'écrivez que le programme de votre région.")


def verifier_version(objet, version_lue, quoi: str) -> None:
    """Verrou optimiste : l'objet, lu verrouillé, doit être à la version affichée ; sinon rien n'est écrit."""
    if version_lue is None:
        raise ValidationError({"version": "Indiquez la version lue (verrou optimiste)."}, code="version")
    if objet.version != version_lue:
        derniere = objet.history.select_related("actor").first()
        par = f" par {derniere.actor}" if derniere and derniere.actor else ""
        raise Conflit(
            f"{quoi} a été modifiée{par} pendant votre saisie. Rien n'a été écrasé ; "
            "vérifiez puis saisissez à nouveau.",
            actuel=objet,
        )


def code_libre(feuille, intitule: str) -> str:
    """Un code lisible et unique dans la feuille de route, tiré de l'intitulé."""
    base = slugify(intitule)[:50] or "action"
    pris = set(feuille.actions.filter(code__startswith=base).values_list("code", flat=True))
    code, rang = base, 2
    while code in pris:
        code, rang = f"{base}-{rang}", rang + 1
    return code


@transaction.atomic
def enregistrer_action(*, user, feuille, action: Action | None, valeurs: dict, version_lue: int | None) -> Action:
    """Crée ou modifie une action de `feuille` (son statut compris). `valeurs` : les champs de CHAMPS_ACTION et les
    relations de RELATIONS_ACTION ; l'axe doit être un axe de la feuille de route."""
    verifier_pilotage(user, feuille)
    if valeurs["axe"].feuille_de_route_id != feuille.pk:
        raise ValidationError({"axe": "Choisissez un axe de cette feuille de route."}, code="axe")
    if action is None:
        action = Action(feuille_de_route=feuille, code=code_libre(feuille, valeurs["intitule"]))
    else:
        action = Action.objects.select_for_update().get(pk=action.pk)
        verifier_version(action, version_lue, "Cette action")
        action.version += 1
    for champ in CHAMPS_ACTION:
        setattr(action, champ, valeurs[champ])
    action.save()
    for relation in RELATIONS_ACTION:
        if relation in valeurs:
            getattr(action, relation).set(valeurs[relation])
    return action


def action_verrouillee(user, action: Action, version_lue: int | None) -> Action:
    """L'action relue verrouillée, à la version affichée, dont la version passe à la suivante : un jalon change
    l'action comme le ferait son statut."""
    verifier_pilotage(user, action.feuille_de_route)
    action = Action.objects.select_for_update().get(pk=action.pk)
    verifier_version(action, version_lue, "Cette action")
    action.version += 1
    action.save(update_fields=["version", "updated_at"])
    return action


@transaction.atomic
def enregistrer_jalon(*, user, action: Action, jalon: Jalon | None, valeurs: dict, version_lue: int | None) -> Jalon:
    """Ajoute ou modifie un jalon de l'action (échéance, date, libellé, atteint) ; verrou : la version de l'action."""
    action = action_verrouillee(user, action, version_lue)
    if jalon is None:
        jalon = Jalon(action=action, ordre=action.jalons.count())
    for champ in ("echeance", "date", "libelle", "atteint"):
        setattr(jalon, champ, valeurs[champ])
    jalon.save()
    return jalon


@transaction.atomic
def enregistrer_revue(
    *, user, feuille, revue: RevueAnnuelle | None, valeurs: dict, avancements: dict, version_lue: int | None
) -> RevueAnnuelle:
    """Crée ou modifie la revue annuelle d'une feuille de route : année, date, instance, décisions, et l'avancement
    de chaque action (`avancements` : {action: (texte, pourcentage ou None)}). Une revue par année."""
    verifier_pilotage(user, feuille)
    if revue is None:
        revue = RevueAnnuelle(feuille_de_route=feuille)
    else:
        revue = RevueAnnuelle.objects.select_for_update().get(pk=revue.pk)
        verifier_version(revue, version_lue, "Cette revue")
        revue.version += 1
    for champ in ("annee", "date", "instance", "decisions"):
        setattr(revue, champ, valeurs[champ])
    try:
        with transaction.atomic():
            revue.save()
    except IntegrityError:
        raise ValidationError(
            {"annee": f"La revue {revue.annee} de cette feuille de route existe déjà : modifiez-la."}, code="doublon"
        ) from None
    for action, (texte, pourcentage) in avancements.items():
        if action.feuille_de_route_id != feuille.pk:
            raise ValidationError("Une action d'une autre feuille de route ne figure pas dans cette revue.")
        AvancementAction.objects.update_or_create(
            revue=revue, action=action, defaults={"avancement": texte, "pourcentage": pourcentage}
        )
    return revue
