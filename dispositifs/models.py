from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, Count, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from commun.nombres import nombre
from dispositifs.signals import perimetre_modifie
from dispositifs.validators import valider_finess, valider_siren


class Secteur(models.TextChoices):
    MEDICO_SOCIAL = "medico_social", "Médico-social"
    SANITAIRE = "sanitaire", "Sanitaire"
    # Les ARMS : « Dispositif politique de la ville, compétence santé » (source 000).
    POLITIQUE_DE_LA_VILLE = "politique_ville", "Politique de la ville"
    NON_PRECISE = "non_precise", "Non précisé par les sources"


class Unite(models.TextChoices):
    """L'unité où se comptent capacités, cibles et coûts d'un type (issue 13) ; seuls les postes se fractionnent
    (`TypeDispositif.refus_de_decimales`)."""

    PLACES = "places", "places"
    LITS = "lits", "lits"
    EQUIPES = "equipes", "équipes"
    ETP = "etp", "postes (ETP)"
    SITES = "sites", "sites de consultation"
    STRUCTURES = "structures", "structures"


# « 11 000 € par place et par an », « 1 poste (ETP) » : le catalogue, le budget et les messages.
UNITE_AU_SINGULIER = {
    Unite.PLACES: "place",
    Unite.LITS: "lit",
    Unite.EQUIPES: "équipe",
    Unite.ETP: "poste (ETP)",
    Unite.SITES: "site de consultation",
    Unite.STRUCTURES: "structure",
}


class Financement(models.TextChoices):
    ONDAM_MS = "ondam_ms", "ONDAM médico-social spécifique"
    MIG = "mig", "MIG (mission d'intérêt général)"
    FIR = "fir", "FIR (fonds d'intervention régional)"
    AUTRE = "autre", "Autre"
    INCONNU = "inconnu", "Non précisé par les sources"


class Rattachement(models.TextChoices):
    AUCUN = "aucun", "Aucun"
    TYPE_PARENT = "type_parent", "À un dispositif du type parent"
    ETABLISSEMENT_SANTE = "etablissement_sante", "À un établissement de santé porteur"


class TypeDispositif(models.Model):
    """Le catalogue : LHSS, LAM, ACT… et leur présentation (annexe 2 bis de l'appel d'Île-de-France)."""

    code = models.SlugField("code", max_length=30, unique=True, help_text="Ex. LHSS, ACT-HLM.")
    sigle = models.CharField("sigle", max_length=30)
    libelle = models.CharField("libellé", max_length=150)
    secteur = models.CharField("secteur", max_length=20, choices=Secteur.choices)
    unite = models.CharField("unité de capacité", max_length=10, choices=Unite.choices)
    financement = models.CharField("cadre de financement", max_length=10, choices=Financement.choices)
    rattachement = models.CharField(
        "rattachement obligatoire", max_length=20, choices=Rattachement.choices, default=Rattachement.AUCUN
    )
    type_parent = models.ForeignKey(
        "self",
        verbose_name="type parent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sous_types",
    )
    cout_annuel_unitaire = models.DecimalField(
        "coût annuel de référence par unité (€)", max_digits=10, decimal_places=0, null=True, blank=True
    )
    categories_finess = models.CharField(
        "catégories FINESS",
        max_length=50,
        blank=True,
        help_text="Codes séparés par des virgules, ex. 354,209.",
    )
    description = models.TextField("description", blank=True)
    publics = models.TextField("publics", blank=True)
    missions = models.TextField("missions", blank=True)
    equipe = models.TextField("équipe", blank=True)
    intervention = models.TextField("modalités d'intervention", blank=True)
    partenaires = models.TextField("partenaires", blank=True)
    modalites_financement = models.TextField("financement", blank=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "type de dispositif"
        verbose_name_plural = "types de dispositifs"
        ordering = ["ordre", "sigle"]
        constraints = [
            models.CheckConstraint(
                name="type_parent_si_rattachement_au_type",
                condition=~Q(rattachement=Rattachement.TYPE_PARENT) | Q(type_parent__isnull=False),
                violation_error_message="Un rattachement à un type parent exige de choisir ce type.",
            )
        ]

    def __str__(self):
        return self.sigle

    def refus_de_decimales(self, valeur: Decimal, *, quoi: str) -> str | None:
        """La règle des unités, écrite une fois (issue 13) : une quantité du type (capacité, cible, capacité prévue,
        quantité d'un coût) est entière, sauf en postes (ETP) ; le message français qui nomme `quoi`, ou None."""
        if self.unite == Unite.ETP or valeur == valeur.to_integral_value():
            return None
        return (
            f"Un {self.sigle} se compte en {self.get_unite_display()} : {quoi} ({nombre(valeur)}) doit être un "
            "nombre entier ; seuls les postes (ETP) admettent des décimales."
        )


class OrganismeQuerySet(models.QuerySet):
    def with_nb_dispositifs(self, dispositifs):
        """Annote nb_dispositifs : combien des `dispositifs` donnés (ceux que l'utilisateur voit) chaque organisme
        porte, par une sous-requête corrélée (la liste des organismes et l'API)."""
        compte = (
            dispositifs.filter(organisme=OuterRef("pk"))
            .order_by()
            .values("organisme")
            .annotate(nombre=Count("pk"))
            .values("nombre")
        )
        return self.annotate(nb_dispositifs=Coalesce(Subquery(compte), 0))


class Organisme(models.Model):
    """Organisme gestionnaire (association, établissement de santé…) qui porte des dispositifs."""

    nom = models.CharField("nom", max_length=200)
    statut_juridique = models.CharField("statut juridique", max_length=100, blank=True)
    siren = models.CharField("SIREN", max_length=9, unique=True, null=True, blank=True, validators=[valider_siren])
    finess_juridique = models.CharField(
        "FINESS juridique", max_length=9, unique=True, null=True, blank=True, validators=[valider_finess]
    )
    adresse = models.CharField("adresse", max_length=250, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    courriel = models.EmailField("courriel de contact", blank=True)
    contact_nom = models.CharField("personne à contacter", max_length=150, blank=True)
    contact_fonction = models.CharField("fonction de la personne à contacter", max_length=150, blank=True)
    # Un texte validé comme adresse web plutôt qu'un URLField : son champ de formulaire avertit (Django 6 y change
    # le protocole supposé), et on veut une adresse complète, protocole compris.
    site_web = models.CharField(
        "site web", max_length=200, blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    fictif = models.BooleanField(
        "fictif", default=False, help_text="Organisme inventé pour la démonstration ou les tests."
    )
    version = models.PositiveIntegerField(
        "version", default=1, help_text="Incrémentée à chaque modification : deux saisies ne s'écrasent pas."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = OrganismeQuerySet.as_manager()

    class Meta:
        verbose_name = "organisme gestionnaire"
        verbose_name_plural = "organismes gestionnaires"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Nature(models.TextChoices):
    AUTORISATION = "autorisation", "Autorisation"
    EXTENSION = "extension", "Extension"
    REDUCTION = "reduction", "Réduction"
    INSTALLATION = "installation", "Installation"
    FINANCEMENT = "financement", "Financement"
    TRANSFERT = "transfert", "Transfert"
    FERMETURE = "fermeture", "Fermeture"
    # Une équipe renforcée en postes sans que le nombre d'équipes change (issue 13 ; source 000 : EMPP « + renforcement
    # en ETP de certaines équipes », coordination régionale des PASS « + 0,5 ETP ») : la quantité est en ETP.
    RENFORCEMENT = "renforcement", "Renfort en ETP"


# Effet de chaque nature d'événement sur les capacités autorisée et installée. La fermeture n'y ajoute ni n'y
# retranche rien : elle remet tout à zéro (`apres_evenement`, `somme_capacite`) — retrancher sa quantité (l'autorisé
# restant) rendrait négatif un installé partiel. La capacité financée ne s'y lit pas : c'est l'autorisée d'un
# dispositif qui a un crédit notifié pour l'année (financements.Credit) ; la nature « financement » des premières
# saisies n'a plus d'effet.
EFFETS = {
    Nature.AUTORISATION: {"autorisee": 1},
    Nature.EXTENSION: {"autorisee": 1},
    Nature.REDUCTION: {"autorisee": -1},
    Nature.INSTALLATION: {"installee": 1},
    Nature.FINANCEMENT: {},
    Nature.TRANSFERT: {},  # l'autorisation change de titulaire (vers_organisme) : les capacités ne bougent pas
    Nature.FERMETURE: {},
    Nature.RENFORCEMENT: {},  # des ETP en plus dans l'équipe : le nombre d'équipes ne bouge pas (`renfort_etp`)
}
CAPACITES = ("autorisee", "installee", "financee")


def apres_evenement(capacites: dict, evenement) -> dict:
    """Les capacités autorisée et installée ({nom: valeur}) après `evenement` : ses effets, ou zéro partout après une
    fermeture. Le registre rejoué en Python (règles, frise de la fiche) ; `somme_capacite` dit la même chose en SQL."""
    if evenement.nature == Nature.FERMETURE:
        return dict.fromkeys(capacites, Decimal(0))
    effets = EFFETS[evenement.nature]
    return {nom: valeur + effets.get(nom, 0) * evenement.quantite for nom, valeur in capacites.items()}


def somme_capacite(capacite: str, *, date=None, prefixe: str = "evenements__") -> Sum:
    """Expression SQL de la capacité `capacite` à `date`, sommée sur le registre des événements. Un dispositif fermé à
    `date` n'a plus de capacité ; la capacité financée est l'autorisée des dispositifs qui ont un crédit notifié pour
    l'année de `date`."""
    date = date or timezone.localdate()
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=10, decimal_places=2))
    dispositif = OuterRef(f"{prefixe}dispositif")
    ferme = Exists(EvenementCapacite.objects.filter(dispositif=dispositif, nature=Nature.FERMETURE, date__lte=date))
    nuls = [When(ferme, then=zero)]
    if capacite == "financee":
        credits = apps.get_model("financements", "Credit").objects  # financements dépend des dispositifs
        nuls.append(When(~Exists(credits.filter(dispositif=dispositif, annee=date.year)), then=zero))
        capacite = "autorisee"
    cas = [
        When(**{f"{prefixe}nature": nature, f"{prefixe}date__lte": date}, then=F(f"{prefixe}quantite") * signe)
        for nature, effets in EFFETS.items()
        if (signe := effets.get(capacite))
    ]
    montants = Case(*nuls, *cas, default=zero, output_field=DecimalField(max_digits=10, decimal_places=2))
    return Sum(montants, default=zero)


class Statut(models.TextChoices):
    PROJET = "projet", "Projet"
    AUTORISE = "autorise", "Autorisé"
    INSTALLE = "installe", "Installé"
    FERME = "ferme", "Fermé"


EN_SERVICE = (Statut.AUTORISE, Statut.INSTALLE)
# Les champs dont dépendent les indicateurs : qui doit déclarer (statut), et sous quel type et quel territoire.
CHAMPS_DU_PERIMETRE = {"statut", "type", "type_id", "territoire", "territoire_id"}


def empreinte(type_id, territoire_id, statut) -> tuple[int, int, bool]:
    return (type_id, territoire_id, statut in EN_SERVICE)


def annoncer(changements) -> None:
    """Envoie `perimetre_modifie` pour les (empreinte d'avant, empreinte d'après) qui comptent, None pour un
    dispositif absent. Compte : un dispositif en service créé ou supprimé (hors service, il n'a ni déclaration
    attendue ni déclaration), ou une empreinte qui change — entrée en service ou sortie, type, territoire."""
    cles = set()
    for avant, apres in changements:
        if avant == apres:
            continue
        if avant is None or apres is None:  # créé ou supprimé
            if not (avant or apres)[2]:
                continue
        cles.update(e[:2] for e in (avant, apres) if e is not None)
    if cles:
        perimetre_modifie.send(sender=Dispositif, cles=cles)


class DispositifQuerySet(models.QuerySet):
    # Les écritures groupées annoncent leurs changements comme save() et delete() (Dispositif) : toute écriture
    # de l'ORM, d'où qu'elle vienne, prévient les indicateurs (dispositifs/signals.py). bulk_update() passe par
    # update(), lot par lot : l'empreinte d'avant est relue dans la base, celle d'après aussi (deux requêtes).

    def update(self, **valeurs):
        if not CHAMPS_DU_PERIMETRE & valeurs.keys():
            return super().update(**valeurs)
        avant = {pk: empreinte(*e) for pk, *e in self.values_list("pk", "type_id", "territoire_id", "statut")}
        nombre = super().update(**valeurs)
        apres = Dispositif.objects.filter(pk__in=avant).values_list("pk", "type_id", "territoire_id", "statut")
        annoncer((avant[pk], empreinte(*e)) for pk, *e in apres)
        return nombre

    def bulk_create(self, objs, *args, **kwargs):
        crees = super().bulk_create(objs, *args, **kwargs)
        annoncer((None, d.empreinte) for d in crees)
        for dispositif in crees:
            dispositif.empreinte_lue = dispositif.empreinte
        return crees

    def delete(self):
        avant = [empreinte(*e) for e in self.values_list("type_id", "territoire_id", "statut")]
        resultat = super().delete()
        annoncer((e, None) for e in avant)
        return resultat

    def en_service(self):
        """Les dispositifs autorisés ou installés : ceux qui déclarent leurs indicateurs et comptent comme offre."""
        return self.filter(statut__in=EN_SERVICE)

    def dans(self, territoire):
        """Les dispositifs du territoire et de tout ce qu'il contient (une requête, index du chemin)."""
        return self.sous_chemin(territoire.chemin)

    def sous_chemin(self, chemin):
        """Les dispositifs dont le territoire est sous `chemin` : un texte, ou `OuterRef("chemin")` pour compter
        ceux de chaque territoire dans une sous-requête corrélée."""
        return self.filter(territoire__chemin__startswith=chemin)

    def dans_l_ordre_de(self, identifiants) -> list:
        """Les dispositifs de `identifiants` (une page déjà triée et coupée), dans cet ordre, en une requête : une
        liste annote ses capacités sur les seules lignes de sa page, non sur toutes celles qu'elle trie."""
        identifiants = list(identifiants)
        par_pk = {dispositif.pk: dispositif for dispositif in self.filter(pk__in=identifiants)}
        return [par_pk[pk] for pk in identifiants]

    def for_liste(self):
        """Ce qu'une liste montre de chaque dispositif (type, organisme, territoire, horizon) et ses capacités du
        jour, lus dans la même requête : la liste de la cartographie et l'API."""
        return self.select_related("type", "organisme", "territoire", "horizon").with_capacites()

    def with_capacites(self, date=None):
        """Annote capacite_autorisee, capacite_installee et capacite_financee à `date` (aujourd'hui par
        défaut), calculées dans la base à partir du registre des événements : jamais saisies deux fois."""
        return self.annotate(**{f"capacite_{nom}": somme_capacite(nom, date=date) for nom in CAPACITES})


class Dispositif(models.Model):
    """Une structure financée (un LHSS, une PASS…) ou un projet qui n'est pas encore autorisé."""

    finess = models.CharField(
        "FINESS établissement", max_length=9, unique=True, null=True, blank=True, validators=[valider_finess]
    )
    nom = models.CharField("nom", max_length=200)
    type = models.ForeignKey(TypeDispositif, verbose_name="type", on_delete=models.PROTECT, related_name="dispositifs")
    organisme = models.ForeignKey(
        Organisme, verbose_name="organisme gestionnaire", on_delete=models.PROTECT, related_name="dispositifs"
    )
    territoire = models.ForeignKey(
        "territoires.Territoire",
        verbose_name="territoire",
        on_delete=models.PROTECT,
        related_name="dispositifs",
        help_text="Le plus précis connu : territoire de santé, sinon département, sinon région (projet non réparti).",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="rattaché à",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rattaches",
    )
    finess_porteur = models.CharField(
        "FINESS de l'établissement de santé porteur",
        max_length=9,
        blank=True,
        validators=[valider_finess],
        help_text="Pour les équipes portées par un établissement (EMPP, PASS…).",
    )
    statut = models.CharField("statut", max_length=10, choices=Statut.choices, default=Statut.PROJET)
    horizon = models.ForeignKey(
        "planification.Horizon",
        verbose_name="horizon de programmation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projets",
        help_text="Pour un projet : le programme où il est inscrit (colonne « perspectives »).",
    )
    capacite_prevue = models.DecimalField(
        "capacité prévue", max_digits=8, decimal_places=2, null=True, blank=True, help_text="Pour un projet."
    )
    commune = models.CharField("commune", max_length=100, blank=True)
    note = models.TextField("note", blank=True)
    fictif = models.BooleanField(
        "fictif", default=False, help_text="Dispositif ou FINESS inventé pour la démonstration."
    )
    version = models.PositiveIntegerField(
        "version", default=1, help_text="Incrémentée à chaque modification : deux saisies ne s'écrasent pas."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DispositifQuerySet.as_manager()

    class Meta:
        verbose_name = "dispositif"
        ordering = ["type__ordre", "nom"]

    def __str__(self):
        return f"{self.nom} ({self.type.sigle})"

    # L'empreinte lue dans la base (type, territoire, en service) : save() compare, sans requête de plus, et
    # n'annonce que ce qui change (le modèle de « Customizing model loading » de la documentation de Django).
    empreinte_lue = None

    def save(self, *args, **kwargs):
        avant = None if self._state.adding else (self.empreinte_lue or empreinte_en_base(self))
        super().save(*args, **kwargs)
        annoncer([(avant, self.empreinte)])
        self.empreinte_lue = self.empreinte

    def delete(self, *args, **kwargs):
        avant = self.empreinte_lue or empreinte_en_base(self)
        resultat = super().delete(*args, **kwargs)
        annoncer([(avant, None)])
        return resultat

    @classmethod
    def from_db(cls, db, field_names, values):
        dispositif = super().from_db(db, field_names, values)
        if {"type_id", "territoire_id", "statut"} <= set(field_names):
            dispositif.empreinte_lue = dispositif.empreinte
        return dispositif

    @property
    def empreinte(self) -> tuple[int, int, bool]:
        return empreinte(self.type_id, self.territoire_id, self.statut)

    def clean(self):
        rattachement = self.type.rattachement if self.type_id else Rattachement.AUCUN
        if rattachement == Rattachement.TYPE_PARENT:
            if self.parent is None or self.parent.type_id != self.type.type_parent_id:
                attendu = self.type.type_parent.sigle
                raise ValidationError(
                    {"parent": f"Un {self.type.sigle} doit être rattaché à un dispositif {attendu}."}
                )
        elif self.parent is not None:
            raise ValidationError({"parent": f"Un {self.type.sigle} ne se rattache pas à un autre dispositif."})
        if rattachement == Rattachement.ETABLISSEMENT_SANTE and not self.finess_porteur:
            raise ValidationError(
                {"finess_porteur": f"Un {self.type.sigle} doit indiquer l'établissement de santé qui le porte."}
            )


def empreinte_en_base(dispositif) -> tuple | None:
    """L'empreinte enregistrée d'un objet qui n'a pas été lu de la base (une requête) ; None s'il n'y est pas."""
    ligne = Dispositif.objects.filter(pk=dispositif.pk).values_list("type_id", "territoire_id", "statut").first()
    return None if ligne is None else empreinte(*ligne)


class EvenementCapaciteQuerySet(models.QuerySet):
    def sous_chemin(self, chemin):
        """Les événements des dispositifs situés sous `chemin` (texte ou `OuterRef("chemin")`)."""
        return self.filter(dispositif__territoire__chemin__startswith=chemin)


class EvenementCapacite(models.Model):
    """Le registre : chaque décision datée qui fait varier une capacité. Les capacités s'en déduisent."""

    dispositif = models.ForeignKey(
        Dispositif, verbose_name="dispositif", on_delete=models.CASCADE, related_name="evenements"
    )
    date = models.DateField("date d'effet")
    nature = models.CharField("nature", max_length=15, choices=Nature.choices)
    quantite = models.DecimalField(
        "quantité",
        max_digits=8,
        decimal_places=2,
        help_text="Dans l'unité du type (places, lits, équipes, postes, sites, structures) ; en ETP pour un renfort.",
    )
    reference = models.CharField("référence de la décision", max_length=150, blank=True, help_text="Arrêté n°…")
    commentaire = models.CharField("commentaire", max_length=300, blank=True)
    duree_annees = models.PositiveSmallIntegerField(
        "durée de l'autorisation (années)",
        null=True,
        blank=True,
        help_text="Pour une autorisation : 15 ans pour un établissement social ou médico-social.",
    )
    visite_conformite = models.DateField(
        "date de la visite de conformité", null=True, blank=True, help_text="Pour une installation."
    )
    vers_organisme = models.ForeignKey(
        Organisme,
        verbose_name="nouveau titulaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferts_recus",
        help_text="Pour un transfert : l'organisme qui reprend l'autorisation.",
    )
    saisi_par = models.ForeignKey(
        "comptes.Utilisateur",
        verbose_name="saisi par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evenements_saisis",
    )
    created_at = models.DateTimeField("saisi le", auto_now_add=True)

    objects = EvenementCapaciteQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de capacité"
        verbose_name_plural = "registre des capacités"
        ordering = ["dispositif", "date", "pk"]
        constraints = [
            models.CheckConstraint(name="quantite_positive", condition=Q(quantite__gt=0)),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} de {self.quantite} au {self.date:%d/%m/%Y}"
