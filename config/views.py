from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from appels.models import Appel
from comptes.models import Role
from config.policy import Regle, acces

APPELS_A_L_ACCUEIL = 5
PAGES_ACCUEIL = {
    Role.PLANIFICATEUR: "accueil/planificateur.html",
    Role.INSTRUCTEUR: "accueil/instructeur.html",
    Role.DREETS: "accueil/dreets.html",
    Role.OPERATEUR: "accueil/operateur.html",
    Role.NATIONAL: "accueil/national.html",
    Role.ADMINISTRATEUR: "accueil/administrateur.html",
}


@acces(Regle.PUBLIC)
def accueil(request):
    """Une page d'accueil par rôle ; la page publique pour les visiteurs non connectés."""
    if not request.user.is_authenticated:
        return render(request, "accueil/public.html")
    user = request.user
    contexte = {"organismes": [], "appels_ouverts": []}
    if user.role == Role.OPERATEUR:
        # Les appels ouverts, date limite la plus proche d'abord : l'opérateur va de là à sa lettre en un clic.
        ouverts = Appel.objects.ouverts().select_related("region").order_by("cloture", "pk")
        contexte = {"organismes": user.organismes.all(), "appels_ouverts": ouverts[:APPELS_A_L_ACCUEIL]}
    return render(request, PAGES_ACCUEIL[user.role], contexte)


@acces(Regle.PUBLIC)
def accessibilite(request):
    return render(request, "accessibilite.html")


@acces(Regle.PUBLIC)
def sante(request):
    """Sonde des conteneurs : répond seulement si la base de données répond."""
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1")
    return JsonResponse({"statut": "ok"})
