"""Les conventions : liste, fiche, PDF, déclaration et modification."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from comptes.models import Role
from config.policy import Regle, acces, autorise, conventions_gerees, conventions_visibles, depots_lisibles
from partenariats.forms import CHAMPS_CONVENTION, ConventionForm, FiltreConventionsForm
from partenariats.models import Convention
from partenariats.services import enregistrer_convention
from partenariats.views.saisie import initial_de, saisir

PAR_PAGE = 50


@acces(Regle.CONSULTER_CONVENTIONS)
def liste(request):
    filtres = FiltreConventionsForm(request.GET or None)
    conventions = conventions_visibles(request.user).pour_liste()
    if filtres.is_valid():
        if statut := filtres.cleaned_data["statut"]:
            conventions = conventions.filter(statut=statut)
        if categorie := filtres.cleaned_data["categorie"]:
            conventions = conventions.filter(partenaire_categorie=categorie)
    page = Paginator(conventions, PAR_PAGE).get_page(request.GET.get("page"))
    contexte = {
        "filtres": filtres,
        "page_obj": page,
        "peut_declarer": autorise(request.user, Regle.ENREGISTRER_CONVENTIONS),
        "voit_annuaire": autorise(request.user, Regle.CONSULTER_PARTENARIATS),
    }
    return render(request, "partenariats/conventions/liste.html", contexte, status=400 if filtres.errors else 200)


def convention_visible(request, pk) -> Convention:
    return get_object_or_404(conventions_visibles(request.user).pour_liste(), pk=pk)


@acces(Regle.CONSULTER_CONVENTIONS)
def fiche(request, pk):
    convention = convention_visible(request, pk)
    contexte = {
        "convention": convention,
        "peut_modifier": conventions_gerees(request.user).filter(pk=pk).exists(),
        # Les lettres d'intention déposées qui citent la convention comme partenariat acté, parmi celles que
        # l'utilisateur peut lire.
        "depots": depots_lisibles(request.user)
        .filter(conventions=convention)
        .select_related("candidature__appel")
        .order_by("-depose_le"),
    }
    return render(request, "partenariats/conventions/fiche.html", contexte)


@acces(Regle.CONSULTER_CONVENTIONS)
def pdf(request, pk):
    convention = convention_visible(request, pk)
    if not convention.pdf:
        raise Http404("Cette convention n'a pas de PDF joint.")
    with convention.pdf.open("rb") as fichier:  # lu d'un bloc (10 Mo au plus) : le fichier est refermé tout de suite
        contenu = io.BytesIO(fichier.read())
    return FileResponse(contenu, content_type="application/pdf", filename=f"convention-{convention.pk}.pdf")


@acces(Regle.ENREGISTRER_CONVENTIONS)
def creer(request):
    initial = {}
    if request.user.role == Role.OPERATEUR:  # son organisme, quand il n'en a qu'un : rien à choisir
        initial["organisme"] = request.user.organismes.first()
    return formulaire(request, None, initial)


@acces(Regle.ENREGISTRER_CONVENTIONS)
def modifier(request, pk):
    convention = convention_visible(request, pk)
    if not conventions_gerees(request.user).filter(pk=pk).exists():
        raise PermissionDenied
    return formulaire(request, convention, initial_de(convention, CHAMPS_CONVENTION))


def formulaire(request, convention, initial):
    def enregistrer(valeurs):
        return enregistrer_convention(user=request.user, convention=convention, **valeurs)

    def apres(enregistree):
        messages.success(request, f"Convention enregistrée : {enregistree}.")
        return redirect("partenariats:convention", enregistree.pk)

    return saisir(
        request,
        form_class=ConventionForm,
        gabarit="partenariats/conventions/formulaire.html",
        objet=convention,
        initial=initial,
        enregistrer=enregistrer,
        apres=apres,
    )
