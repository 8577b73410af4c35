from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from dsfr.models import DsfrConfig

from comptes.models import DemandeInscription, Utilisateur


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    list_display = ["email", "first_name", "last_name", "role", "region", "is_active", "last_login"]
    list_filter = ["role", "region", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "organismes__nom"]
    ordering = ["email"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "organismes"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Rôle et périmètre", {"fields": ["role", "region", "organismes"]}),
        ("Droits techniques", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "proconnect_sub"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "region", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


# L'en-tête et le pied de page sont nos gabarits (templates/layout/) : la configuration de django-dsfr
# n'y changerait rien, elle n'a donc pas sa place dans l'administration.

admin.site.unregister(DsfrConfig)


@admin.register(DemandeInscription)
class DemandeInscriptionAdmin(admin.ModelAdmin):
    list_display = ["courriel", "nom_organisme", "siret", "region", "statut", "created_at", "traitee_par"]
    list_filter = ["statut", "region"]
    search_fields = ["courriel", "nom_organisme", "siret"]
    list_select_related = ["region", "traitee_par"]
    readonly_fields = ["traitee_par", "traitee_le", "created_at"]


# L'administration de django-otp montre la clé secrète et le QR code d'un appareil : ici, on ne fait que le retirer.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice, StaticDevice)
class AppareilAdmin(admin.ModelAdmin):
    """Les appareils de double authentification (application TOTP, codes de secours). Un agent qui a perdu son
    téléphone : on retire son appareil, il en active un nouveau à sa prochaine connexion. Ni clé ni QR code ici."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False
