"""L'instruction par l'ARS (et la DREETS en co-instruction) : avis notés, décisions, demandes de complément."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from appels.models.appels import FORMAT_HEURE
from appels.models.candidatures import Candidature
from commun.nombres import euros, nombre

NOTE_MAX = 10


class Avis(models.Model):
    """L'avis d'un évaluateur sur une candidature : une note de 0 à 10 par critère de la grille, un commentaire
    partagé avec les autres évaluateurs et une annotation que lui seul voit.

    Le total, sur 100, vaut Σ note × poids / Σ poids × 10 ; il n'existe que lorsque tous les critères sont notés
    (l'avis est alors « complet » et compte dans l'avancement de l'instruction).
    """

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="avis"
    )
    evaluateur = models.ForeignKey(
        "comptes.Utilisateur", verbose_name="évaluateur", on_delete=models.PROTECT, related_name="avis"
    )
    notes = models.JSONField("notes", default=dict, blank=True, help_text="{identifiant du critère: note de 0 à 10}")
    total = models.DecimalField("total sur 100", max_digits=5, decimal_places=2, null=True, blank=True)
    complet = models.BooleanField("complet", default=False, help_text="Tous les critères de la grille sont notés.")
    commentaire = models.TextField("commentaire", blank=True, help_text="Lu par les autres évaluateurs.")
    annotation_privee = models.TextField("annotation privée", blank=True, help_text="Lue par son seul auteur.")
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "avis"
        verbose_name_plural = "avis"
        ordering = ["candidature", "created_at"]
        constraints = [models.UniqueConstraint(fields=["candidature", "evaluateur"], name="un_avis_par_evaluateur")]

    def __str__(self):
        return f"Avis de {self.evaluateur} sur {self.candidature_id}"

    @staticmethod
    def total_sur_100(notes: dict, criteres) -> Decimal | None:
        """Σ note × poids / Σ poids, ramené sur 100 ; None tant qu'un critère n'est pas noté."""
        if not criteres or any(notes.get(str(c.pk)) is None for c in criteres):
            return None
        somme = sum(Decimal(notes[str(c.pk)]) * c.poids for c in criteres)
        return (somme * 10 / sum(c.poids for c in criteres)).quantize(Decimal("0.01"))

    @property
    def total_lisible(self) -> str:
        """« 74,5 / 100 », ou « incomplet » tant qu'un critère n'est pas noté."""
        return f"{nombre(self.total, 1)} / 100" if self.total is not None else "incomplet"

    @property
    def heure_lisible(self) -> str:
        return timezone.localtime(self.updated_at).strftime(FORMAT_HEURE)


class NatureDecision(models.TextChoices):
    RETENUE = "retenue", "Retenue"
    NON_RETENUE = "non_retenue", "Non retenue"
    REORIENTEE = "reorientee", "Réorientée vers un autre type"


class Decision(models.Model):
    """La décision de l'ARS sur une candidature ; l'opérateur en est informé et la lit dans « Mes candidatures »."""

    candidature = models.OneToOneField(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="decision"
    )
    nature = models.CharField("décision", max_length=15, choices=NatureDecision.choices)
    type_propose = models.ForeignKey(
        "dispositifs.TypeDispositif",
        verbose_name="type proposé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_reorientees",
        help_text="Le type vers lequel l'ARS repositionne le projet.",
    )
    motif = models.TextField("motif", blank=True, help_text="Communiqué à l'opérateur.")
    montant_retenu = models.DecimalField("montant retenu (€)", max_digits=12, decimal_places=0, null=True, blank=True)
    capacite_retenue = models.DecimalField(
        "capacité retenue", max_digits=8, decimal_places=2, null=True, blank=True, help_text="Dans l'unité du type."
    )
    decide_par = models.ForeignKey(
        "comptes.Utilisateur", verbose_name="décidée par", on_delete=models.PROTECT, related_name="decisions"
    )
    decide_le = models.DateTimeField("décidée le")
    version = models.PositiveIntegerField("version", default=1)

    dispositif = models.OneToOneField(
        "dispositifs.Dispositif",
        verbose_name="projet créé",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision",
        help_text="Le dispositif « projet » né de la candidature retenue (perspectives du tableau de planification).",
    )

    class Meta:
        verbose_name = "décision"
        constraints = [
            models.CheckConstraint(
                name="type_propose_si_reorientee",
                condition=~Q(nature=NatureDecision.REORIENTEE) | Q(type_propose__isnull=False),
                violation_error_message="Une réorientation indique le type proposé.",
            )
        ]

    def __str__(self):
        return f"{self.get_nature_display()} — {self.candidature_id}"

    @staticmethod
    def verifier(*, nature, type_propose, motif: str):
        """Ce qu'une décision doit dire, champ par champ ; ValidationError sinon."""
        erreurs = {}
        if nature not in NatureDecision.values:
            erreurs["nature"] = ValidationError("Choisissez une décision.", code="requise")
        if nature == NatureDecision.REORIENTEE and type_propose is None:
            erreurs["type_propose"] = ValidationError(
                "Indiquez le type de dispositif vers lequel le projet est réorienté.", code="requis"
            )
        if nature in (NatureDecision.NON_RETENUE, NatureDecision.REORIENTEE) and not motif.strip():
            erreurs["motif"] = ValidationError("Donnez le motif : il est communiqué à l'opérateur.", code="requis")
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def heure_lisible(self) -> str:
        return timezone.localtime(self.decide_le).strftime(FORMAT_HEURE)

    @property
    def resume(self) -> str:
        """« Retenue, montant retenu 200 000 €, motif « … » » : la décision en une ligne."""
        details = [self.get_nature_display()]
        if self.type_propose_id:
            details.append(f"type proposé {self.type_propose.sigle}")
        if self.montant_retenu is not None:
            details.append(f"montant retenu {euros(self.montant_retenu)}")
        if self.motif:
            details.append(f"motif « {self.motif} »")
        return ", ".join(details)


class DemandeComplementQuerySet(models.QuerySet):
    def en_attente(self):
        """Les demandes qui attendent encore la réponse de l'opérateur."""
        return self.filter(repondue_le__isnull=True)


class DemandeComplement(models.Model):
    """Une demande de l'ARS pour compléter le dossier, et la réponse confirmée de l'opérateur."""

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="complements"
    )
    demandee_par = models.ForeignKey(
        "comptes.Utilisateur",
        verbose_name="demandée par",
        on_delete=models.PROTECT,
        related_name="complements_demandes",
    )
    message = models.TextField("message de l'ARS")
    demandee_le = models.DateTimeField("demandée le", auto_now_add=True)
    reponse = models.TextField("réponse de l'opérateur", blank=True)
    repondu_par = models.ForeignKey(
        "comptes.Utilisateur",
        verbose_name="répondue par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complements_repondus",
    )
    repondue_le = models.DateTimeField("répondue le", null=True, blank=True)
    confirmee = models.BooleanField("réponse confirmée", default=False)

    objects = DemandeComplementQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de complément"
        verbose_name_plural = "demandes de complément"
        ordering = ["candidature", "demandee_le", "pk"]

    def __str__(self):
        return f"Demande de complément du {self.demandee_le:%d/%m/%Y}"

    @property
    def heure_lisible(self) -> str:
        return timezone.localtime(self.demandee_le).strftime(FORMAT_HEURE)
