"""Les formulaires des dispositifs : comparaison du catalogue, filtres de la carte (pages publiques) ; organismes
gestionnaires et import FINESS (pages des agents)."""

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineCheckboxSelectMultiple

from commun.tri import cle_alphabetique
from dispositifs.models import Organisme, Statut
from dispositifs.organismes import CHAMPS_SAISIS, compacter, verifier_doublons
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
