"""Les rencontres bilatérales ARS / DREETS : « réunions bilatérales régulières, dans chaque département et au niveau
régional » et point annuel « lors d'une réunion bilatérale DG ARS/DREETS » (sources/003)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from config.policy import Regle, acces, autorise, perimetre_des_partenariats, territoires_des_partenariats_geres
from partenariats.forms import CHAMPS_RENCONTRE, RencontreForm
from partenariats.models import RencontreBilaterale
from partenariats.services import enregistrer_rencontre
from partenariats.views.perimetre import perimetre_filtre
from partenariats.views.saisie import initial_de, saisir

PAR_PAGE = 50


def rencontres_visibles(user):
    return RencontreBilaterale.objects.dans(perimetre_des_partenariats(user)).select_related("territoire")


@acces(Regle.CONSULTER_PARTENARIATS)
def liste(request):
    filtre, perimetre = perimetre_filtre(request)
    rencontres = RencontreBilaterale.objects.dans(perimetre).select_related("territoire")
    page = Paginator(rencontres, PAR_PAGE).get_page(request.GET.get("page"))
    contexte = {"page_obj": page, "filtre": filtre, "peut_gerer": autorise(request.user, Regle.GERER_PARTENARIATS)}
    return render(request, "partenariats/rencontres/liste.html", contexte, status=400 if filtre.errors else 200)


@acces(Regle.CONSULTER_PARTENARIATS)
def fiche(request, pk):
    rencontre = get_object_or_404(rencontres_visibles(request.user), pk=pk)
    peut_modifier = territoires_des_partenariats_geres(request.user).filter(pk=rencontre.territoire_id).exists()
    contexte = {"rencontre": rencontre, "peut_modifier": peut_modifier}
    return render(request, "partenariats/rencontres/fiche.html", contexte)


@acces(Regle.GERER_PARTENARIATS)
def creer(request):
    return formulaire(request, None, {})


@acces(Regle.GERER_PARTENARIATS)
def modifier(request, pk):
    geres = RencontreBilaterale.objects.dans(territoires_des_partenariats_geres(request.user))
    rencontre = get_object_or_404(geres, pk=pk)
    return formulaire(request, rencontre, initial_de(rencontre, CHAMPS_RENCONTRE))


def formulaire(request, rencontre, initial):
    def enregistrer(valeurs):
        return enregistrer_rencontre(user=request.user, rencontre=rencontre, **valeurs)

    def apres(enregistree):
        messages.success(request, f"Rencontre enregistrée : {enregistree}.")
        return redirect("partenariats:rencontre", enregistree.pk)

    return saisir(
        request,
        form_class=RencontreForm,
        gabarit="partenariats/rencontres/formulaire.html",
        objet=rencontre,
        initial=initial,
        enregistrer=enregistrer,
        apres=apres,
    )
