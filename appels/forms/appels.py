"""Les formulaires des appels : filtres de la liste publique, saisie d'un appel et de sa grille de notation,
et ses valeurs initiales quand il part du tableau de planification."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from dsfr.forms import DsfrBaseForm

from appels.models import Appel, Critere, Nature
from appels.services.appels import cahier_des_charges_controle
from appels.validators import valider_pdf
from commun.tri import cle_alphabetique
from comptes.models import Role
from dispositifs.models import TypeDispositif
from planification.models import Cible, Horizon
from territoires.models import Niveau, Territoire

FORMAT_DATE_HEURE = "%Y-%m-%dT%H:%M"  # celui du champ <input type="datetime-local">
ESPACES = (" ", "\xa0", "\u202f")
REFERENCES_RESERVEES = {"gestion", "nouveau"}  # adresses de appels/urls.py


class FiltreAppelsForm(DsfrBaseForm):
    """Les filtres de la liste publique : région et nature, tous deux facultatifs."""

    region = forms.ChoiceField(label="Région", required=False)
    nature = forms.ChoiceField(
        label="Nature de l'appel", required=False, choices=[("", "Toutes les natures"), *Nature.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = sorted(Territoire.objects.regions(), key=lambda r: cle_alphabetique(r.nom))
        self.fields["region"].choices = [("", "Toutes les régions"), *((r.code, r.nom) for r in regions)]

    def filtrer(self, appels):
        if self.cleaned_data["region"]:
            appels = appels.filter(region__code=self.cleaned_data["region"])
        if self.cleaned_data["nature"]:
            appels = appels.filter(nature=self.cleaned_data["nature"])
        return appels


class ChampDateHeure(forms.DateTimeField):
    """Une date et une heure saisies en heure de Paris (TIME_ZONE), dans le sélecteur du navigateur."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=FORMAT_DATE_HEURE)

    def __init__(self, **kwargs):
        super().__init__(input_formats=[FORMAT_DATE_HEURE], **kwargs)


class ChampEnveloppe(forms.DecimalField):
    """Un montant en euros entier, écrit comme on l'écrit : « 1 500 000 » ou « 1 500 000 € »."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.removesuffix("€").strip()
            for espace in ESPACES:
                value = value.replace(espace, "")
        return super().to_python(value)


class ChoixType(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.sigle} — {obj.libelle}"


class ChoixTypes(forms.ModelMultipleChoiceField, ChoixType):
    widget = forms.CheckboxSelectMultiple


class ChoixTerritoires(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return str(obj) if obj.niveau != Niveau.TERRITOIRE_SANTE else f"{obj.nom} (territoire de santé)"


class AppelForm(forms.ModelForm, DsfrBaseForm):
    """Un appel saisi par un planificateur, dans sa région ; un administrateur choisit la région.

    Un brouillon peut rester incomplet : la publication (services.appels.publier_appel) exige ensuite un type visé
    et, hors AMI, une grille de notation.
    """

    ouverture = ChampDateHeure(
        label="Ouverture des dépôts (heure de Paris)", help_text="Par exemple le 1er mars à 9 h 00."
    )
    cloture = ChampDateHeure(
        label="Date limite de dépôt (heure de Paris)", help_text="Par exemple le 30 juin à 23 h 59."
    )
    enveloppe = ChampEnveloppe(
        label="Enveloppe (€)", required=False, max_digits=12, decimal_places=0, help_text="Par exemple 1 500 000."
    )
    types_cibles = ChoixTypes(
        label="Types de dispositifs visés",
        queryset=TypeDispositif.objects.order_by("ordre", "sigle"),
        required=False,
        help_text="Au moins un pour publier l'appel.",
    )
    types_exclus = ChoixTypes(
        label="Types explicitement non éligibles",
        queryset=TypeDispositif.objects.order_by("ordre", "sigle"),
        required=False,
        help_text="Ceux que les candidats pourraient croire éligibles, ex. PASS mobile ou EMPP.",
    )
    territoires = ChoixTerritoires(
        label="Territoires concernés",
        queryset=Territoire.objects.none(),
        required=False,
        help_text="Aucun : toute la région.",
    )
    # Posées par le tableau de planification (« Lancer un appel sur ces écarts ») et gardées d'un enregistrement
    # à l'autre : la page de chaque cible retrouve ainsi les appels lancés sur son écart.
    cibles = forms.ModelMultipleChoiceField(
        label="Écarts visés", queryset=Cible.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    cahier_des_charges = forms.FileField(
        label="Cahier des charges (PDF)",
        required=False,
        validators=[valider_pdf],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf", "class": "fr-upload"}),
        help_text="Un document PDF simple de 10 Mo au plus (sans JavaScript, fichier incorporé ni mot de passe).",
    )

    class Meta:
        model = Appel
        fields = [
            "nature",
            "titre",
            "reference",
            "region",
            "horizon",
            "appel_precedent",
            "description",
            "types_cibles",
            "types_exclus",
            "territoires",
            "cibles",
            "enveloppe",
            "ouverture",
            "cloture",
            "co_instruction_dreets",
            "regles_eligibilite",
            "cahier_des_charges",
        ]
        labels = {"appel_precedent": "Fait suite à l'AMI"}
        help_texts = {
            "appel_precedent": "Pour un appel à projets qui prolonge un appel à manifestation d'intérêt.",
            "co_instruction_dreets": "Les agents de la DREETS donnent aussi leur avis sur les candidatures.",
        }
        error_messages = {"reference": {"unique": "Un autre appel porte déjà cette référence."}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cahier_des_charges"].widget.group_class = "fr-upload-group"
        if user.role == Role.ADMINISTRATEUR:
            self.fields["region"].queryset = Territoire.objects.regions()
            self.fields["region"].empty_label = "Choisir une région"
        else:
            del self.fields["region"]
            self.instance.region = user.region
        region = self.instance.region if self.instance.region_id else None
        self.fields["territoires"].queryset = self.territoires_possibles(region)
        # Toutes les cibles : une cible d'une autre région est refusée par verifier_region, avec un message visible
        # (l'erreur d'un champ caché ne s'affiche nulle part).
        self.fields["cibles"].queryset = Cible.objects.select_related("territoire")
        self.fields["appel_precedent"].queryset = self.amis_possibles(region)
        self.fields["horizon"].queryset = Horizon.objects.all()
        if self.instance.pk:
            self.fields["reference"].disabled = True
            # Le champ lié (créé par DsfrBaseForm.__init__) a déjà copié l'aide du champ : on la change sur lui.
            self["reference"].help_text = "La référence ne change plus une fois l'appel créé."

    def territoires_possibles(self, region):
        if region is None:
            return Territoire.objects.exclude(niveau=Niveau.PAYS)
        return Territoire.objects.descendants(region, inclus=True)

    def amis_possibles(self, region):
        amis = Appel.objects.filter(nature=Nature.AMI).select_related("region")
        if region is not None:
            amis = amis.filter(region=region)
        return amis.exclude(pk=self.instance.pk) if self.instance.pk else amis

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        if reference in REFERENCES_RESERVEES:
            raise forms.ValidationError(f"« {reference} » désigne déjà une page du site : choisissez-en une autre.")
        return reference

    def clean_cahier_des_charges(self):
        """Un fichier envoyé est contrôlé et réécrit ; le cahier déjà enregistré (ou son effacement) passe tel quel."""
        fichier = self.cleaned_data["cahier_des_charges"]
        return cahier_des_charges_controle(fichier) if isinstance(fichier, UploadedFile) else fichier

    def clean_enveloppe(self):
        enveloppe = self.cleaned_data["enveloppe"]
        if enveloppe is not None and enveloppe < 0:
            raise forms.ValidationError("L'enveloppe ne peut pas être négative.")
        return enveloppe

    def clean(self):
        # Une date limite avant l'ouverture : refusée par Appel.clean(), sur le champ de la date limite.
        donnees = super().clean()
        communs = set(donnees.get("types_cibles") or []) & set(donnees.get("types_exclus") or [])
        if communs:
            sigles = ", ".join(sorted((t.sigle for t in communs), key=cle_alphabetique))
            self.add_error("types_exclus", f"Un type ne peut pas être à la fois visé et exclu : {sigles}.")
        self.verifier_region(donnees)
        return donnees

    def verifier_region(self, donnees):
        """Territoires et AMI précédent appartiennent à la région de l'appel (choisie par un administrateur)."""
        region = donnees.get("region") or (self.instance.region if self.instance.region_id else None)
        if region is None:
            return
        hors_region = [t.nom for t in donnees.get("territoires") or [] if not t.chemin.startswith(region.chemin)]
        if hors_region:
            self.add_error("territoires", f"Hors de la région {region.nom} : {', '.join(hors_region)}.")
        if any(not c.territoire.chemin.startswith(region.chemin) for c in donnees.get("cibles") or []):
            self.add_error(None, f"Les écarts visés doivent être des cibles de la région {region.nom}.")
        precedent = donnees.get("appel_precedent")
        if precedent and precedent.region_id != region.pk:
            self.add_error("appel_precedent", "L'AMI précédent doit être un appel de la même région.")
        if precedent and donnees.get("nature") == Nature.AMI:
            self.add_error("appel_precedent", "Seul un appel à projets ou à candidatures fait suite à un AMI.")


class CritereForm(forms.ModelForm, DsfrBaseForm):
    """Un critère de la grille : son libellé et son poids, un entier positif (la somme n'a pas à faire 100)."""

    poids = forms.IntegerField(
        label="Poids",
        min_value=1,
        max_value=1000,
        error_messages={
            "invalid": "Saisissez un nombre entier, ex. 30.",
            "min_value": "Le poids d'un critère doit être un entier positif.",
            "max_value": "Un poids de 1 000 au plus.",
        },
    )

    class Meta:
        model = Critere
        fields = ["libelle", "poids"]

    def __init__(self, *args, numero=None, **kwargs):
        super().__init__(*args, **kwargs)
        if numero:  # sur les champs liés, déjà créés par DsfrBaseForm.__init__
            self["libelle"].label = f"Critère n° {numero}"
            self["poids"].label = f"Poids du critère n° {numero}"


class BaseGrilleFormSet(forms.BaseInlineFormSet):
    """Numérote les critères dans leurs libellés : chaque champ garde une étiquette unique."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "numero": None if index is None else index + 1}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer ce critère"


GrilleFormSet = forms.inlineformset_factory(
    Appel,
    Critere,
    form=CritereForm,
    formset=BaseGrilleFormSet,
    fields=["libelle", "poids"],
    extra=3,
    can_delete=True,
    max_num=30,
)
