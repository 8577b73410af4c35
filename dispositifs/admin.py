from django.contrib import admin

from dispositifs.models import Dispositif, EvenementCapacite, Organisme, TypeDispositif


@admin.register(TypeDispositif)
class TypeDispositifAdmin(admin.ModelAdmin):
    list_display = [
        "sigle",
        "libelle",
        "secteur",
        "unite",
        "financement",
        "type_parent",
        "cout_annuel_unitaire",
        "ordre",
    ]
    list_filter = ["secteur", "unite", "financement", "rattachement"]
    search_fields = ["sigle", "libelle", "code"]
    list_editable = ["ordre"]


@admin.register(Organisme)
class OrganismeAdmin(admin.ModelAdmin):
    list_display = ["nom", "statut_juridique", "siren", "finess_juridique", "commune", "fictif"]
    list_filter = ["fictif", "statut_juridique"]
    search_fields = ["nom", "siren", "finess_juridique", "commune"]


class EvenementCapaciteInline(admin.TabularInline):
    model = EvenementCapacite
    extra = 0
    autocomplete_fields = ["vers_organisme"]
    readonly_fields = ["saisi_par"]


@admin.register(Dispositif)
class DispositifAdmin(admin.ModelAdmin):
    list_display = ["nom", "type", "finess", "organisme", "territoire", "statut", "horizon", "fictif"]
    list_filter = ["type", "statut", "horizon", "fictif"]
    search_fields = ["nom", "finess", "organisme__nom", "commune"]
    list_select_related = ["type", "organisme", "territoire", "horizon"]
    autocomplete_fields = ["organisme", "territoire", "parent"]
    readonly_fields = ["version"]  # la version protège les saisies des pages ; l'administration ne la touche pas
    inlines = [EvenementCapaciteInline]


@admin.register(EvenementCapacite)
class EvenementCapaciteAdmin(admin.ModelAdmin):
    list_display = ["dispositif", "date", "nature", "quantite", "reference"]
    list_filter = ["nature", "dispositif__type"]
    search_fields = ["dispositif__nom", "reference"]
    list_select_related = ["dispositif__type"]
    date_hierarchy = "date"
    autocomplete_fields = ["dispositif", "vers_organisme"]
    readonly_fields = ["saisi_par"]
