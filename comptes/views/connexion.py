"""Connexion, déconnexion et mot de passe : les vues de django.contrib.auth, avec nos gabarits et formulaires.

La connexion par mot de passe passe par le code de double authentification quand le rôle l'exige
(views/double_authentification.py) ; celle des agents par ProConnect, par views/proconnect.py.

Les adresses de suite sont nommées dans l'espace « comptes » : les vues de Django les cherchent sinon sans
espace de noms."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django_otp import user_has_device

from comptes import forms
from comptes.views import proconnect
from comptes.views.double_authentification import mettre_en_attente
from config.policy import Regle, acces, exige_double_authentification


class Connexion(auth_views.LoginView):
    template_name = "comptes/connexion.html"
    authentication_form = forms.ConnexionForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not exige_double_authentification(user):
            return super().form_valid(form)
        mettre_en_attente(self.request, user, self.get_success_url())
        if user_has_device(user):
            return redirect("comptes:double_authentification")
        return redirect("comptes:activation_double_authentification")

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "essais_max": settings.AXES_FAILURE_LIMIT,
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "proconnect_ouvert": proconnect.est_ouvert(),
        }


connexion = acces(Regle.PUBLIC)(Connexion.as_view())
deconnexion = proconnect.deconnexion
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
