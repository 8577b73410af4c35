"""Les formulaires du programme : les filtres de la page, la saisie d'une action, d'un jalon et d'une revue annuelle.
Les règles sont celles des services (programme/services.py) : les formulaires lisent la saisie et bornent les choix à
la région de la feuille de route."""

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineCheckboxSelectMultiple

from appels.models import Appel
from dispositifs.models import Dispositif, TypeDispositif
from planification.models import Cible
from programme.models import Statut
from territoires.models import Territoire

ATTEINT = [("", "Non renseigné"), ("oui", "Atteint"), ("non", "Non atteint")]


PLUSIEURS = "Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."


class ChoixType(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.sigle


def nom_et_niveau(territoire) -> str:
    """« Aisne (département) » et « Aisne (territoire de santé) » se distinguent."""
    return f"{territoire.nom} ({territoire.get_niveau_display().lower()})"


class ChoixTerritoires(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return nom_et_niveau(obj)


class FiltresProgrammeForm(DsfrBaseForm):
    """Région (parmi celles de l'utilisateur), feuille de route, type, statut et territoire de la page du programme."""

    region = forms.ChoiceField(label="Région")
    feuille = forms.ChoiceField(label="Feuille de route", required=False)
    type = forms.ChoiceField(label="Type de dispositif", required=False)
    statut = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + Statut.choices)
    territoire = forms.ChoiceField(label="Territoire", required=False)

    def __init__(self, *args, regions, feuilles, types, territoires, **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {r.code: r for r in regions}
        self.fields["region"].choices = [(r.code, r.nom) for r in regions]
        self.fields["feuille"].choices = [("", "Toutes")] + [(f.slug, f.titre) for f in feuilles]
        self.fields["type"].choices = [("", "Tous")] + [(t.code, t.sigle) for t in types]
        self.fields["territoire"].choices = [("", "Tous")] + [(t.code, nom_et_niveau(t)) for t in territoires]


class ActionForm(DsfrBaseForm):
    axe = forms.ModelChoiceField(label="Axe", queryset=None, empty_label=None)
    intitule = forms.CharField(label="Intitulé", max_length=250)
    objectif = forms.CharField(label="Objectif", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    porteur = forms.CharField(label="Porteur", max_length=200, required=False, help_text="Vide : non précisé.")
    statut = forms.ChoiceField(label="Statut", choices=Statut.choices)
    territoires = ChoixTerritoires(
        label="Territoires", queryset=None, required=False, widget=InlineCheckboxSelectMultiple
    )
    types = ChoixType(label="Types de dispositifs", queryset=None, required=False, widget=InlineCheckboxSelectMultiple)
    cibles = forms.ModelMultipleChoiceField(
        label="Cibles du tableau de planification",
        queryset=None,
        required=False,
        help_text=f"Quand l'objectif en est une. {PLUSIEURS}",
    )
    appels = forms.ModelMultipleChoiceField(
        label="Appels qui portent l'action", queryset=None, required=False, help_text=PLUSIEURS
    )
    dispositifs = forms.ModelMultipleChoiceField(
        label="Dispositifs qui portent l'action", queryset=None, required=False, help_text=PLUSIEURS
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, feuille, **kwargs):
        super().__init__(*args, **kwargs)
        region = feuille.region
        self.fields["axe"].queryset = feuille.axes.all()
        self.fields["territoires"].queryset = Territoire.objects.descendants(region, inclus=True)
        self.fields["types"].queryset = TypeDispositif.objects.order_by("ordre", "sigle")
        cibles = Cible.objects.with_type_territoire_horizon().filter(territoire__chemin__startswith=region.chemin)
        self.fields["cibles"].queryset = cibles
        self.fields["appels"].queryset = Appel.objects.filter(region=region)
        dispositifs = Dispositif.objects.dans(region).select_related("type", "territoire")
        self.fields["dispositifs"].queryset = dispositifs.order_by("type__sigle", "nom")


class JalonForm(DsfrBaseForm):
    echeance = forms.CharField(
        label="Échéance", max_length=100, help_text="Par exemple « 2020 » ou « second semestre 2024 »."
    )
    date = forms.DateField(
        label="Date",
        required=False,
        help_text="Quand elle est connue.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    libelle = forms.CharField(label="Libellé", max_length=300)
    atteint = forms.TypedChoiceField(
        label="Atteint", choices=ATTEINT, required=False, coerce=lambda v: v == "oui", empty_value=None
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class RevueForm(DsfrBaseForm):
    """L'en-tête de la revue, puis pour chaque action de la feuille de route un avancement (texte, pourcentage)."""

    annee = forms.IntegerField(label="Année", min_value=2000, max_value=2100)
    date = forms.DateField(label="Date de la réunion", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    instance = forms.CharField(label="Instance", max_length=200, required=False)
    decisions = forms.CharField(label="Décisions", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for action in self.actions:
            self.fields[f"avancement_{action.pk}"] = forms.CharField(
                label="Avancement", required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"pourcentage_{action.pk}"] = forms.IntegerField(
                label="Pourcentage", required=False, min_value=0, max_value=100
            )

    def lignes(self):
        """(action, champ avancement, champ pourcentage) : une ligne du formulaire par action."""
        return [(a, self[f"avancement_{a.pk}"], self[f"pourcentage_{a.pk}"]) for a in self.actions]

    def avancements(self) -> dict:
        donnees = self.cleaned_data
        return {a: (donnees[f"avancement_{a.pk}"], donnees[f"pourcentage_{a.pk}"]) for a in self.actions}
