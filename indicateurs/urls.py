from django.urls import path

from indicateurs.views import declarations, suivi, validation

app_name = "declarations"

urlpatterns = [
    path("declarations/", declarations.mes_declarations, name="mes_declarations"),
    path("declarations/import/", declarations.importer, name="import"),
    path("declarations/import/modele.csv", declarations.modele_csv, name="modele_csv"),
    path("declarations/<int:pk>/<str:mois>/", declarations.saisie, name="saisie"),
    path("validation/", validation.file_validation, name="validation"),
    path("validation/<int:pk>/", validation.declaration_a_valider, name="validation_declaration"),
    path("derogations/", validation.derogation, name="derogation"),
    path("suivi/", suivi.suivi, name="suivi"),
    path("suivi/export.csv", suivi.export_suivi, name="export_suivi"),
]
