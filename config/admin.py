from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from config.policy import Regle, autorise


class SiteAdministration(admin.AdminSite):
    site_header = "Pilotage PRAPS — administration"
    site_title = "Administration Pilotage PRAPS"
    index_title = "Référentiels, comptes et catalogues"

    def has_permission(self, request):
        return autorise(request.user, Regle.ADMINISTRATION)

    @login_not_required
    def login(self, request, extra_context=None):
        """Pas de connexion à part pour l'administration : la page commune demande le second facteur (le mot de passe
        seul n'y suffit pas, comptes/backends.py)."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next", reverse("admin:index")))
        return super().login(request, extra_context)
