"""La planification : des horizons de programmation et, pour chacun, des cibles par type × territoire."""

from auditlog.models import AuditlogHistoryField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Horizon(models.Model):
    """Horizon de programmation : « PRAPS 2018-2022 », « Cibles 2019-2023 », « PRS 2023-2028 »."""

    slug = models.SlugField("identifiant", max_length=50, unique=True)
    libelle = models.CharField("libellé", max_length=100)
    debut = models.DateField("début")
    fin = models.DateField("fin")
    description = models.TextField(
        "description",
        blank=True,
        help_text="Ce que portent les objectifs de l'horizon et d'où ils viennent (source, ce qu'elle compte).",
    )
    version = models.PositiveIntegerField("version", default=1, help_text="Incrémentée à chaque modification.")

    class Meta:
        verbose_name = "horizon de programmation"
        verbose_name_plural = "horizons de programmation"
        ordering = ["-fin", "libelle"]

    def __str__(self):
        return self.libelle


def valider_valeur_de_cible(valeur, type_=None):
    """La règle de la saisie, à la page comme dans l'API ; la contrainte « cible_positive » la garde en base. Une
    cible se compte dans l'unité de son `type_` : entière, sauf en postes (ETP) (`refus_de_decimales`)."""
    if valeur < 0:
        raise ValidationError("Une cible ne peut pas être négative.", code="cible_negative")
    if type_ is not None and (message := type_.refus_de_decimales(valeur, quoi="la cible")):
        raise ValidationError(message, code="cible_non_entiere")


class CibleQuerySet(models.QuerySet):
    def with_type_territoire_horizon(self):
        """La case de chaque cible lue dans la même requête : ce que montrent la liste de l'API et l'historique."""
        return self.select_related("type", "territoire", "horizon")


class Cible(models.Model):
    """Objectif de capacité d'un type de dispositif sur un territoire, pour un horizon."""

    type = models.ForeignKey(
        "dispositifs.TypeDispositif", verbose_name="type", on_delete=models.PROTECT, related_name="cibles"
    )
    territoire = models.ForeignKey(
        "territoires.Territoire", verbose_name="territoire", on_delete=models.PROTECT, related_name="cibles"
    )
    horizon = models.ForeignKey(Horizon, verbose_name="horizon", on_delete=models.PROTECT, related_name="cibles")
    valeur = models.DecimalField("cible", max_digits=8, decimal_places=2)
    version = models.PositiveIntegerField("version", default=1, help_text="Incrémentée à chaque modification.")
    fictif = models.BooleanField(
        "fictive", default=False, help_text="Cible inventée pour la démonstration ; une saisie la rend réelle."
    )
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    # Le motif du changement en cours, posé par planification.services.modifier_cible : django-auditlog le range
    # dans l'entrée du journal (get_additional_data), avec l'auteur, la date, l'ancienne et la nouvelle valeur.
    motif = ""
    history = AuditlogHistoryField()

    objects = CibleQuerySet.as_manager()

    class Meta:
        verbose_name = "cible"
        ordering = ["horizon", "type__ordre", "territoire__chemin"]
        constraints = [
            models.UniqueConstraint(fields=["type", "territoire", "horizon"], name="une_cible_par_case"),
            models.CheckConstraint(name="cible_positive", condition=Q(valeur__gte=0)),
        ]

    def __str__(self):
        return f"{self.type.sigle} · {self.territoire} · {self.horizon} : {self.valeur}"

    def get_additional_data(self) -> dict | None:
        return {"motif": self.motif} if self.motif else None
