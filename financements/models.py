"""L'argent du PRAPS : les crédits notifiés à chaque dispositif, année par année, et les enveloppes régionales
dans lesquelles ils s'engagent (étape « financer et autoriser » de la boucle)."""

from django.db import models
from django.db.models import Q

from territoires.models import Niveau


class Source(models.TextChoices):
    FIR = "fir", "FIR (fonds d'intervention régional)"
    ONDAM_MS = "ondam_ms", "ONDAM médico-social (personnes confrontées à des difficultés spécifiques)"
    MIG = "mig", "MIG (mission d'intérêt général)"
    DAF_PSY = "daf_psy", "DAF psychiatrie"
    CNR = "cnr", "CNR (crédits non reconductibles)"


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
        pour = f" · {self.type}" if self.type_id else ""
        return f"{self.region} · {self.annee} · {self.get_source_display()}{pour} : {self.montant} €"
