"""Les pages des dispositifs : catalogue des types (/catalogue/) et cartographie (/cartographie/), publics ;
pour les agents et les opérateurs, les dispositifs de leur périmètre, leur fiche et leur saisie (/dispositifs/), les
organismes gestionnaires (/organismes/) et l'import FINESS (/dispositifs/import-finess/)."""

from django.urls import include, path

from dispositifs.views import cartographie, catalogue, fiches, finess, organismes, registre

app_name = "dispositifs"

catalogue_urls = [
    path("catalogue/", catalogue.liste, name="liste"),
    path("catalogue/<slug:code>/", catalogue.type_dispositif, name="type"),
    path("cartographie/", cartographie.carte, name="carte"),
]

organismes_urls = [
    path("", organismes.liste, name="liste"),
    path("nouveau/", organismes.creer, name="creer"),
    path("<int:pk>/", organismes.detail, name="detail"),
    path("<int:pk>/modifier/", organismes.modifier, name="modifier"),
]

finess_urls = [
    path("", finess.depot, name="depot"),
    path("appliquer/", finess.appliquer, name="appliquer"),
]

urlpatterns = [
    path("", include((catalogue_urls, "catalogue"))),
    path("organismes/", include((organismes_urls, "organismes"))),
    path("dispositifs/import-finess/", include((finess_urls, "finess"))),
    path("dispositifs/", fiches.liste, name="liste"),
    path("dispositifs/nouveau/", fiches.creer, name="creer"),
    path("dispositifs/<int:pk>/", fiches.detail, name="detail"),
    path("dispositifs/<int:pk>/modifier/", fiches.modifier, name="modifier"),
    path("dispositifs/<int:pk>/evenements/nouveau/", registre.nouvel_evenement, name="nouvel_evenement"),
]
