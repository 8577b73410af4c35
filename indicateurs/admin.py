from django.contrib import admin, messages

from indicateurs.models import Declaration, Derogation, Indicateur, Rapport, Relance, Valeur
from indicateurs.services import demander_rapport


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


@admin.register(Rapport)
class RapportAdmin(admin.ModelAdmin):
    """Les rapports se créent et se régénèrent par le service (file Celery) : jamais en écrivant la ligne."""

    list_display = ["territoire", "mois", "public", "statut", "etape", "genere_le", "taille"]
    list_filter = ["statut", "public", "mois", "territoire__niveau"]
    search_fields = ["territoire__nom", "territoire__code"]
    list_select_related = ["territoire"]
    date_hierarchy = "mois"
    autocomplete_fields = ["territoire"]
    actions = ["regenerer"]
    champs_calcules = [
        "statut",
        "etape",
        "fichier",
        "empreinte",
        "taille",
        "genere_le",
        "demande_le",
        "demande_par",
        "erreur",
        "motif",
        "provisoire",
    ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.champs_calcules, "territoire", "mois", "public"] if obj else self.champs_calcules

    def save_model(self, request, obj, form, change):
        """Un rapport ajouté ici est demandé comme depuis la page : mis en file dès l'enregistrement."""
        if change:
            return
        rapport = demander_rapport(territoire=obj.territoire, mois=obj.mois, public=obj.public, user=request.user)
        obj.pk = rapport.pk
        obj.refresh_from_db()

    @admin.action(description="Régénérer")
    def regenerer(self, request, queryset):
        for rapport in queryset.select_related("territoire"):
            demander_rapport(
                territoire=rapport.territoire,
                mois=rapport.mois,
                public=rapport.public,
                user=request.user,
                motif="Régénéré depuis l'administration.",
            )
        self.message_user(request, f"{queryset.count()} rapport(s) mis en file de génération.", messages.SUCCESS)


@admin.register(Derogation)
class DerogationAdmin(admin.ModelAdmin):
    """Les mois rouverts après leur verrouillage ; s'accordent aussi depuis le suivi des déclarations."""

    list_display = ["dispositif", "mois", "jusqu_au", "motif", "accordee_par", "accordee_le"]
    list_filter = ["mois"]
    search_fields = ["dispositif__nom", "dispositif__finess", "motif"]
    list_select_related = ["dispositif__type", "accordee_par"]
    raw_id_fields = ["dispositif", "accordee_par"]


@admin.register(Relance)
class RelanceAdmin(admin.ModelAdmin):
    """Les relances envoyées : leur unicité garantit qu'aucune ne part deux fois."""

    list_display = ["dispositif", "mois", "moment", "envoyee_le"]
    list_filter = ["moment", "mois"]
    search_fields = ["dispositif__nom", "dispositif__finess"]
    list_select_related = ["dispositif__type"]
    raw_id_fields = ["dispositif"]
