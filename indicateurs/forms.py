"""Les formulaires des déclarations : saisie d'un mois, import CSV, filtres de la file de validation,
renvoi et dérogation. Les règles métier restent dans les services : un formulaire ne vérifie que la forme."""

from django import forms
from dsfr.forms import DsfrBaseForm

from dispositifs.models import TypeDispositif
from territoires.models import Territoire


class ChampMois(forms.DateField):
    """Un mois écrit « AAAA-MM » (le sélecteur de mois du navigateur), rendu comme son premier jour. Le seul
    champ mois des formulaires : déclarations, validation, tableaux de bord et rapports."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": "Indiquez un mois sous la forme AAAA-MM, par exemple 2026-10."}

    def to_python(self, value):
        date = super().to_python(value)
        return date.replace(day=1) if date else date


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
                max_digits=12,
                decimal_places=2,
                localize=True,
                error_messages={"invalid": "Saisissez un nombre (ex. 12 ou 2,5)."},
            )
            self.fields[f"commentaire_{indicateur.code}"] = forms.CharField(
                label="Commentaire",
                required=False,
                max_length=300,
                help_text="Obligatoire seulement pour une valeur inhabituelle.",
            )

    def lignes(self):
        """(indicateur, champ valeur, champ commentaire) dans l'ordre du catalogue, pour le gabarit."""
        return [(i, self[i.code], self[f"commentaire_{i.code}"]) for i in self.indicateurs]

    def valeurs(self) -> dict:
        return {i.code: self.cleaned_data[i.code] for i in self.indicateurs}

    def commentaires(self) -> dict:
        return {i.code: self.cleaned_data[f"commentaire_{i.code}"].strip() for i in self.indicateurs}

    def ajouter_refus(self, erreurs: dict[str, str]):
        """Place chaque message du service sur son champ ; ce qui ne vise aucun indicateur va en tête."""
        for code, message in erreurs.items():
            self.add_error(code if code in self.fields else None, message)


class ImportForm(DsfrBaseForm):
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Séparateur « ; » ou « , », encodage UTF-8 ou Latin-1 (Windows) ; 5 Mo au plus.",
    )
    essai = forms.BooleanField(
        label="Essai à blanc : montrer ce qui serait importé, sans rien enregistrer", required=False, initial=True
    )
    transmettre = forms.BooleanField(label="Transmettre à l'ARS les lignes importées sans erreur", required=False)

    TAILLE_MAX = 5 * 1024 * 1024

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        if fichier.size > self.TAILLE_MAX:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : découpez-le en plusieurs imports.")
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
