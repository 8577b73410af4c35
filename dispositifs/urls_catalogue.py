"""Pages publiques : catalogue des types de dispositifs et cartographie (sans connexion)."""

from django.urls import path

from dispositifs.views import catalogue

app_name = "catalogue"
urlpatterns = [
    path("catalogue/", catalogue.liste, name="liste"),
    path("catalogue/<slug:code>/", catalogue.type_dispositif, name="type"),
    path("cartographie/", catalogue.carte, name="carte"),
]
