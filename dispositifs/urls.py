"""Les pages publiques des dispositifs : le catalogue des types (/catalogue/) et la cartographie (/cartographie/)."""

from django.urls import include, path

from dispositifs.views import cartographie, catalogue, registre

app_name = "dispositifs"

catalogue_urls = [
    path("catalogue/", catalogue.liste, name="liste"),
    path("catalogue/<slug:code>/", catalogue.type_dispositif, name="type"),
    path("cartographie/", cartographie.carte, name="carte"),
]

urlpatterns = [
    path("", include((catalogue_urls, "catalogue"))),
    path("dispositifs/<int:pk>/evenements/nouveau/", registre.nouvel_evenement, name="nouvel_evenement"),
]
