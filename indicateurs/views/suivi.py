"""L'attendu et le reçu d'un mois : dispositifs qui n'ont pas déclaré, taux par territoire, export CSV."""

from django.http import HttpResponse
from django.shortcuts import render

from commun.mois import mois_precedent
from commun.tableur import ecrire_csv
from config.policy import Regle, acces, autorise, dispositifs_suivis, regions_visibles
from indicateurs import calendrier
from indicateurs.forms import SuiviForm
from indicateurs.models import StatutDeclaration
from indicateurs.suivi import calculer_suivi, est_a_l_heure, est_recu

COLONNES_TAUX = [
    "Territoire",
    "Code",
    "Niveau",
    "Attendues",
    "Reçues",
    "À l'heure",
    "Taux de déclaration (%)",
    "Taux de ponctualité (%)",
]
COLONNES_DISPOSITIFS = [
    "FINESS",
    "Dispositif",
    "Type",
    "Organisme",
    "Territoire",
    "Statut",
    "Transmise le",
    "À l'heure",
]


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
        return HttpResponse(f"Filtres invalides : {form.errors.as_text()}", status=400, content_type="text/plain")
    suivi = suivi_du_formulaire(request, form, aujourd_hui)
    detail = request.GET.get("contenu") == "dispositifs"
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    nom = f"suivi-declarations-{suivi.region.code}-{suivi.mois:%Y-%m}{'-dispositifs' if detail else ''}.csv"
    reponse["Content-Disposition"] = f'attachment; filename="{nom}"'
    if detail:
        ecrire_csv(reponse, COLONNES_DISPOSITIFS, lignes_dispositifs(suivi))
    else:
        ecrire_csv(reponse, COLONNES_TAUX, lignes_taux(suivi))
    return reponse


def lignes_taux(suivi):
    for compte in [*suivi.lignes, suivi.total]:
        t = compte.territoire
        yield [
            t.nom,
            t.code,
            t.get_niveau_display(),
            compte.attendus,
            compte.recus,
            compte.a_l_heure,
            compte.taux_declaration,
            compte.taux_a_l_heure,
        ]


def lignes_dispositifs(suivi):
    for d in suivi.dispositifs:
        yield [
            d.finess,
            d.nom,
            d.type.sigle,
            d.organisme.nom,
            d.territoire.nom,
            libelle_statut(d.declaration_statut),
            d.declaration_transmise_le,
            "oui" if est_a_l_heure(d, suivi.echeance) else "non" if est_recu(d) else "",
        ]


def libelle_statut(statut) -> str:
    return StatutDeclaration(statut).label if statut else "Non déclaré"
