from django.contrib import admin

from appels.models import Appel, Avis, Candidature, Critere, Decision, DemandeComplement, Depot


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


@admin.register(Candidature)
class CandidatureAdmin(admin.ModelAdmin):
    list_display = ["organisme", "appel", "statut", "brouillon_enregistre_le"]
    list_filter = ["statut", "appel"]
    search_fields = ["organisme__nom", "appel__titre"]
    list_select_related = ["organisme", "appel"]
    readonly_fields = ["brouillon", "version_brouillon", "brouillon_enregistre_le"]


@admin.register(Depot)
class DepotAdmin(admin.ModelAdmin):
    """Les dépôts sont figés : consultables, jamais modifiables."""

    list_display = ["numero", "candidature", "version", "depose_le", "depose_par"]
    search_fields = ["numero", "candidature__organisme__nom"]
    list_select_related = ["candidature__organisme", "candidature__appel", "depose_par"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Avis)
class AvisAdmin(admin.ModelAdmin):
    list_display = ["candidature", "evaluateur", "total", "updated_at"]
    list_select_related = ["candidature__organisme", "candidature__appel", "evaluateur"]
    search_fields = ["candidature__organisme__nom", "evaluateur__email"]
    exclude = ["annotation_privee"]  # privée : même l'administration ne l'affiche pas


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["candidature", "nature", "type_propose", "montant_retenu", "decide_par", "decide_le"]
    list_filter = ["nature"]
    list_select_related = ["candidature__organisme", "candidature__appel", "type_propose", "decide_par"]


@admin.register(DemandeComplement)
class DemandeComplementAdmin(admin.ModelAdmin):
    list_display = ["candidature", "demandee_le", "repondue_le", "confirmee"]
    list_select_related = ["candidature__organisme", "candidature__appel"]
