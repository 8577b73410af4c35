"""La planification : des horizons de programmation et, pour chacun, des cibles par type × territoire."""

from auditlog.models import AuditlogHistoryField
from django.db import models
from django.db.models import Q


class Horizon(models.Model):
    """Horizon de programmation : « PRAPS 2018-2022 », « Cibles 2019-2023 », « PRS 2023-2028 »."""

    slug = models.SlugField("identifiant", max_length=50, unique=True)
    libelle = models.CharField("libellé", max_length=100)
    debut = models.DateField("début")
    fin = models.DateField("fin")

    class Meta:
        verbose_name = "horizon de programmation"
        verbose_name_plural = "horizons de programmation"
        ordering = ["-fin", "libelle"]

    def __str__(self):
        return self.libelle


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
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    # Le motif du changement en cours, posé par planification.services.modifier_cible : django-auditlog le range
    # dans l'entrée du journal (get_additional_data), avec l'auteur, la date, l'ancienne et la nouvelle valeur.
    motif = ""
    history = AuditlogHistoryField()

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
