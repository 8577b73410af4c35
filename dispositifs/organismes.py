"""Écritures des organismes gestionnaires : création et modification, pour la page /organismes/ et l'API.

Deux règles, écrites une fois ici : un organisme n'existe qu'une fois par SIREN et par FINESS juridique (le refus
nomme l'organisme existant et donne son adresse), et deux saisies concurrentes ne s'écrasent pas (`version`).
"""

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from commun.erreurs import Conflit
from dispositifs.models import Organisme

IDENTIFIANTS = {"siren": "SIREN", "finess_juridique": "FINESS juridique"}
# Ce que la page et l'API saisissent d'un organisme (« fictif » reste réservé à la démonstration et aux imports).
CHAMPS_SAISIS = [
    "nom",
    "statut_juridique",
    "siren",
    "finess_juridique",
    "adresse",
    "code_postal",
    "commune",
    "contact_nom",
    "contact_fonction",
    "telephone",
    "courriel",
    "site_web",
]


@transaction.atomic
def creer_organisme(*, valeurs: dict) -> Organisme:
    """Un nouvel organisme ; refusé si son SIREN ou son FINESS juridique est déjà celui d'un autre."""
    organisme = Organisme()
    return _enregistrer(organisme, valeurs)


@transaction.atomic
def modifier_organisme(*, organisme: Organisme, valeurs: dict, version_lue: int) -> Organisme:
    """Modifie `organisme` si personne ne l'a changé depuis la lecture de `version_lue` ; sinon Conflit, rien
    d'écrit."""
    actuel = Organisme.objects.select_for_update().filter(pk=organisme.pk).first()
    if actuel is None or actuel.version != version_lue:
        raise conflit_sur(actuel)
    actuel.version += 1
    return _enregistrer(actuel, valeurs)


def _enregistrer(organisme: Organisme, valeurs: dict) -> Organisme:
    for champ, valeur in valeurs.items():
        setattr(organisme, champ, valeur)
    for champ in IDENTIFIANTS:
        setattr(organisme, champ, compacter(getattr(organisme, champ)))
    organisme.full_clean(validate_unique=False)
    verifier_doublons(organisme)
    try:
        with transaction.atomic():
            organisme.save()
    except IntegrityError:  # une autre personne a enregistré le même numéro au même instant
        verifier_doublons(organisme)
        raise
    return organisme


def compacter(numero: str | None) -> str | None:
    """« 732 829 320 » → « 732829320 » ; vide : aucun numéro (NULL), que l'unicité ignore."""
    return "".join((numero or "").split()) or None


def verifier_doublons(organisme: Organisme) -> None:
    """Refuse un SIREN ou un FINESS juridique déjà pris, par champ, avec le nom et l'adresse de l'organisme qui le
    porte : la personne va le compléter plutôt que d'en créer un second."""
    erreurs = {}
    for champ, libelle in IDENTIFIANTS.items():
        numero = getattr(organisme, champ)
        existant = numero and Organisme.objects.exclude(pk=organisme.pk).filter(**{champ: numero}).first()
        if existant:
            erreurs[champ] = ValidationError(
                "Le %(libelle)s %(numero)s est déjà celui de l'organisme « %(nom)s » : complétez sa fiche, %(url)s.",
                code="doublon",
                params={"libelle": libelle, "numero": numero, "nom": existant.nom, "url": url_organisme(existant)},
            )
    if erreurs:
        raise ValidationError(erreurs)


def url_organisme(organisme: Organisme) -> str:
    return reverse("dispositifs:organismes:detail", kwargs={"pk": organisme.pk})


def conflit_sur(organisme: Organisme | None) -> Conflit:
    """Quelqu'un a modifié l'organisme entre l'affichage et l'enregistrement : son nom et les valeurs actuelles."""
    if organisme is None:
        return Conflit("Cet organisme a été supprimé entre-temps : rien n'a été enregistré.", modele=Organisme)
    derniere = LogEntry.objects.get_for_object(organisme).select_related("actor").first()
    par = f" par {derniere.actor}" if derniere and derniere.actor else ""
    siren, finess = organisme.siren or "non renseigné", organisme.finess_juridique or "non renseigné"
    return Conflit(
        f"Cet organisme a été modifié{par} pendant votre saisie : il s'appelle maintenant « {organisme.nom} », "
        f"SIREN {siren}, FINESS juridique {finess}. Rien n'a été écrasé ; vérifiez puis enregistrez à nouveau.",
        actuel=organisme,
    )
