"""Les formulaires de la lettre d'intention : aucun champ n'y est obligatoire, pour que le brouillon accepte
tout (et qu'un brouillon rechargé ne s'affiche pas couvert d'erreurs) ; le dépôt passe ensuite le brouillon par
ces mêmes formulaires (`contenu_valide`) puis par `erreurs_de_depot`, qui exige les champs marqués d'un
astérisque."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, Q
from django.utils.html import format_html
from dsfr.forms import DsfrBaseForm

from appels.lettre import (
    INDETERMINE,
    OBLIGATOIRES_AU_DEPOT,
    EtatPartenariat,
    Evolution,
    FinancementExistant,
    OuiNon,
    Public,
    en_querydict,
    erreurs_de_depot,
    serialiser,
)
from commun.nombres import nombre
from territoires.models import Niveau, Territoire

VIDE = [("", "—")]  # un choix vide d'abord : une liste laissée sur « — » reste vide


class LettreForm(DsfrBaseForm):
    """Les champs de la lettre ; aucun n'est obligatoire ici, mais ceux qu'exige le dépôt (OBLIGATOIRES_AU_DEPOT)
    sont marqués d'un astérisque et annoncés obligatoires. Le dispositif envisagé ne propose que les types
    éligibles à l'appel."""

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
        label="Capacité demandée",
        required=False,
        min_value=0,
        decimal_places=2,
        localize=True,
    )

    def __init__(self, *args, appel, **kwargs):
        super().__init__(*args, **kwargs)
        for nom in OBLIGATOIRES_AU_DEPOT:
            marquer_exige_au_depot(self, nom)
        # Un type exclu de l'appel n'est pas proposé ; un brouillon qui en garde un est refusé au dépôt.
        types = appel.types_eligibles()
        champ = self.fields["dispositif_envisage"]
        champ.choices = VIDE + [(t.code, unite_du_type(t)) for t in types] + [(INDETERMINE, "Indéterminé")]
        champ.error_messages["invalid_choice"] = "Ce type de dispositif n'est pas éligible à cet appel."
        # Le champ déjà lié (DsfrBaseForm lie les champs dans son __init__) reçoit l'aide lui aussi.
        self["capacite_demandee"].help_text = self.fields["capacite_demandee"].help_text = aide_capacite(types)
        self.fields["territoires"].choices = [(t.code, str(t)) for t in territoires_proposes(appel)]


def territoires_proposes(appel) -> list:
    """Ceux que l'appel désigne, sinon la région et tout ce qu'elle contient hors territoires de santé : en une
    requête (le dépôt la fait sous le verrou de sa candidature), ou lus dans la liste préchargée s'il y en a une."""
    if "territoires" in getattr(appel, "_prefetched_objects_cache", {}):
        return list(appel.territoires.all()) or list(
            appel.territoires_de_la_region().exclude(niveau=Niveau.TERRITOIRE_SANTE)
        )
    designes = appel.territoires.values("pk")
    de_la_region = appel.territoires_de_la_region().exclude(niveau=Niveau.TERRITOIRE_SANTE)
    return list(
        Territoire.objects.filter(Q(pk__in=designes) | (Q(pk__in=de_la_region.values("pk")) & ~Exists(designes)))
    )


def marquer_exige_au_depot(form, nom):
    """L'astérisque du DSFR après le libellé et, hors cases à cocher, aria-required : le champ est annoncé
    obligatoire sans que le brouillon l'exige. Le champ déjà lié (DsfrBaseForm lie les champs dans son __init__)
    reçoit le libellé."""
    champ = form.fields[nom]
    form[nom].label = format_html('{}<span class="fr-required-marker" aria-hidden="true"> *</span>', champ.label)
    if not isinstance(champ.widget, forms.CheckboxSelectMultiple):
        champ.widget.attrs["aria-required"] = "true"


def aide_capacite(types) -> str:
    """L'unité de la capacité demandée, pour chaque type éligible (« En places pour un LHSS, en équipes pour une
    EMSP ») : une seule si tous les types de l'appel se comptent de la même façon."""
    unites = {t.get_unite_display() for t in types}
    if not unites:
        return "Dans l'unité du dispositif envisagé : places, lits, équipes ou ETP."
    if len(unites) == 1:
        return f"En {unites.pop()}."
    return "En " + ", en ".join(f"{t.get_unite_display()} pour le type {t.sigle}" for t in types) + "."


def unite_du_type(type_) -> str:
    """« Lits halte soins santé (places) » : le libellé du type et l'unité de sa capacité."""
    return f"{type_.libelle} ({type_.get_unite_display()})"


class ListeDeLignes(forms.BaseFormSet):
    """Une liste de lignes répétées : chaque champ d'une ligne, case « Supprimer » comprise, porte le numéro de sa
    ligne dans son libellé (« Profession, membre 2 »), pour qu'aucun ne partage son nom accessible avec celui d'une
    autre ligne. La ligne modèle (`empty_form`) porte « __numero__ », que le script remplace en l'ajoutant."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        numero = "__numero__" if index is None else index + 1
        for nom, champ in form.fields.items():
            # Le champ déjà lié (DsfrBaseForm lie les champs dans son __init__) reçoit le libellé lui aussi.
            form[nom].label = champ.label = f"{champ.label}, {form.nom_de_ligne} {numero}"


class MembreEquipeForm(DsfrBaseForm):
    nom_de_ligne = "membre"
    profession = forms.CharField(label="Profession", max_length=100)
    etp = forms.DecimalField(label="ETP", min_value=0, max_value=10, decimal_places=2, localize=True)
    professionnel_sante = forms.BooleanField(label="Professionnel de santé", required=False)


class PartenariatForm(DsfrBaseForm):
    nom_de_ligne = "partenariat"
    nom = forms.CharField(label="Partenaire", max_length=150)
    nature = forms.CharField(label="Nature du partenariat", max_length=200, required=False)
    # Le choix vide d'abord : une ligne laissée blanche doit rester vide, sinon le formset l'exigerait complète.
    etat = forms.ChoiceField(label="État", choices=VIDE + EtatPartenariat.choices)
    convention = forms.TypedChoiceField(
        label="Convention signée",
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, conventions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convention"].choices = [("", "Aucune")] + list(conventions)

    def clean(self):
        """Sans convention, la ligne reste celle d'avant (pas de clé « convention ») : le contenu figé et son
        empreinte ne changent pas pour les lettres qui n'en citent pas."""
        donnees = super().clean()
        if donnees.get("convention") is None:
            donnees.pop("convention", None)
        elif donnees.get("etat") != EtatPartenariat.ACTE:
            message = "Seul un partenariat acté (accord écrit) renvoie à une convention signée."
            self.add_error("convention", ValidationError(message, code="convention_non_actee"))
        return donnees


# Une ligne vide à l'affichage ; le script de la page en ajoute d'autres (formset.empty_form).
EquipeFormSet = forms.formset_factory(MembreEquipeForm, formset=ListeDeLignes, extra=1, can_delete=True)
PartenariatsFormSet = forms.formset_factory(PartenariatForm, formset=ListeDeLignes, extra=1, can_delete=True)


def conventions_citables(organisme) -> list[tuple[int, str]]:
    """Les conventions actées de l'organisme, choix du partenariat acté (une requête, lue une fois pour toutes les
    lignes)."""
    from partenariats.models import Convention

    if organisme is None or organisme.pk is None:
        return []
    conventions = Convention.objects.actees().filter(organisme=organisme).select_related("type_dispositif")
    return [
        (c.pk, f"{c.partenaire_nom} — {c.type_dispositif.sigle}, signée le {c.signee_le:%d/%m/%Y}")
        for c in conventions
    ]


def formulaires(brouillon: dict, appel, organisme=None):
    """La lettre et ses deux listes (équipe, partenariats), remplies avec le brouillon s'il y en a un ; un partenariat
    peut citer une convention actée de l'organisme."""
    donnees = en_querydict(brouillon) if brouillon else None
    return (
        LettreForm(donnees, appel=appel),
        EquipeFormSet(donnees, prefix="equipe"),
        PartenariatsFormSet(
            donnees, prefix="partenariats", form_kwargs={"conventions": conventions_citables(organisme)}
        ),
    )


def contenu_valide(brouillon: dict, appel, organisme=None) -> dict:
    """Le contenu nettoyé de la lettre, prêt à figer ; ValidationError, en français, s'il ne peut être déposé."""
    if not brouillon:  # rien de saisi : des formulaires vides ne seraient pas liés, donc jamais nettoyés
        raise ValidationError(erreurs_de_depot({"equipe": []}, appel))
    lettre, equipe, partenariats = formulaires(brouillon, appel, organisme)
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


def valeurs_lisibles(contenu: dict, appel) -> list[tuple[str, str | Decimal]]:
    """Le contenu déposé en (libellé, valeur) : codes traduits, booléens en oui/non, « — » pour un vide ; les
    nombres restent des nombres (Decimal), pour que les exports les gardent au format machine."""
    lignes = []
    for nom, champ in LettreForm(appel=appel).fields.items():
        valeur = contenu.get(nom)
        libelles = dict(getattr(champ, "choices", []))
        if valeur in (None, "", []):
            lisible = "—"
        elif isinstance(valeur, bool):
            lisible = "oui" if valeur else "non"
        elif isinstance(valeur, list):
            lisible = ", ".join(str(libelles.get(v, v)) for v in valeur)
        elif isinstance(champ, forms.IntegerField | forms.DecimalField):
            lisible = Decimal(str(valeur))
        else:
            lisible = str(libelles.get(valeur, valeur))
        lignes.append((champ.label, lisible))
    return lignes


def lignes_lisibles(contenu: dict, appel) -> list[tuple[str, str]]:
    """Les mêmes lignes écrites pour l'écran et le PDF : les nombres à la française (« 320 000 », « 3,42 »)."""
    return [(libelle, nombre(v) if isinstance(v, Decimal) else v) for libelle, v in valeurs_lisibles(contenu, appel)]
