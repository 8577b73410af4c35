"""Le programme : les feuilles de route d'une région (le PRAPS, les feuilles de route territoriales, la feuille de
route commune DREETS / ARS), leurs axes et leurs actions, les jalons de chaque action et les revues annuelles.

Les trois sortes de feuilles de route sont les mêmes objets (issue 13, point 3) : une action appartient à une feuille
de route, rangée sous un de ses axes. Ce que la source ne dit pas (porteur, statut, avancement) reste vide.
"""

from auditlog.models import AuditlogHistoryField
from django.db import models
from django.db.models import Prefetch, Q

NON_PRECISE = "non précisé par la source"


class Genre(models.TextChoices):
    PROGRAMME_REGIONAL = "programme_regional", "Programme régional"
    TERRITORIALE = "territoriale", "Feuille de route territoriale"
    COMMUNE_DREETS_ARS = "commune_dreets_ars", "Feuille de route commune DREETS / ARS"


class Statut(models.TextChoices):
    NON_RENSEIGNE = "non_renseigne", "Non renseigné"
    A_LANCER = "a_lancer", "À lancer"
    EN_COURS = "en_cours", "En cours"
    REALISEE = "realisee", "Réalisée"
    ABANDONNEE = "abandonnee", "Abandonnée"


class FeuilleDeRouteQuerySet(models.QuerySet):
    def dans_les_regions(self, regions):
        return self.filter(region__in=regions)

    def with_nb_actions(self):
        """Ce que montrent la liste de l'API et les en-têtes de la page du programme : la région, le territoire et le
        nombre d'actions, dans la même requête."""
        return self.select_related("region", "territoire").annotate(nb_actions=models.Count("actions"))


class FeuilleDeRoute(models.Model):
    """Le PRAPS d'une région, la feuille de route d'un territoire de santé ou la feuille de route commune
    DREETS / ARS : un ensemble d'actions rangées par axe."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    region = models.ForeignKey(
        "territoires.Territoire", verbose_name="région", on_delete=models.PROTECT, related_name="feuilles_de_route"
    )
    territoire = models.ForeignKey(
        "territoires.Territoire",
        verbose_name="territoire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feuilles_de_route_territoriales",
        help_text="Le territoire de santé d'une feuille de route territoriale ; vide : toute la région.",
    )
    genre = models.CharField("sorte", max_length=30, choices=Genre.choices)
    titre = models.CharField("titre", max_length=200)
    periode = models.CharField("période", max_length=100)
    presentation = models.TextField("présentation", blank=True)
    source = models.CharField("source", max_length=300, help_text="Document d'où viennent ses actions.")
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    objects = FeuilleDeRouteQuerySet.as_manager()

    class Meta:
        verbose_name = "feuille de route"
        verbose_name_plural = "feuilles de route"
        ordering = ["region__code", "ordre", "titre"]

    def __str__(self):
        return self.titre


class Axe(models.Model):
    feuille_de_route = models.ForeignKey(
        FeuilleDeRoute, verbose_name="feuille de route", on_delete=models.CASCADE, related_name="axes"
    )
    intitule = models.CharField("intitulé", max_length=200)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "axe"
        ordering = ["feuille_de_route", "ordre", "pk"]
        constraints = [models.UniqueConstraint(fields=["feuille_de_route", "intitule"], name="axe_unique")]

    def __str__(self):
        return self.intitule


class ActionQuerySet(models.QuerySet):
    def dans_les_regions(self, regions):
        return self.filter(feuille_de_route__region__in=regions)

    def with_details(self):
        """Tout ce que montrent la page du programme, la fiche d'une feuille de route et l'API, en un nombre fixe de
        requêtes : la feuille de route, l'axe, puis une requête par relation (territoires, types, jalons, cibles,
        appels, dispositifs)."""
        from planification.models import Cible

        return self.select_related("feuille_de_route__region", "feuille_de_route__territoire", "axe").prefetch_related(
            "territoires",
            "types",
            "jalons",
            Prefetch("cibles", queryset=Cible.objects.with_type_territoire_horizon()),
            Prefetch("appels", queryset=_appels()),
            Prefetch("dispositifs", queryset=_dispositifs()),
        )

    def filtrer(self, *, feuille=None, type_=None, statut=None, territoire=None):
        """Les filtres de la page du programme ; un territoire garde les actions posées sur lui ou au-dessus de
        lui (une action régionale concerne aussi chaque département)."""
        actions = self
        if feuille:
            actions = actions.filter(feuille_de_route=feuille)
        if type_:
            actions = actions.filter(types=type_)
        if statut:
            actions = actions.filter(statut=statut)
        if territoire:
            liees = Action.territoires.through.objects.filter(
                territoire__chemin__in=chemins_ascendants(territoire.chemin)
            )
            actions = actions.filter(pk__in=liees.values("action"))
        return actions


def chemins_ascendants(chemin: str) -> list[str]:
    """« FR/32/59/ » → [« FR/ », « FR/32/ », « FR/32/59/ »] : les chemins du territoire et de ses ascendants."""
    morceaux = [m for m in chemin.split("/") if m]
    return ["/".join(morceaux[: i + 1]) + "/" for i in range(len(morceaux))]


def _appels():
    from appels.models import Appel

    return Appel.objects.only("pk", "titre", "reference", "nature", "statut")


def _dispositifs():
    from dispositifs.models import Dispositif

    return Dispositif.objects.select_related("type", "territoire").only(
        "pk", "nom", "statut", "type__sigle", "territoire__nom"
    )


class Action(models.Model):
    """Une action d'une feuille de route : son objectif (et, quand il en est un, les cibles du tableau de
    planification qui le chiffrent), son porteur, ses territoires et types de dispositifs, son statut, ses jalons, les
    appels et dispositifs qui la portent."""

    feuille_de_route = models.ForeignKey(
        FeuilleDeRoute, verbose_name="feuille de route", on_delete=models.PROTECT, related_name="actions"
    )
    axe = models.ForeignKey(Axe, verbose_name="axe", on_delete=models.PROTECT, related_name="actions")
    code = models.SlugField("code", max_length=60, help_text="Unique dans sa feuille de route.")
    intitule = models.CharField("intitulé", max_length=250)
    objectif = models.TextField("objectif", blank=True)
    cibles = models.ManyToManyField(
        "planification.Cible", verbose_name="cibles du tableau de planification", blank=True, related_name="actions"
    )
    porteur = models.CharField("porteur", max_length=200, blank=True)
    territoires = models.ManyToManyField(
        "territoires.Territoire", verbose_name="territoires", blank=True, related_name="actions_du_programme"
    )
    types = models.ManyToManyField(
        "dispositifs.TypeDispositif", verbose_name="types de dispositifs", blank=True, related_name="actions"
    )
    statut = models.CharField("statut", max_length=20, choices=Statut.choices, default=Statut.NON_RENSEIGNE)
    appels = models.ManyToManyField("appels.Appel", verbose_name="appels", blank=True, related_name="actions")
    dispositifs = models.ManyToManyField(
        "dispositifs.Dispositif", verbose_name="dispositifs", blank=True, related_name="actions"
    )
    citation = models.TextField("citation de la source", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    version = models.PositiveIntegerField("version", default=1, help_text="Incrémentée à chaque modification.")
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    history = AuditlogHistoryField()

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action"
        ordering = ["feuille_de_route", "axe__ordre", "ordre", "pk"]
        constraints = [models.UniqueConstraint(fields=["feuille_de_route", "code"], name="action_code_unique")]

    def __str__(self):
        return self.intitule


class Jalon(models.Model):
    """Une étape d'une action, avec l'échéance telle que la source l'écrit (« 2020 », « second semestre 2024 ») et,
    quand elle est connue, sa date."""

    action = models.ForeignKey(Action, verbose_name="action", on_delete=models.CASCADE, related_name="jalons")
    echeance = models.CharField("échéance", max_length=100)
    date = models.DateField("date", null=True, blank=True)
    libelle = models.CharField("libellé", max_length=300)
    atteint = models.BooleanField("atteint", null=True, blank=True, help_text="Vide : non renseigné.")
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)
    history = AuditlogHistoryField()

    class Meta:
        verbose_name = "jalon"
        ordering = ["action", "ordre", "pk"]

    def __str__(self):
        return f"{self.echeance} — {self.libelle}"


class RevueAnnuelle(models.Model):
    """Le point d'avancement annuel d'une feuille de route : l'instance qui le tient, sa date, ses décisions, et
    l'avancement de chaque action."""

    feuille_de_route = models.ForeignKey(
        FeuilleDeRoute, verbose_name="feuille de route", on_delete=models.PROTECT, related_name="revues"
    )
    annee = models.PositiveSmallIntegerField("année")
    date = models.DateField("date de la réunion", null=True, blank=True)
    instance = models.CharField("instance", max_length=200, blank=True)
    decisions = models.TextField("décisions", blank=True)
    citation = models.TextField("citation de la source", blank=True)
    version = models.PositiveIntegerField("version", default=1, help_text="Incrémentée à chaque modification.")
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    history = AuditlogHistoryField()

    class Meta:
        verbose_name = "revue annuelle"
        verbose_name_plural = "revues annuelles"
        ordering = ["feuille_de_route", "-annee"]
        constraints = [models.UniqueConstraint(fields=["feuille_de_route", "annee"], name="une_revue_par_an")]

    def __str__(self):
        return f"Revue {self.annee} — {self.feuille_de_route}"


class AvancementAction(models.Model):
    revue = models.ForeignKey(
        RevueAnnuelle, verbose_name="revue", on_delete=models.CASCADE, related_name="avancements"
    )
    action = models.ForeignKey(Action, verbose_name="action", on_delete=models.CASCADE, related_name="avancements")
    avancement = models.TextField("avancement", blank=True)
    pourcentage = models.PositiveSmallIntegerField("avancement (%)", null=True, blank=True)

    class Meta:
        verbose_name = "avancement d'une action"
        verbose_name_plural = "avancements des actions"
        ordering = ["revue", "action__axe__ordre", "action__ordre", "action__pk"]
        constraints = [
            models.UniqueConstraint(fields=["revue", "action"], name="un_avancement_par_action"),
            models.CheckConstraint(name="pourcentage_borne", condition=Q(pourcentage__lte=100)),
        ]

    def __str__(self):
        return f"{self.action} : {self.avancement or 'non renseigné'}"
