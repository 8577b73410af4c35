"""Les horizons de programmation (PRAPS, Ségur…), communs à toutes les régions : le niveau national les crée et les
décrit (ce que comptent leurs objectifs, et leur source)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from commun.erreurs import Conflit
from config.policy import Regle, acces
from planification.forms import HorizonForm
from planification.models import Horizon
from planification.services import enregistrer_horizon


@acces(Regle.GERER_HORIZONS)
def horizons(request):
    return render(request, "planification/horizons.html", {"horizons": Horizon.objects.all()})


@acces(Regle.GERER_HORIZONS)
def nouvel_horizon(request):
    return formulaire_horizon(request, None)


@acces(Regle.GERER_HORIZONS)
def modifier_horizon(request, slug):
    return formulaire_horizon(request, get_object_or_404(Horizon, slug=slug))


def formulaire_horizon(request, horizon):
    initial = {"version": horizon.version} if horizon else {}
    form = HorizonForm(request.POST or None, instance=horizon, initial=initial)
    contexte = {"form": form, "horizon": horizon}
    if request.method != "POST":
        return render(request, "planification/horizon.html", contexte)
    if not form.is_valid():
        return render(request, "planification/horizon.html", contexte, status=400)
    champs = {champ: form.cleaned_data[champ] for champ in HorizonForm.Meta.fields}
    try:
        horizon = enregistrer_horizon(horizon=horizon, version_lue=form.cleaned_data["version"], **champs)
    except ValidationError as refus:
        form.add_error(None, refus)
        return render(request, "planification/horizon.html", contexte, status=400)
    except Conflit as conflit:
        # La saisie reste à l'écran avec la version relue : l'envoyer à nouveau l'enregistre.
        donnees = request.POST.copy()
        donnees["version"] = conflit.actuel.version if conflit.actuel else ""
        contexte["form"] = HorizonForm(donnees, instance=conflit.actuel)
        contexte["conflit"] = conflit.message
        return render(request, "planification/horizon.html", contexte, status=409)
    messages.success(request, f"Horizon « {horizon.libelle} » enregistré.")
    return redirect(reverse("planification:horizons"))
