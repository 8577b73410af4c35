"""Les dispositifs de l'utilisateur (/dispositifs/) : la liste filtrée avec ses capacités à une date, la fiche de
chacun, et sa fiche d'identité que les planificateurs créent et modifient."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from dsfr.utils import list_pages

from commun.erreurs import Conflit
from config.policy import (
    Regle,
    acces,
    autorise,
    dispositifs_geres,
    dispositifs_visibles,
    peut_voir_candidature,
)
from dispositifs.fiches import (
    credits_par_annee,
    creer_dispositif,
    derniers_indicateurs,
    frise,
    historique,
    modifier_dispositif,
    origine,
    renfort_au,
)
from dispositifs.forms import DispositifForm, FiltreDispositifsForm

PAR_PAGE = 50
DE_LA_FICHE = ("type__type_parent", "organisme", "territoire", "parent__type", "horizon")


@acces(Regle.CONSULTER_OFFRE)
def liste(request):
    """Les dispositifs du périmètre, filtrés, avec leurs capacités autorisée, installée et financée à la date
    demandée (aujourd'hui par défaut), déduites du registre."""
    visibles = dispositifs_visibles(request.user)
    form = FiltreDispositifsForm(request.GET, dispositifs=visibles)
    valide = form.is_valid()
    date = form.cleaned_data.get("date") or timezone.localdate()
    dispositifs = (
        form.filtrer(visibles)
        .select_related("type", "organisme", "territoire")
        .with_capacites(date)
        .order_by("type__ordre", "nom", "pk")  # l'agrégat (GROUP BY) fait perdre l'ordre du modèle
    )
    page = Paginator(dispositifs, PAR_PAGE).get_page(request.GET.get("page"))
    if page.has_other_pages():
        list_pages(page)
    contexte = {
        "form": form,
        "date": date,
        "page_obj": page,
        "peut_creer": autorise(request.user, Regle.GERER_OFFRE),
    }
    return render(request, "dispositifs/fiches/liste.html", contexte, status=200 if valide else 400)


@acces(Regle.CONSULTER_OFFRE)
def detail(request, pk):
    """La fiche : identité, capacités du jour, registre en frise, crédits par année, derniers indicateurs,
    historique (pour qui lit le journal) et, s'il est né d'un appel, l'appel, la candidature et la décision."""
    dispositif = get_object_or_404(
        dispositifs_visibles(request.user).select_related(*DE_LA_FICHE).with_capacites(), pk=pk
    )
    annees = credits_par_annee(dispositif)
    decision, etapes = origine(dispositif), frise(dispositif, {annee.annee for annee in annees})
    contexte = {
        "dispositif": dispositif,
        "aujourd_hui": timezone.localdate(),
        "etapes": etapes,
        "renfort_etp": renfort_au(etapes, timezone.localdate()),
        "annees": annees,
        "indicateurs": derniers_indicateurs(dispositif, etapes),
        "rattaches": list(dispositif.rattaches.select_related("type").order_by("nom")),
        "historique": historique(dispositif) if autorise(request.user, Regle.CONSULTER_JOURNAL) else None,
        "decision": decision,
        "voit_candidature": decision is not None and peut_voir_candidature(request.user, decision.candidature),
        "peut_modifier": dispositifs_geres(request.user).filter(pk=dispositif.pk).exists(),
    }
    return render(request, "dispositifs/fiches/detail.html", contexte)


@acces(Regle.GERER_OFFRE)
def creer(request):
    """Un nouveau dispositif, projet tant qu'aucun arrêté ne l'autorise."""
    form = DispositifForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            dispositif = creer_dispositif(valeurs=form.cleaned_data, user=request.user)
        except ValidationError as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, f"Dispositif « {dispositif.nom} » créé.")
            return redirect("dispositifs:detail", pk=dispositif.pk)
    return rendre_formulaire(request, form, None)


@acces(Regle.GERER_OFFRE)
def modifier(request, pk):
    """L'identité d'un dispositif de la région ; deux saisies concurrentes : la seconde reçoit un conflit."""
    dispositif = get_object_or_404(dispositifs_visibles(request.user).select_related("type"), pk=pk)
    if not dispositifs_geres(request.user).filter(pk=pk).exists():
        raise PermissionDenied("Ce dispositif n'est pas dans votre région.")
    form = DispositifForm(request.POST or None, instance=dispositif, user=request.user)
    if request.method != "POST" or not form.is_valid():
        return rendre_formulaire(request, form, dispositif)
    try:
        dispositif = modifier_dispositif(
            dispositif=dispositif,
            valeurs=form.cleaned_data,
            version_lue=form.cleaned_data["version"] or 0,
            user=request.user,
        )
    except ValidationError as refus:
        form.add_error(None, refus)
    except Conflit as conflit:
        return rendre_conflit(request, form, conflit)
    else:
        messages.success(request, f"Dispositif « {dispositif.nom} » enregistré.")
        return redirect("dispositifs:detail", pk=dispositif.pk)
    return rendre_formulaire(request, form, dispositif)


def rendre_conflit(request, form, conflit):
    """La saisie reste à l'écran avec la version qui vient d'être lue : l'envoyer à nouveau l'enregistre."""
    donnees = request.POST.copy()
    donnees["version"] = conflit.actuel.version if conflit.actuel else 0
    form = DispositifForm(donnees, instance=conflit.actuel, user=request.user)
    return rendre_formulaire(request, form, conflit.actuel, conflit=conflit.message, status=409)


def rendre_formulaire(request, form, dispositif, *, conflit=None, status=None):
    if status is None:
        status = 400 if form.is_bound and form.errors else 200
    contexte = {"form": form, "dispositif": dispositif, "conflit": conflit}
    return render(request, "dispositifs/fiches/formulaire.html", contexte, status=status)
