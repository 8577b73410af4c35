"""Les formulaires des partenariats : ils ne font que lire la saisie ; les règles sont celles des services."""

from django import forms
from dsfr.forms import DsfrBaseForm

from config.policy import (
    dispositifs_visibles,
    organismes_des_conventions,
    territoires_des_conventions,
    territoires_des_partenariats_geres,
)
from dispositifs.models import TypeDispositif
from partenariats.models import CategoriePartenaire, Convention, Niveau, Structure
from territoires.models import Niveau as NiveauTerritoire

VIDE = [("", "—")]


class ChoixTerritoire(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nom} ({obj.code})" if obj.niveau == NiveauTerritoire.DEPARTEMENT else f"{obj.nom} (région)"


class ChoixType(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.sigle} — {obj.libelle}"


class ChoixDispositif(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.nom} — {obj.type.sigle}, {obj.territoire.nom}"


def territoires_choisissables(territoires):
    """Régions et départements seulement, triés comme l'arbre (la région avant ses départements)."""
    niveaux = [NiveauTerritoire.REGION, NiveauTerritoire.DEPARTEMENT]
    return territoires.filter(niveau__in=niveaux).order_by("chemin")


class DateDsfr(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"invalid": "Saisissez une date, par exemple 24/05/2024."}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)


class ConventionForm(DsfrBaseForm):
    organisme = forms.ModelChoiceField(label="Organisme signataire", queryset=None, empty_label="—")
    type_dispositif = ChoixType(label="Type de dispositif", queryset=TypeDispositif.objects.all(), empty_label="—")
    dispositif = ChoixDispositif(
        label="Dispositif au registre",
        queryset=None,
        required=False,
        empty_label="Pas encore au registre",
        help_text="Facultatif : le dispositif de l'organisme qui signe, s'il est inscrit.",
    )
    territoire = ChoixTerritoire(
        label="Territoire", queryset=None, empty_label="—", help_text="Le département (ou la région) de la convention."
    )
    partenaire_nom = forms.CharField(label="Partenaire", max_length=200)
    partenaire_categorie = forms.ChoiceField(
        label="Catégorie du partenaire", choices=VIDE + CategoriePartenaire.choices
    )
    objet = forms.CharField(
        label="Objet",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Par exemple : organisation des entrées et sorties, suivi des traitements.",
    )
    statut = forms.ChoiceField(label="Statut", choices=VIDE + Convention._meta.get_field("statut").choices)
    signee_le = DateDsfr(label="Signée le", required=False, help_text="Obligatoire pour une convention actée.")
    fichier = forms.FileField(
        label="Convention signée (PDF)",
        required=False,
        help_text="PDF de 10 Mo au plus, sans contenu actif ; laissez vide pour garder le PDF déjà joint.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organismes = organismes_des_conventions(user)
        self.fields["organisme"].queryset = organismes.order_by("nom")
        # Les dispositifs que l'utilisateur voit : ceux de ses organismes (opérateur), de sa région (agent).
        dispositifs = dispositifs_visibles(user).filter(organisme__in=organismes)
        self.fields["dispositif"].queryset = dispositifs.select_related("type", "territoire").order_by("nom")
        self.fields["territoire"].queryset = territoires_choisissables(territoires_des_conventions(user))


class ContactForm(DsfrBaseForm):
    territoire = ChoixTerritoire(label="Région ou département", queryset=None, empty_label="—")
    structure = forms.ChoiceField(label="Structure", choices=VIDE + Structure.choices)
    service = forms.CharField(label="Service", max_length=150, required=False)
    fonction = forms.CharField(
        label="Fonction", max_length=150, help_text="Par exemple : correspondant départemental."
    )
    courriel = forms.EmailField(
        label="Courriel professionnel",
        max_length=200,
        help_text="Une adresse de service ou de fonction : l'annuaire ne garde pas de nom.",
    )
    telephone = forms.CharField(label="Téléphone professionnel", max_length=20, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires_choisissables(territoires_des_partenariats_geres(user))


class RencontreForm(DsfrBaseForm):
    territoire = ChoixTerritoire(label="Région ou département", queryset=None, empty_label="—")
    date = DateDsfr(label="Date")
    niveau = forms.ChoiceField(label="Niveau", choices=VIDE + Niveau.choices)
    services_presents = forms.CharField(
        label="Services présents",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Les services, pas les personnes : « ARS : DSP, DOSA ; DREETS : service des solidarités ».",
    )
    decisions = forms.CharField(label="Décisions", max_length=5000, required=False, widget=forms.Textarea)
    prochaines_etapes = forms.CharField(
        label="Prochaines étapes", max_length=5000, required=False, widget=forms.Textarea
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = territoires_choisissables(territoires_des_partenariats_geres(user))


class FiltreRegionForm(DsfrBaseForm):
    """La région de l'annuaire ou des rencontres, pour qui en voit plusieurs (niveau national, administration)."""

    region = forms.ChoiceField(label="Région", required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Toutes")] + [(r.code, r.nom) for r in regions]

    def regions_choisies(self, regions):
        """Les régions retenues : celle du filtre, ou toutes celles de l'utilisateur."""
        code = self.cleaned_data.get("region") if self.is_valid() else None
        return [r for r in regions if r.code == code] if code else regions


class FiltreConventionsForm(DsfrBaseForm):
    """Les filtres de la liste : des choix fermés, une valeur inconnue est une erreur dite sur le champ."""

    statut = forms.ChoiceField(
        label="Statut", required=False, choices=[("", "Tous")] + Convention._meta.get_field("statut").choices
    )
    categorie = forms.ChoiceField(
        label="Catégorie du partenaire", required=False, choices=[("", "Toutes")] + CategoriePartenaire.choices
    )


CHAMPS_CONTACT = [n for n in ContactForm.base_fields if n != "version"]
CHAMPS_RENCONTRE = [n for n in RencontreForm.base_fields if n != "version"]
CHAMPS_CONVENTION = [n for n in ConventionForm.base_fields if n not in ("version", "fichier")]
