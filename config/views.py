from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from comptes.models import Role
from config.policy import Regle, acces

PAGES_ACCUEIL = {
    Role.PLANIFICATEUR: "accueil/planificateur.html",
    Role.INSTRUCTEUR: "accueil/instructeur.html",
    Role.DREETS: "accueil/dreets.html",
    Role.OPERATEUR: "accueil/operateur.html",
    Role.ADMINISTRATEUR: "accueil/administrateur.html",
}


@acces(Regle.PUBLIC)
def accueil(request):
    """Une page d'accueil par rôle ; la page publique pour les visiteurs non connectés."""
    if not request.user.is_authenticated:
        return render(request, "accueil/public.html")
    user = request.user
    contexte = {"organismes": user.organismes.all() if user.role == Role.OPERATEUR else []}
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
