from django.urls import path

from appels import views

app_name = "appels"

urlpatterns = [
    path("", views.liste, name="liste"),
    path("gestion/", views.gestion, name="gestion"),
    path("nouveau/", views.creer, name="creer"),
    path("<slug:reference>/", views.detail, name="detail"),
    path("<slug:reference>/cahier-des-charges.pdf", views.cahier, name="cahier"),
    path("<slug:reference>/modifier/", views.modifier, name="modifier"),
    path("<slug:reference>/publier/", views.publier, name="publier"),
]
