from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    PLANIFICATEUR = "planificateur", "Planificateur ARS"
    INSTRUCTEUR = "instructeur", "Instructeur ARS"
    DREETS = "dreets", "Agent DREETS"
    OPERATEUR = "operateur", "Opérateur"
    ADMINISTRATEUR = "administrateur", "Administrateur"


# Rôles d'agents de l'État : leur périmètre est une région.
ROLES_REGIONAUX = (Role.PLANIFICATEUR, Role.INSTRUCTEUR, Role.DREETS)


class UtilisateurManager(DjangoUserManager):
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
        limit_choices_to={"niveau": "region"},
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
        return self.get_role_display()
