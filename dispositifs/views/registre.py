"""« Enregistrer un arrêté » : une page par dispositif, pour les planificateurs de sa région. Le registre actuel est
montré à côté du formulaire, pour que l'agent voie ce qu'il ajoute ; un projet retenu à un appel arrive ici depuis
la page de sa candidature, le formulaire prérempli depuis la décision."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from commun.nombres import nombre
from config.policy import Regle, acces, dispositifs_geres
from dispositifs.forms import EvenementForm
from dispositifs.models import Dispositif, Nature, Statut
from dispositifs.registre import enregistrer_evenement

CAPACITES_DU_JOUR = ("capacite_autorisee", "capacite_installee", "capacite_financee")


def dispositif_gere(request, pk) -> Dispositif:
    """Le dispositif, s'il existe (404 sinon) et si l'utilisateur le gère : 403 pour celui d'une autre région."""
    dispositif = get_object_or_404(Dispositif.objects.select_related("type", "organisme", "territoire"), pk=pk)
    if not dispositifs_geres(request.user).filter(pk=dispositif.pk).exists():
        raise PermissionDenied("Vous n'enregistrez les arrêtés que des dispositifs de votre région.")
    return dispositif


def initial_depuis_la_decision(dispositif) -> dict:
    """Pour un projet retenu à un appel : son autorisation, à la capacité retenue (à défaut, prévue)."""
    if dispositif.statut != Statut.PROJET:
        return {}
    try:
        decision = dispositif.decision
    except ObjectDoesNotExist:
        decision = None
    capacite = (decision and decision.capacite_retenue) or dispositif.capacite_prevue
    commentaire = dispositif.note if decision else ""
    return {"nature": Nature.AUTORISATION, "capacite": capacite, "commentaire": commentaire[:300]}


def adresse_de_retour(dispositif) -> str:
    """La fiche du dispositif quand elle existe ; sinon cette page, qui montre le registre à jour."""
    try:
        return reverse("dispositifs:detail", kwargs={"pk": dispositif.pk})
    except NoReverseMatch:
        return reverse("dispositifs:nouvel_evenement", kwargs={"pk": dispositif.pk})


def message_enregistre(evenement, dispositif) -> str:
    quantite = nombre(evenement.quantite)
    if evenement.nature == Nature.RENFORCEMENT:
        return f"Renfort enregistré au registre : + {quantite} ETP, sans changer le nombre d'équipes."
    nature = evenement.get_nature_display().lower()
    return f"Arrêté enregistré au registre : {nature}, {quantite} {dispositif.type.get_unite_display()}."


@acces(Regle.GERER_OFFRE)
def nouvel_evenement(request, pk):
    dispositif = dispositif_gere(request, pk)
    form = EvenementForm(request.POST or None, initial=initial_depuis_la_decision(dispositif), dispositif=dispositif)
    if request.method == "POST" and form.is_valid():
        try:
            evenement = enregistrer_evenement(dispositif, **form.cleaned_data, user=request.user)
        except ValidationError as refus:
            form.ajouter_refus(refus)
        else:
            messages.success(request, message_enregistre(evenement, dispositif))
            return redirect(adresse_de_retour(dispositif))
    contexte = {
        "dispositif": dispositif,
        "capacites": Dispositif.objects.with_capacites().filter(pk=dispositif.pk).values(*CAPACITES_DU_JOUR).get(),
        "form": form,
        "registre": dispositif.evenements.select_related("vers_organisme", "saisi_par").order_by("date", "pk"),
    }
    return render(request, "dispositifs/registre/nouvel_evenement.html", contexte, status=400 if form.errors else 200)
