"""L'annuaire des correspondants DREETS / DDETS(PP) / ARS : « un tableau des contacts est établi et régulièrement
actualisé » (sources/003)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from config.policy import Regle, acces, autorise, territoires_des_partenariats_geres
from partenariats.forms import CHAMPS_CONTACT, ContactForm
from partenariats.models import Contact
from partenariats.services import enregistrer_contact
from partenariats.views.perimetre import perimetre_filtre
from partenariats.views.saisie import initial_de, saisir

PAR_PAGE = 100  # une région : 13 départements de quelques lignes chacun tiennent sur une page


@acces(Regle.CONSULTER_PARTENARIATS)
def annuaire(request):
    """L'annuaire du périmètre, rangé par territoire (la région avant ses départements)."""
    filtre, perimetre = perimetre_filtre(request)
    contacts = Contact.objects.dans(perimetre).select_related("territoire")
    page = Paginator(contacts, PAR_PAGE).get_page(request.GET.get("page"))
    contexte = {"page_obj": page, "filtre": filtre, "peut_gerer": autorise(request.user, Regle.GERER_PARTENARIATS)}
    return render(request, "partenariats/annuaire.html", contexte, status=400 if filtre.errors else 200)


@acces(Regle.GERER_PARTENARIATS)
def creer(request):
    return formulaire(request, None, {})


@acces(Regle.GERER_PARTENARIATS)
def modifier(request, pk):
    contact = get_object_or_404(Contact.objects.dans(territoires_des_partenariats_geres(request.user)), pk=pk)
    return formulaire(request, contact, initial_de(contact, CHAMPS_CONTACT))


def formulaire(request, contact, initial):
    def enregistrer(valeurs):
        return enregistrer_contact(user=request.user, contact=contact, **valeurs)

    def apres(enregistre):
        messages.success(request, f"Contact enregistré : {enregistre}.")
        return redirect("partenariats:annuaire")

    return saisir(
        request,
        form_class=ContactForm,
        gabarit="partenariats/contact.html",
        objet=contact,
        initial=initial,
        enregistrer=enregistrer,
        apres=apres,
    )
