from django import forms
from django.contrib.auth import forms as auth_forms
from dsfr.forms import DsfrBaseForm


class ConnexionForm(auth_forms.AuthenticationForm, DsfrBaseForm):
    username = forms.EmailField(
        label="Courriel", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "Courriel ou mot de passe incorrect (le mot de passe distingue les majuscules).",
        "inactive": "Ce compte est désactivé. Contactez votre administrateur.",
    }


class OubliMotDePasseForm(auth_forms.PasswordResetForm, DsfrBaseForm):
    pass


class NouveauMotDePasseForm(auth_forms.SetPasswordForm, DsfrBaseForm):
    pass


class ChangementMotDePasseForm(auth_forms.PasswordChangeForm, DsfrBaseForm):
    pass
