from django.urls import path, re_path

from planification.views import planification

app_name = "planification"
urlpatterns = [
    path("", planification.tableau, name="tableau"),
    re_path(r"^export\.(?P<format>csv|xlsx)$", planification.export, name="export"),
    path("cibles/", planification.cibles, name="cibles"),
    path("cibles/<int:pk>/historique/", planification.historique, name="historique"),
]
