"""Les adresses que gunicorn sert pendant les mesures : les références nues, contre lesquelles se compare
l'application (`make load-depot`, `make bench`), puis toute l'application, inchangée."""

from django.urls import include, path

from bench.depots.reference import CHEMIN, reference
from bench.indicateurs.debit import VUES_NUES
from config.urls import handler400, handler404  # noqa: F401 — les pages d'erreur de l'application

urlpatterns = [
    path(CHEMIN.lstrip("/"), reference),
    *(path(chemin.lstrip("/"), vue) for chemin, vue in VUES_NUES.items()),
    path("", include("config.urls")),
]
