"""Les appels de l'ARS et leur grille de notation."""

import operator

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from appels.validators import valider_pdf
from comptes.models import Role, Utilisateur
from territoires.models import Territoire

FORMAT_HEURE = "%d/%m/%Y à %H h %M"


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


class Rang(models.IntegerChoices):
    """L'état d'un appel à un instant, dans l'ordre de la liste publique (et de son badge)."""

    OUVERT = 0, "Ouvert"
    A_VENIR = 1, "À venir"
    AUTRE = 2, "Autre"


def conditions_ouverture(maintenant) -> dict:
    """Ouvert aux dépôts à cet instant : publié, ouverture passée, date limite pas encore atteinte (exclue à la
    microseconde près ; comparaison en UTC, affichage en heure de Paris). La seule définition, que lisent la
    base (`Appel.objects.ouverts`, `avec_rang`) et Python (`appel.est_ouvert`)."""
    return {"statut": StatutAppel.PUBLIE, "ouverture__lte": maintenant, "cloture__gt": maintenant}


COMPARAISONS = {"exact": operator.eq, "lte": operator.le, "gt": operator.gt}


def verifie(instance, conditions: dict) -> bool:
    """Les conditions d'un `filter()`, vérifiées sur une ligne déjà chargée, sans requête."""
    for cle, valeur in conditions.items():
        champ, _, comparaison = cle.partition("__")
        if not COMPARAISONS[comparaison or "exact"](getattr(instance, champ), valeur):
            return False
    return True


class AppelQuerySet(models.QuerySet):
    def publies(self):
        """Les appels visibles du public : tout sauf les brouillons."""
        return self.exclude(statut=StatutAppel.BROUILLON)

    def ouverts(self, maintenant=None):
        return self.filter(**conditions_ouverture(maintenant or timezone.now()))

    def avec_rang(self, maintenant):
        """`rang` : ouvert, à venir ou autre (`Rang`) à cet instant."""
        rang = Case(
            When(Q(**conditions_ouverture(maintenant)), then=Value(Rang.OUVERT)),
            When(statut=StatutAppel.PUBLIE, ouverture__gt=maintenant, then=Value(Rang.A_VENIR)),
            default=Value(Rang.AUTRE),
            output_field=models.IntegerField(),
        )
        return self.annotate(rang=rang)

    def dans_l_ordre_public(self, maintenant):
        """Les appels publiés dans l'ordre de la liste publique : les ouverts d'abord, date limite la plus proche
        en tête ; puis ceux qui ouvriront ; puis les autres, du plus récent au plus ancien."""
        cloture_a_venir = Case(When(rang__lt=Rang.AUTRE, then=F("cloture")))
        return (
            self.publies()
            .avec_rang(maintenant)
            .order_by("rang", cloture_a_venir.asc(nulls_last=True), "-cloture", "pk")
        )

    def avec_avancement(self):
        """Le nombre de candidatures déposées, à compléter et décidées de chaque appel (accueil de l'instruction)."""
        # Importé ici : le module des candidatures importe celui-ci.
        from appels.models.candidatures import StatutCandidature, deposee

        return self.annotate(
            nb_deposees=Count("candidatures", filter=Q(deposee("candidatures"))),
            nb_a_completer=Count("candidatures", filter=Q(candidatures__statut=StatutCandidature.A_COMPLETER)),
            nb_decidees=Count("candidatures", filter=Q(candidatures__decision__isnull=False)),
        )


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
    cibles = models.ManyToManyField(
        "planification.Cible",
        verbose_name="écarts visés",
        blank=True,
        related_name="appels",
        help_text="Les cibles dont l'appel comble l'écart, quand il part du tableau de planification.",
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

    @property
    def est_ouvert(self) -> bool:
        return self.est_ouvert_le(timezone.now())

    def est_ouvert_le(self, instant) -> bool:
        return verifie(self, conditions_ouverture(instant))

    @property
    def jours_restants(self) -> int:
        return max((self.cloture - timezone.now()).days, 0)

    @property
    def date_limite_lisible(self) -> str:
        """« 30/06/2026 à 23 h 59 (heure de Paris) », comme le disent les messages de refus."""
        return f"{timezone.localtime(self.cloture).strftime(FORMAT_HEURE)} (heure de Paris)"

    def types_eligibles(self) -> list:
        """Les types visés qui ne sont pas exclus : ceux qu'une lettre d'intention peut proposer. Lus d'après les
        listes préchargées (page de l'appel) s'il y en a, sinon en une requête (le dépôt, sous le verrou de sa
        candidature)."""
        precharges = getattr(self, "_prefetched_objects_cache", {})
        if "types_cibles" in precharges and "types_exclus" in precharges:
            exclus = {t.pk for t in self.types_exclus.all()}
            return [t for t in self.types_cibles.all() if t.pk not in exclus]
        return list(self.types_cibles.exclude(pk__in=self.types_exclus.values("pk")))

    def territoires_de_la_region(self):
        """La région de l'appel et tout ce qu'elle contient : les codes des lettres se lisent là (32 y désigne les
        Hauts-de-France, pas le Gers)."""
        return Territoire.objects.descendants(self.region, inclus=True)

    def noms_des_territoires(self, codes) -> dict:
        return dict(self.territoires_de_la_region().filter(code__in=codes).values_list("code", "nom"))

    def territoire_du_projet(self, codes):
        """Le territoire visé s'il n'y en a qu'un, sinon la région : on n'invente pas de répartition."""
        territoires = list(self.territoires_de_la_region().filter(code__in=codes)[:2])
        return territoires[0] if len(territoires) == 1 else self.region

    def nb_evaluateurs_attendus(self) -> int:
        """Le « m » de « n/m avis » : les instructeurs actifs de la région, plus ses agents DREETS en
        co-instruction."""
        roles = [Role.INSTRUCTEUR] + ([Role.DREETS] if self.co_instruction_dreets else [])
        return Utilisateur.objects.filter(is_active=True, region_id=self.region_id, role__in=roles).count()


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
