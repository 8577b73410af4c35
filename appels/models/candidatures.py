"""Les candidatures des opérateurs : le brouillon de la lettre, ses pièces jointes et ses versions déposées."""

import datetime

from django.db import models
from django.db.models import Avg, Count, Exists, JSONField, OuterRef, Prefetch, Q, Subquery

from appels.models.appels import Appel, StatutAppel
from appels.validators import valider_pdf

DELAI_RELANCE = datetime.timedelta(hours=48)


class StatutCandidature(models.TextChoices):
    BROUILLON = "brouillon", "Non déposée"
    DEPOSEE = "deposee", "Déposée"
    A_COMPLETER = "a_completer", "À compléter"
    EN_INSTRUCTION = "en_instruction", "En instruction"
    RETENUE = "retenue", "Retenue"
    NON_RETENUE = "non_retenue", "Non retenue"
    REORIENTEE = "reorientee", "Réorientée vers un autre type"


# D'où l'on demande un complément ; d'où l'on décide (une candidature « à compléter » attend d'abord la réponse
# de l'opérateur) ; ce qui suit une décision.
STATUTS_EN_COURS = [StatutCandidature.DEPOSEE, StatutCandidature.EN_INSTRUCTION]
STATUTS_DECIDES = [StatutCandidature.RETENUE, StatutCandidature.NON_RETENUE, StatutCandidature.REORIENTEE]
STATUTS_DECIDABLES = STATUTS_EN_COURS + STATUTS_DECIDES


def deposee(candidature="pk") -> Exists:
    """Vrai pour une candidature qui a au moins une version déposée : ce que l'ARS instruit. `candidature` :
    le chemin vers elle depuis la requête qui filtre (« pk », ou « candidatures » depuis un appel)."""
    return Exists(Depot.objects.filter(candidature=OuterRef(candidature)))


class CandidatureQuerySet(models.QuerySet):
    def pour_operateur(self, user):
        """Les candidatures des organismes dont l'utilisateur est membre, et aucune autre."""
        return self.filter(organisme__in=user.organismes.all())

    def pour(self, *, appel, organisme):
        """La candidature de l'organisme à l'appel ; à défaut une nouvelle, pas encore enregistrée : lire la lettre
        n'écrit rien, le premier envoi (brouillon, pièce, dépôt) crée la ligne. L'appel et l'organisme déjà lus y
        sont rattachés : `candidature.appel` ne les relit pas (une requête de moins par dépôt)."""
        candidature = self.filter(appel=appel, organisme=organisme).first()
        if candidature is None:
            return self.model(appel=appel, organisme=organisme)
        candidature.appel, candidature.organisme = appel, organisme
        return candidature

    def avec_depots(self):
        """Avec l'appel, l'organisme et les dépôts préchargés du plus récent au plus ancien (le premier est le
        dépôt courant) : « Mes candidatures » et l'API les lisent ainsi, en deux requêtes pour toute la liste."""
        depots = Prefetch("depots", queryset=Depot.objects.order_by("-version"))
        return self.select_related("appel", "organisme").prefetch_related(depots)

    def deposees(self):
        return self.filter(deposee())

    def avec_instruction(self):
        """Les candidatures déposées, en une requête : organisme, décision, contenu et numéro du dernier dépôt,
        nombre d'avis complets et moyenne de leurs totaux. La file, le classement, la page d'un dossier et les
        exports la lisent."""
        dernier = Depot.objects.filter(candidature=OuterRef("pk")).order_by("-version")
        complets = Q(avis__complet=True)
        return (
            self.deposees()
            .defer("brouillon")  # la saisie en cours de l'opérateur : ni lue ni montrée à l'instruction
            .select_related("organisme", "decision__type_propose", "decision__decide_par")
            .annotate(
                contenu_depose=Subquery(dernier.values("contenu")[:1], output_field=JSONField()),
                numero_depot=Subquery(dernier.values("numero")[:1]),
                nb_avis=Count("avis", filter=complets),
                moyenne=Avg("avis__total", filter=complets),
            )
        )

    def a_relancer(self, maintenant):
        """Les brouillons saisis et non déposés (ou modifiés depuis le dépôt) à moins de 48 h de la date limite,
        pas encore relancés."""
        return (
            self.filter(
                Q(statut=StatutCandidature.BROUILLON) | Q(brouillon_modifie_depuis_depot=True),
                relance_envoyee_le__isnull=True,
                appel__statut=StatutAppel.PUBLIE,
                appel__cloture__gt=maintenant,
                appel__cloture__lte=maintenant + DELAI_RELANCE,
            )
            .exclude(brouillon={})
            .select_related("appel", "organisme")
        )


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

    @property
    def complement_demandable(self) -> bool:
        return self.statut in STATUTS_EN_COURS

    @property
    def est_decidee(self) -> bool:
        return self.statut in STATUTS_DECIDES


class DepotQuerySet(models.QuerySet):
    def avec_candidature(self):
        """Avec l'appel, sa région, l'organisme et le déposant : ce qu'affichent la page et l'accusé d'un dépôt."""
        return self.select_related("candidature__appel__region", "candidature__organisme", "depose_par")


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
    # Distinct de l'accusé : un envoi manqué (serveur de courriel en panne) se reprend même quand le PDF existe.
    accuse_envoye_le = models.DateTimeField("accusé envoyé le", null=True, blank=True)
    # Les conventions que la lettre déposée cite comme « partenariat acté » (partenariats.Convention) : le contenu
    # figé garde leur identifiant, ce lien les retrouve depuis la fiche de la convention. Hors de l'empreinte.
    conventions = models.ManyToManyField(
        "partenariats.Convention", verbose_name="conventions citées", blank=True, related_name="depots"
    )

    objects = DepotQuerySet.as_manager()

    class Meta:
        verbose_name = "dépôt"
        ordering = ["candidature", "-version"]
        constraints = [models.UniqueConstraint(fields=["candidature", "version"], name="une_version_par_numero")]

    def __str__(self):
        return f"Dépôt {self.numero} (version {self.version})"

    @property
    def lettre(self) -> dict:
        return self.contenu.get("lettre", {})


class NaturePiece(models.TextChoices):
    LETTRE = "lettre", "Lettre d'intention (4 pages au plus)"
    CONVENTION = "convention", "Convention de partenariat signée"
    AUTRE = "autre", "Autre pièce"


# Le nombre de pages permis suit la nature : la lettre tient en 4 pages (annexe 1 de l'AMI d'Île-de-France) ;
# les textes ne bornent pas les autres pièces.
PAGES_MAX = {NaturePiece.LETTRE: 4}
NOM_PIECE_MAX = 200


class PieceJointe(models.Model):
    """Un PDF joint à la candidature ; le dépôt fige la liste des pièces dans son contenu (nom et empreinte).

    Le fichier gardé est la copie contrôlée et réécrite du PDF reçu (commun.pdf_recu) : c'est elle que lisent les
    instructeurs. L'empreinte est celle du fichier reçu, preuve de ce que l'opérateur a envoyé."""

    candidature = models.ForeignKey(
        Candidature, verbose_name="candidature", on_delete=models.CASCADE, related_name="pieces"
    )
    nature = models.CharField("nature", max_length=15, choices=NaturePiece.choices)
    fichier = models.FileField("copie contrôlée (PDF)", upload_to="appels/pieces/", validators=[valider_pdf])
    nom = models.CharField("nom du fichier", max_length=NOM_PIECE_MAX)
    pages = models.PositiveIntegerField("pages")
    empreinte = models.CharField("empreinte SHA-256 du fichier reçu", max_length=64)
    ajoutee_le = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["candidature", "ajoutee_le"]

    def __str__(self):
        return self.nom
