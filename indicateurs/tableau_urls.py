from django.urls import path

from indicateurs import tableau_views

app_name = "tableau"

urlpatterns = [
    path("", tableau_views.tableau_de_bord, name="region"),
    path("export.csv", tableau_views.export, name="export"),
    path("public/", tableau_views.tableau_public, name="public"),
    path("public/export.csv", tableau_views.export_public, name="export_public"),
]
