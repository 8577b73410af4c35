from django.contrib import admin

from dispositifs.models import Organisme


@admin.register(Organisme)
class OrganismeAdmin(admin.ModelAdmin):
    list_display = ["nom", "statut_juridique", "siren", "fictif", "created_at"]
    list_filter = ["fictif", "statut_juridique"]
    search_fields = ["nom", "siren"]
