"""L'argent du PRAPS : les crédits notifiés à chaque dispositif, année par année, et les enveloppes régionales
dans lesquelles ils s'engagent (étape « financer et autoriser » de la boucle)."""

from decimal import ROUND_HALF_UP, Decimal

from auditlog.models import AuditlogHistoryField
from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from territoires.models import Niveau


class Source(models.TextChoices):
    FIR = "fir", "FIR (fonds d'intervention régional)"
    ONDAM_MS = "ondam_ms", "ONDAM médico-social (personnes confrontées à des difficultés spécifiques)"
    MIG = "mig", "MIG (mission d'intérêt général)"
    DAF_PSY = "daf_psy", "DAF psychiatrie"
    CNR = "cnr", "CNR (crédits non reconductibles)"


# Le nom court de chaque source, pour les tableaux et les libellés.
SIGLES_SOURCES = {
    Source.FIR: "FIR",
    Source.ONDAM_MS: "ONDAM médico-social",
    Source.MIG: "MIG",
    Source.DAF_PSY: "DAF psychiatrie",
    Source.CNR: "CNR",
}


class CreditQuerySet(models.QuerySet):
    def dans(self, region):
        """Les crédits des dispositifs de la région (ou de tout territoire) `region`."""
        return self.filter(dispositif__territoire__chemin__startswith=region.chemin)

    def for_liste(self):
        """Ce qu'une liste montre d'un crédit (son dispositif, le type et l'organisme de celui-ci), lu dans la même
        requête : la page budget, son export et l'API."""
        return self.select_related("dispositif__type", "dispositif__organisme", "dispositif__territoire")

    def hors_enveloppe(self, region):
        """Les crédits de `region` qu'aucune enveloppe de la région ne couvre : ni celle de leur type, ni celle de
        tous les types de leur source, la même année (voir `EnveloppeQuerySet.with_engage`)."""
        couvrantes = Enveloppe.objects.filter(
            region=region, annee=OuterRef("annee"), source=OuterRef("source")
        ).filter(Q(type=OuterRef("dispositif__type")) | Q(type__isnull=True))
        return self.dans(region).exclude(Exists(couvrantes))


class Credit(models.Model):
    """Un crédit notifié à un dispositif pour une année, sur une source."""

    dispositif = models.ForeignKey(
        "dispositifs.Dispositif", verbose_name="dispositif", on_delete=models.PROTECT, related_name="credits"
    )
    annee = models.PositiveSmallIntegerField("année")
    source = models.CharField("source", max_length=10, choices=Source.choices)
    montant = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)
    reconductible = models.BooleanField("reconductible", default=True)
    reference = models.CharField("référence de la notification", max_length=150, blank=True)
    commentaire = models.CharField("commentaire", max_length=300, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    history = AuditlogHistoryField()  # qui a modifié en dernier : le message d'un conflit le nomme

    objects = CreditQuerySet.as_manager()

    class Meta:
        verbose_name = "crédit"
        ordering = ["-annee", "dispositif", "source", "pk"]
        constraints = [
            models.CheckConstraint(name="credit_positif", condition=Q(montant__gt=0)),
            models.CheckConstraint(
                name="cnr_non_reconductible",
                condition=~Q(source="cnr") | Q(reconductible=False),
                violation_error_message="Un crédit non reconductible (CNR) n'est pas reconductible.",
            ),
        ]

    def __str__(self):
        return f"{self.dispositif} · {self.annee} · {self.get_source_display()} : {self.montant} €"

    @property
    def sigle_source(self) -> str:
        return SIGLES_SOURCES[self.source]


def _somme(credits) -> Subquery:
    zero = Value(Decimal(0), output_field=models.DecimalField(max_digits=14, decimal_places=2))
    total = credits.order_by().values("source").annotate(total=Sum("montant")).values("total")
    return Coalesce(Subquery(total), zero)


class EnveloppeQuerySet(models.QuerySet):
    def with_engage(self):
        """Annote `engage`, la somme des crédits que l'enveloppe couvre : ceux de la même année et de la même source,
        notifiés aux dispositifs de sa région ; pour une enveloppe d'un type, ceux de ce type ; pour une enveloppe de
        tous les types, ceux des types qui n'ont pas d'enveloppe à eux. La définition unique de l'engagé : la page
        budget, l'API et le contrôle du dépassement (financements/services.py) la lisent ici."""
        credits = Credit.objects.filter(
            annee=OuterRef("annee"),
            source=OuterRef("source"),
            dispositif__territoire__chemin__startswith=OuterRef("region__chemin"),
        )
        enveloppe_du_type = Enveloppe.objects.filter(
            region=OuterRef(OuterRef("region")),
            annee=OuterRef(OuterRef("annee")),
            source=OuterRef(OuterRef("source")),
            type=OuterRef("dispositif__type"),
        )
        return self.annotate(
            engage=Case(
                When(type__isnull=True, then=_somme(credits.exclude(Exists(enveloppe_du_type)))),
                default=_somme(credits.filter(dispositif__type=OuterRef("type"))),
            )
        )


class Enveloppe(models.Model):
    """L'enveloppe régionale d'une année sur une source, pour un type quand l'ARS la répartit ainsi."""

    region = models.ForeignKey(
        "territoires.Territoire",
        verbose_name="région",
        on_delete=models.PROTECT,
        limit_choices_to={"niveau": Niveau.REGION},
        related_name="enveloppes",
    )
    annee = models.PositiveSmallIntegerField("année")
    source = models.CharField("source", max_length=10, choices=Source.choices)
    type = models.ForeignKey(
        "dispositifs.TypeDispositif",
        verbose_name="type de dispositif",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enveloppes",
        help_text="Vide : l'enveloppe vaut pour tous les types de la source.",
    )
    montant = models.DecimalField("montant (€)", max_digits=14, decimal_places=2)
    reference = models.CharField("référence", max_length=150, blank=True)
    commentaire = models.CharField("commentaire", max_length=300, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    history = AuditlogHistoryField()

    objects = EnveloppeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe régionale"
        verbose_name_plural = "enveloppes régionales"
        ordering = ["region", "-annee", "source", "type__ordre"]
        constraints = [
            models.CheckConstraint(name="enveloppe_positive", condition=Q(montant__gte=0)),
            # Une enveloppe par région × année × source × type ; « tous types » (type vide) une fois aussi.
            models.UniqueConstraint(
                fields=["region", "annee", "source", "type"],
                name="une_enveloppe_par_type",
                condition=Q(type__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["region", "annee", "source"],
                name="une_enveloppe_tous_types",
                condition=Q(type__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.region} · {self.annee} · {self.libelle} : {self.montant} €"

    @property
    def libelle(self) -> str:
        """« FIR · ACT hors les murs », « ONDAM médico-social · tous types »."""
        return f"{SIGLES_SOURCES[self.source]} · {self.type.sigle if self.type_id else 'tous types'}"

    @property
    def disponible(self) -> Decimal:
        """Le reste de l'enveloppe (négatif au-delà) ; exige `engage` (`with_engage`)."""
        return self.montant - self.engage


class Base(models.TextChoices):
    """Ce que paie un coût de référence, tel que le dit sa source."""

    PLACE_AN = "place_an", "par place et par an"
    STRUCTURE_AN = "structure_an", "par structure et par an"
    LIT = "lit", "par lit créé"
    POSTE = "poste", "par poste"
    GLOBAL = "global", "montant global"


class Document(models.TextChoices):
    """Les documents sources du projet (shared/sources/README.md)."""

    PRAPS_HDF = "000", "ARS Hauts-de-France, volet santé de la stratégie pauvreté, PRAPS 2018-2022"
    AMI_IDF = (
        "001",
        "ARS Île-de-France, appel à manifestation préliminaire d'intérêt « aller-vers » (Ségur, mesure 27)",
    )
    PAGE_NATIONALE = "002", "Page nationale : renforcement des dispositifs médico-sociaux pour les personnes précaires"
    FEUILLE_OCCITANIE = "003", "Feuille de route DREETS / DDETS(PP) / ARS Occitanie (2024)"
    FEUILLES_HDF = "004", "ARS Hauts-de-France, feuilles de route territoriales (2024)"


class CoutReference(models.Model):
    """Un coût que donne un document source, avec sa citation : le montant cité, la quantité qu'il paie quand la
    source la donne, et ce qu'il paie (une place par an, une structure par an, un lit créé…). Chargé depuis
    financements/donnees/couts_reference.json (migration 0003) : on ne le saisit pas."""

    code = models.SlugField("code", max_length=50, unique=True)
    objet = models.CharField("objet", max_length=150)
    types = models.ManyToManyField(
        "dispositifs.TypeDispositif",
        verbose_name="types de dispositifs",
        blank=True,
        related_name="couts_reference",
        help_text="Vide : un objet hors du catalogue.",
    )
    base = models.CharField("base", max_length=15, choices=Base.choices)
    montant_cite = models.DecimalField("montant cité (€)", max_digits=14, decimal_places=2)
    quantite_citee = models.DecimalField(
        "quantité citée", max_digits=10, decimal_places=2, null=True, blank=True, help_text="Ce que paie le montant."
    )
    annuel = models.BooleanField("annuel", help_text="La source dit que le montant vaut pour une année.")
    perimetre = models.CharField("périmètre", max_length=100)
    document = models.CharField("document source", max_length=3, choices=Document.choices)
    emplacement = models.CharField("emplacement dans le document", max_length=200)
    citation = models.TextField("citation")
    note = models.TextField("note", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "coût de référence"
        verbose_name_plural = "coûts de référence"
        ordering = ["ordre", "code"]

    def __str__(self):
        return f"{self.objet} : {self.cout_unitaire or self.montant_cite} € {self.get_base_display()}"

    @property
    def cout_unitaire(self) -> Decimal | None:
        """Le coût d'une unité de la base (au centime) : le montant cité divisé par la quantité citée ; None pour un
        montant global, qui ne dit pas ce qu'il paie."""
        if self.base == Base.GLOBAL:
            return None
        montant = self.montant_cite / self.quantite_citee if self.quantite_citee else self.montant_cite
        return montant.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
