"""Les formulaires de la lettre d'intention : aucun champ n'y est obligatoire, pour que le brouillon accepte
tout ; le dépôt passe ensuite le brouillon par ces mêmes formulaires (`contenu_valide`)."""

from django import forms
from django.core.exceptions import ValidationError
from dsfr.forms import DsfrBaseForm

from appels.lettre import (
    INDETERMINE,
    EtatPartenariat,
    Evolution,
    FinancementExistant,
    OuiNon,
    Public,
    en_querydict,
    erreurs_de_depot,
    serialiser,
)
from territoires.models import Niveau

VIDE = [("", "—")]  # un choix vide d'abord : une liste laissée sur « — » reste vide


class LettreForm(DsfrBaseForm):
    """Les champs de la lettre ; aucun n'est obligatoire ici, pour que le brouillon accepte tout."""

    statut_organisme = forms.CharField(label="Statut de l'organisme", required=False, max_length=200)
    experience = forms.CharField(
        label="Expérience dans le champ de la santé des plus démunis", required=False, widget=forms.Textarea
    )
    agrements = forms.CharField(
        label="Agréments (structures médico-sociales de soins résidentiels…)", required=False, widget=forms.Textarea
    )
    dispositif_envisage = forms.ChoiceField(label="Dispositif envisagé", required=False)
    projet_existant = forms.ChoiceField(
        label="S'agit-il d'un projet existant ?", choices=VIDE + OuiNon.choices, required=False
    )
    financement_existant = forms.ChoiceField(
        label="Financement actuel par l'Agence", choices=VIDE + FinancementExistant.choices, required=False
    )
    evolution = forms.ChoiceField(label="Nature de l'évolution", choices=VIDE + Evolution.choices, required=False)
    description_existant = forms.CharField(label="Décrire le projet existant", required=False, widget=forms.Textarea)
    publics = forms.MultipleChoiceField(
        label="Habitants concernés", choices=Public.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    publics_autre = forms.CharField(label="Autre public", required=False, max_length=200)
    attention_chroniques = forms.BooleanField(
        label="Attention portée aux maladies chroniques, au handicap et au vieillissement", required=False
    )
    attention_perinatalite = forms.BooleanField(
        label="Attention portée aux femmes enceintes et aux jeunes enfants", required=False
    )
    territoires = forms.MultipleChoiceField(
        label="Territoires concernés", required=False, widget=forms.CheckboxSelectMultiple
    )
    nature_proposition = forms.CharField(
        label="Nature de la proposition : démarche, soins proposés, accompagnement social",
        required=False,
        widget=forms.Textarea,
    )
    alliance = forms.CharField(
        label="Collaboration envisagée entre le secteur médico-social et la médiation",
        required=False,
        widget=forms.Textarea,
    )
    file_active = forms.IntegerField(label="Estimation de la file active (personnes)", required=False, min_value=0)
    budget_demande = forms.DecimalField(
        label="Budget annuel demandé (€)", required=False, min_value=0, decimal_places=0, localize=True
    )
    capacite_demandee = forms.DecimalField(
        label="Capacité demandée (dans l'unité du dispositif)",
        required=False,
        min_value=0,
        decimal_places=2,
        localize=True,
    )

    def __init__(self, *args, appel, **kwargs):
        super().__init__(*args, **kwargs)
        types = list(appel.types_cibles.all()) + list(appel.types_exclus.all())
        self.fields["dispositif_envisage"].choices = (
            VIDE + [(t.code, t.libelle) for t in types] + [(INDETERMINE, "Indéterminé")]
        )
        territoires = list(appel.territoires.all()) or list(
            appel.territoires_de_la_region().exclude(niveau=Niveau.TERRITOIRE_SANTE)
        )
        self.fields["territoires"].choices = [(t.code, str(t)) for t in territoires]


class MembreEquipeForm(DsfrBaseForm):
    profession = forms.CharField(label="Profession", max_length=100)
    etp = forms.DecimalField(label="ETP", min_value=0, max_value=10, decimal_places=2, localize=True)
    professionnel_sante = forms.BooleanField(label="Professionnel de santé", required=False)


class PartenariatForm(DsfrBaseForm):
    nom = forms.CharField(label="Partenaire", max_length=150)
    nature = forms.CharField(label="Nature du partenariat", max_length=200, required=False)
    # Le choix vide d'abord : une ligne laissée blanche doit rester vide, sinon le formset l'exigerait complète.
    etat = forms.ChoiceField(label="État", choices=VIDE + EtatPartenariat.choices)


# Une ligne vide à l'affichage ; le script de la page en ajoute d'autres (formset.empty_form).
EquipeFormSet = forms.formset_factory(MembreEquipeForm, extra=1, can_delete=True)
PartenariatsFormSet = forms.formset_factory(PartenariatForm, extra=1, can_delete=True)


def formulaires(brouillon: dict, appel):
    """La lettre et ses deux listes (équipe, partenariats), remplies avec le brouillon s'il y en a un."""
    donnees = en_querydict(brouillon) if brouillon else None
    return (
        LettreForm(donnees, appel=appel),
        EquipeFormSet(donnees, prefix="equipe"),
        PartenariatsFormSet(donnees, prefix="partenariats"),
    )


def contenu_valide(brouillon: dict, appel) -> dict:
    """Le contenu nettoyé de la lettre, prêt à figer ; ValidationError, en français, s'il ne peut être déposé."""
    if not brouillon:  # rien de saisi : des formulaires vides ne seraient pas liés, donc jamais nettoyés
        raise ValidationError(erreurs_de_depot({"equipe": []}, appel))
    lettre, equipe, partenariats = formulaires(brouillon, appel)
    messages = [
        message
        for form, titre in ((lettre, None), (equipe, "Équipe"), (partenariats, "Partenariats"))
        if not form.is_valid()
        for message in _messages_de_formulaire(form, titre)
    ]
    if messages:
        raise ValidationError([ValidationError(message, code="invalide") for message in messages])
    contenu = serialiser(lettre.cleaned_data)
    contenu["equipe"] = [serialiser(m) for m in equipe.cleaned_data if m and not m.get("DELETE")]
    contenu["partenariats"] = [serialiser(p) for p in partenariats.cleaned_data if p and not p.get("DELETE")]
    if erreurs := erreurs_de_depot(contenu, appel):
        raise ValidationError(erreurs)
    return contenu


def _messages_de_formulaire(form, titre):
    prefixe = f"{titre} : " if titre else ""
    if hasattr(form, "forms"):  # un formset : les erreurs de chaque ligne, numérotée comme à l'écran
        messages = []
        for numero, ligne in enumerate(form.forms, start=1):
            messages += _messages_de_formulaire(ligne, f"{titre}, ligne {numero}")
        return messages + [f"{prefixe}{erreur}" for erreur in form.non_form_errors()]
    return [
        f"{prefixe}{form.fields[champ].label if champ in form.fields else 'formulaire'} — {erreur}"
        for champ, liste in form.errors.items()
        for erreur in liste
    ]


def lignes_lisibles(contenu: dict, appel) -> list[tuple[str, str]]:
    """Le contenu déposé en (libellé, valeur) à afficher : codes traduits, booléens en oui/non."""
    lignes = []
    for nom, champ in LettreForm(appel=appel).fields.items():
        valeur = contenu.get(nom)
        libelles = dict(getattr(champ, "choices", []))
        if isinstance(valeur, bool):
            texte = "oui" if valeur else "non"
        elif isinstance(valeur, list):
            texte = ", ".join(str(libelles.get(v, v)) for v in valeur)
        else:
            texte = str(libelles.get(valeur, valeur)) if valeur not in (None, "") else ""
        lignes.append((champ.label, texte or "—"))
    return lignes
