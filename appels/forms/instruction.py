"""Les formulaires de l'instruction : filtres de la file, avis noté, décision, demande de complément, réponse."""

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from appels.forms.appels import ChampEnveloppe, ChoixType
from appels.models import NOTE_MAX, Decision, NatureDecision, StatutCandidature
from commun.tri import cle_alphabetique
from dispositifs.models import TypeDispositif

STATUTS_INSTRUITS = [
    (valeur, libelle) for valeur, libelle in StatutCandidature.choices if valeur != StatutCandidature.BROUILLON
]


def par_libelle(choix) -> bytes:
    return cle_alphabetique(choix[1])


class FiltresFileForm(DsfrBaseForm):
    """Statut, type envisagé et territoire ; les choix sont ceux que portent les candidatures de la file."""

    statut = forms.ChoiceField(label="Statut", required=False)
    type = forms.ChoiceField(label="Dispositif envisagé", required=False)
    territoire = forms.ChoiceField(label="Territoire", required=False)

    def __init__(self, *args, dossiers, noms_territoires, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [("", "Tous les statuts"), *STATUTS_INSTRUITS]
        types = {d.code_type: d.type.sigle if d.type else "Indéterminé" for d in dossiers}
        self.fields["type"].choices = [("", "Tous les types"), *sorted(types.items(), key=par_libelle)]
        codes = {code for d in dossiers for code in d.territoires}
        territoires = sorted(((code, noms_territoires.get(code, code)) for code in codes), key=par_libelle)
        self.fields["territoire"].choices = [("", "Tous les territoires"), *territoires]

    def filtrer(self, dossiers):
        donnees = self.cleaned_data
        return [
            d
            for d in dossiers
            if (not donnees["statut"] or d.candidature.statut == donnees["statut"])
            and (not donnees["type"] or d.code_type == donnees["type"])
            and (not donnees["territoire"] or donnees["territoire"] in d.territoires)
        ]


class AvisForm(DsfrBaseForm):
    """Une note entière de 0 à 10 par critère (`note_<id>`), le commentaire partagé, l'annotation privée."""

    commentaire = forms.CharField(
        label="Commentaire partagé",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Lu par les autres évaluateurs de la candidature, jamais par l'opérateur.",
    )
    annotation_privee = forms.CharField(
        label="Annotation privée",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pour vous seul : personne d'autre ne la lit, ni dans l'application ni dans les exports.",
    )
    version_lue = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, criteres, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteres = criteres
        for critere in criteres:
            self.fields[f"note_{critere.pk}"] = forms.IntegerField(
                label=f"{critere.libelle} (poids {critere.poids})",
                required=False,
                min_value=0,
                max_value=NOTE_MAX,
                widget=forms.NumberInput(attrs={"class": "fr-input", "data-poids": critere.poids, "step": 1}),
                error_messages={"invalid": "Saisissez un nombre entier de 0 à 10."},
            )

    @classmethod
    def initial_de(cls, avis) -> dict:
        if avis is None:
            return {"version_lue": 0}
        notes = {f"note_{cle}": valeur for cle, valeur in avis.notes.items()}
        return {
            **notes,
            "commentaire": avis.commentaire,
            "annotation_privee": avis.annotation_privee,
            "version_lue": avis.version,
        }

    def lignes_grille(self):
        return [(critere, self[f"note_{critere.pk}"]) for critere in self.criteres]

    def notes(self) -> dict:
        return {str(c.pk): self.cleaned_data[f"note_{c.pk}"] for c in self.criteres}


class DecisionForm(DsfrBaseForm):
    nature = forms.ChoiceField(label="Décision", choices=NatureDecision.choices, widget=forms.RadioSelect)
    type_propose = ChoixType(
        label="Type proposé (réorientation)",
        queryset=TypeDispositif.objects.order_by("ordre", "sigle"),
        required=False,
        help_text="Seulement pour une réorientation : le type vers lequel l'ARS repositionne le projet.",
    )
    motif = forms.CharField(
        label="Motif",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Communiqué à l'opérateur ; obligatoire pour une candidature non retenue ou réorientée.",
    )
    montant_retenu = ChampEnveloppe(label="Montant annuel retenu (€)", required=False, min_value=0, decimal_places=0)
    capacite_retenue = forms.DecimalField(
        label="Capacité retenue", required=False, min_value=0, decimal_places=2, localize=True
    )
    version_lue = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self):
        donnees = super().clean()
        if "nature" in donnees:
            try:
                Decision.verifier(
                    nature=donnees["nature"], type_propose=donnees.get("type_propose"), motif=donnees.get("motif", "")
                )
            except ValidationError as refus:
                for message in refus.messages:  # en tête du formulaire, comme les refus du service
                    self.add_error(None, message)
        return donnees


class ComplementForm(DsfrBaseForm):
    message = forms.CharField(
        label="Ce qu'il faut compléter",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Envoyé par courriel aux membres de l'organisme ; la candidature passe « à compléter ».",
    )


class ReponseComplementForm(DsfrBaseForm):
    reponse = forms.CharField(label="Votre réponse", widget=forms.Textarea(attrs={"rows": 6}))
    confirmee = forms.BooleanField(
        label="Je confirme que cette réponse complète notre dossier et peut être transmise à l'ARS.",
        error_messages={"required": "Cochez la case pour confirmer votre réponse."},
    )


def initial_decision(decision, dossier) -> dict:
    """La décision enregistrée ; à défaut, le montant et la capacité demandés dans la lettre."""
    if decision is None:
        return {
            "version_lue": 0,
            "montant_retenu": dossier.budget_demande,
            "capacite_retenue": dossier.capacite_demandee,
        }
    return {
        "nature": decision.nature,
        "type_propose": decision.type_propose_id,
        "motif": decision.motif,
        "montant_retenu": decision.montant_retenu,
        "capacite_retenue": decision.capacite_retenue,
        "version_lue": decision.version,
    }
