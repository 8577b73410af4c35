from django.urls import path

from financements.views import budget, saisie

app_name = "financements"
urlpatterns = [
    path("", budget.budget, name="budget"),
    path("export.csv", budget.export, name="export"),
    path("credits/nouveau/", saisie.nouveau_credit, name="nouveau_credit"),
    path("credits/<int:pk>/modifier/", saisie.modifier_credit, name="modifier_credit"),
    path("enveloppes/nouvelle/", saisie.nouvelle_enveloppe, name="nouvelle_enveloppe"),
    path("enveloppes/<int:pk>/modifier/", saisie.modifier_enveloppe, name="modifier_enveloppe"),
]
