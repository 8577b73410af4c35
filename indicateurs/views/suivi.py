"""L'attendu et le reçu d'un mois : dispositifs qui n'ont pas déclaré, taux par territoire, export CSV."""

from django.shortcuts import render

from commun.mois import mois_precedent
from commun.tableur import filtres_invalides, reponse_csv
from config.policy import Regle, acces, autorise, dispositifs_suivis, regions_visibles
from indicateurs import calendrier
from indicateurs.exports import (
    COLONNES_DISPOSITIFS,
    COLONNES_TAUX,
    lignes_dispositifs,
    lignes_taux,
)
from indicateurs.forms import SuiviForm
from indicateurs.suivi import calculer_suivi


def formulaire(request):
    """Les filtres, avec par défaut la région de l'agent et le mois écoulé."""
    regions = regions_visibles(request.user)
    aujourd_hui = calendrier.aujourd_hui()
    defaut_region = request.user.region.code if request.user.region_id else getattr(regions.first(), "code", "")
    donnees = {
        "region": request.GET.get("region") or defaut_region,
        "mois": request.GET.get("mois") or f"{mois_precedent(aujourd_hui):%Y-%m}",
    }
    return SuiviForm(donnees, regions=regions), aujourd_hui


def suivi_du_formulaire(request, form, aujourd_hui):
    return calculer_suivi(
        dispositifs=dispositifs_suivis(request.user),
        region=form.cleaned_data["region"],
        mois=form.cleaned_data["mois"],
        aujourd_hui=aujourd_hui,
    )


@acces(Regle.CONSULTER_PLANIFICATION)
def suivi(request):
    form, aujourd_hui = formulaire(request)
    contexte = {
        "form": form,
        "suivi": suivi_du_formulaire(request, form, aujourd_hui) if form.is_valid() else None,
        "peut_rouvrir": autorise(request.user, Regle.VALIDER_DECLARATIONS),
        "aujourd_hui": aujourd_hui,
    }
    return render(request, "indicateurs/declarations/suivi.html", contexte)


@acces(Regle.CONSULTER_PLANIFICATION)
def export_suivi(request):
    """?contenu=dispositifs : un dispositif par ligne ; sinon les taux par territoire et pour la région."""
    form, aujourd_hui = formulaire(request)
    if not form.is_valid():
        return filtres_invalides(form)
    suivi = suivi_du_formulaire(request, form, aujourd_hui)
    detail = request.GET.get("contenu") == "dispositifs"
    nom = f"suivi-declarations-{suivi.region.code}-{suivi.mois:%Y-%m}{'-dispositifs' if detail else ''}.csv"
    if detail:
        return reponse_csv(nom, COLONNES_DISPOSITIFS, lignes_dispositifs(suivi))
    return reponse_csv(nom, COLONNES_TAUX, lignes_taux(suivi))
