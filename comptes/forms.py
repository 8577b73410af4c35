from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm
from stdnum.fr import siret

from commun.tri import cle_alphabetique
from comptes.models import DemandeInscription
from dispositifs.models import Organisme
from territoires.models import Territoire


class ConnexionForm(auth_forms.AuthenticationForm, DsfrBaseForm):
    username = forms.EmailField(
        label="Courriel", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Courriel ou mot de passe incorrect (le mot de passe distingue les majuscules).",
        "inactive": "Ce compte est désactivé. Contactez votre administrateur.",
    }

    def clean(self):
        """Comme Django, mais le mot de passe n'est ici qu'un premier facteur : le backend ne refuse pas un rôle
        soumis à la double authentification, la vue demande ensuite son code."""
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password, premier_facteur=True)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(DsfrBaseForm):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="Les six chiffres que votre application affiche, ou l'un de vos codes de secours.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class OubliMotDePasseForm(auth_forms.PasswordResetForm, DsfrBaseForm):
    pass


class NouveauMotDePasseForm(auth_forms.SetPasswordForm, DsfrBaseForm):
    pass


class ChangementMotDePasseForm(auth_forms.PasswordChangeForm, DsfrBaseForm):
    pass


class ChampSiret(forms.CharField):
    """Un SIRET écrit comme on le lit (« 732 829 320 00074 ») : espaces et points retirés avant validation."""

    def to_python(self, value):
        return siret.compact(super().to_python(value))

    def widget_attrs(self, widget):
        # 17 caractères : les 14 chiffres et leurs trois espaces.
        return {**super().widget_attrs(widget), "maxlength": "17", "inputmode": "numeric", "autocomplete": "off"}


class DemandeInscriptionForm(forms.ModelForm, DsfrBaseForm):
    class Meta:
        model = DemandeInscription
        fields = ["prenom", "nom", "courriel", "nom_organisme", "siret", "statut_juridique", "region", "message"]
        field_classes = {"siret": ChampSiret}
        labels = {"region": "ARS qui examinera votre demande", "message": "Message pour l'ARS (facultatif)"}
        help_texts = {
            "courriel": "Votre adresse professionnelle : elle sera l'identifiant de votre compte.",
            "region": "La région où votre organisme gère ou projette des dispositifs.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = sorted(Territoire.objects.regions(), key=lambda r: cle_alphabetique(r.nom))
        self.fields["region"].choices = [("", "Choisissez une région"), *((r.pk, r.nom) for r in regions)]
        self.fields["courriel"].widget.attrs["autocomplete"] = "email"
        self.fields["prenom"].widget.attrs["autocomplete"] = "given-name"
        self.fields["nom"].widget.attrs["autocomplete"] = "family-name"
        self.fields["nom_organisme"].widget.attrs["autocomplete"] = "organization"


class RefusForm(DsfrBaseForm):
    motif = forms.CharField(
        label="Motif du refus",
        help_text="Il est envoyé tel quel au demandeur.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChoixOrganisme(forms.ModelChoiceField):
    def label_from_instance(self, organisme):
        return f"{organisme.nom} — SIREN {organisme.siren}" if organisme.siren else organisme.nom


class InvitationForm(DsfrBaseForm):
    courriel = forms.EmailField(label="Courriel", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    organisme = ChoixOrganisme(
        label="Organisme",
        queryset=Organisme.objects.only("pk", "nom", "siren").order_by("nom", "pk"),
        empty_label="Choisissez l'organisme",
        help_text="Classés par nom, SIREN indiqué ; la personne en deviendra membre.",
    )
