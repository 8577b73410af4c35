"""La page budget d'une région pour une année, et son export CSV : enveloppes, engagé, disponible, coûts de
référence et crédits de l'année (financements/budget.py)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from dsfr.utils import list_pages

from commun.tableur import filtres_invalides, reponse_csv
from config.policy import Regle, acces, autorise, regions_visibles
from financements.budget import calculer_budget
from financements.forms import FiltreBudgetForm
from financements.models import SIGLES_SOURCES, Credit

# Une région compte des centaines de crédits par an : la page en montre 50 à la fois (les sommes du budget, elles,
# portent toujours sur tous : calculer_budget ne lit pas la page).
CREDITS_PAR_PAGE = 50

COLONNES_EXPORT = [
    "Ligne",
    "Source",
    "Type",
    "Dispositif",
    "Organisme",
    "Référence",
    "Reconductible",
    "Enveloppe (€)",
    "Engagé (€)",
    "Disponible (€)",
    "Montant du crédit (€)",
]


def filtres_du_budget(request) -> FiltreBudgetForm:
    """Région et année demandées ; par défaut la région de l'utilisateur (REGION_PAR_DEFAUT pour un administrateur)
    et l'année en cours. Une région hors de celles que l'utilisateur voit : 404."""
    regions = list(regions_visibles(request.user))
    codes = [r.code for r in regions]
    donnees = {
        "region": request.GET.get("region") or region_par_defaut(request.user, codes),
        "annee": request.GET.get("annee") or timezone.localdate().year,
    }
    if donnees["region"] not in codes:
        raise Http404("Aucune région de ce code dans votre périmètre.")
    return FiltreBudgetForm(donnees, regions=regions)


def region_par_defaut(user, codes) -> str:
    """La région de l'utilisateur, sinon REGION_PAR_DEFAUT, sinon la première qu'il voit ("" : aucune)."""
    candidats = [getattr(user.region, "code", None), settings.REGION_PAR_DEFAUT, *codes]
    return next((code for code in candidats if code in codes), "")


@acces(Regle.CONSULTER_FINANCEMENTS)
def budget(request):
    form = filtres_du_budget(request)
    if not form.is_valid():
        return render(request, "financements/budget.html", {"form": form, "budget": None}, status=400)
    region, annee = form.region_choisie, form.cleaned_data["annee"]
    credits = Credit.objects.filter(annee=annee).dans(region).for_liste().order_by("dispositif__nom", "source", "pk")
    page = Paginator(credits, CREDITS_PAR_PAGE).get_page(request.GET.get("page"))  # le compte, puis la page
    if page.has_other_pages():
        list_pages(page)
    contexte = {
        "form": form,
        "budget": calculer_budget(region=region, annee=annee),
        "credits": page,
        "page_obj": page,
        "peut_gerer": autorise(request.user, Regle.GERER_OFFRE),
    }
    return render(request, "financements/budget.html", contexte)


@acces(Regle.CONSULTER_FINANCEMENTS)
def export(request):
    form = filtres_du_budget(request)
    if not form.is_valid():
        return filtres_invalides(form)
    region, annee = form.region_choisie, form.cleaned_data["annee"]
    budget = calculer_budget(region=region, annee=annee)
    credits = Credit.objects.filter(annee=annee).dans(region).for_liste().order_by("dispositif__nom", "source")
    lignes = [*lignes_enveloppes(budget), *lignes_credits(credits)]
    return reponse_csv(f"budget-{region.code}-{annee}.csv", COLONNES_EXPORT, lignes)


def lignes_enveloppes(budget):
    for ligne in budget.lignes:
        type_ = ligne.type.sigle if ligne.type else "Tous types"
        nature = "Enveloppe" if ligne.enveloppe else "Crédits hors enveloppe"
        reference = ligne.enveloppe.reference if ligne.enveloppe else ""
        montants = [ligne.montant, ligne.engage, ligne.disponible]
        yield [nature, ligne.sigle_source, type_, "", "", reference, None, *montants, None]


def lignes_credits(credits):
    for credit in credits:
        dispositif = credit.dispositif
        yield [
            f"Crédit {credit.annee}",
            SIGLES_SOURCES[credit.source],
            dispositif.type.sigle,
            dispositif.nom,
            dispositif.organisme.nom,
            credit.reference,
            "oui" if credit.reconductible else "non",
            None,
            None,
            None,
            credit.montant,
        ]
