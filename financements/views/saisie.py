"""La saisie des crédits et des enveloppes par les planificateurs : chaque formulaire appelle le service, qui
refuse (message sur le champ), signale un conflit (409, rien d'écrasé) ou demande de confirmer un dépassement."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from commun.entrees import identifiant_ou_400
from commun.erreurs import Conflit
from commun.nombres import euros
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
    form = CreditForm(request.POST or None, initial=initial, user=request.user)
    contexte = {"form": form, "credit": credit}
    if request.method != "POST":
        return render(request, "financements/credit.html", contexte)
    if not form.is_valid():
        return render(request, "financements/credit.html", contexte, status=400)
    try:
        credit = enregistrer_credit(user=request.user, credit=credit, **form.cleaned_data)
    except ValidationError as refus:
        form.add_error(None, refus)
        return render(request, "financements/credit.html", contexte, status=400)
    except Conflit as conflit:
        contexte["form"] = relire(CreditForm, request, conflit, user=request.user)
        contexte["conflit"] = conflit.message
        return render(request, "financements/credit.html", contexte, status=409)
    dispositif = credit.dispositif
    messages.success(request, f"Crédit de {euros(credit.montant)} enregistré pour {dispositif.nom} ({credit.annee}).")
    return redirect(page_budget(dispositif.territoire.code_region, credit.annee))


def relire(classe, request, conflit, **kwargs):
    """La saisie reste à l'écran, avec la version qui vient d'être lue : l'envoyer à nouveau, après vérification,
    l'enregistre (la version d'avant relancerait le même conflit)."""
    donnees = request.POST.copy()
    donnees["version"] = conflit.actuel.version if conflit.actuel else ""
    form = classe(donnees, **kwargs)
    form.is_valid()
    return form


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
    form = EnveloppeForm(request.POST or None, initial=initial, user=request.user)
    contexte = {"form": form, "enveloppe": enveloppe}
    if request.method != "POST":
        return render(request, "financements/enveloppe.html", contexte)
    if not form.is_valid():
        return render(request, "financements/enveloppe.html", contexte, status=400)
    try:
        enveloppe = enregistrer_enveloppe(user=request.user, enveloppe=enveloppe, **form.cleaned_data)
    except ValidationError as refus:
        form.add_error(None, refus)
        return render(request, "financements/enveloppe.html", contexte, status=400)
    except Conflit as conflit:
        contexte["form"] = relire(EnveloppeForm, request, conflit, user=request.user)
        contexte["conflit"] = conflit.message
        return render(request, "financements/enveloppe.html", contexte, status=409)
    messages.success(
        request, f"Enveloppe {enveloppe.libelle} {enveloppe.annee} enregistrée : {euros(enveloppe.montant)}."
    )
    return redirect(page_budget(enveloppe.region.code, enveloppe.annee))
