from django.urls import path

from appels import candidatures_views as vues

app_name = "candidatures"
urlpatterns = [
    path("appels/<slug:reference>/lettre/", vues.lettre_intention, name="lettre"),
    path("appels/<slug:reference>/lettre/brouillon/", vues.enregistrer_brouillon, name="brouillon"),
    path("appels/<slug:reference>/lettre/pieces/", vues.ajouter_piece, name="piece"),
    path("appels/<slug:reference>/lettre/deposer/", vues.deposer, name="deposer"),
    path("candidatures/", vues.mes_candidatures, name="mes_candidatures"),
    path("candidatures/depots/<str:numero>/", vues.depot, name="depot"),
    path("candidatures/depots/<str:numero>/accuse.pdf", vues.accuse, name="accuse"),
]
