"""Les pages de la mesure : déclarations, validation et suivi (/indicateurs/), tableaux de bord
(/tableau-de-bord/) et rapports mensuels (/rapports/).

Les adresses publiques sont gardées telles quelles ; chaque groupe a son espace de noms dans « indicateurs »."""

from django.urls import include, path

from indicateurs.views import declarations, rapports, suivi, tableau_de_bord, validation

app_name = "indicateurs"

tableau_de_bord_urls = [
    path("", tableau_de_bord.tableau_de_bord, name="region"),
    path("export.csv", tableau_de_bord.export, name="export"),
    path("public/", tableau_de_bord.tableau_public, name="public"),
    path("public/export.csv", tableau_de_bord.export_public, name="export_public"),
]

rapports_urls = [
    path("", rapports.liste, name="liste"),
    path("demander/", rapports.demander, name="demander"),
    path("<int:pk>/", rapports.suivi, name="suivi"),
    path("<int:pk>/statut.json", rapports.statut, name="statut"),
    path("<int:pk>/telecharger/", rapports.telecharger, name="telecharger"),
    path("<int:pk>/versions/<int:numero>/", rapports.telecharger_version, name="telecharger_version"),
]

urlpatterns = [
    path("indicateurs/declarations/", declarations.mes_declarations, name="mes_declarations"),
    path("indicateurs/declarations/import/", declarations.importer, name="import"),
    path("indicateurs/declarations/import/modele.csv", declarations.modele_csv, name="modele_csv"),
    path("indicateurs/declarations/<int:pk>/<str:mois>/", declarations.saisie, name="saisie"),
    path("indicateurs/validation/", validation.file_validation, name="validation"),
    path("indicateurs/validation/<int:pk>/", validation.declaration_a_valider, name="validation_declaration"),
    path("indicateurs/derogations/", validation.derogation, name="derogation"),
    path("indicateurs/suivi/", suivi.suivi, name="suivi"),
    path("indicateurs/suivi/export.csv", suivi.export_suivi, name="export_suivi"),
    path("tableau-de-bord/", include((tableau_de_bord_urls, "tableau"))),
    path("rapports/", include((rapports_urls, "rapports"))),
]
