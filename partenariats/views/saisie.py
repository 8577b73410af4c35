"""La saisie commune aux trois pages de formulaire : le formulaire lu, le service appelé, puis un refus (400, message
sur le champ), un conflit (409, la saisie du perdant reste à l'écran avec la version actuelle) ou la fiche."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from commun.erreurs import Conflit
from financements.views.saisie import relire


def initial_de(objet, champs) -> dict:
    """Les valeurs de l'objet pour préremplir son formulaire, version comprise."""
    return {champ: getattr(objet, champ) for champ in [*champs, "version"]}


def saisir(request, *, form_class, gabarit, objet, initial, enregistrer, apres, contexte=None):
    """`enregistrer(form.cleaned_data)` appelle le service ; `apres(objet)` dit où aller ensuite."""
    form = form_class(request.POST or None, request.FILES or None, initial=initial, user=request.user)
    contexte = {**(contexte or {}), "form": form, "objet": objet}
    if request.method != "POST":
        return render(request, gabarit, contexte)
    if not form.is_valid():
        return render(request, gabarit, contexte, status=400)
    try:
        enregistre = enregistrer(dict(form.cleaned_data))
    except ValidationError as refus:
        form.add_error(None, refus)
        return render(request, gabarit, contexte, status=400)
    except Conflit as conflit:
        contexte["form"] = relire(form_class, request, conflit, user=request.user)
        contexte["conflit"] = conflit.message
        return render(request, gabarit, contexte, status=409)
    return apres(enregistre)
