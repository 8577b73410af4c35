"""Les formulaires des pages publiques des dispositifs : comparaison du catalogue, filtres de la carte."""

from django import forms
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineCheckboxSelectMultiple

from commun.tri import cle_alphabetique
from dispositifs.models import Statut
from territoires.models import Niveau


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
