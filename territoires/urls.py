from django.urls import path

from territoires.views import referentiel

app_name = "territoires"
urlpatterns = [
    path("", referentiel.liste, name="liste"),
]
