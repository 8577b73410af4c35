"""La saisie des crédits et des enveloppes par les planificateurs : chaque formulaire appelle le service, qui
refuse (message sur le champ), signale un conflit (409, rien d'écrasé) ou demande de confirmer un dépassement."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone

from commun.entrees import identifiant_ou_400
from commun.nombres import euros
from commun.saisie import formulaire, saisir
from config.policy import Regle, acces, dispositifs_geres, dispositifs_visibles, regions_visibles
from financements.forms import CreditForm, EnveloppeForm
from financements.models import Credit, Enveloppe
from financements.services import enregistrer_credit, enregistrer_enveloppe

CHAMPS_CREDIT = ["dispositif", "annee", "source", "montant", "reconductible", "reference", "commentaire", "version"]
CHAMPS_ENVELOPPE = ["region", "annee", "source", "type", "montant", "reference", "commentaire", "version"]


def page_budget(code_region, annee) -> str:
    return f"{reverse('financements:budget')}?{urlencode({'region': code_region, 'annee': annee})}"


@acces(Regle.GERER_OFFRE)
def nouveau_credit(request):
    """Un crédit ; depuis la fiche d'un dispositif (?dispositif=<pk>), prérempli avec lui."""
    initial = {"annee": timezone.localdate().year, "reconductible": True}
    if "dispositif" in request.GET:
        pk = identifiant_ou_400(request.GET["dispositif"], "dispositif")
        dispositif = get_object_or_404(dispositifs_visibles(request.user), pk=pk)
        if not dispositifs_geres(request.user).filter(pk=dispositif.pk).exists():
            raise PermissionDenied
        initial["dispositif"] = dispositif.pk
    return formulaire_credit(request, None, initial)


@acces(Regle.GERER_OFFRE)
def modifier_credit(request, pk):
    credit = get_object_or_404(Credit.objects.filter(dispositif__in=dispositifs_visibles(request.user)), pk=pk)
    if not dispositifs_geres(request.user).filter(pk=credit.dispositif_id).exists():
        raise PermissionDenied
    return formulaire_credit(request, credit, {champ: getattr(credit, champ) for champ in CHAMPS_CREDIT})


def formulaire_credit(request, credit, initial):
    def enregistrer(valeurs):
        enregistre = enregistrer_credit(user=request.user, credit=credit, **valeurs)
        dispositif = enregistre.dispositif
        message = f"Crédit de {euros(enregistre.montant)} enregistré pour {dispositif.nom} ({enregistre.annee})."
        messages.success(request, message)
        return redirect(page_budget(dispositif.territoire.code_region, enregistre.annee))

    form = formulaire(CreditForm, request, initial, user=request.user)
    return saisir(request, "financements/credit.html", {"credit": credit}, form, enregistrer)


@acces(Regle.GERER_OFFRE)
def nouvelle_enveloppe(request):
    region = regions_visibles(request.user).filter(pk=getattr(request.user, "region_id", None)).first()
    initial = {"annee": timezone.localdate().year, "region": region}
    return formulaire_enveloppe(request, None, initial)


@acces(Regle.GERER_OFFRE)
def modifier_enveloppe(request, pk):
    enveloppe = get_object_or_404(Enveloppe.objects.filter(region__in=regions_visibles(request.user)), pk=pk)
    return formulaire_enveloppe(request, enveloppe, {champ: getattr(enveloppe, champ) for champ in CHAMPS_ENVELOPPE})


def formulaire_enveloppe(request, enveloppe, initial):
    def enregistrer(valeurs):
        enregistree = enregistrer_enveloppe(user=request.user, enveloppe=enveloppe, **valeurs)
        message = f"Enveloppe {enregistree.libelle} {enregistree.annee} enregistrée : {euros(enregistree.montant)}."
        messages.success(request, message)
        return redirect(page_budget(enregistree.region.code, enregistree.annee))

    form = formulaire(EnveloppeForm, request, initial, user=request.user)
    return saisir(request, "financements/enveloppe.html", {"enveloppe": enveloppe}, form, enregistrer)
