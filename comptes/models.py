from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Left
from stdnum.fr import siret

from dispositifs.models import Organisme
from dispositifs.validators import valider_siret
from territoires.models import Niveau


class Role(models.TextChoices):
    PLANIFICATEUR = "planificateur", "Planificateur ARS"
    INSTRUCTEUR = "instructeur", "Instructeur ARS"
    DREETS = "dreets", "Agent DREETS"
    OPERATEUR = "operateur", "Opérateur"
    ADMINISTRATEUR = "administrateur", "Administrateur"
    # Le ministère (DGCS, DGS, délégation interministérielle à la lutte contre la pauvreté) : lit toutes les régions,
    # écrit les cibles et horizons nationaux, jamais les données d'une région (issue 14).
    NATIONAL = "national", "Agent national"


# Rôles d'agents de l'État : leur périmètre est une région.
ROLES_REGIONAUX = (Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS)


class UtilisateurQuerySet(models.QuerySet):
    def agents_ars(self, region):
        """Les planificateurs et instructeurs actifs de la région : l'ARS qu'on prévient de ce qui y arrive."""
        return self.filter(is_active=True, region=region, role__in=(Role.PLANIFICATEUR, Role.INSTRUCTEUR))


class UtilisateurManager(DjangoUserManager.from_queryset(UtilisateurQuerySet)):
    """Le courriel sert d'identifiant : il n'y a pas de nom d'utilisateur."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Le courriel est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATEUR)
        return self._create_user(email, password, **extra_fields)


class Utilisateur(AbstractUser):
    username = None
    email = models.EmailField("courriel", unique=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.OPERATEUR)
    region = models.ForeignKey(
        "territoires.Territoire",
        verbose_name="région",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"niveau": Niveau.REGION},
        related_name="agents",
        help_text="Périmètre des agents ARS et DREETS.",
    )
    organismes = models.ManyToManyField(
        "dispositifs.Organisme",
        verbose_name="organismes",
        blank=True,
        related_name="membres",
        help_text="Organismes gestionnaires dont l'opérateur est membre.",
    )

    # Le « sub » de ProConnect, retenu à la première connexion (rapprochée par courriel) : les suivantes reconnaissent
    # l'agent par lui, et un autre compte ProConnect qui présenterait plus tard le même courriel est refusé.
    proconnect_sub = models.CharField(
        "identifiant ProConnect",
        max_length=255,
        blank=True,
        default="",
        help_text="Rempli à la première connexion par ProConnect ; le vider rouvre le rapprochement par courriel.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UtilisateurManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                name="agent_regional_a_une_region",
                condition=~Q(role__in=ROLES_REGIONAUX) | Q(region__isnull=False),
                violation_error_message="Un agent ARS ou DREETS doit être rattaché à une région.",
            ),
            models.UniqueConstraint(
                fields=["proconnect_sub"],
                condition=~Q(proconnect_sub=""),
                name="une_identite_proconnect_par_compte",
                violation_error_message="Cette identité ProConnect est déjà rattachée à un autre compte.",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def structure(self) -> str:
        """Le nom de la structure de l'agent, tel qu'on l'affiche dans l'en-tête."""
        if self.role == Role.DREETS:
            return f"DREETS {self.region.nom}"
        if self.role in ROLES_REGIONAUX:
            return f"ARS {self.region.nom}"
        if self.role == Role.NATIONAL:
            return "Administration centrale"
        return self.get_role_display()


class StatutDemande(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class DemandeInscriptionQuerySet(models.QuerySet):
    def en_attente(self):
        return self.filter(statut=StatutDemande.EN_ATTENTE)

    def for_user(self, user):
        """Les demandes qu'un agent traite : celles de sa région ; toutes pour un administrateur."""
        if user.role == Role.ADMINISTRATEUR:
            return self
        return self.filter(region_id=user.region_id) if user.region_id else self.none()

    def for_examen(self):
        """La liste à examiner en une requête : la région, et le nom de l'organisme que le SIREN désigne
        déjà (vide : il sera créé à l'acceptation)."""
        organisme = Organisme.objects.filter(siren=Left(OuterRef("siret"), 9))
        return (
            self.select_related("region")
            .annotate(organisme_existant=Subquery(organisme.values("nom")[:1]))
            .order_by("created_at", "pk")
        )


class DemandeInscription(models.Model):
    """Demande de compte opérateur déposée sans connexion, que l'ARS de la région choisie accepte ou refuse."""

    courriel = models.EmailField("courriel")
    prenom = models.CharField("prénom", max_length=150)
    nom = models.CharField("nom", max_length=150)
    siret = models.CharField(
        "SIRET",
        max_length=14,
        validators=[valider_siret],
        help_text="14 chiffres : les 9 premiers (SIREN) désignent l'organisme.",
    )
    nom_organisme = models.CharField("nom de l'organisme", max_length=200)
    statut_juridique = models.CharField(
        "statut juridique", max_length=100, blank=True, help_text="Par exemple : association loi 1901, SAS, SCIC."
    )
    message = models.TextField("message", blank=True)
    region = models.ForeignKey(
        "territoires.Territoire",
        verbose_name="région",
        on_delete=models.PROTECT,
        limit_choices_to={"niveau": Niveau.REGION},
        related_name="demandes_inscription",
        help_text="L'ARS de cette région examine la demande.",
    )
    statut = models.CharField("statut", max_length=20, choices=StatutDemande.choices, default=StatutDemande.EN_ATTENTE)
    motif_refus = models.TextField("motif du refus", blank=True)
    traitee_par = models.ForeignKey(
        Utilisateur, verbose_name="traitée par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    traitee_le = models.DateTimeField("traitée le", null=True, blank=True)
    created_at = models.DateTimeField("reçue le", auto_now_add=True)

    objects = DemandeInscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'inscription"
        verbose_name_plural = "demandes d'inscription"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "statut"], name="demande_region_statut")]

    def __str__(self):
        return f"{self.prenom} {self.nom} ({self.nom_organisme})"

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def siret_affiche(self) -> str:
        """« 732 829 320 00074 », plus lisible que les 14 chiffres accolés."""
        return siret.format(self.siret)
