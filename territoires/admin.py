from django.contrib import admin

from territoires.models import Contour, Territoire


@admin.register(Territoire)
class TerritoireAdmin(admin.ModelAdmin):
    list_display = ["nom", "code", "niveau", "parent", "population", "millesime_population"]
    list_filter = ["niveau", "millesime_population"]
    search_fields = ["nom", "code"]
    list_select_related = ["parent"]
    readonly_fields = ["chemin"]
    autocomplete_fields = ["parent"]


@admin.register(Contour)
class ContourAdmin(admin.ModelAdmin):
    list_display = ["territoire"]
    search_fields = ["territoire__nom", "territoire__code"]
    list_select_related = ["territoire"]
    readonly_fields = ["territoire", "geometrie"]

    def has_add_permission(self, request):
        """Un contour se charge par la commande des territoires : ajouté ici, il n'aurait ni territoire ni
        géométrie (IntegrityError, un 500)."""
        return False
