from django.contrib import admin
from django.urls import include, path

from config import api, views
from planification import api as planification_api

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("sante/", views.sante, name="sante"),
    path("", include("comptes.urls")),
    path("territoires/", include("territoires.urls")),
    path("", include("dispositifs.urls_catalogue")),
    path("planification/", include("planification.urls")),
    path("appels/", include("appels.urls")),
    path("", include("appels.candidatures_urls")),
    path("instruction/", include("appels.instruction_urls")),
    path("indicateurs/", include("indicateurs.urls")),
    path("tableau-de-bord/", include("indicateurs.tableau_urls")),
    path("rapports/", include("indicateurs.rapports_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api.router.urls)),
    path("api/v1/auth/token/", api.JetonView.as_view(), name="api-jeton"),
    path("api/v1/planification/", planification_api.PlanificationView.as_view(), name="api-planification"),
    path("api/schema/", api.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", api.DocumentationView.as_view(url_name="api-schema"), name="api-docs"),
]
