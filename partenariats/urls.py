from django.urls import path

from partenariats.views import annuaire, conventions, rencontres

app_name = "partenariats"
urlpatterns = [
    path("conventions/", conventions.liste, name="conventions"),
    path("conventions/nouvelle/", conventions.creer, name="nouvelle_convention"),
    path("conventions/<int:pk>/", conventions.fiche, name="convention"),
    path("conventions/<int:pk>/pdf/", conventions.pdf, name="convention_pdf"),
    path("conventions/<int:pk>/modifier/", conventions.modifier, name="modifier_convention"),
    path("annuaire/", annuaire.annuaire, name="annuaire"),
    path("annuaire/nouveau/", annuaire.creer, name="nouveau_contact"),
    path("annuaire/<int:pk>/modifier/", annuaire.modifier, name="modifier_contact"),
    path("rencontres/", rencontres.liste, name="rencontres"),
    path("rencontres/nouvelle/", rencontres.creer, name="nouvelle_rencontre"),
    path("rencontres/<int:pk>/", rencontres.fiche, name="rencontre"),
    path("rencontres/<int:pk>/modifier/", rencontres.modifier, name="modifier_rencontre"),
]
