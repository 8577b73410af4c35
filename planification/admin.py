from django.contrib import admin

from planification.models import Cible, Horizon


@admin.register(Horizon)
class HorizonAdmin(admin.ModelAdmin):
    list_display = ["libelle", "slug", "debut", "fin"]
    prepopulated_fields = {"slug": ["libelle"]}
    readonly_fields = ["version"]


@admin.register(Cible)
class CibleAdmin(admin.ModelAdmin):
    list_display = ["type", "territoire", "horizon", "valeur", "fictif", "version", "updated_at"]
    list_filter = ["horizon", "type", "fictif"]
    search_fields = ["territoire__nom", "territoire__code"]
    list_select_related = ["type", "territoire", "horizon"]
    autocomplete_fields = ["territoire"]
    readonly_fields = ["version"]
