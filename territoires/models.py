from django.db import models


class Niveau(models.TextChoices):
    PAYS = "pays", "Pays"
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    TERRITOIRE_SANTE = "territoire_sante", "Territoire de santé"


class TerritoireQuerySet(models.QuerySet):
    def descendants(self, territoire, *, inclus=False):
        """Tout ce qui est sous `territoire`, en une requête servie par l'index du chemin."""
        sous_arbre = self.filter(chemin__startswith=territoire.chemin)
        return sous_arbre if inclus else sous_arbre.exclude(pk=territoire.pk)

    def pays(self):
        return self.filter(niveau=Niveau.PAYS)

    def pays_et_regions(self):
        """La France et ses régions : les choix des pages qui montrent une région ou tout le pays."""
        return self.filter(niveau__in=[Niveau.PAYS, Niveau.REGION])

    def regions(self):
        return self.filter(niveau=Niveau.REGION)

    def departements(self):
        return self.filter(niveau=Niveau.DEPARTEMENT)


def code_region(chemin: str, niveau: str) -> str | None:
    """Le code de la région qui contient un territoire (ou la sienne), lu dans son chemin (sans requête) ; l'API
    le lit aussi sur les lignes de `.values()`."""
    segments = chemin.split("/")
    return segments[1] if niveau != Niveau.PAYS and len(segments) > 2 else None


class Territoire(models.Model):
    """Un nœud de l'arbre unique France > région > département > territoire de santé.

    Chaque nœud garde son chemin matérialisé (« FR/32/59/32-nord-hainaut/ ») : les descendants d'un
    territoire sont ceux dont le chemin commence par le sien, une seule requête sur un index.
    """

    niveau = models.CharField("niveau", max_length=20, choices=Niveau.choices)
    code = models.CharField("code", max_length=30, help_text="Code officiel INSEE quand il existe.")
    nom = models.CharField("nom", max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name="parent", on_delete=models.PROTECT, null=True, blank=True, related_name="enfants"
    )
    # unique : PostgreSQL reçoit aussi de Django un index varchar_pattern_ops (« _like ») qui sert les
    # recherches de préfixe des descendants.
    chemin = models.CharField("chemin", max_length=255, unique=True, editable=False)
    population = models.PositiveIntegerField(
        "population municipale", null=True, blank=True, help_text="Vide quand aucune source ne la donne."
    )
    millesime_population = models.PositiveSmallIntegerField("millésime de la population", null=True, blank=True)
    source_population = models.CharField("source de la population", max_length=200, blank=True)
    note = models.CharField("note", max_length=300, blank=True)

    objects = TerritoireQuerySet.as_manager()

    class Meta:
        verbose_name = "territoire"
        ordering = ["chemin"]
        constraints = [models.UniqueConstraint(fields=["niveau", "code"], name="territoire_code_unique_par_niveau")]

    def __str__(self):
        if self.niveau == Niveau.DEPARTEMENT:
            return f"{self.nom} ({self.code})"
        return self.nom

    def save(self, *args, **kwargs):
        self.chemin = self.calculer_chemin()
        super().save(*args, **kwargs)

    def calculer_chemin(self) -> str:
        prefixe = self.parent.chemin if self.parent else ""
        return f"{prefixe}{self.code}/"

    @property
    def code_region(self) -> str | None:
        return code_region(self.chemin, self.niveau)

    @property
    def est_outre_mer(self) -> bool:
        """Un département ou une région d'outre-mer : codes 971 à 976, et 01 à 06 pour les régions (INSEE, COG)."""
        if self.niveau == Niveau.REGION:
            return self.code < "10"
        return self.niveau == Niveau.DEPARTEMENT and self.code.startswith("97")


class Contour(models.Model):
    """Contour GeoJSON d'un département, ou d'une région (construit depuis ses départements : territoires/contours.py),
    à part pour ne jamais alourdir les listes de territoires."""

    territoire = models.OneToOneField(Territoire, on_delete=models.CASCADE, related_name="contour")
    geometrie = models.JSONField("géométrie GeoJSON (WGS84)")

    class Meta:
        verbose_name = "contour"

    def __str__(self):
        return f"Contour de {self.territoire}"
