from django.contrib import admin

from financements.models import Credit, Enveloppe


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["dispositif", "annee", "source", "montant", "reconductible", "reference"]
    list_filter = ["annee", "source", "reconductible"]
    search_fields = ["dispositif__nom", "reference"]
    autocomplete_fields = ["dispositif"]


@admin.register(Enveloppe)
class EnveloppeAdmin(admin.ModelAdmin):
    list_display = ["region", "annee", "source", "type", "montant"]
    list_filter = ["annee", "source"]
