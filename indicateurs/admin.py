from django.contrib import admin

from indicateurs.models import Declaration, Indicateur, Valeur


@admin.register(Indicateur)
class IndicateurAdmin(admin.ModelAdmin):
    list_display = ["libelle", "code", "unite", "agregation", "nature_valeur", "ordre", "actif"]
    list_filter = ["agregation", "actif", "types"]
    search_fields = ["libelle", "code", "definition"]
    filter_horizontal = ["types"]


class ValeurInline(admin.TabularInline):
    model = Valeur
    extra = 0


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["dispositif", "mois", "statut", "transmise_le", "validee_le"]
    list_filter = ["statut", "mois"]
    search_fields = ["dispositif__nom", "dispositif__finess"]
    list_select_related = ["dispositif"]
    date_hierarchy = "mois"
    inlines = [ValeurInline]
