from django.contrib import admin

from config.policy import Regle, autorise


class SiteAdministration(admin.AdminSite):
    site_header = "Pilotage PRAPS — administration"
    site_title = "Administration Pilotage PRAPS"
    index_title = "Référentiels, comptes et catalogues"

    def has_permission(self, request):
        return autorise(request.user, Regle.ADMINISTRATION)
