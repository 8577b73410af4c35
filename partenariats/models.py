"""Les partenariats de la feuille de route commune DREETS / DDETS(PP) / ARS Occitanie (sources/003) : les conventions
entre un dispositif et ses partenaires, l'annuaire des correspondants et les rencontres bilatérales.

Chaque ligne est rangée dans un territoire (région ou département) : c'est lui qui dit quelle région la voit.
"""

from auditlog.models import AuditlogHistoryField
from django.db import models

from appels.validators import valider_pdf

AIDE_VERSION = "Incrémentée à chaque modification : deux saisies ne s'écrasent pas."


class CategoriePartenaire(models.TextChoices):
    """Les partenaires que nomment les sources : « conventions entre l'hôpital - notamment les PASS - et les
    structures sociales » et « lieux de coordination (CPTS, DAC, PTSM, CLS, SIAO...) » (003) ; « convention ou
    accord avec les dispositifs de coordination (DAC) […] et avec les services de PMI », « CHRS », « secteur AHI »,
    « établissements de santé » (001, annexes 2 et 2 bis)."""

    STRUCTURE_SOCIALE = "structure_sociale", "Structure sociale"
    SIAO = "siao", "SIAO (service intégré d'accueil et d'orientation)"
    DAC = "dac", "DAC (dispositif d'appui à la coordination)"
    PMI = "pmi", "PMI"
    CHRS = "chrs", "CHRS"
    AHI = "ahi", "Structure du secteur AHI"
    CPTS = "cpts", "CPTS"
    PTSM = "ptsm", "PTSM"
    CLS = "cls", "CLS"
    ETABLISSEMENT_SANTE = "etablissement_sante", "Établissement de santé"
    AUTRE = "autre", "Autre partenaire"


class StatutConvention(models.TextChoices):
    """Les deux états d'un partenariat dans la lettre d'intention : « Acté (accords écrits) · Envisagé » (001,
    annexe 1) ; une convention actée est signée, une convention prévue ne l'est pas encore."""

    ACTEE = "actee", "Actée (signée)"
    PREVUE = "prevue", "Prévue"


class ConventionQuerySet(models.QuerySet):
    def actees(self):
        return self.filter(statut=StatutConvention.ACTEE)

    def pour_liste(self):
        """Ce que montrent la liste, la fiche et l'API : organisme, dispositif, type et territoire joints (une
        requête quelle que soit la taille de la page)."""
        return self.select_related("organisme", "dispositif", "type_dispositif", "territoire")


class Convention(models.Model):
    """Une convention entre un dispositif (porté par un organisme) et un partenaire : « déploiement de conventions
    entre l'hôpital - notamment les PASS - et les structures sociales afin de sécuriser les parcours des personnes »
    (003). Le « partenariat acté » d'une lettre d'intention peut y renvoyer (appels.Depot.conventions)."""

    organisme = models.ForeignKey(
        "dispositifs.Organisme",
        verbose_name="organisme signataire",
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    type_dispositif = models.ForeignKey(
        "dispositifs.TypeDispositif", verbose_name="type de dispositif", on_delete=models.PROTECT, related_name="+"
    )
    # Facultatif : une PASS ou une équipe peut signer avant d'être inscrite au registre des dispositifs.
    dispositif = models.ForeignKey(
        "dispositifs.Dispositif",
        verbose_name="dispositif",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conventions",
    )
    territoire = models.ForeignKey(
        "territoires.Territoire", verbose_name="territoire", on_delete=models.PROTECT, related_name="+"
    )
    partenaire_nom = models.CharField("partenaire", max_length=200)
    partenaire_categorie = models.CharField(
        "catégorie du partenaire", max_length=30, choices=CategoriePartenaire.choices
    )
    objet = models.TextField("objet", max_length=2000)
    statut = models.CharField("statut", max_length=10, choices=StatutConvention.choices)
    signee_le = models.DateField("signée le", null=True, blank=True)
    pdf = models.FileField(
        "convention signée (PDF)", upload_to="partenariats/conventions/", blank=True, validators=[valider_pdf]
    )
    pdf_empreinte = models.CharField("empreinte SHA-256 du PDF reçu", max_length=64, blank=True)
    fictif = models.BooleanField("fictif", default=False, help_text="Inventée pour la démonstration ou les tests.")
    version = models.PositiveIntegerField("version", default=1, help_text=AIDE_VERSION)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = AuditlogHistoryField()  # qui a modifié en dernier : le message d'un conflit le nomme

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de partenariat"
        verbose_name_plural = "conventions de partenariat"
        ordering = ["territoire__chemin", "organisme__nom", "partenaire_nom", "pk"]

    def __str__(self):
        return f"{self.type_dispositif.sigle} {self.organisme.nom} ↔ {self.partenaire_nom}"

    @property
    def est_actee(self) -> bool:
        return self.statut == StatutConvention.ACTEE


class Structure(models.TextChoices):
    """Les services de l'État de la feuille de route « commune DREETS / DDETS(PP) / ARS » (003) ; à l'échelle du
    département, « les correspondants régionaux et départementaux »."""

    DREETS = "dreets", "DREETS"
    DDETS = "ddets", "DDETS(PP)"
    ARS = "ars", "ARS (siège régional)"
    DD_ARS = "dd_ars", "ARS (délégation départementale)"


class PerimetreQuerySet(models.QuerySet):
    def dans(self, territoires):
        """Les lignes rangées dans l'un des `territoires` (un queryset : une sous-requête, pas de liste en Python)."""
        return self.filter(territoire__in=territoires)


class Contact(models.Model):
    """Une ligne du « tableau des contacts […] établi et régulièrement actualisé » (003) : un correspondant désigné
    par sa structure, son service et sa fonction, avec un courriel professionnel. Aucune donnée personnelle : pas de
    nom, un courriel de service ou de fonction."""

    territoire = models.ForeignKey(
        "territoires.Territoire", verbose_name="région ou département", on_delete=models.PROTECT, related_name="+"
    )
    structure = models.CharField("structure", max_length=10, choices=Structure.choices)
    service = models.CharField("service", max_length=150, blank=True)
    fonction = models.CharField("fonction", max_length=150)
    courriel = models.EmailField("courriel professionnel", max_length=200)
    telephone = models.CharField("téléphone professionnel", max_length=20, blank=True)
    fictif = models.BooleanField("fictif", default=False, help_text="Inventé pour la démonstration ou les tests.")
    version = models.PositiveIntegerField("version", default=1, help_text=AIDE_VERSION)
    mis_a_jour_le = models.DateTimeField("mis à jour le", auto_now=True)

    history = AuditlogHistoryField()

    objects = PerimetreQuerySet.as_manager()

    class Meta:
        verbose_name = "contact"
        ordering = ["territoire__chemin", "structure", "service", "pk"]

    def __str__(self):
        return f"{self.get_structure_display()} {self.territoire.nom} — {self.fonction}"


class Niveau(models.TextChoices):
    """« Réunions bilatérales régulières, dans chaque département et au niveau régional », « réunions thématiques
    […] en tant que de besoin », « chaque année […] une réunion bilatérale DG ARS/DREETS » (003)."""

    DG = "dg", "Bilatérale DG ARS / DREETS (point annuel)"
    REGIONAL = "regional", "Bilatérale régionale"
    DEPARTEMENTAL = "departemental", "Bilatérale départementale"
    THEMATIQUE = "thematique", "Réunion thématique"


class RencontreBilaterale(models.Model):
    """Une rencontre entre les deux réseaux : sa date, son niveau, les services présents, ce qui a été décidé et
    la suite."""

    territoire = models.ForeignKey(
        "territoires.Territoire", verbose_name="région ou département", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("date")
    niveau = models.CharField("niveau", max_length=15, choices=Niveau.choices)
    services_presents = models.TextField("services présents", max_length=2000)
    decisions = models.TextField("décisions", max_length=5000, blank=True)
    prochaines_etapes = models.TextField("prochaines étapes", max_length=5000, blank=True)
    fictif = models.BooleanField("fictif", default=False, help_text="Inventée pour la démonstration ou les tests.")
    version = models.PositiveIntegerField("version", default=1, help_text=AIDE_VERSION)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    history = AuditlogHistoryField()

    objects = PerimetreQuerySet.as_manager()

    class Meta:
        verbose_name = "rencontre bilatérale"
        verbose_name_plural = "rencontres bilatérales"
        ordering = ["-date", "pk"]

    def __str__(self):
        return f"{self.get_niveau_display()}, {self.territoire.nom}, {self.date:%d/%m/%Y}"
