"""Les formulaires des indicateurs : saisie d'un mois, import CSV, filtres de la file de validation, renvoi,
dérogation, suivi ; filtres du tableau de bord ; filtres et demande des rapports. Les règles métier restent
dans les services : un formulaire ne vérifie que la forme."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from dsfr.forms import DsfrBaseForm

from commun.mois import HORS_CALENDRIER, dans_le_calendrier, mois_de, nombre_de_mois
from config.policy import perimetres_demandables
from dispositifs.models import TypeDispositif
from indicateurs import calendrier, import_csv
from indicateurs.models import MOTIF_PUBLIC_REGIONAL, Granularite
from indicateurs.regles import COMMENTAIRE_MAX, VALEUR_CHIFFRES, VALEUR_DECIMALES
from indicateurs.tableau_de_bord import Mesure
from territoires.models import Niveau, Territoire


def ajouter_refus(form, refus: ValidationError):
    """Les messages d'un refus du service sur les champs qu'ils visent ; les autres en tête du formulaire."""
    par_champ = refus.error_dict if hasattr(refus, "error_dict") else {NON_FIELD_ERRORS: refus.error_list}
    for champ, erreurs in par_champ.items():
        for erreur in erreurs:
            form.add_error(champ if champ in form.fields else None, erreur)


class ChampMois(forms.DateField):
    """Un mois écrit « AAAA-MM » (le sélecteur de mois du navigateur), rendu comme son premier jour. Le seul
    champ mois des formulaires : déclarations, validation, tableaux de bord et rapports."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Indiquez un mois sous la forme AAAA-MM, par exemple 2026-10."}

    def to_python(self, value):
        date = super().to_python(value)
        if date and not dans_le_calendrier(date):
            raise ValidationError(HORS_CALENDRIER, code="hors_calendrier")
        return mois_de(date) if date else date


class DeclarationForm(DsfrBaseForm):
    """Une valeur (et un commentaire facultatif) par indicateur qui s'applique au type du dispositif.

    Les valeurs sont toutes décimales à la saisie : le service dit, en français, qu'un entier est attendu,
    de la même façon pour la page, l'API et l'import.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicateurs, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicateurs = list(indicateurs)
        for indicateur in self.indicateurs:
            self.fields[indicateur.code] = forms.DecimalField(
                label=f"{indicateur.libelle} ({indicateur.unite})",
                help_text=indicateur.definition,
                required=False,
                max_digits=VALEUR_CHIFFRES,
                decimal_places=VALEUR_DECIMALES,
                localize=True,
                error_messages={"invalid": "Saisissez un nombre (ex. 12 ou 2,5)."},
            )
            self.fields[f"commentaire_{indicateur.code}"] = forms.CharField(
                label=f"Commentaire sur « {indicateur.libelle} »",  # un nom accessible par ligne
                required=False,
                max_length=COMMENTAIRE_MAX,
                help_text="Obligatoire seulement pour une valeur inhabituelle.",
            )

    def lignes(self):
        """(indicateur, champ valeur, champ commentaire) dans l'ordre du catalogue, pour le gabarit."""
        return [(i, self[i.code], self[f"commentaire_{i.code}"]) for i in self.indicateurs]

    def valeurs(self) -> dict:
        return {i.code: self.cleaned_data[i.code] for i in self.indicateurs}

    def commentaires(self) -> dict:
        return {i.code: self.cleaned_data[f"commentaire_{i.code}"].strip() for i in self.indicateurs}

    def ajouter_refus(self, refus: ValidationError):
        """Place chaque message du service sur son champ ; ce qui ne vise aucun indicateur va en tête."""
        ajouter_refus(self, refus)


class ImportForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Séparateur « ; » ou « , », encodage UTF-8 ou Latin-1 (Windows) ; 5 Mo et 1 000 lignes au plus.",
    )
    essai = forms.BooleanField(
        label="Essai à blanc : montrer ce qui serait importé, sans rien enregistrer", required=False, initial=True
    )
    transmettre = forms.BooleanField(label="Transmettre à l'ARS les lignes importées sans erreur", required=False)

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > import_csv.TAILLE_MAX:
            raise forms.ValidationError(import_csv.TROP_VOLUMINEUX)
        return fichier


class FiltreValidationForm(DsfrBaseForm):
    """Les filtres de la file de validation : tous facultatifs."""

    type = forms.ModelChoiceField(
        label="Type de dispositif",
        required=False,
        queryset=TypeDispositif.objects.order_by("ordre", "sigle"),
        to_field_name="code",
        empty_label="Tous les types",
    )
    departement = forms.ModelChoiceField(
        label="Département", required=False, queryset=Territoire.objects.none(), empty_label="Tous les départements"
    )
    mois = ChampMois(label="Mois", required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = Territoire.objects.departements().filter(parent__in=regions)

    def filtrer(self, declarations):
        donnees = self.cleaned_data
        if donnees["type"]:
            declarations = declarations.filter(dispositif__type=donnees["type"])
        if donnees["departement"]:
            declarations = declarations.filter(
                dispositif__territoire__chemin__startswith=donnees["departement"].chemin
            )
        if donnees["mois"]:
            declarations = declarations.filter(mois=donnees["mois"])
        return declarations


class RenvoiForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif du renvoi",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'opérateur doit corriger ; il le reçoit par courriel.",
        max_length=2000,
    )


class ReouvertureForm(DsfrBaseForm):
    """Rouvrir une déclaration validée : le motif, et la version affichée (verrou optimiste)."""

    motif = forms.CharField(
        label="Motif de la réouverture",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que l'opérateur doit revoir ; il le reçoit par courriel. Ses chiffres sortent des agrégats "
        "jusqu'à une nouvelle validation.",
        max_length=2000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DerogationForm(DsfrBaseForm):
    jusqu_au = forms.DateField(
        label="Rouvert jusqu'au", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    motif = forms.CharField(label="Motif", max_length=300)


class SuiviForm(DsfrBaseForm):
    region = forms.ModelChoiceField(
        label="Région", queryset=Territoire.objects.none(), empty_label=None, to_field_name="code"
    )
    mois = ChampMois(label="Mois")

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


# Le tableau de bord couvre au plus dix ans, et sa requête reste bornée.
MOIS_MAX = 120


class FiltresTableauForm(DsfrBaseForm):
    region = forms.ChoiceField(label="Région")
    territoire = forms.ChoiceField(label="Département", required=False)
    debut = ChampMois(label="Du mois")
    fin = ChampMois(label="Au mois (inclus)")
    granularite = forms.ChoiceField(label="Granularité", choices=Granularite.choices)
    indicateur = forms.ChoiceField(label="Indicateur du tableau, de l'évolution et de la carte")
    mesure = forms.ChoiceField(label="Valeur de la carte", choices=Mesure.choices)
    type = forms.MultipleChoiceField(
        label="Types de dispositifs",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )

    # En public, le secret statistique se calcule sur un seul tableau par indicateur et par mois : toute la
    # région, tous les types. Un filtre plus fin (un département, quelques types, des trimestres) donnerait
    # d'autres totaux, d'où l'on recalculerait par différence une case masquée ailleurs.
    CHAMPS_INTERNES = ("territoire", "granularite", "type")

    def __init__(self, *args, perimetres, departements, types, indicateurs, public=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (t.code, "France entière" if t.niveau == Niveau.PAYS else t.nom) for t in perimetres
        ]
        self.fields["territoire"].choices = [("", "Toute la zone"), *((d.code, str(d)) for d in departements)]
        self.fields["type"].choices = [(t.code, t.sigle) for t in types]
        self.fields["indicateur"].choices = [(i.code, i.libelle) for i in indicateurs]
        if public:
            for nom in self.CHAMPS_INTERNES:
                del self.fields[nom]

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and debut > fin:
            self.add_error("fin", "Le mois de fin doit suivre le mois de début.")
        elif debut and fin and nombre_de_mois(debut, fin) >= MOIS_MAX:
            self.add_error("debut", f"Choisissez une période de {MOIS_MAX // 12} ans au plus.")
        return donnees


class FiltresRapportsForm(DsfrBaseForm):
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Territoire.objects.regions(),
        to_field_name="code",
        required=False,
        empty_label="Toutes les régions",
    )
    mois = ChampMois(label="Mois", required=False)


class DemandeRapportForm(DsfrBaseForm):
    territoire = forms.ModelChoiceField(label="Périmètre", queryset=Territoire.objects.none(), empty_label=None)
    mois = ChampMois(label="Mois couvert")
    public = forms.BooleanField(
        label="Version publique", required=False, help_text="Secret statistique appliqué, téléchargeable par tous."
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        max_length=300,
        help_text="Obligatoire pour régénérer un rapport déjà produit : il accompagne la nouvelle version.",
    )

    def __init__(self, *args, user, **kwargs):
        # Sur la page des rapports, à côté des filtres qui ont aussi un « mois » : des id à lui (id_demande_mois).
        kwargs.setdefault("auto_id", "id_demande_%s")
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = perimetres_demandables(user).order_by("chemin")

    def clean(self):
        donnees = super().clean()
        territoire = donnees.get("territoire")
        if donnees.get("public") and territoire and territoire.niveau != Niveau.REGION:
            self.add_error("public", MOTIF_PUBLIC_REGIONAL)
        return donnees

    def clean_mois(self):
        mois = self.cleaned_data["mois"]
        if mois > mois_de(calendrier.aujourd_hui()):
            raise forms.ValidationError("Ce mois n'a pas encore commencé.")
        return mois
