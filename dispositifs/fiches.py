"""La fiche d'un dispositif : son identité, écrite par les planificateurs (création, modification avec verrou
optimiste), et ce que la page /dispositifs/<pk>/ en lit — le registre en frise, les crédits par année, les derniers
indicateurs, l'historique. Les mêmes services pour la page et l'API."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from appels.models import Decision
from commun.erreurs import Conflit
from commun.mois import mois_suivant
from commun.nombres import nombre
from config.policy import dispositifs_geres
from dispositifs.forms import CHAMPS_DU_DISPOSITIF, territoires_geres
from dispositifs.models import Dispositif, Nature, Unite, apres_evenement
from indicateurs.models import Declaration, StatutDeclaration
from journal.models import EntreeJournal

HISTORIQUE_MAX = 30  # les derniers changements ; le journal de la région donne le reste


# Écritures -------------------------------------------------------------------------------------------------------


@transaction.atomic
def creer_dispositif(*, valeurs: dict, user) -> Dispositif:
    """Crée un dispositif (un projet tant qu'aucun arrêté ne l'autorise) dans le périmètre de `user`."""
    dispositif = Dispositif()
    reporter(dispositif, valeurs)
    verifier(dispositif, user)
    enregistrer(dispositif)
    return dispositif


@transaction.atomic
def modifier_dispositif(*, dispositif: Dispositif, valeurs: dict, version_lue: int, user) -> Dispositif:
    """Modifie l'identité d'un dispositif, avec verrou optimiste : si quelqu'un l'a enregistré depuis la lecture
    (`version_lue`), Conflit, et rien n'est écrit."""
    actuel = Dispositif.objects.select_for_update().filter(pk=dispositif.pk).first()
    if actuel is None or actuel.version != version_lue:
        raise conflit_sur(actuel, valeurs)
    reporter(actuel, valeurs)
    verifier(actuel, user)
    actuel.version += 1
    enregistrer(actuel)
    return actuel


def reporter(dispositif: Dispositif, valeurs: dict) -> None:
    """Reporte les champs saisis ; un FINESS vide est nul (unique : plusieurs projets n'en ont pas encore)."""
    for champ in CHAMPS_DU_DISPOSITIF:
        if champ in valeurs:
            setattr(dispositif, champ, valeurs[champ])
    dispositif.finess = dispositif.finess or None


def enregistrer(dispositif: Dispositif) -> None:
    """save(), pour le journal ; un FINESS pris par une autre saisie au même instant (après `verifier`) est un refus
    sur ce champ, pas une erreur 500."""
    try:
        with transaction.atomic():
            dispositif.save()
    except IntegrityError:
        message = f"Le FINESS {dispositif.finess} vient d'être enregistré pour un autre dispositif."
        raise ValidationError({"finess": ValidationError(message, code="unique")}) from None


def verifier(dispositif: Dispositif, user) -> None:
    """Toutes les règles d'une fiche, champ par champ (ValidationError) : numéros FINESS et leur unicité,
    rattachement qu'exige le type (Dispositif.clean), territoire et parent dans la région de `user`, capacité
    prévue dans l'unité du type."""
    erreurs = {}
    try:
        dispositif.full_clean(exclude=["statut", "version", "fictif"])
    except ValidationError as refus:
        erreurs = refus.update_error_dict(erreurs)
    for champ, message in (*_hors_perimetre(dispositif, user), *_capacite_refusee(dispositif)):
        erreurs.setdefault(champ, []).append(message)
    if erreurs:
        raise ValidationError(erreurs)


def _hors_perimetre(dispositif, user):
    if dispositif.territoire_id and not territoires_geres(user).filter(pk=dispositif.territoire_id).exists():
        yield "territoire", ValidationError("Choisissez un territoire de votre région.", code="hors_region")
    if dispositif.parent_id and not dispositifs_geres(user).filter(pk=dispositif.parent_id).exists():
        yield "parent", ValidationError("Choisissez un dispositif de votre région.", code="hors_region")


def _capacite_refusee(dispositif):
    """Une capacité est positive ; entière sauf quand le type se compte en postes (ETP)."""
    capacite = dispositif.capacite_prevue
    if capacite is None or not dispositif.type_id:
        return
    if capacite <= 0:
        yield "capacite_prevue", ValidationError("La capacité prévue doit être positive.", code="negative")
    elif message := dispositif.type.refus_de_decimales(capacite, quoi="la capacité prévue"):
        yield "capacite_prevue", ValidationError(message, code="non_entiere")


def conflit_sur(actuel: Dispositif | None, valeurs: dict) -> Conflit:
    """Quelqu'un a enregistré (ou supprimé) le dispositif pendant la saisie : son nom, et les valeurs qu'il a
    enregistrées là où elles diffèrent de la saisie."""
    if actuel is None:
        return Conflit("Ce dispositif a été supprimé entre-temps : rien n'a été enregistré.", modele=Dispositif)
    derniere = LogEntry.objects.get_for_object(actuel).select_related("actor").order_by("-timestamp", "-pk").first()
    par = f" par {derniere.actor.get_full_name() or derniere.actor.email}" if derniere and derniere.actor else ""
    ecarts = [
        f"{Dispositif._meta.get_field(champ).verbose_name} : {_lisible(getattr(actuel, champ))}"
        for champ in CHAMPS_DU_DISPOSITIF
        if champ in valeurs and getattr(actuel, champ) != valeurs[champ]
    ]
    valeurs_autres = f" Il vaut maintenant — {' ; '.join(ecarts)}." if ecarts else ""
    return Conflit(
        f"Ce dispositif a été modifié{par} pendant votre saisie.{valeurs_autres} Rien n'a été écrasé ; "
        "votre saisie est gardée : vérifiez, puis enregistrez à nouveau.",
        actuel=actuel,
    )


def _lisible(valeur) -> str:
    if valeur in (None, ""):
        return "vide"
    return nombre(valeur) if isinstance(valeur, Decimal) else f"« {valeur} »"


# Lectures de la fiche ---------------------------------------------------------------------------------------------


@dataclass
class Etape:
    """Un événement du registre et les capacités qui en résultent ; financée : l'autorisée, si un crédit est notifié
    pour l'année de l'événement (la règle de `somme_capacite`)."""

    evenement: object
    autorisee: Decimal
    installee: Decimal
    financee: Decimal
    renfort_etp: Decimal = Decimal(0)  # les ETP de renfort cumulés, en plus des équipes (Nature.RENFORCEMENT)


def frise(dispositif: Dispositif, annees_financees: set[int]) -> list[Etape]:
    """Le registre dans l'ordre des dates, chaque événement avec les capacités qui en résultent (une requête) ;
    `annees_financees` : les années où un crédit est notifié au dispositif."""
    evenements = dispositif.evenements.select_related("vers_organisme", "saisi_par").order_by("date", "pk")
    cumul, renfort = {"autorisee": Decimal(0), "installee": Decimal(0)}, Decimal(0)
    etapes = []
    for evenement in evenements:
        cumul = apres_evenement(cumul, evenement)
        renfort = Decimal(0) if evenement.nature == Nature.FERMETURE else renfort
        renfort += evenement.quantite if evenement.nature == Nature.RENFORCEMENT else 0
        financee = cumul["autorisee"] if evenement.date.year in annees_financees else Decimal(0)
        etapes.append(Etape(evenement, financee=financee, renfort_etp=renfort, **cumul))
    return etapes


def installee_au(etapes: list[Etape], jour) -> Decimal:
    """La capacité installée à `jour`, lue dans la frise déjà chargée."""
    return next((e.installee for e in reversed(etapes) if e.evenement.date <= jour), Decimal(0))


def renfort_au(etapes: list[Etape], jour) -> Decimal:
    """Les ETP de renfort de l'équipe à `jour`, lus dans la frise déjà chargée."""
    return next((e.renfort_etp for e in reversed(etapes) if e.evenement.date <= jour), Decimal(0))


@dataclass
class Annee:
    annee: int
    credits: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((credit.montant for credit in self.credits), Decimal(0))


def credits_par_annee(dispositif: Dispositif) -> list[Annee]:
    """Les crédits notifiés, la plus récente année d'abord, avec le total de chaque année (une requête)."""
    annees: dict[int, Annee] = {}
    for credit in dispositif.credits.order_by("-annee", "source", "pk"):
        annees.setdefault(credit.annee, Annee(credit.annee)).credits.append(credit)
    return list(annees.values())


@dataclass
class Indicateurs:
    """La dernière déclaration validée, et pour chaque valeur son rapport à la capacité installée à la fin du mois
    déclaré (par place ou par lit) quand le type se compte ainsi et que cette capacité est connue."""

    declaration: Declaration
    places: Decimal | None
    lignes: list[tuple]  # (valeur, par unité ou None)


def derniers_indicateurs(dispositif: Dispositif, etapes: list[Etape]) -> Indicateurs | None:
    """Deux requêtes : la déclaration, puis ses valeurs et leurs indicateurs ; la capacité vient de la frise."""
    declaration = (
        Declaration.objects.filter(dispositif=dispositif, statut=StatutDeclaration.VALIDEE)
        .order_by("-mois")
        .avec_valeurs()
        .first()
    )
    if declaration is None:
        return None
    places = None
    if dispositif.type.unite in (Unite.PLACES, Unite.LITS):
        places = installee_au(etapes, mois_suivant(declaration.mois) - datetime.timedelta(days=1)) or None
    lignes = [(valeur, _par_unite(valeur, places)) for valeur in declaration.valeurs.all()]
    return Indicateurs(declaration, places, lignes)


def _par_unite(valeur, places) -> Decimal | None:
    """Une quantité rapportée aux places : ni un taux, ni des ETP (déjà des rapports)."""
    if not places or valeur.indicateur.unite in ("%", "ETP"):
        return None
    return valeur.valeur / places


def historique(dispositif: Dispositif):
    """Les derniers changements du dispositif, de son registre et de ses crédits, lus dans le journal d'audit
    (une requête)."""
    concerne = Q(content_type__app_label="dispositifs", content_type__model="dispositif", object_id=dispositif.pk)
    concerne |= Q(
        content_type__app_label="dispositifs",
        content_type__model="evenementcapacite",
        object_id__in=dispositif.evenements.values("pk"),
    )
    concerne |= Q(
        content_type__app_label="financements",
        content_type__model="credit",
        object_id__in=dispositif.credits.values("pk"),
    )
    return EntreeJournal.objects.filter(concerne).pour_la_liste()[:HISTORIQUE_MAX]


def origine(dispositif: Dispositif) -> Decision | None:
    """La décision d'appel dont le dispositif est né, avec sa candidature et son appel (une requête)."""
    return (
        Decision.objects.filter(dispositif=dispositif)
        .select_related("candidature__appel", "candidature__organisme", "type_propose")
        .first()
    )
