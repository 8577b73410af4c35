import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q

from commun.mois import decaler
from indicateurs.regles import COMMENTAIRE_MAX, VALEUR_CHIFFRES, VALEUR_DECIMALES


class Agregation(models.TextChoices):
    """Comment une valeur mensuelle se cumule sur un trimestre ou une année (comme les règles de DHIS2)."""

    SOMME = "somme", "Somme sur la période (flux)"
    MOYENNE = "moyenne", "Moyenne des mois (stock)"
    DERNIERE = "derniere", "Dernière valeur de la période (stock)"
    TAUX = "taux", "Taux recalculé : Σ numérateur / Σ dénominateur"


class NatureValeur(models.TextChoices):
    ENTIER = "entier", "Nombre entier"
    DECIMAL = "decimal", "Nombre décimal"


class IndicateurQuerySet(models.QuerySet):
    def actifs(self):
        """Le catalogue en service, dans son ordre : le tableau de bord, ses filtres et l'API le lisent."""
        return self.filter(actif=True)

    def saisis(self):
        """Les indicateurs actifs que l'opérateur déclare : tous sauf les taux, qui se recalculent."""
        return self.actifs().exclude(agregation=Agregation.TAUX)

    def hors_categories(self):
        """Les indicateurs qui se montrent seuls (chiffres clés, croisements, éditions publiques) : pas les
        catégories d'une ventilation, qui ne paraissent qu'avec leur total, sous un secret commun
        (indicateurs/ventilation.py) ; montrées seules, une catégorie masquée se retrouverait par différence."""
        return self.filter(total__isnull=True)

    def for_type(self, type_id: int):
        """Ceux qui concernent un type de dispositif : `Indicateur.objects.saisis().for_type(d.type_id)` donne les
        cases du formulaire d'un dispositif."""
        return self.filter(types=type_id)


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
    total = models.ForeignKey(
        "self",
        verbose_name="total ventilé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="categories",
        help_text="Pour une catégorie d'une ventilation : le total qu'elle décompose avec les autres catégories.",
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    actif = models.BooleanField("actif", default=True)

    objects = IndicateurQuerySet.as_manager()

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


class StatutDeclaration(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    TRANSMISE = "transmise", "Transmise à l'ARS"
    VALIDEE = "validee", "Validée"
    RENVOYEE = "renvoyee", "Renvoyée à l'opérateur"


# Ce que l'opérateur peut encore modifier ; ce que l'ARS a reçu (transmis ou déjà validé).
MODIFIABLES = (StatutDeclaration.BROUILLON, StatutDeclaration.RENVOYEE)
RECUES = (StatutDeclaration.TRANSMISE, StatutDeclaration.VALIDEE)


class DeclarationQuerySet(models.QuerySet):
    def recues(self):
        return self.filter(statut__in=RECUES)

    def avec_valeurs(self):
        """Le dispositif, son type et les valeurs avec leur indicateur, préchargés : la page de l'API et la file de
        validation se lisent ainsi en un nombre fixe de requêtes."""
        valeurs = Valeur.objects.select_related("indicateur").order_by("indicateur__ordre")
        return self.select_related("dispositif__type").prefetch_related(models.Prefetch("valeurs", queryset=valeurs))


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

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = "déclaration mensuelle"
        verbose_name_plural = "déclarations mensuelles"
        ordering = ["-mois", "dispositif"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "mois"], name="une_declaration_par_mois"),
            models.CheckConstraint(name="mois_au_premier_jour", condition=Q(mois__day=1)),
        ]
        # L'agrégation lit les déclarations validées d'un intervalle de mois, tous dispositifs confondus.
        indexes = [models.Index(fields=["mois", "statut"], name="declaration_mois_statut")]

    def __str__(self):
        return f"{self.dispositif} — {self.mois:%m/%Y}"

    @property
    def est_modifiable(self) -> bool:
        """L'opérateur peut encore la changer : brouillon, ou renvoyée par l'ARS."""
        return self.statut in MODIFIABLES


class ValeurQuerySet(models.QuerySet):
    def historique(self, dispositif, mois) -> dict[str, list[Decimal]]:
        """Les valeurs validées des douze mois qui précèdent `mois`, par code d'indicateur : l'habitude du
        dispositif, à laquelle une nouvelle valeur se compare (une requête)."""
        lignes = self.filter(
            declaration__dispositif=dispositif,
            declaration__statut=StatutDeclaration.VALIDEE,
            declaration__mois__gte=decaler(mois, -12),
            declaration__mois__lt=mois,
        ).values_list("indicateur__code", "valeur")
        passe: dict[str, list[Decimal]] = {}
        for code, valeur in lignes:
            passe.setdefault(code, []).append(valeur)
        return passe


class Valeur(models.Model):
    declaration = models.ForeignKey(
        Declaration, verbose_name="déclaration", on_delete=models.CASCADE, related_name="valeurs"
    )
    indicateur = models.ForeignKey(
        Indicateur, verbose_name="indicateur", on_delete=models.PROTECT, related_name="valeurs"
    )
    valeur = models.DecimalField("valeur", max_digits=VALEUR_CHIFFRES, decimal_places=VALEUR_DECIMALES)
    commentaire = models.CharField(
        "commentaire",
        max_length=COMMENTAIRE_MAX,
        blank=True,
        help_text="Obligatoire quand la valeur sort de l'habitude du dispositif.",
    )

    objects = ValeurQuerySet.as_manager()

    class Meta:
        verbose_name = "valeur"
        ordering = ["declaration", "indicateur__ordre"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "indicateur"], name="une_valeur_par_indicateur"),
            models.CheckConstraint(name="valeur_positive", condition=Q(valeur__gte=0)),
        ]

    def __str__(self):
        return f"{self.indicateur.code} = {self.valeur}"


class DerogationQuerySet(models.QuerySet):
    def en_cours(self, aujourd_hui):
        """Les dérogations qui rouvrent encore leur mois ce jour-là."""
        return self.filter(jusqu_au__gte=aujourd_hui)


class Derogation(models.Model):
    """Un mois verrouillé rouvert par l'ARS pour un dispositif, jusqu'à une date."""

    dispositif = models.ForeignKey(
        "dispositifs.Dispositif", verbose_name="dispositif", on_delete=models.CASCADE, related_name="derogations"
    )
    mois = models.DateField("mois rouvert", help_text="Le premier jour du mois.")
    jusqu_au = models.DateField("rouvert jusqu'au")
    motif = models.CharField("motif", max_length=300)
    accordee_par = models.ForeignKey("comptes.Utilisateur", verbose_name="accordée par", on_delete=models.PROTECT)
    accordee_le = models.DateTimeField("accordée le", auto_now_add=True)

    objects = DerogationQuerySet.as_manager()

    class Meta:
        verbose_name = "dérogation au verrouillage"
        verbose_name_plural = "dérogations au verrouillage"
        ordering = ["-mois", "dispositif"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "mois"], name="une_derogation_par_mois"),
            models.CheckConstraint(name="derogation_mois_au_premier_jour", condition=Q(mois__day=1)),
        ]

    def __str__(self):
        return f"{self.dispositif} — {self.mois:%m/%Y} rouvert jusqu'au {self.jusqu_au:%d/%m/%Y}"


class MomentRelance(models.TextChoices):
    AVANT = "avant", "Avant l'échéance"
    APRES = "apres", "Après l'échéance"


class Relance(models.Model):
    """Une relance envoyée pour un mois non déclaré : l'unicité empêche d'écrire deux fois la même."""

    dispositif = models.ForeignKey(
        "dispositifs.Dispositif", verbose_name="dispositif", on_delete=models.CASCADE, related_name="relances"
    )
    mois = models.DateField("mois")
    moment = models.CharField("moment", max_length=5, choices=MomentRelance.choices)
    envoyee_le = models.DateTimeField("envoyée le", auto_now_add=True)

    class Meta:
        verbose_name = "relance"
        ordering = ["-mois", "dispositif"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "mois", "moment"], name="une_relance_par_moment"),
        ]

    def __str__(self):
        return f"Relance {self.get_moment_display().lower()} — {self.dispositif} — {self.mois:%m/%Y}"


class Granularite(models.TextChoices):
    MOIS = "mois", "Mois"
    TRIMESTRE = "trimestre", "Trimestre"
    ANNEE = "annee", "Année"


class AgregatQuerySet(models.QuerySet):
    def dernier_mois(self, territoire) -> datetime.date | None:
        """Le dernier mois agrégé dans le territoire (une requête). Le dernier mois de chaque territoire du sous-arbre
        se lit à rebours sur l'index (territoire, granularité, période), puis on garde le plus récent : pas de
        parcours des agrégats, quel que soit leur nombre."""
        from territoires.models import Territoire

        dernier = (
            self.filter(territoire=models.OuterRef("pk"), granularite=Granularite.MOIS)
            .order_by("-periode")
            .values("periode")[:1]
        )
        dans = Territoire.objects.filter(chemin__startswith=territoire.chemin)
        return dans.aggregate(dernier=models.Max(models.Subquery(dernier)))["dernier"]


class Agregat(models.Model):
    """Une valeur de synthèse : indicateur × type × territoire × période, calculée par le worker depuis les
    déclarations validées (indicateurs/agregation.py). Jamais saisie."""

    indicateur = models.ForeignKey(
        Indicateur, verbose_name="indicateur", on_delete=models.CASCADE, related_name="agregats"
    )
    type = models.ForeignKey(
        "dispositifs.TypeDispositif", verbose_name="type", on_delete=models.CASCADE, related_name="agregats"
    )
    territoire = models.ForeignKey(
        "territoires.Territoire", verbose_name="territoire", on_delete=models.CASCADE, related_name="agregats"
    )
    granularite = models.CharField("granularité", max_length=10, choices=Granularite.choices)
    periode = models.DateField("période", help_text="Le premier jour du mois, du trimestre ou de l'année.")
    valeur = models.DecimalField("valeur", max_digits=14, decimal_places=2, null=True)
    numerateur = models.DecimalField("Σ numérateur", max_digits=14, decimal_places=2, null=True)
    denominateur = models.DecimalField("Σ dénominateur", max_digits=14, decimal_places=2, null=True)
    nb_dispositifs = models.PositiveIntegerField("dispositifs contributeurs")
    nb_declarations = models.PositiveIntegerField("déclarations validées (dispositif × mois)")
    nb_attendues = models.PositiveIntegerField("déclarations attendues (dispositif × mois)")
    calcule_le = models.DateTimeField("calculé le")

    objects = AgregatQuerySet.as_manager()

    class Meta:
        verbose_name = "agrégat"
        ordering = ["indicateur__ordre", "type__ordre", "territoire__chemin", "granularite", "periode"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicateur", "type", "territoire", "granularite", "periode"], name="un_agregat_par_cellule"
            ),
        ]
        indexes = [
            models.Index(fields=["territoire", "granularite", "periode"], name="agregat_territoire_periode"),
            # Le recalcul d'une période efface ses agrégats avant de les réécrire ; le recalcul incrémental lit
            # (somme des régions) et efface ceux de quelques territoires : le territoire en dernier sert les deux.
            models.Index(fields=["granularite", "periode", "type", "territoire"], name="agregat_periode_type_terr"),
        ]

    def __str__(self):
        return f"{self.indicateur.code} {self.type_id} {self.territoire_id} {self.granularite} {self.periode}"

    @property
    def completude(self):
        return completude_en_pourcentage(self.nb_declarations, self.nb_attendues)


def completude_en_pourcentage(nb_declarations: int, nb_attendues: int) -> float | None:
    """Part des déclarations attendues qui sont validées, en % ; None quand rien n'était attendu. L'API la
    calcule aussi sur les lignes qu'elle lit sans instancier d'agrégat."""
    return round(100 * nb_declarations / nb_attendues, 1) if nb_attendues else None


class StatutRapport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours de génération"
    PRET = "pret", "Prêt"
    ECHEC = "echec", "Échec"


EN_TRAVAIL = (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS)
# Le secret statistique se calcule sur le tableau de toute la région : un rapport public d'un département,
# protégé à part, rendrait recalculable une case que le rapport régional masque.
MOTIF_PUBLIC_REGIONAL = "La version publique n'existe que pour une région entière (secret statistique)."


class Rapport(models.Model):
    """Le rapport PDF mensuel d'une région ou d'un département, en version interne ou publique (secret
    statistique). Chaque génération ajoute une version (VersionRapport) et n'en efface aucune ; la ligne décrit
    la version servie (fichier, empreinte, taille, date, provisoire), qu'elle désigne d'un coup une fois le PDF
    écrit en entier : elle ne désigne jamais un fichier à moitié écrit."""

    territoire = models.ForeignKey(
        "territoires.Territoire", verbose_name="périmètre", on_delete=models.PROTECT, related_name="rapports"
    )
    mois = models.DateField("mois", help_text="Le premier jour du mois couvert.")
    public = models.BooleanField("version publique", default=False)
    statut = models.CharField("statut", max_length=10, choices=StatutRapport.choices, default=StatutRapport.EN_ATTENTE)
    etape = models.CharField("étape en cours", max_length=100, blank=True)
    fichier = models.FileField("fichier PDF", upload_to="rapports/", blank=True)
    empreinte = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    taille = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    genere_le = models.DateTimeField("généré le", null=True, blank=True)
    demande_le = models.DateTimeField("demandé le", auto_now_add=True)
    demande_par = models.ForeignKey(
        "comptes.Utilisateur", verbose_name="demandé par", on_delete=models.SET_NULL, null=True, blank=True
    )
    erreur = models.TextField("erreur", blank=True)
    motif = models.CharField(
        "motif de la demande", max_length=300, blank=True, help_text="Recopié sur la version que la demande produit."
    )
    provisoire = models.BooleanField(
        "provisoire",
        default=False,
        help_text="La version servie a été produite avant l'échéance des déclarations du mois.",
    )

    class Meta:
        verbose_name = "rapport mensuel"
        verbose_name_plural = "rapports mensuels"
        ordering = ["-mois", "territoire__chemin", "public"]
        constraints = [
            models.UniqueConstraint(fields=["territoire", "mois", "public"], name="un_rapport_par_mois_et_version"),
            models.CheckConstraint(name="rapport_mois_au_premier_jour", condition=Q(mois__day=1)),
        ]

    def __str__(self):
        return f"Rapport {self.version} {self.territoire} — {self.mois:%m/%Y}"

    @property
    def version(self) -> str:
        """« public » ou « interne » : le mot des noms de fichiers et des titres."""
        return "public" if self.public else "interne"

    @property
    def en_travail(self) -> bool:
        return self.statut in EN_TRAVAIL

    @property
    def deja_genere(self) -> bool:
        """Prêt depuis la dernière demande : une tâche rejouée (acks_late) après un succès ne refait pas le travail."""
        return self.statut == StatutRapport.PRET and self.genere_le is not None and self.genere_le >= self.demande_le


class VersionRapport(models.Model):
    """Un PDF produit pour un rapport, gardé et téléchargeable : régénérer ajoute une version, jamais ne remplace."""

    rapport = models.ForeignKey(Rapport, verbose_name="rapport", on_delete=models.CASCADE, related_name="versions")
    numero = models.PositiveIntegerField("numéro")
    fichier = models.FileField("fichier PDF", upload_to="rapports/")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    genere_le = models.DateTimeField("généré le")
    motif = models.CharField("motif", max_length=300, blank=True)
    demande_par = models.ForeignKey(
        "comptes.Utilisateur", verbose_name="demandé par", on_delete=models.SET_NULL, null=True, blank=True
    )
    provisoire = models.BooleanField(
        "provisoire", default=False, help_text="Produite avant l'échéance des déclarations du mois couvert."
    )
    # La complétude du mois telle que le rapport l'imprime (ligne « Total » du tableau de bord) ; vide pour les
    # versions produites avant qu'elle soit notée.
    declarations_validees = models.PositiveIntegerField("déclarations validées", null=True, blank=True)
    declarations_attendues = models.PositiveIntegerField("déclarations attendues", null=True, blank=True)
    completude = models.DecimalField("complétude (%)", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "version d'un rapport"
        verbose_name_plural = "versions des rapports"
        ordering = ["rapport", "-numero"]
        constraints = [models.UniqueConstraint(fields=["rapport", "numero"], name="un_numero_par_version_de_rapport")]

    def __str__(self):
        return f"{self.rapport} — version {self.numero}"


class EditionPubliqueQuerySet(models.QuerySet):
    def courantes(self):
        """La dernière édition de chaque mois : celle que lisent la page publique et le rapport public."""
        suivante = EditionPublique.objects.filter(
            region=models.OuterRef("region"), mois=models.OuterRef("mois"), numero__gt=models.OuterRef("numero")
        )
        return self.filter(~models.Exists(suivante))


class EditionPublique(models.Model):
    """Les chiffres publics d'un mois d'une région, figés : chaque indicateur, son croisement département × type
    tel que calculé à la publication (cellules brutes) et les cases publiées « secret ». Un mois se publie une
    fois, après son verrouillage ; une validation tardive qui change ses chiffres en fait une nouvelle édition,
    protégée avec les précédentes (indicateurs/publication.py). Jamais modifiée ni effacée : ce qui a été publié
    reste ce qu'un lecteur a pu voir, et l'audit des éditions suivantes en dépend."""

    region = models.ForeignKey(
        "territoires.Territoire", verbose_name="région", on_delete=models.PROTECT, related_name="editions_publiques"
    )
    mois = models.DateField("mois", help_text="Le premier jour du mois publié.")
    numero = models.PositiveIntegerField("numéro d'édition", help_text="1 : première publication ; puis révisions.")
    publiee_le = models.DateTimeField("publiée le")
    tableaux = models.JSONField(
        "tableaux",
        help_text="Par indicateur : les cellules brutes (département, type, mesures) et les cases masquées.",
    )

    objects = EditionPubliqueQuerySet.as_manager()

    class Meta:
        verbose_name = "édition publique"
        verbose_name_plural = "éditions publiques"
        ordering = ["region", "-mois", "-numero"]
        constraints = [
            models.UniqueConstraint(fields=["region", "mois", "numero"], name="une_edition_par_numero"),
            models.CheckConstraint(name="edition_mois_au_premier_jour", condition=Q(mois__day=1)),
        ]

    def __str__(self):
        return f"Édition {self.numero} — {self.region} — {self.mois:%m/%Y}"
