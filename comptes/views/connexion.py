"""Connexion, déconnexion et mot de passe : les vues de django.contrib.auth, avec nos gabarits et formulaires.

Les adresses de suite sont nommées dans l'espace « comptes » : les vues de Django les cherchent sinon sans
espace de noms."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from comptes import forms
from config.policy import Regle, acces

connexion = acces(Regle.PUBLIC)(
    auth_views.LoginView.as_view(
        template_name="comptes/connexion.html",
        authentication_form=forms.ConnexionForm,
        redirect_authenticated_user=True,
        extra_context={
            "essais_max": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
)
deconnexion = acces(Regle.PUBLIC)(auth_views.LogoutView.as_view())
oubli = acces(Regle.PUBLIC)(
    auth_views.PasswordResetView.as_view(
        template_name="comptes/oubli.html",
        form_class=forms.OubliMotDePasseForm,
        email_template_name="comptes/email/reinitialisation_body.txt",
        subject_template_name="comptes/email/reinitialisation_subject.txt",
        success_url=reverse_lazy("comptes:password_reset_done"),
    )
)
oubli_envoye = acces(Regle.PUBLIC)(auth_views.PasswordResetDoneView.as_view(template_name="comptes/oubli_envoye.html"))
reinitialisation = acces(Regle.PUBLIC)(
    auth_views.PasswordResetConfirmView.as_view(
        template_name="comptes/reinitialisation.html",
        form_class=forms.NouveauMotDePasseForm,
        success_url=reverse_lazy("comptes:password_reset_complete"),
    )
)
reinitialisation_faite = acces(Regle.PUBLIC)(
    auth_views.PasswordResetCompleteView.as_view(template_name="comptes/reinitialisation_faite.html")
)
changement = acces(Regle.CONNECTE)(
    auth_views.PasswordChangeView.as_view(
        template_name="comptes/changement.html",
        form_class=forms.ChangementMotDePasseForm,
        success_url=reverse_lazy("comptes:password_change_done"),
    )
)
change = acces(Regle.CONNECTE)(auth_views.PasswordChangeDoneView.as_view(template_name="comptes/change.html"))
