"""Les pages des comptes : connexion et mot de passe, inscription des opérateurs, examen et invitation par l'ARS.

Les adresses publiques (/connexion/, /mot-de-passe/…, /inscription/, /comptes/…) sont gardées telles quelles."""

from django.urls import path

from comptes.views import connexion, double_authentification, inscription, operateurs, proconnect

app_name = "comptes"

urlpatterns = [
    path("connexion/", connexion.connexion, name="connexion"),
    path("deconnexion/", connexion.deconnexion, name="deconnexion"),
    path("connexion/code/", double_authentification.code, name="double_authentification"),
    path(
        "connexion/activation/",
        double_authentification.activation,
        name="activation_double_authentification",
    ),
    path("connexion/codes-de-secours/", double_authentification.codes_de_secours, name="codes_de_secours"),
    path("proconnect/connexion/", proconnect.debut, name="proconnect_connexion"),
    path("proconnect/retour/", proconnect.retour, name="proconnect_retour"),
    path("proconnect/deconnexion/", proconnect.retour_deconnexion, name="proconnect_deconnexion"),
    path("mot-de-passe/oubli/", connexion.oubli, name="password_reset"),
    path("mot-de-passe/oubli/envoye/", connexion.oubli_envoye, name="password_reset_done"),
    path("mot-de-passe/reinitialiser/<uidb64>/<token>/", connexion.reinitialisation, name="password_reset_confirm"),
    path("mot-de-passe/reinitialise/", connexion.reinitialisation_faite, name="password_reset_complete"),
    path("mot-de-passe/changer/", connexion.changement, name="password_change"),
    path("mot-de-passe/change/", connexion.change, name="password_change_done"),
    path("inscription/", inscription.inscription, name="inscription"),
    path("inscription/envoyee/", inscription.inscription_envoyee, name="inscription_envoyee"),
    path("comptes/demandes/", operateurs.demandes, name="demandes_inscription"),
    path("comptes/demandes/<int:pk>/accepter/", operateurs.accepter, name="accepter_demande"),
    path("comptes/demandes/<int:pk>/refuser/", operateurs.refuser, name="refuser_demande"),
    path("comptes/inviter/", operateurs.inviter, name="inviter_operateur"),
]
