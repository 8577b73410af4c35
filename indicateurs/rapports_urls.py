from django.urls import path

from indicateurs import rapports_views as vues

app_name = "rapports"

urlpatterns = [
    path("", vues.liste, name="liste"),
    path("demander/", vues.demander, name="demander"),
    path("<int:pk>/", vues.suivi, name="suivi"),
    path("<int:pk>/statut.json", vues.statut, name="statut"),
    path("<int:pk>/telecharger/", vues.telecharger, name="telecharger"),
]
