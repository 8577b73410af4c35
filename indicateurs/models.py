from django.db import models
from django.db.models import Q


class Agregation(models.TextChoices):
    """Comment une valeur mensuelle se cumule sur un trimestre ou une année (comme les règles de DHIS2)."""

    SOMME = "somme", "Somme sur la période (flux)"
    MOYENNE = "moyenne", "Moyenne des mois (stock)"
    DERNIERE = "derniere", "Dernière valeur de la période (stock)"
    TAUX = "taux", "Taux recalculé : Σ numérateur / Σ dénominateur"


class NatureValeur(models.TextChoices):
    ENTIER = "entier", "Nombre entier"
    DECIMAL = "decimal", "Nombre décimal"


class Indicateur(models.Model):
    """Un indicateur commun, identique pour tous les opérateurs, sans aucune donnée nominative."""

    code = models.SlugField("code", max_length=40, unique=True)
    libelle = models.CharField("libellé", max_length=150)
    definition = models.TextField("définition")
    unite = models.CharField("unité", max_length=30, help_text="personnes, actes, journées, ETP, %…")
    nature_valeur = models.CharField("nature de la valeur", max_length=10, choices=NatureValeur.choices)
    agregation = models.CharField("règle d'agrégation", max_length=10, choices=Agregation.choices)
    numerateur = models.ForeignKey(
        "self", verbose_name="numérateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominateur = models.ForeignKey(
        "self", verbose_name="dénominateur", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    types = models.ManyToManyField(
        "dispositifs.TypeDispositif", verbose_name="types de dispositifs concernés", related_name="indicateurs"
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "indicateur"
        ordering = ["ordre", "code"]
        constraints = [
            models.CheckConstraint(
                name="taux_calcule_depuis_deux_indicateurs",
                condition=(Q(agregation="taux") & Q(numerateur__isnull=False) & Q(denominateur__isnull=False))
                | (~Q(agregation="taux") & Q(numerateur__isnull=True) & Q(denominateur__isnull=True)),
                violation_error_message="Un taux se calcule à partir d'un numérateur et d'un dénominateur.",
            )
        ]

    def __str__(self):
        return self.libelle

    @property
    def est_calcule(self) -> bool:
        """Un taux ne se déclare pas : il se recalcule depuis ses deux indicateurs."""
        return self.agregation == Agregation.TAUX


class StatutDeclaration(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    TRANSMISE = "transmise", "Transmise à l'ARS"
    VALIDEE = "validee", "Validée"
    RENVOYEE = "renvoyee", "Renvoyée à l'opérateur"


class Declaration(models.Model):
    """Les valeurs d'un dispositif pour un mois."""

    dispositif = models.ForeignKey(
        "dispositifs.Dispositif", verbose_name="dispositif", on_delete=models.PROTECT, related_name="declarations"
    )
    mois = models.DateField("mois", help_text="Le premier jour du mois déclaré.")
    statut = models.CharField(
        "statut", max_length=10, choices=StatutDeclaration.choices, default=StatutDeclaration.BROUILLON
    )
    motif_renvoi = models.TextField("motif du renvoi", blank=True)
    transmise_le = models.DateTimeField("transmise le", null=True, blank=True)
    validee_le = models.DateTimeField("validée le", null=True, blank=True)
    validee_par = models.ForeignKey(
        "comptes.Utilisateur", verbose_name="validée par", on_delete=models.PROTECT, null=True, blank=True
    )
    version = models.PositiveIntegerField("version", default=1)

    class Meta:
        verbose_name = "déclaration mensuelle"
        verbose_name_plural = "déclarations mensuelles"
        ordering = ["-mois", "dispositif"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "mois"], name="une_declaration_par_mois"),
            models.CheckConstraint(name="mois_au_premier_jour", condition=Q(mois__day=1)),
        ]

    def __str__(self):
        return f"{self.dispositif} — {self.mois:%m/%Y}"


class Valeur(models.Model):
    declaration = models.ForeignKey(
        Declaration, verbose_name="déclaration", on_delete=models.CASCADE, related_name="valeurs"
    )
    indicateur = models.ForeignKey(
        Indicateur, verbose_name="indicateur", on_delete=models.PROTECT, related_name="valeurs"
    )
    valeur = models.DecimalField("valeur", max_digits=12, decimal_places=2)
    commentaire = models.CharField(
        "commentaire",
        max_length=300,
        blank=True,
        help_text="Obligatoire quand la valeur sort de l'habitude du dispositif.",
    )

    class Meta:
        verbose_name = "valeur"
        ordering = ["declaration", "indicateur__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "indicateur"], name="une_valeur_par_indicateur"),
            models.CheckConstraint(name="valeur_positive", condition=Q(valeur__gte=0)),
        ]

    def __str__(self):
        return f"{self.indicateur.code} = {self.valeur}"
