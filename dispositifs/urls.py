"""Les pages des dispositifs : le catalogue des types (/catalogue/) et la cartographie (/cartographie/), publics ;
les dispositifs du périmètre de l'utilisateur, leur fiche et leur saisie (/dispositifs/)."""

from django.urls import include, path

from dispositifs.views import cartographie, catalogue, fiches

app_name = "dispositifs"

catalogue_urls = [
    path("catalogue/", catalogue.liste, name="liste"),
    path("catalogue/<slug:code>/", catalogue.type_dispositif, name="type"),
    path("cartographie/", cartographie.carte, name="carte"),
]

urlpatterns = [
    path("", include((catalogue_urls, "catalogue"))),
    path("dispositifs/", fiches.liste, name="liste"),
    path("dispositifs/nouveau/", fiches.creer, name="creer"),
    path("dispositifs/<int:pk>/", fiches.detail, name="detail"),
    path("dispositifs/<int:pk>/modifier/", fiches.modifier, name="modifier"),
]
