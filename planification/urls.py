from django.urls import path, re_path

from planification.views import cibles, horizons, regions, tableau

app_name = "planification"
urlpatterns = [
    path("", tableau.tableau, name="tableau"),
    re_path(r"^export\.(?P<format>csv|xlsx)$", tableau.export, name="export"),
    path("regions/", regions.regions, name="regions"),
    path("cibles/", cibles.cibles, name="cibles"),
    path("cibles/<int:pk>/historique/", cibles.historique, name="historique"),
    path(
        "cibles/historique/<slug:horizon>/<slug:type>/<int:territoire>/",
        cibles.historique_case,
        name="historique_case",
    ),
    path("horizons/", horizons.horizons, name="horizons"),
    path("horizons/nouveau/", horizons.nouvel_horizon, name="nouvel_horizon"),
    path("horizons/<slug:slug>/modifier/", horizons.modifier_horizon, name="modifier_horizon"),
]
