"""Écritures des financements : un crédit notifié à un dispositif, une enveloppe régionale. Chacune en transaction,
avec ses règles ; la page, l'API et la démonstration passent par ici."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commun.erreurs import Conflit
from commun.nombres import euros
from config.policy import Regle, autorise, dispositifs_geres, regions_visibles
from financements.budget import enveloppe_pour
from financements.models import SIGLES_SOURCES, Credit, Enveloppe, Source
from financements.regles import sources_du_type
from territoires.models import Territoire

ANNEE_MIN = 2000  # bien avant le premier PRAPS des documents sources (2018)
ECART_ANNEES_MAX = 5  # au-delà de l'année en cours : une faute de frappe, pas une programmation


# Les refus ------------------------------------------------------------------------------------------------------


def erreurs_de_montant(montant: Decimal, *, max_digits: int, positif_strict: bool) -> list[ValidationError]:
    """Un montant en euros : au plus 2 décimales, positif (strictement pour un crédit), dans ce que la base range."""
    if not montant.is_finite():
        return [ValidationError("Saisissez un montant en euros.", code="invalide")]
    if montant.as_tuple().exponent < -2:
        return [ValidationError("Un montant a au plus 2 décimales (les centimes).", code="decimales")]
    if montant < 0 or (positif_strict and montant == 0):
        attendu = "strictement positif" if positif_strict else "positif ou nul"
        return [ValidationError(f"Le montant doit être {attendu}.", code="negatif")]
    if montant >= Decimal(10) ** (max_digits - 2):
        return [ValidationError(f"Le montant dépasse {euros(Decimal(10) ** (max_digits - 2))}.", code="trop_grand")]
    return []


def erreurs_d_annee(annee: int) -> list[ValidationError]:
    maximum = timezone.localdate().year + ECART_ANNEES_MAX
    if not ANNEE_MIN <= annee <= maximum:
        return [ValidationError(f"L'année doit être comprise entre {ANNEE_MIN} et {maximum}.", code="annee")]
    return []


def erreurs_de_source(source, type_) -> list[ValidationError]:
    if source not in Source.values:
        return [ValidationError("Source de crédits inconnue.", code="source_inconnue")]
    if type_ is not None and not sources_du_type(type_).admet(source):
        admises = ", ".join(SIGLES_SOURCES[s] for s in sources_du_type(type_).admises)
        message = f"Un {type_.sigle} ne reçoit pas de crédits {SIGLES_SOURCES[source]} : sources admises, {admises}."
        return [ValidationError(message, code="source_non_admise")]
    return []


def refuser_si(erreurs: dict):
    erreurs = {champ: liste for champ, liste in erreurs.items() if liste}
    if erreurs:
        raise ValidationError(erreurs)


def qui_a_modifie(objet) -> str:
    derniere = objet.history.select_related("actor").first()
    return f" par {derniere.actor}" if derniere and derniere.actor else ""


def verifier_version(objet, version_lue, decrire) -> None:
    """Verrou optimiste : l'objet (lu verrouillé) doit être à la version affichée, sinon rien n'est écrit."""
    if version_lue is None:
        raise ValidationError({"version": "Indiquez la version lue (verrou optimiste)."}, code="version")
    if objet.version != version_lue:
        raise Conflit(
            f"{decrire(objet)} a été modifié{qui_a_modifie(objet)} pendant votre saisie. Rien n'a été écrasé ; "
            "vérifiez puis saisissez à nouveau.",
            actuel=objet,
        )


# Les crédits ----------------------------------------------------------------------------------------------------


def decrire_credit(credit: Credit) -> str:
    reference = f", référence « {credit.reference} »" if credit.reference else ""
    reconduction = "reconductible" if credit.reconductible else "non reconductible"
    return (
        f"Ce crédit (il vaut maintenant {euros(credit.montant)} {SIGLES_SOURCES[credit.source]} {credit.annee}, "
        f"{reconduction}{reference})"
    )


@transaction.atomic
def enregistrer_credit(
    *,
    user,
    dispositif,
    annee: int,
    source: str,
    montant: Decimal,
    credit: Credit | None = None,
    reconductible: bool | None = None,
    reference: str = "",
    commentaire: str = "",
    version: int | None = None,
    confirmer_depassement: bool = False,
) -> Credit:
    """Crée `credit` (None) ou le modifie (`version` : la version lue). Refus : dispositif que l'utilisateur ne gère
    pas (PermissionDenied), montant, année, source que le type n'admet pas, CNR reconductible, et un engagement
    au-delà de l'enveloppe sans `confirmer_depassement`. `reconductible` vide : oui, sauf pour un CNR."""
    concernes = {dispositif.pk, credit.dispositif_id if credit else dispositif.pk}
    if dispositifs_geres(user).filter(pk__in=concernes).count() != len(concernes):
        raise PermissionDenied(
            "Ce dispositif n'est pas géré par votre région : vous ne pouvez pas y notifier de crédit."
        )
    if reconductible is None:
        reconductible = source != Source.CNR
    refuser_si(
        {
            "montant": erreurs_de_montant(montant, max_digits=12, positif_strict=True),
            "annee": erreurs_d_annee(annee),
            "source": erreurs_de_source(source, dispositif.type),
            "reconductible": [ValidationError("Un crédit CNR n'est pas reconductible.", code="cnr_reconductible")]
            if source == Source.CNR and reconductible
            else [],
        }
    )
    if credit is not None:
        credit = Credit.objects.select_for_update(of=("self",)).get(pk=credit.pk)
        verifier_version(credit, version, decrire_credit)
        credit.version += 1
    else:
        credit = Credit()
    region = region_du_dispositif(dispositif)
    avant = engage_couvrant(region, annee, source, dispositif.type_id, verrouiller=True)
    for nom, valeur in {
        "dispositif": dispositif,
        "annee": annee,
        "source": source,
        "montant": montant,
        "reconductible": reconductible,
        "reference": reference,
        "commentaire": commentaire,
    }.items():
        setattr(credit, nom, valeur)
    credit.save()
    if not confirmer_depassement:
        refuser_depassement(region, annee, source, dispositif.type_id, avant)
    return credit


def region_du_dispositif(dispositif):
    return Territoire.objects.regions().filter(code=dispositif.territoire.code_region).first()


def engage_couvrant(region, annee, source, type_id, *, verrouiller=False) -> tuple[Enveloppe | None, Decimal]:
    """L'enveloppe qui couvre un crédit (None : aucune) et son engagé. `verrouiller` : les enveloppes de la source
    sont lues verrouillées, pour que deux engagements simultanés ne passent pas chacun sous le plafond."""
    enveloppes = Enveloppe.objects.filter(region=region, annee=annee, source=source)
    if verrouiller:
        list(enveloppes.order_by("pk").select_for_update(of=("self",)))
    enveloppe = enveloppe_pour(list(enveloppes.with_engage().select_related("type")), source, type_id)
    if enveloppe is not None:
        return enveloppe, enveloppe.engage
    if region is None:
        return None, Decimal(0)
    hors = Credit.objects.filter(annee=annee, source=source, dispositif__type=type_id).hors_enveloppe(region)
    return None, sum(hors.values_list("montant", flat=True), Decimal(0))


def refuser_depassement(region, annee, source, type_id, avant):
    """Après l'écriture (la transaction est annulée si l'on refuse) : l'engagé qui augmente au-delà de l'enveloppe
    — ou sans enveloppe, au-delà de zéro — exige une confirmation."""
    enveloppe, engage = engage_couvrant(region, annee, source, type_id)
    plafond = enveloppe.montant if enveloppe else Decimal(0)
    if engage <= plafond or engage <= avant[1]:
        return
    if enveloppe is None:
        nom = f"la région {region.nom}" if region else "ce territoire"
        message = (
            f"Aucune enveloppe {SIGLES_SOURCES[source]} {annee} n'est enregistrée pour {nom} : ce crédit engage "
            f"{euros(engage)} sans enveloppe."
        )
    else:
        message = (
            f"Ce crédit porte l'engagé de l'enveloppe {enveloppe.libelle} {annee} à {euros(engage)}, au-delà de "
            f"ses {euros(plafond)} : dépassement de {euros(engage - plafond)}."
        )
    raise ValidationError(
        {"confirmer_depassement": ValidationError(f"{message} Confirmez pour engager au-delà.", code="depassement")}
    )


# Les enveloppes -------------------------------------------------------------------------------------------------


def decrire_enveloppe(enveloppe: Enveloppe) -> str:
    return f"Cette enveloppe (elle vaut maintenant {euros(enveloppe.montant)}, {enveloppe.libelle} {enveloppe.annee})"


@transaction.atomic
def enregistrer_enveloppe(
    *,
    user,
    region,
    annee: int,
    source: str,
    montant: Decimal,
    type=None,
    enveloppe: Enveloppe | None = None,
    reference: str = "",
    commentaire: str = "",
    version: int | None = None,
) -> Enveloppe:
    """Crée `enveloppe` (None) ou la modifie (`version` : la version lue), dans une région de l'utilisateur."""
    concernees = {region.pk, enveloppe.region_id if enveloppe else region.pk}
    geres = regions_visibles(user).filter(pk__in=concernees).count() if autorise(user, Regle.GERER_OFFRE) else 0
    if geres != len(concernees):
        raise PermissionDenied("Vous ne pouvez enregistrer que les enveloppes de votre région.")
    refuser_si(
        {
            "montant": erreurs_de_montant(montant, max_digits=14, positif_strict=False),
            "annee": erreurs_d_annee(annee),
            "source": erreurs_de_source(source, type),
        }
    )
    if enveloppe is not None:
        enveloppe = Enveloppe.objects.select_for_update(of=("self",)).get(pk=enveloppe.pk)
        verifier_version(enveloppe, version, decrire_enveloppe)
        enveloppe.version += 1
    else:
        enveloppe = Enveloppe()
    valeurs = {"region": region, "annee": annee, "source": source, "type": type, "montant": montant}
    for nom, valeur in {**valeurs, "reference": reference, "commentaire": commentaire}.items():
        setattr(enveloppe, nom, valeur)
    refuser_doublon(enveloppe)
    try:
        with transaction.atomic():
            enveloppe.save()
    except IntegrityError:  # la même enveloppe créée au même instant par une autre personne
        raise ValidationError({"source": doublon(enveloppe)}) from None
    return enveloppe


def doublon(enveloppe) -> ValidationError:
    return ValidationError(
        f"L'enveloppe {enveloppe.libelle} {enveloppe.annee} de la région {enveloppe.region.nom} existe déjà : "
        "modifiez-la plutôt.",
        code="doublon",
    )


def refuser_doublon(enveloppe):
    memes = Enveloppe.objects.filter(
        region=enveloppe.region, annee=enveloppe.annee, source=enveloppe.source, type=enveloppe.type
    ).exclude(pk=enveloppe.pk)
    if memes.exists():
        raise ValidationError({"source": doublon(enveloppe)})
