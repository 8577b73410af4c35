from django.contrib import admin

from appels.models import Appel, Critere


class CritereInline(admin.TabularInline):
    model = Critere
    extra = 1


@admin.register(Appel)
class AppelAdmin(admin.ModelAdmin):
    list_display = ["titre", "nature", "region", "statut", "ouverture", "cloture", "enveloppe", "fictif"]
    list_filter = ["nature", "statut", "region", "co_instruction_dreets", "fictif"]
    search_fields = ["titre", "reference", "description"]
    list_select_related = ["region"]
    filter_horizontal = ["types_cibles", "types_exclus", "territoires"]
    autocomplete_fields = ["region", "appel_precedent"]
    date_hierarchy = "cloture"
    inlines = [CritereInline]


@admin.register(Critere)
class CritereAdmin(admin.ModelAdmin):
    list_display = ["libelle", "appel", "poids", "ordre"]
    list_select_related = ["appel"]
    search_fields = ["libelle", "appel__titre"]
