"""La saisie d'un formulaire de page, la même partout (crédits, enveloppes, programme, partenariats) : le formulaire
lu, le service appelé, puis la réponse qu'il rend, un refus (400, message sur le formulaire) ou un conflit (409 : rien
n'est écrasé, la saisie du perdant reste à l'écran avec la version qui vient d'être lue)."""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from commun.erreurs import Conflit


def formulaire(classe, request, initial=None, **arguments):
    """Le formulaire de la requête (vide en GET) ; `arguments` (l'utilisateur…) sont gardés pour le relire."""
    form = classe(request.POST or None, request.FILES or None, initial=initial, **arguments)
    form.arguments = arguments
    return form


def saisir(request, gabarit, contexte, form, enregistrer):
    """GET : le formulaire ; POST : `enregistrer(form.cleaned_data)` appelle le service et rend la réponse (une
    redirection), ou le refus (400) ou le conflit (409) à l'écran. `form` vient de `formulaire`."""
    contexte["form"] = form
    if request.method != "POST":
        return render(request, gabarit, contexte)
    if not form.is_valid():
        return render(request, gabarit, contexte, status=400)
    try:
        return enregistrer(form.cleaned_data)
    except ValidationError as refus:
        form.add_error(None, refus)
        return render(request, gabarit, contexte, status=400)
    except Conflit as conflit:
        contexte["form"], contexte["conflit"] = relire(form, conflit), conflit.message
        return render(request, gabarit, contexte, status=409)


def relire(form, conflit):
    """Le formulaire refusé, avec la version actuelle : l'envoyer à nouveau, après vérification, l'enregistre (la
    version d'avant relancerait le même conflit)."""
    donnees = form.data.copy()
    donnees["version"] = conflit.actuel.version if conflit.actuel else ""
    relu = type(form)(donnees, form.files, **form.arguments)
    relu.is_valid()
    return relu
