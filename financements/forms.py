"""Les formulaires des financements : les filtres de la page budget, la saisie d'un crédit et d'une enveloppe. Les
règles sont celles des services (financements/services.py) : les formulaires ne font que lire la saisie."""

from django import forms
from dsfr.forms import DsfrBaseForm

from config.policy import dispositifs_geres, regions_visibles
from dispositifs.models import TypeDispositif
from financements.models import Source

ESPACES = (" ", "\xa0", "\u202f")


class ChampMontant(forms.DecimalField):
    """Un montant écrit comme on l'écrit : « 12 500,50 », « 1 500 000 € » ; ses règles (centimes, signe) sont celles
    du service."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})
    default_error_messages = {"invalid": "Saisissez un montant en euros, par exemple 12 500 ou 12 500,50."}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.removesuffix("€").strip().replace(",", ".")
            for espace in ESPACES:
                value = value.replace(espace, "")
        return super().to_python(value)


class ChampAnnee(forms.IntegerField):
    default_error_messages = {"invalid": "Saisissez une année, par exemple 2026."}


class ChoixDispositif(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nom} — {obj.type.sigle}, {obj.territoire.nom}"


class ChoixType(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.sigle} — {obj.libelle}"


class FiltreBudgetForm(DsfrBaseForm):
    """La région (parmi celles de l'utilisateur) et l'année de la page budget."""

    region = forms.ChoiceField(label="Région")
    annee = ChampAnnee(label="Année", min_value=2000, max_value=2100)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = regions
        self.fields["region"].choices = [(r.code, r.nom) for r in regions]

    @property
    def region_choisie(self):
        return next(r for r in self.regions if r.code == self.cleaned_data["region"])


class CreditForm(DsfrBaseForm):
    dispositif = ChoixDispositif(label="Dispositif", queryset=None)
    annee = ChampAnnee(label="Année")
    source = forms.ChoiceField(label="Source des crédits", choices=Source.choices)
    montant = ChampMontant(label="Montant (€)", help_text="Par exemple 120 000 ou 120 000,50.")
    reconductible = forms.BooleanField(
        label="Reconductible", required=False, initial=True, help_text="Décochez pour un crédit CNR."
    )
    reference = forms.CharField(label="Référence de la notification", max_length=150, required=False)
    commentaire = forms.CharField(label="Commentaire", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    confirmer_depassement = forms.BooleanField(label="Engager au-delà de l'enveloppe", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispositif"].queryset = dispositifs_geres(user).select_related("type", "territoire")


class EnveloppeForm(DsfrBaseForm):
    region = forms.ModelChoiceField(label="Région", queryset=None, empty_label=None)
    annee = ChampAnnee(label="Année")
    source = forms.ChoiceField(label="Source des crédits", choices=Source.choices)
    type = ChoixType(
        label="Type de dispositif",
        queryset=TypeDispositif.objects.all(),
        required=False,
        empty_label="Tous les types de la source",
        help_text="Quand l'ARS répartit l'enveloppe de la source par type.",
    )
    montant = ChampMontant(label="Montant (€)")
    reference = forms.CharField(label="Référence", max_length=150, required=False)
    commentaire = forms.CharField(label="Commentaire", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_visibles(user)
