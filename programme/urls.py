from django.urls import path

from programme.views import lecture, saisie

app_name = "programme"
urlpatterns = [
    path("", lecture.programme, name="programme"),
    path("feuilles-de-route/<int:pk>/", lecture.feuille_de_route, name="feuille_de_route"),
    path("feuilles-de-route/<int:pk>/actions/nouvelle/", saisie.nouvelle_action, name="nouvelle_action"),
    path("feuilles-de-route/<int:pk>/revues/nouvelle/", saisie.nouvelle_revue, name="nouvelle_revue"),
    path("actions/<int:pk>/", lecture.action, name="action"),
    path("actions/<int:pk>/modifier/", saisie.modifier_action, name="modifier_action"),
    path("actions/<int:pk>/jalons/nouveau/", saisie.nouveau_jalon, name="nouveau_jalon"),
    path("jalons/<int:pk>/modifier/", saisie.modifier_jalon, name="modifier_jalon"),
    path("revues/<int:pk>/", lecture.revue, name="revue"),
    path("revues/<int:pk>/modifier/", saisie.modifier_revue, name="modifier_revue"),
    path("revues/<int:pk>/revue.pdf", lecture.revue_pdf, name="revue_pdf"),
]
