"""Les pages des comptes : connexion et mot de passe, inscription des opérateurs, examen et invitation par l'ARS.

Les adresses publiques (/connexion/, /mot-de-passe/…, /inscription/, /comptes/…) sont gardées telles quelles."""

from django.urls import path

from comptes.views import connexion, inscription, operateurs

app_name = "comptes"

urlpatterns = [
    path("connexion/", connexion.connexion, name="connexion"),
    path("deconnexion/", connexion.deconnexion, name="deconnexion"),
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
