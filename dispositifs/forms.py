"""Les formulaires des dispositifs : comparaison du catalogue, filtres de la carte (pages publiques) ; filtres de la
liste des dispositifs, fiche d'identité d'un dispositif et arrêté du registre (/dispositifs/) ;
organismes gestionnaires et import FINESS (pages des agents)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import construct_instance
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineCheckboxSelectMultiple

from commun.tri import cle_alphabetique
from comptes.models import Role
from config.policy import Regle, autorise, dispositifs_geres, organismes_visibles
from dispositifs.models import Dispositif, Organisme, Statut, TypeDispositif
from dispositifs.organismes import CHAMPS_SAISIS, compacter, verifier_doublons
from dispositifs.registre import NATURES_SAISIES
from territoires.models import Niveau, Territoire


class ComparaisonForm(DsfrBaseForm):
    type = forms.MultipleChoiceField(
        label="Types à comparer",
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [(t.code, t.sigle) for t in types]


class FiltreCarteForm(DsfrBaseForm):
    """Les filtres de la cartographie ; les choix viennent des listes déjà lues par la vue."""

    region = forms.ChoiceField(label="Région")
    departement = forms.ChoiceField(label="Département", required=False)
    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous, sauf les fermés"), *Statut.choices]
    )
    type = forms.MultipleChoiceField(
        label="Types de dispositifs",
        required=False,
        widget=InlineCheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )

    def __init__(self, *args, territoires, departements, types, **kwargs):
        super().__init__(*args, **kwargs)
        france = [(t.code, "France entière") for t in territoires if t.niveau == Niveau.PAYS]
        regions = [t for t in territoires if t.niveau == Niveau.REGION]
        self.fields["region"].choices = france + [
            (t.code, t.nom) for t in sorted(regions, key=lambda t: cle_alphabetique(t.nom))
        ]
        self.fields["departement"].choices = [("", "Tous les départements"), *((d.code, str(d)) for d in departements)]
        self.fields["type"].choices = [(t.code, t.sigle) for t in types]


class RechercheOrganismesForm(DsfrBaseForm):
    q = forms.CharField(
        label="Rechercher un organisme",
        required=False,
        max_length=200,
        help_text="Une partie du nom, ou le SIREN, ou le FINESS juridique.",
    )


class OrganismeForm(forms.ModelForm, DsfrBaseForm):
    """L'identité et les contacts d'un organisme ; `version_lue` porte la version affichée (verrou optimiste)."""

    # Plus long que les 9 caractères du modèle : « 732 829 320 » est admis, puis compacté (clean_siren).
    siren = forms.CharField(label="SIREN", required=False, max_length=20, help_text="9 chiffres, sur l'avis Insee.")
    finess_juridique = forms.CharField(
        label="FINESS juridique",
        required=False,
        max_length=20,
        help_text="9 caractères : le numéro de l'entité juridique dans le répertoire FINESS.",
    )
    version_lue = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = Organisme
        fields = CHAMPS_SAISIS
        help_texts = {
            "statut_juridique": "Ex. association loi 1901, établissement public de santé, fondation.",
            "site_web": "Adresse complète, ex. https://www.exemple.fr.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version_lue"].required = self.instance.pk is not None

    def clean_siren(self):
        return compacter(self.cleaned_data["siren"])

    def clean_finess_juridique(self):
        return compacter(self.cleaned_data["finess_juridique"])

    def validate_unique(self):
        """Les doublons sont refusés par `verifier_doublons`, qui nomme l'organisme existant et donne son adresse."""

    def _post_clean(self):
        """Les doublons dès la saisie, avec les autres erreurs (le service les vérifie encore en écrivant)."""
        super()._post_clean()
        try:
            verifier_doublons(self.instance)
        except ValidationError as refus:
            self._update_errors(
                ValidationError({champ: e for champ, e in refus.error_dict.items() if champ not in self.errors})
            )

    def valeurs(self) -> dict:
        """Les champs de l'organisme, sans la version lue : ce que reçoivent les services."""
        return {champ: self.cleaned_data[champ] for champ in self._meta.fields}


TAILLE_MAX_FINESS = 100 * 1024 * 1024


class ImportFinessForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Extraction FINESS des établissements",
        help_text="Le fichier etalab-cs1100507-stock-….csv de data.gouv.fr, 100 Mo au plus.",
    )

    def clean_fichier(self):
        """Un fichier texte .csv d'une taille raisonnable ; son format (1re ligne, champs) est vérifié par l'import."""
        fichier = self.cleaned_data["fichier"]
        if fichier.size > TAILLE_MAX_FINESS:
            taille = f"{fichier.size / 1024 / 1024:.1f}".replace(".", ",")
            plafond = TAILLE_MAX_FINESS // 1024 // 1024
            raise forms.ValidationError(f"Le fichier dépasse {plafond} Mo ({taille} Mo).", code="trop_lourd")
        if not fichier.name.lower().endswith(".csv") or any(b"\x00" in morceau for morceau in fichier.chunks()):
            raise forms.ValidationError(
                "Ce fichier n'est pas un fichier CSV : déposez l'extraction FINESS telle que data.gouv.fr la "
                "publie (etalab-cs1100507-stock-….csv, texte séparé par des « ; »).",
                code="pas_csv",
            )
        return fichier


# Les dispositifs (/dispositifs/) ---------------------------------------------------------------------------------

# Borne technique, comme celle des mois (commun/mois.py) : datetime s'arrête aux années 1 et 9999.
DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)


class DateBorneeField(forms.DateField):
    """Une date AAAA-MM-JJ entre 1900 et 2999 ; toute autre valeur est un refus en français."""

    default_error_messages = {"invalid": "Date illisible : écrivez-la AAAA-MM-JJ (ex. 2026-01-31)."}

    def __init__(self, **kwargs):
        super().__init__(input_formats=["%Y-%m-%d"], **kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise forms.ValidationError("Date hors du calendrier : entre 1900 et 2999.", code="hors_calendrier")


class FiltreDispositifsForm(DsfrBaseForm):
    """Les filtres de la liste des dispositifs ; les choix sont ceux du périmètre de l'utilisateur."""

    type = forms.ModelChoiceField(
        label="Type", queryset=TypeDispositif.objects.all(), to_field_name="code", required=False, empty_label="Tous"
    )
    territoire = forms.ModelChoiceField(
        label="Territoire", queryset=Territoire.objects.none(), required=False, empty_label="Tous"
    )
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *Statut.choices])
    organisme = forms.ModelChoiceField(
        label="Organisme", queryset=Organisme.objects.none(), required=False, empty_label="Tous"
    )
    finess = forms.CharField(label="FINESS établissement", required=False, max_length=9)
    date = DateBorneeField(
        label="Capacités au",
        required=False,
        help_text="AAAA-MM-JJ ; vide : aujourd'hui.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, dispositifs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires_de(dispositifs)
        self.fields["organisme"].queryset = Organisme.objects.filter(pk__in=dispositifs.values("organisme"))

    def filtrer(self, dispositifs):
        """Les dispositifs que demandent les filtres valides ; un filtre en erreur est ignoré (et signalé)."""
        filtres = self.cleaned_data
        if filtres.get("territoire"):
            dispositifs = dispositifs.dans(filtres["territoire"])
        for champ in ("type", "statut", "organisme", "finess"):
            if filtres.get(champ):
                dispositifs = dispositifs.filter(**{champ: filtres[champ]})
        return dispositifs


def territoires_de(dispositifs):
    """Les territoires où l'on peut filtrer : ceux des dispositifs et tout ce qui les contient (région,
    département), en une requête."""
    chemins = Territoire.objects.filter(pk__in=dispositifs.values("territoire")).values("chemin")
    contient = Exists(chemins.filter(chemin__startswith=OuterRef("chemin")))
    return Territoire.objects.filter(contient).exclude(niveau=Niveau.PAYS).order_by("chemin")


# Ce que la fiche d'identité saisit, à la page comme dans le service (dispositifs/fiches.py) ; le statut n'y est
# pas : il suit le registre des arrêtés.
CHAMPS_DU_DISPOSITIF = [
    "nom",
    "type",
    "finess",
    "organisme",
    "territoire",
    "parent",
    "finess_porteur",
    "commune",
    "horizon",
    "capacite_prevue",
    "note",
]


class DispositifForm(forms.ModelForm, DsfrBaseForm):
    """L'identité d'un dispositif ou d'un projet. Le statut n'y est pas : il suit le registre des arrêtés."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = Dispositif
        fields = CHAMPS_DU_DISPOSITIF
        localized_fields = ["capacite_prevue"]  # « 2,5 » comme on l'écrit en français
        error_messages = {"capacite_prevue": {"invalid": "Saisissez un nombre (ex. 12 ou 2,5)."}}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisme"].queryset = organismes_visibles(user)
        self.fields["territoire"].queryset = territoires_geres(user)
        parents = TypeDispositif.objects.filter(sous_types__isnull=False)
        self.fields["parent"].queryset = dispositifs_geres(user).filter(type__in=parents).select_related("type")
        self.fields["parent"].help_text = "Pour un LHSS mobile, un ACT hors les murs, une PASS mobile."
        self.fields["finess"].help_text = "9 caractères dont une clé de contrôle ; vide pour un projet."
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        """Les règles sont celles du service (dispositifs/fiches.py), appelé par la vue : pas de seconde
        validation du modèle ici."""
        self.instance = construct_instance(self, self.instance, self._meta.fields)


def territoires_geres(user):
    """Les territoires où l'utilisateur place un dispositif : ceux de sa région pour un planificateur, tous (sauf la
    France entière) pour un administrateur."""
    if not autorise(user, Regle.GERER_OFFRE) or not (user.role == Role.ADMINISTRATEUR or user.region_id):
        return Territoire.objects.none()
    if user.role == Role.ADMINISTRATEUR:
        return Territoire.objects.exclude(niveau=Niveau.PAYS).order_by("chemin")
    return Territoire.objects.descendants(user.region, inclus=True).order_by("chemin")


class EvenementForm(DsfrBaseForm):
    """« Enregistrer un arrêté » : les champs communs, puis ceux propres à une nature (laissés vides pour les autres).
    Les règles sont celles du registre (dispositifs/registre.py), les mêmes pour la page et l'API."""

    nature = forms.ChoiceField(label="Nature de l'arrêté", choices=[(n.value, n.label) for n in NATURES_SAISIES])
    date = forms.DateField(
        label="Date d'effet",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide (ex. 2026-03-15)."},
    )
    capacite = forms.DecimalField(
        label="Capacité",
        required=False,
        max_digits=8,
        decimal_places=2,
        localize=True,
        help_text="Ce que l'arrêté ajoute ou retire. Fermeture et transfert : vide, la capacité autorisée restante. "
        "Renfort en ETP : les postes ajoutés à l'équipe (ex. 0,5), sans changer le nombre d'équipes.",
        error_messages={"invalid": "Saisissez un nombre (ex. 12, ou 2,5 en ETP)."},
    )
    reference = forms.CharField(label="Référence de l'arrêté", required=False, max_length=150)
    commentaire = forms.CharField(label="Commentaire", required=False, max_length=300)
    duree_annees = forms.IntegerField(
        label="Durée de l'autorisation (années)",
        required=False,
        min_value=1,
        max_value=99,
        help_text="Autorisation seulement. Vide : 15 ans pour un établissement social ou médico-social "
        "(CASF, art. L313-1).",
    )
    visite_conformite = forms.DateField(
        label="Date de la visite de conformité",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Installation seulement.",
        error_messages={"invalid": "Saisissez une date valide (ex. 2026-03-01)."},
    )
    vers_organisme = forms.ModelChoiceField(
        label="Nouveau titulaire",
        queryset=Organisme.objects.order_by("nom"),
        required=False,
        empty_label="—",
        help_text="Transfert seulement : l'organisme qui reprend l'autorisation.",
    )

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacite"].label = f"Capacité ({dispositif.type.get_unite_display()})"
        self._bound_fields_cache.pop("capacite", None)  # DsfrBaseForm a déjà lu le champ : relu avec son unité

    def ajouter_refus(self, refus: ValidationError) -> None:
        """Le refus du registre sous le champ qu'il nomme (en tête du formulaire s'il n'en nomme pas)."""
        if not hasattr(refus, "error_dict"):
            self.add_error(None, refus)
            return
        for champ, erreurs in refus.error_dict.items():
            self.add_error(champ if champ in self.fields else None, erreurs)
