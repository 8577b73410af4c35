"""Les adresses du site : chaque application monte son urls.py une fois, sous son espace de noms.

Les applications dont les pages publiques ont plusieurs débuts d'adresse (comptes, dispositifs, appels,
indicateurs) sont montées à la racine : leur urls.py écrit ces débuts, gardés tels que les utilisateurs les
connaissent."""

from django.contrib import admin
from django.urls import include, path

from commun.entrees import requete_invalide
from comptes.api import JetonView
from config import api, views
from dispositifs import api_registre
from donnees.api import DonneesView
from planification import api as planification_api

handler400 = requete_invalide
handler404 = api.introuvable

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path("sante/", views.sante, name="sante"),
    path("", include("comptes.urls")),
    path("territoires/", include("territoires.urls")),
    path("", include("dispositifs.urls")),
    path("planification/", include("planification.urls")),
    path("financements/", include("financements.urls")),
    path("programme/", include("programme.urls")),
    path("partenariats/", include("partenariats.urls")),
    path("", include("appels.urls")),
    path("", include("indicateurs.urls")),
    path("journal/", include("journal.urls")),
    path("donnees/", include("donnees.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api.router.urls)),
    path("api/v1/auth/token/", JetonView.as_view(), name="api-jeton"),
    path("api/v1/planification/", planification_api.PlanificationView.as_view(), name="api-planification"),
    path("api/v1/dispositifs/<int:pk>/evenements/", api_registre.EvenementsView.as_view(), name="api-evenements"),
    path("api/v1/donnees/", DonneesView.as_view(), name="api-donnees"),
    path("api/schema/", api.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", api.DocumentationView.as_view(url_name="api-schema"), name="api-docs"),
]
