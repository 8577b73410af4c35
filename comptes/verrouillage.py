"""Réglages de django-axes : quel identifiant compter, et quoi répondre à un compte suspendu."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def identifiant_tente(request, credentials) -> str | None:
    """Le courriel tenté, normalisé comme à la connexion : changer la casse ne contourne pas le verrou.

    Le formulaire le transmet dans « username », l'API de jeton dans « email ».
    """
    donnees = credentials or request.POST
    identifiant = donnees.get("username") or donnees.get("email")
    # Axes l'écrit dans une colonne de 255 caractères, sans caractère nul (PostgreSQL) : un identifiant tenté de
    # 3 000 caractères donnait un 500 ; un courriel en a 254 au plus.
    return identifiant.replace("\x00", "").strip().lower()[:254] if identifiant else None


def reponse_compte_suspendu(request, original_response, credentials):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        message = f"Trop d'essais infructueux : la connexion est suspendue pendant {minutes} minutes."
        return JsonResponse({"detail": message}, status=429)
    return render(request, "comptes/verrouillage.html", {"minutes": minutes}, status=429)
