from django.urls import path

from appels import instruction_views as vues

app_name = "instruction"
urlpatterns = [
    path("", vues.accueil, name="accueil"),
    path("candidatures/<int:pk>/", vues.candidature, name="candidature"),
    path("candidatures/<int:pk>/complement/", vues.complement_de_candidature, name="complement_de_candidature"),
    path("complements/<int:pk>/repondre/", vues.repondre, name="repondre"),
    path("<slug:reference>/", vues.file, name="file"),
    path("<slug:reference>/classement/", vues.classement, name="classement"),
    path("<slug:reference>/export.csv", vues.export_csv, name="export_csv"),
    path("<slug:reference>/export.xlsx", vues.export_xlsx, name="export_xlsx"),
    path("<slug:reference>/pieces.zip", vues.pieces, name="pieces"),
]
