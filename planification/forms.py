from django import forms
from django.conf import settings
from django.utils import timezone
from dsfr.forms import DsfrBaseForm

from comptes.models import Role
from config.policy import perimetres_de_planification
from dispositifs.models import TypeDispositif
from planification.calcul import Planification, calculer_planification, horizon_des_ecarts
from planification.models import Cible, Horizon, valider_valeur_de_cible
from territoires.models import Niveau, Territoire


class FiltrePlanificationForm(DsfrBaseForm):
    """Les filtres du tableau de planification, communs à la page, aux exports et à l'API."""

    region = forms.ModelChoiceField(
        label="Région", queryset=Territoire.objects.none(), to_field_name="code", empty_label=None
    )
    horizon = forms.ModelChoiceField(
        label="Horizon", queryset=Horizon.objects.all(), to_field_name="slug", empty_label=None
    )
    type = forms.ModelMultipleChoiceField(
        label="Types de dispositifs",
        queryset=TypeDispositif.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les types.",
    )
    territoire = forms.CharField(
        label="Territoire (code)", required=False, help_text="Ex. 62, ou 32-nord-hainaut. Vide : toute la région."
    )
    date = forms.DateField(
        label="Capacités au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Date au format AAAA-MM-JJ ; vide : aujourd'hui.",
        error_messages={"invalid": "Saisissez une date valide, au format AAAA-MM-JJ (ex. 2024-12-31)."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = perimetres_de_planification(user)

    def clean(self):
        donnees = super().clean()
        code = donnees.get("territoire")
        region = donnees.get("region")
        if code and region:
            territoires = Territoire.objects.descendants(region, inclus=True)
            if region.niveau == Niveau.PAYS:  # le tableau national s'arrête aux régions (32 : la région, pas le Gers)
                territoires = territoires.filter(niveau__in=[Niveau.PAYS, Niveau.REGION])
            territoire = territoires.filter(code=code).first()
            if territoire is None:
                dans = "parmi les régions" if region.niveau == Niveau.PAYS else f"dans la région {region.nom}"
                message = f"Aucun territoire de code « {code} » {dans}."
                self.add_error("territoire", forms.ValidationError(message, code="hors_region"))
            donnees["territoire"] = territoire
        else:
            donnees["territoire"] = None
        return donnees

    def calculer(self) -> Planification:
        """Le tableau que ces filtres (valides) demandent, à la date demandée (aujourd'hui par défaut) : le même pour
        la page, les exports et l'API."""
        filtres = self.cleaned_data
        return calculer_planification(
            region=filtres["region"],
            horizon=filtres["horizon"],
            date=filtres["date"] or timezone.localdate(),
            types=[t.code for t in filtres["type"]],
            territoire=filtres["territoire"],
        )


def filtres_planification(donnees, user) -> FiltrePlanificationForm:
    """Les filtres demandés, complétés par défaut : la région de l'utilisateur (REGION_PAR_DEFAUT pour un
    administrateur) et l'horizon auquel le tableau de bord mesure ses écarts (`_horizon_par_defaut`)."""
    donnees, region = donnees.copy(), None
    if not donnees.get("region"):
        region = _region_par_defaut(user)
        donnees["region"] = region.code if region else ""
    if not donnees.get("horizon"):
        region = region or Territoire.objects.pays_et_regions().filter(code=donnees["region"]).first()
        horizon = _horizon_par_defaut(region)
        donnees["horizon"] = horizon.slug if horizon else ""
    return FiltrePlanificationForm(donnees, user=user)


def _region_par_defaut(user):
    """La France pour un agent national, sinon sa région (REGION_PAR_DEFAUT pour un administrateur)."""
    perimetres = perimetres_de_planification(user)
    defaut = "FR" if user.role == Role.NATIONAL else settings.REGION_PAR_DEFAUT
    return perimetres.filter(code=defaut).first() or perimetres.filter(niveau=Niveau.REGION).first()


def _horizon_par_defaut(region):
    """Celui auquel le tableau de bord et le rapport mesurent les écarts de la région (`horizon_des_ecarts`) ; pour
    une région sans cible, le plus récent qui en porte ailleurs, sinon le plus récent. Pour la France : le plus récent
    qui porte une cible nationale."""
    if region and region.niveau == Niveau.PAYS:
        horizon = Horizon.objects.filter(cibles__territoire=region).order_by("-fin", "libelle").first()
    else:
        horizon = horizon_des_ecarts(region) if region else None
    return horizon or Horizon.objects.filter(cibles__isnull=False).order_by("-fin").first() or Horizon.objects.first()


class CibleForm(forms.ModelForm, DsfrBaseForm):
    """Une case du tableau des cibles : la valeur, un motif facultatif, et la version lue (verrou optimiste)."""

    motif = forms.CharField(
        label="Motif", required=False, max_length=100, help_text="Facultatif, gardé dans l'historique."
    )
    version_lue = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Cible
        fields = ["valeur"]
        localized_fields = ["valeur"]  # « 2,5 » comme on l'écrit en français
        labels = {"valeur": "Cible"}
        error_messages = {"valeur": {"invalid": "Saisissez un nombre (ex. 12 ou 2,5)."}}

    def __init__(self, *args, type_=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_ = type_  # le type de la case : sa cible se compte dans son unité

    def clean_valeur(self):
        valider_valeur_de_cible(self.cleaned_data["valeur"], self.type_)
        return self.cleaned_data["valeur"]


class HorizonForm(forms.ModelForm, DsfrBaseForm):
    """Un horizon de programmation, commun à toutes les régions ; `version` : celle lue (verrou optimiste)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = Horizon
        fields = ["libelle", "slug", "debut", "fin", "description"]
        widgets = {
            "debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "slug": "Lettres minuscules, chiffres et tirets, ex. segur-2020-2022 ; il figure dans les adresses.",
            "description": "Ce que comptent les objectifs de l'horizon et leur source (ex. « 2 800 places de LHSS »).",
        }
        error_messages = {
            "slug": {"unique": "Un horizon porte déjà cet identifiant."},
            "debut": {"invalid": "Saisissez une date valide, au format AAAA-MM-JJ."},
            "fin": {"invalid": "Saisissez une date valide, au format AAAA-MM-JJ."},
        }

    def clean(self):
        donnees = super().clean()
        debut, fin = donnees.get("debut"), donnees.get("fin")
        if debut and fin and fin < debut:
            self.add_error("fin", forms.ValidationError("La fin doit suivre le début.", code="fin_avant_debut"))
        return donnees


class ComparaisonRegionsForm(DsfrBaseForm):
    """Les filtres des régions côte à côte : un horizon, des types ; la comparaison porte toujours sur toutes."""

    horizon = forms.ModelChoiceField(
        label="Horizon", queryset=Horizon.objects.all(), to_field_name="slug", empty_label=None
    )
    type = forms.ModelMultipleChoiceField(
        label="Types de dispositifs",
        queryset=TypeDispositif.objects.all(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucun coché : tous les types qui ont une valeur quelque part.",
    )


def filtres_comparaison(donnees, pays) -> ComparaisonRegionsForm:
    """Par défaut, le cadre commun des régions : l'horizon le plus récent qui porte une cible nationale (sinon le plus
    récent qui porte une cible)."""
    donnees = donnees.copy()
    if not donnees.get("horizon"):
        horizon = _horizon_par_defaut(pays)
        donnees["horizon"] = horizon.slug if horizon else ""
    return ComparaisonRegionsForm(donnees)
