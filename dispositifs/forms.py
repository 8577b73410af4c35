"""Les formulaires des dispositifs : comparaison du catalogue, filtres de la carte, arrêté du registre."""

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineCheckboxSelectMultiple

from commun.tri import cle_alphabetique
from dispositifs.models import Organisme, Statut
from dispositifs.registre import NATURES_SAISIES
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
        help_text="Ce que l'arrêté ajoute ou retire. Fermeture et transfert : vide, la capacité autorisée restante.",
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
