"""La lettre d'intention, champ par champ, telle que la décrit l'annexe 1 de l'AMI d'Île-de-France.

Le brouillon garde tout ce qui est saisi, même incomplet ou invalide : rien n'est perdu. Les exigences
(champs obligatoires, professionnel de santé dans l'équipe, type éligible à l'appel) ne s'appliquent
qu'au dépôt, par `erreurs_de_depot`, qui les dit en français.
"""

from django import forms
from django.http import QueryDict
from dsfr.forms import DsfrBaseForm

INDETERMINE = "indetermine"

PUBLICS = [
    ("rue", "Personnes à la rue"),
    ("campements", "Campements et bidonvilles"),
    ("hebergement_urgence", "Hébergement d'urgence et d'insertion"),
    ("hebergement_asile", "Hébergement des demandeurs d'asile"),
    ("foyers_migrants", "Foyers de travailleurs migrants"),
    ("autre", "Autre public (préciser)"),
]
FINANCEMENTS_EXISTANTS = [("", "—"), ("fir", "FIR"), ("cnr", "CNR"), ("autre", "Autre financement")]
EVOLUTIONS = [
    ("", "—"),
    ("perennisation", "Pérennisation"),
    ("extension_geographique", "Extension géographique"),
    ("extension_methodologique", "Extension méthodologique"),
    ("inflexion", "Inflexion"),
]
OUI_NON = [("", "—"), ("oui", "Oui"), ("non", "Non")]

# Champs à remplir pour déposer, avec le libellé qu'on cite dans le message d'erreur.
OBLIGATOIRES_AU_DEPOT = {
    "statut_organisme": "le statut de l'organisme",
    "experience": "l'expérience auprès des plus démunis",
    "dispositif_envisage": "le dispositif envisagé",
    "projet_existant": "s'il s'agit d'un projet existant",
    "publics": "les publics concernés",
    "territoires": "les territoires concernés",
    "nature_proposition": "la nature de la proposition",
    "file_active": "l'estimation de la file active",
    "budget_demande": "le budget demandé",
}


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
    projet_existant = forms.ChoiceField(label="S'agit-il d'un projet existant ?", choices=OUI_NON, required=False)
    financement_existant = forms.ChoiceField(
        label="Financement actuel par l'Agence", choices=FINANCEMENTS_EXISTANTS, required=False
    )
    evolution = forms.ChoiceField(label="Nature de l'évolution", choices=EVOLUTIONS, required=False)
    description_existant = forms.CharField(label="Décrire le projet existant", required=False, widget=forms.Textarea)
    publics = forms.MultipleChoiceField(
        label="Habitants concernés", choices=PUBLICS, required=False, widget=forms.CheckboxSelectMultiple
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
            [("", "—")] + [(t.code, t.libelle) for t in types] + [(INDETERMINE, "Indéterminé")]
        )
        territoires = list(appel.territoires.all()) or list(_territoires_de_la_region(appel))
        self.fields["territoires"].choices = [(t.code, str(t)) for t in territoires]


def _territoires_de_la_region(appel):
    from territoires.models import Territoire

    return Territoire.objects.descendants(appel.region, inclus=True).exclude(niveau="territoire_sante")


class MembreEquipeForm(DsfrBaseForm):
    profession = forms.CharField(label="Profession", max_length=100)
    etp = forms.DecimalField(label="ETP", min_value=0, max_value=10, decimal_places=2, localize=True)
    professionnel_sante = forms.BooleanField(label="Professionnel de santé", required=False)


class PartenariatForm(DsfrBaseForm):
    nom = forms.CharField(label="Partenaire", max_length=150)
    nature = forms.CharField(label="Nature du partenariat", max_length=200, required=False)
    # Un choix vide d'abord : une ligne laissée blanche doit rester vide, sinon le formset l'exigerait complète.
    etat = forms.ChoiceField(
        label="État", choices=[("", "—"), ("acte", "Acté (accord écrit)"), ("envisage", "Envisagé")]
    )


# Une ligne vide à l'affichage ; le script de la page en ajoute d'autres (formset.empty_form).
EquipeFormSet = forms.formset_factory(MembreEquipeForm, extra=1, can_delete=True)
PartenariatsFormSet = forms.formset_factory(PartenariatForm, extra=1, can_delete=True)


def en_querydict(brouillon: dict) -> QueryDict:
    """Le brouillon enregistré (listes de valeurs par champ) redevient des données de formulaire."""
    donnees = QueryDict(mutable=True)
    for champ, valeurs in brouillon.items():
        donnees.setlist(champ, valeurs if isinstance(valeurs, list) else [valeurs])
    return donnees


def formulaires(brouillon: dict, appel):
    """La lettre et ses deux listes (équipe, partenariats), remplies avec le brouillon s'il y en a un."""
    donnees = en_querydict(brouillon) if brouillon else None
    return (
        LettreForm(donnees, appel=appel),
        EquipeFormSet(donnees, prefix="equipe"),
        PartenariatsFormSet(donnees, prefix="partenariats"),
    )


def contenu_valide(brouillon: dict, appel) -> tuple[dict, list[str]]:
    """Le contenu nettoyé de la lettre et la liste des erreurs, en français, qui empêchent le dépôt."""
    lettre, equipe, partenariats = formulaires(brouillon, appel)
    erreurs = []
    for form, titre in ((lettre, None), (equipe, "Équipe"), (partenariats, "Partenariats")):
        if not form.is_valid():
            erreurs += _messages_de_formulaire(form, titre)
    if erreurs:
        return {}, erreurs
    contenu = _serialiser(lettre.cleaned_data)
    contenu["equipe"] = [_serialiser(m) for m in equipe.cleaned_data if m and not m.get("DELETE")]
    contenu["partenariats"] = [_serialiser(p) for p in partenariats.cleaned_data if p and not p.get("DELETE")]
    return contenu, erreurs_de_depot(contenu, appel)


def erreurs_de_depot(contenu: dict, appel) -> list[str]:
    """Les règles d'éligibilité vérifiées au dépôt."""
    erreurs = [
        f"Indiquez {libelle}."
        for champ, libelle in OBLIGATOIRES_AU_DEPOT.items()
        if contenu.get(champ) in (None, "", [])
    ]
    if not any(membre["professionnel_sante"] for membre in contenu["equipe"]):
        erreurs.append("L'équipe prévue doit compter au moins un professionnel de santé.")
    code = contenu.get("dispositif_envisage")
    exclus = {t.code: t for t in appel.types_exclus.all()}
    if code in exclus:
        erreurs.append(f"Le type « {exclus[code].libelle} » n'est pas éligible à cet appel.")
    if "autre" in contenu.get("publics", []) and not contenu.get("publics_autre"):
        erreurs.append("Précisez l'autre public concerné.")
    return erreurs


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


def _serialiser(donnees: dict) -> dict:
    """Décimaux en texte (JSON exact), le reste tel quel ; la case DELETE des formsets est ôtée."""
    return {
        champ: str(valeur) if hasattr(valeur, "as_tuple") else valeur
        for champ, valeur in donnees.items()
        if champ != "DELETE"
    }


def lignes_lisibles(contenu: dict, appel) -> list[tuple[str, str]]:
    """Le contenu déposé en (libellé, valeur) à afficher : codes traduits, booléens en oui/non."""
    champs = LettreForm(appel=appel).fields
    lignes = []
    for nom, champ in champs.items():
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
