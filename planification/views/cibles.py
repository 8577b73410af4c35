"""La saisie des cibles par les planificateurs de la région (une grille par type et horizon), et l'historique
de chaque cible, lu dans le journal d'audit."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from commun.entrees import identifiant_ou_400
from commun.erreurs import Conflit
from commun.nombres import nombre
from config.policy import Regle, acces, peut_modifier_cible, regions_visibles
from dispositifs.models import TypeDispositif
from planification.forms import CibleForm, filtres_planification
from planification.models import Cible
from planification.services import modifier_cible
from planification.trace import trace_de_la_cible
from territoires.models import Territoire


@acces(Regle.PLANIFIER)
def cibles(request):
    """La grille de saisie (un type, un horizon, une ligne par territoire) ; un POST enregistre une case."""
    filtres = filtres_planification(request.GET, request.user)
    if not filtres.is_valid():
        contexte = {"form": filtres, "cases": [], "region": None, "horizon": None, "type": None}
        return render(request, "planification/cibles.html", contexte)
    region, horizon = filtres.cleaned_data["region"], filtres.cleaned_data["horizon"]
    if not peut_modifier_cible(request.user, region):
        raise PermissionDenied
    type_ = filtres.cleaned_data["type"].first() or TypeDispositif.objects.order_by("ordre", "sigle").first()
    if request.method == "POST":
        return enregistrer_case(request, filtres, region, horizon, type_)
    return render(request, "planification/cibles.html", cases_de_saisie(filtres, region, horizon, type_))


def enregistrer_case(request, filtres, region, horizon, type_):
    """Enregistre la case postée ; un conflit ou une erreur réaffiche la grille avec le message sur la case."""
    territoire = get_object_or_404(
        Territoire.objects.descendants(region, inclus=True),
        pk=identifiant_ou_400(request.POST.get("territoire"), "territoire"),
    )
    form = CibleForm(request.POST, prefix=f"t{territoire.pk}", type_=type_)
    if not form.is_valid():
        contexte = cases_de_saisie(filtres, region, horizon, type_, refus={"territoire": territoire, "form": form})
        return render(request, "planification/cibles.html", contexte, status=400)
    try:
        cible = modifier_cible(
            type=type_,
            territoire=territoire,
            horizon=horizon,
            valeur=form.cleaned_data["valeur"],
            version_lue=form.cleaned_data["version_lue"],
            motif=form.cleaned_data["motif"],
        )
    except Conflit as conflit:
        # La saisie reste à l'écran, mais avec la version qui vient d'être lue : après vérification, l'envoyer à
        # nouveau l'enregistre (sinon la version d'avant relancerait le même conflit, indéfiniment).
        donnees = request.POST.copy()
        donnees[form.add_prefix("version_lue")] = conflit.actuel.version if conflit.actuel else 0
        form = CibleForm(donnees, prefix=form.prefix, type_=type_)
        refus = {"territoire": territoire, "form": form, "message": conflit.message}
        contexte = cases_de_saisie(filtres, region, horizon, type_, refus=refus)
        return render(request, "planification/cibles.html", contexte, status=409)
    unite = type_.get_unite_display()
    messages.success(request, f"Cible {type_.sigle} · {territoire.nom} enregistrée : {nombre(cible.valeur)} {unite}.")
    return redirect(request.get_full_path())


def cases_de_saisie(filtres, region, horizon, type_, *, refus=None):
    """Le contexte de la grille ; `refus` porte le formulaire refusé d'une case et son message."""
    territoires = list(Territoire.objects.descendants(region, inclus=True))
    existantes = {
        c.territoire_id: c for c in Cible.objects.filter(horizon=horizon, type=type_, territoire__in=territoires)
    }
    cases = []
    for territoire in territoires:
        cible = existantes.get(territoire.pk)
        if refus and refus["territoire"] == territoire:
            form, message = refus["form"], refus.get("message")
        else:
            initial = {
                "valeur": cible.valeur.normalize() if cible else None,
                "version_lue": cible.version if cible else 0,
            }
            form, message = CibleForm(initial=initial, prefix=f"t{territoire.pk}"), None
        cases.append({"territoire": territoire, "cible": cible, "form": form, "message": message})
    return {"form": filtres, "region": region, "horizon": horizon, "type": type_, "cases": cases}


@acces(Regle.CONSULTER_PLANIFICATION)
def historique(request, pk):
    """Qui a changé la cible, quand, de quelle valeur à quelle valeur, et pourquoi ; puis sa trace : les appels
    lancés sur son écart, leurs décisions, les dispositifs créés et leurs derniers indicateurs."""
    cible = get_object_or_404(Cible.objects.with_type_territoire_horizon(), pk=pk)
    if not regions_visibles(request.user).filter(code=cible.territoire.code_region).exists():
        raise Http404("Cible introuvable.")
    entrees = cible.history.select_related("actor").order_by("timestamp", "pk")
    contexte = {
        "cible": cible,
        "changements": list(reversed(changements(entrees))),
        "trace": trace_de_la_cible(cible, request.user),
    }
    return render(request, "planification/historique.html", contexte)


def changements(entrees) -> list[dict]:
    """Les lignes de l'historique, lues dans le journal d'audit dans l'ordre : date, auteur, avant, après, motif.
    Un enregistrement qui ne change que le motif (même valeur, version suivante) a aussi sa ligne."""
    lignes, valeur = [], None
    for entree in entrees:
        avant, apres = entree.changes_dict.get("valeur", [valeur, valeur])
        valeur = None if apres in (None, "None") else Decimal(apres)
        lignes.append(
            {
                "date": entree.timestamp,
                "par": entree.actor,
                "avant": None if avant in (None, "None") else Decimal(avant),
                "apres": valeur,
                "motif": (entree.additional_data or {}).get("motif", ""),
            }
        )
    return lignes
