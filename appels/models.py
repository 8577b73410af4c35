from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from appels.validators import valider_pdf


class Nature(models.TextChoices):
    AMI = "ami", "Appel à manifestation d'intérêt (AMI)"
    AAP = "aap", "Appel à projets (AAP)"
    AAC = "aac", "Appel à candidatures (AAC)"


class StatutAppel(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    PUBLIE = "publie", "Publié"
    CLOS = "clos", "Clos"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    TERMINE = "termine", "Terminé"


class AppelQuerySet(models.QuerySet):
    def publies(self):
        """Les appels visibles du public : tout sauf les brouillons."""
        return self.exclude(statut=StatutAppel.BROUILLON)

    def ouverts(self, maintenant=None):
        maintenant = maintenant or timezone.now()
        return self.filter(statut=StatutAppel.PUBLIE, ouverture__lte=maintenant, cloture__gt=maintenant)


class Appel(models.Model):
    """Un appel de l'ARS (AMI, AAP ou AAC) : son enveloppe, sa date limite, ses règles et sa grille."""

    nature = models.CharField("nature", max_length=3, choices=Nature.choices)
    titre = models.CharField("titre", max_length=250)
    reference = models.SlugField(
        "référence", max_length=60, unique=True, help_text="Identifiant court et stable, ex. idf-2021-aller-vers."
    )
    region = models.ForeignKey(
        "territoires.Territoire",
        verbose_name="région",
        on_delete=models.PROTECT,
        limit_choices_to={"niveau": "region"},
        related_name="appels",
    )
    horizon = models.ForeignKey(
        "planification.Horizon",
        verbose_name="horizon de programmation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appels",
        help_text="Les projets retenus y deviennent des perspectives du tableau de planification.",
    )
    description = models.TextField("présentation")
    types_cibles = models.ManyToManyField(
        "dispositifs.TypeDispositif", verbose_name="types de dispositifs visés", related_name="appels_cibles"
    )
    types_exclus = models.ManyToManyField(
        "dispositifs.TypeDispositif",
        verbose_name="types explicitement non éligibles",
        blank=True,
        related_name="appels_exclus",
    )
    territoires = models.ManyToManyField(
        "territoires.Territoire",
        verbose_name="territoires concernés",
        blank=True,
        related_name="appels_concernes",
        help_text="Vide : toute la région.",
    )
    enveloppe = models.DecimalField("enveloppe (€)", max_digits=12, decimal_places=0, null=True, blank=True)
    ouverture = models.DateTimeField("ouverture des dépôts")
    cloture = models.DateTimeField("date limite de dépôt")
    cahier_des_charges = models.FileField(
        "cahier des charges (PDF)", upload_to="appels/cahiers/", blank=True, validators=[valider_pdf]
    )
    regles_eligibilite = models.TextField("règles d'éligibilité", blank=True)
    co_instruction_dreets = models.BooleanField("co-instruction avec la DREETS", default=False)
    statut = models.CharField("statut", max_length=15, choices=StatutAppel.choices, default=StatutAppel.BROUILLON)
    appel_precedent = models.ForeignKey(
        "self",
        verbose_name="fait suite à",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suites",
        help_text="Un AAP qui prolonge un AMI.",
    )
    fictif = models.BooleanField("fictif", default=False, help_text="Appel inventé pour la démonstration.")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AppelQuerySet.as_manager()

    class Meta:
        verbose_name = "appel"
        ordering = ["-cloture"]
        constraints = [
            models.CheckConstraint(
                name="cloture_apres_ouverture",
                condition=Q(cloture__gt=models.F("ouverture")),
                violation_error_message="La date limite doit suivre l'ouverture des dépôts.",
            )
        ]

    def __str__(self):
        return f"{self.get_nature_display().split(' (')[0]} — {self.titre}"

    def clean(self):
        if self.ouverture and self.cloture and self.cloture <= self.ouverture:
            raise ValidationError({"cloture": "La date limite doit suivre l'ouverture des dépôts."})

    def est_ouvert(self, maintenant=None) -> bool:
        """Ouvert aux dépôts à cet instant précis (comparaison en UTC, affichage en heure de Paris)."""
        maintenant = maintenant or timezone.now()
        return self.statut == StatutAppel.PUBLIE and self.ouverture <= maintenant < self.cloture

    def jours_restants(self, maintenant=None) -> int:
        maintenant = maintenant or timezone.now()
        return max((self.cloture - maintenant).days, 0)


class Critere(models.Model):
    """Un critère de la grille de notation, pondéré."""

    appel = models.ForeignKey(Appel, verbose_name="appel", on_delete=models.CASCADE, related_name="criteres")
    libelle = models.CharField("critère", max_length=200)
    poids = models.PositiveSmallIntegerField("poids", help_text="Pondération du critère (ex. 30 sur 100).")
    ordre = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "critère de notation"
        verbose_name_plural = "grille de notation"
        ordering = ["appel", "ordre", "pk"]
        constraints = [models.CheckConstraint(name="poids_positif", condition=Q(poids__gt=0))]

    def __str__(self):
        return f"{self.libelle} ({self.poids})"


class StatutCandidature(models.TextChoices):
    BROUILLON = "brouillon", "Non déposée"
    DEPOSEE = "deposee", "Déposée"
    A_COMPLETER = "a_completer", "À compléter"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    RETENUE = "retenue", "Retenue"
    NON_RETENUE = "non_retenue", "Non retenue"
    REORIENTEE = "reorientee", "Réorientée vers un autre type"


class CandidatureQuerySet(models.QuerySet):
    def pour_operateur(self, user):
        """Les candidatures des organismes dont l'utilisateur est membre, et aucune autre."""
        return self.filter(organisme__in=user.organismes.all())


class Candidature(models.Model):
    """La lettre d'intention d'un organisme à un appel : un brouillon, puis des versions déposées.

    Le brouillon (enregistré automatiquement) reste à part de ce que voient les instructeurs, qui ne lisent
    que la dernière version déposée.
    """

    appel = models.ForeignKey(Appel, verbose_name="appel", on_delete=models.PROTECT, related_name="candidatures")
    organisme = models.ForeignKey(
        "dispositifs.Organisme", verbose_name="organisme", on_delete=models.PROTECT, related_name="candidatures"
    )
    statut = models.CharField(
        "statut", max_length=15, choices=StatutCandidature.choices, default=StatutCandidature.BROUILLON
    )
    brouillon = models.JSONField("brouillon", default=dict, blank=True)
    version_brouillon = models.PositiveIntegerField("version du brouillon", default=0)
    brouillon_enregistre_le = models.DateTimeField("brouillon enregistré le", null=True, blank=True)
    brouillon_modifie_depuis_depot = models.BooleanField("modifications non déposées", default=False)
    relance_envoyee_le = models.DateTimeField(
        "relance envoyée le",
        null=True,
        blank=True,
        help_text="Rappel d'un brouillon non déposé, 48 h avant la date limite.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = CandidatureQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature"
        ordering = ["appel", "organisme__nom"]
        constraints = [
            models.UniqueConstraint(fields=["appel", "organisme"], name="une_candidature_par_organisme_et_appel")
        ]

    def __str__(self):
        return f"{self.organisme} — {self.appel.titre}"

    @property
    def depot_courant(self):
        """La dernière version déposée (celle qu'instruit l'ARS), ou None."""
        return self.depots.order_by("-version").first()


class Depot(models.Model):
    """Une version déposée, figée : numéro unique, horodatage, empreinte SHA-256 et accusé de dépôt."""

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.PROTECT, related_name="depots"
    )
    version = models.PositiveIntegerField("version")
    numero = models.CharField("numéro de dépôt", max_length=40, unique=True)
    depose_le = models.DateTimeField("déposé le")
    depose_par = models.ForeignKey(
        "comptes.Utilisateur", verbose_name="déposé par", on_delete=models.PROTECT, related_name="depots"
    )
    contenu = models.JSONField("contenu déposé")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    cle_idempotence = models.CharField(
        "clé d'idempotence", max_length=64, unique=True, help_text="Un double envoi ne crée pas de second dépôt."
    )
    accuse = models.FileField("accusé de dépôt (PDF)", upload_to="appels/accuses/", blank=True)

    class Meta:
        verbose_name = "dépôt"
        ordering = ["candidature", "-version"]
        constraints = [models.UniqueConstraint(fields=["candidature", "version"], name="une_version_par_numero")]

    def __str__(self):
        return f"Dépôt {self.numero} (version {self.version})"


class NaturePiece(models.TextChoices):
    LETTRE = "lettre", "Lettre d'intention (4 pages au plus)"
    CONVENTION = "convention", "Convention de partenariat signée"
    AUTRE = "autre", "Autre pièce"


class PieceJointe(models.Model):
    """Un PDF joint à la candidature ; le dépôt fige la liste des pièces dans son contenu (nom et empreinte)."""

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="pieces"
    )
    nature = models.CharField("nature", max_length=15, choices=NaturePiece.choices)
    fichier = models.FileField("fichier", upload_to="appels/pieces/", validators=[valider_pdf])
    nom = models.CharField("nom du fichier", max_length=200)
    pages = models.PositiveSmallIntegerField("pages")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    ajoutee_le = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["candidature", "ajoutee_le"]

    def __str__(self):
        return self.nom


class Avis(models.Model):
    """L'avis d'un évaluateur sur une candidature : une note de 0 à 10 par critère de la grille, un commentaire
    partagé avec les autres évaluateurs et une annotation que lui seul voit.

    Le total, sur 100, vaut Σ note × poids / Σ poids × 10 ; il n'existe que lorsque tous les critères sont notés
    (l'avis est alors « complet » et compte dans l'avancement de l'instruction).
    """

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="avis"
    )
    auteur = models.ForeignKey(
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
        constraints = [models.UniqueConstraint(fields=["candidature", "auteur"], name="un_avis_par_evaluateur")]

    def __str__(self):
        return f"Avis de {self.auteur} sur {self.candidature_id}"


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
    auteur = models.ForeignKey(
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
                condition=~Q(nature="reorientee") | Q(type_propose__isnull=False),
                violation_error_message="Une réorientation indique le type proposé.",
            )
        ]

    def __str__(self):
        return f"{self.get_nature_display()} — {self.candidature_id}"


class DemandeComplement(models.Model):
    """Une demande de l'ARS pour compléter le dossier, et la réponse confirmée de l'opérateur."""

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="complements"
    )
    auteur = models.ForeignKey(
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

    class Meta:
        verbose_name = "demande de complément"
        verbose_name_plural = "demandes de complément"
        ordering = ["candidature", "demandee_le", "pk"]

    def __str__(self):
        return f"Demande de complément du {self.demandee_le:%d/%m/%Y}"
