from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from comptes import forms, views
from config.policy import Regle, acces

urlpatterns = [
    path(
        "connexion/",
        acces(Regle.PUBLIC)(
            auth_views.LoginView.as_view(
                template_name="comptes/connexion.html",
                authentication_form=forms.ConnexionForm,
                redirect_authenticated_user=True,
                extra_context={
                    "essais_max": settings.AXES_FAILURE_LIMIT,
                    "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
                },
            )
        ),
        name="connexion",
    ),
    path("deconnexion/", acces(Regle.PUBLIC)(auth_views.LogoutView.as_view()), name="deconnexion"),
    path(
        "mot-de-passe/oubli/",
        acces(Regle.PUBLIC)(
            auth_views.PasswordResetView.as_view(
                template_name="comptes/oubli.html",
                form_class=forms.OubliMotDePasseForm,
                email_template_name="comptes/email/reinitialisation_body.txt",
                subject_template_name="comptes/email/reinitialisation_subject.txt",
            )
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        acces(Regle.PUBLIC)(auth_views.PasswordResetDoneView.as_view(template_name="comptes/oubli_envoye.html")),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        acces(Regle.PUBLIC)(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="comptes/reinitialisation.html", form_class=forms.NouveauMotDePasseForm
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        acces(Regle.PUBLIC)(
            auth_views.PasswordResetCompleteView.as_view(template_name="comptes/reinitialisation_faite.html")
        ),
        name="password_reset_complete",
    ),
    path(
        "mot-de-passe/changer/",
        acces(Regle.CONNECTE)(
            auth_views.PasswordChangeView.as_view(
                template_name="comptes/changement.html", form_class=forms.ChangementMotDePasseForm
            )
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe/change/",
        acces(Regle.CONNECTE)(auth_views.PasswordChangeDoneView.as_view(template_name="comptes/change.html")),
        name="password_change_done",
    ),
    # Comptes opérateurs : inscription publique, examen par l'ARS, invitation.
    path("inscription/", views.inscription, name="inscription"),
    path("inscription/envoyee/", views.inscription_envoyee, name="inscription_envoyee"),
    path("comptes/demandes/", views.demandes, name="demandes_inscription"),
    path("comptes/demandes/<int:pk>/accepter/", views.accepter, name="accepter_demande"),
    path("comptes/demandes/<int:pk>/refuser/", views.refuser, name="refuser_demande"),
    path("comptes/inviter/", views.inviter, name="inviter_operateur"),
]
