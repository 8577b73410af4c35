"""Les pages de l'appel : publication (/appels/), lettre d'intention et candidatures de l'opérateur
(/appels/<référence>/lettre/, /candidatures/), instruction par l'ARS et la DREETS (/instruction/).

Les adresses publiques sont gardées telles quelles ; chaque groupe a son espace de noms dans « appels »."""

from django.urls import include, path

from appels.views import appels, candidatures, instruction

app_name = "appels"

candidatures_urls = [
    path("appels/<slug:reference>/lettre/", candidatures.lettre_intention, name="lettre"),
    path("appels/<slug:reference>/lettre/brouillon/", candidatures.enregistrer_brouillon, name="brouillon"),
    path("appels/<slug:reference>/lettre/pieces/", candidatures.ajouter_piece, name="piece"),
    path("appels/<slug:reference>/lettre/deposer/", candidatures.deposer, name="deposer"),
    path("candidatures/", candidatures.mes_candidatures, name="mes_candidatures"),
    path("candidatures/depots/<str:numero>/", candidatures.depot, name="depot"),
    path("candidatures/depots/<str:numero>/accuse.pdf", candidatures.accuse, name="accuse"),
]

instruction_urls = [
    path("", instruction.accueil, name="accueil"),
    path("candidatures/<int:pk>/", instruction.candidature, name="candidature"),
    path("candidatures/<int:pk>/complement/", instruction.complement_de_candidature, name="complement_de_candidature"),
    path("complements/<int:pk>/repondre/", instruction.repondre, name="repondre"),
    path("<slug:reference>/", instruction.file, name="file"),
    path("<slug:reference>/classement/", instruction.classement, name="classement"),
    path("<slug:reference>/export.csv", instruction.export_csv, name="export_csv"),
    path("<slug:reference>/export.xlsx", instruction.export_xlsx, name="export_xlsx"),
    path("<slug:reference>/pieces.zip", instruction.pieces, name="pieces"),
]

urlpatterns = [
    path("appels/", appels.liste, name="liste"),
    path("appels/gestion/", appels.gestion, name="gestion"),
    path("appels/nouveau/", appels.creer, name="creer"),
    path("appels/<slug:reference>/", appels.detail, name="detail"),
    path("appels/<slug:reference>/cahier-des-charges.pdf", appels.cahier, name="cahier"),
    path("appels/<slug:reference>/modifier/", appels.modifier, name="modifier"),
    path("appels/<slug:reference>/publier/", appels.publier, name="publier"),
    path("", include((candidatures_urls, "candidatures"))),
    path("instruction/", include((instruction_urls, "instruction"))),
]
