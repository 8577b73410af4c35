"""La page du journal d'audit de la région : qui a changé quoi, quand, avant → après."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from dsfr.utils import list_pages

from comptes.models import Utilisateur
from config.policy import Regle, acces, journal_visible
from journal.forms import FiltreJournal
from journal.models import SYSTEME

PAR_PAGE = 50


@acces(Regle.CONSULTER_JOURNAL)
def journal(request):
    """Les entrées de la région, filtrées et paginées : les régions de l'agent, les auteurs pour le filtre, le
    compte, puis la page (quatre requêtes, quel que soit le nombre d'entrées)."""
    entrees = journal_visible(request.user)
    filtre = FiltreJournal(request.GET or None, queryset=entrees.pour_la_liste())
    filtre.form.fields["auteur"].widget = forms.Select(
        choices=choix_des_auteurs(entrees), attrs={"class": "fr-select"}
    )
    valide = filtre.is_valid() if filtre.is_bound else True
    page = Paginator(filtre.qs if valide else entrees.none(), PAR_PAGE).get_page(request.GET.get("page"))
    if page.has_other_pages():
        list_pages(page)
    return render(request, "journal/journal.html", {"filtre": filtre, "page_obj": page}, status=200 if valide else 400)


def choix_des_auteurs(entrees) -> list[tuple[str, str]]:
    """Les personnes qui ont écrit dans ce journal (une requête), puis le « système »."""
    auteurs = Utilisateur.objects.filter(pk__in=entrees.values("actor_id")).order_by("last_name", "first_name", "pk")
    return [
        ("", "Tous les auteurs"),
        *((a.email, f"{a.get_full_name()} ({a.email})") for a in auteurs),
        (SYSTEME, "Système"),
    ]
