"""Les adresses stables des données ouvertes, sous /donnees/."""

from django.urls import path

from donnees import views

app_name = "donnees"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("<slug:slug>/", views.fiche, name="fiche"),
    path("<slug:slug>.csv", views.telecharger_csv, name="csv"),
    path("<slug:slug>.json", views.telecharger_json, name="json"),
    path("<slug:slug>/schema.json", views.schema, name="schema"),
]
