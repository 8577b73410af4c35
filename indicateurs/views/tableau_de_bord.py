"""Les tableaux de bord des indicateurs : la page régionale des agents, la page publique sous secret
statistique, et l'export CSV de chacun de leurs tableaux."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from commun.mois import decaler, mois_precedent
from commun.tableur import ecrire_csv
from commun.tri import cle_alphabetique
from config.policy import Regle, acces, autorise, regions_visibles
from dispositifs.models import TypeDispositif
from indicateurs import calendrier, graphiques
from indicateurs.forms import FiltresTableauForm
from indicateurs.models import Agregat, Granularite, Indicateur
from indicateurs.periodes import libelle_periode
from indicateurs.secret import LIBELLE_SECRET
from indicateurs.tableau_de_bord import Mesure, construire_tableau_de_bord_en_cache
from territoires.models import Niveau, Territoire

MOIS_PAR_DEFAUT = 12
# Les styles des graphiques pygal sont dans leur SVG : la page les autorise par son nonce.
AVEC_NONCE = csp_update({"style-src": [NONCE]})


def perimetres_de(user, public: bool) -> list[Territoire]:
    """Ce qu'on peut choisir : toutes les régions en public ; la sienne pour un agent ; la France et toutes
    les régions pour un administrateur."""
    if public:
        regions = Territoire.objects.regions()
    elif autorise(user, Regle.ADMINISTRATION):
        regions = Territoire.objects.filter(niveau__in=[Niveau.PAYS, Niveau.REGION])
    else:
        regions = regions_visibles(user)
    return sorted(regions, key=lambda t: (t.niveau != Niveau.PAYS, cle_alphabetique(t.nom)))


def filtres(request, public: bool) -> tuple[FiltresTableauForm, Territoire]:
    """Le formulaire lié aux paramètres, complétés par défaut, et le territoire qu'il montre."""
    perimetres = perimetres_de(request.user, public)  # 1 : régions
    region = region_choisie(request, perimetres)
    departements = list(Territoire.objects.descendants(region).departements().order_by("code"))  # 2
    donnees = completer(request.GET.copy(), region, departements)  # 3 : dernier mois agrégé
    indicateurs = list(Indicateur.objects.actifs())  # 4
    if indicateurs:
        donnees.setdefault("indicateur", indicateurs[0].code)
    form = FiltresTableauForm(
        donnees,
        perimetres=perimetres,
        departements=departements,
        types=TypeDispositif.objects.order_by("ordre", "sigle"),  # 5
        indicateurs=indicateurs,
        public=public,
    )
    if public:
        return form, region
    return form, next((d for d in departements if d.code == donnees.get("territoire")), region)


def region_choisie(request, perimetres) -> Territoire:
    """La région demandée ; sans demande, REGION_PAR_DEFAUT si elle est proposée, sinon la première. Une région
    hors de portée : 404."""
    par_code = {t.code: t for t in perimetres}
    if demandee := request.GET.get("region"):
        region = par_code.get(demandee)
    else:
        region = par_code.get(settings.REGION_PAR_DEFAUT) or next(iter(perimetres), None)
    if region is None:
        raise Http404("Cette région n'existe pas ou ne fait pas partie de votre périmètre.")
    return region


def completer(donnees, region, departements):
    """Les paramètres complétés par défaut : la région, les douze mois qui finissent au dernier mois agrégé, le mois
    par mois, la valeur ; un département d'une autre région (la région vient de changer) est oublié."""
    donnees["region"] = region.code
    if donnees.get("territoire") not in {d.code for d in departements}:
        donnees.pop("territoire", None)
    fin = Agregat.objects.dernier_mois(region) or mois_precedent(calendrier.aujourd_hui())
    donnees.setdefault("fin", f"{fin:%Y-%m}")
    donnees.setdefault("debut", f"{decaler(fin, 1 - MOIS_PAR_DEFAUT):%Y-%m}")
    donnees.setdefault("granularite", Granularite.MOIS)
    donnees.setdefault("mesure", Mesure.VALEUR)
    return donnees


def tableau_demande(request, public: bool, series: bool = False):
    """Le formulaire et le tableau de bord qu'il demande (None si les filtres sont invalides) ; `series` : avec la
    série de chaque indicateur, que seul l'export « series » montre."""
    form, territoire = filtres(request, public)
    if not form.is_valid():
        return form, None
    donnees = form.cleaned_data
    tableau = construire_tableau_de_bord_en_cache(
        territoire=territoire,
        debut=donnees["debut"],
        fin=donnees["fin"],
        granularite=donnees.get("granularite", Granularite.MOIS),
        types=donnees.get("type") or None,
        indicateur=donnees["indicateur"],
        mesure=donnees["mesure"],
        public=public,
        series=series,
    )
    return form, tableau


def page(request, public: bool, gabarit: str):
    form, tableau = tableau_demande(request, public)
    export = reverse("indicateurs:tableau:export_public" if public else "indicateurs:tableau:export")
    contexte = {
        "form": form,
        "public": public,
        "tableau": tableau,
        "graphiques": graphiques.dessiner(tableau, nonce=str(request.csp_nonce)) if tableau else {},
        "url_export": f"{export}?{parametres_sans_table(request)}",
    }
    return render(request, gabarit, contexte)


def parametres_sans_table(request) -> str:
    donnees = request.GET.copy()
    donnees.pop("table", None)
    return donnees.urlencode()


@acces(Regle.CONSULTER_PLANIFICATION)
@AVEC_NONCE
def tableau_de_bord(request):
    """Le tableau de bord régional des agents ARS et DREETS (leur région ; la France pour un administrateur)."""
    return page(request, public=False, gabarit="indicateurs/tableau/tableau.html")


@acces(Regle.PUBLIC)
@AVEC_NONCE
def tableau_public(request):
    """Les mêmes chiffres pour tous, sous secret statistique."""
    return page(request, public=True, gabarit="indicateurs/tableau/public.html")


@acces(Regle.CONSULTER_PLANIFICATION)
def export(request):
    return exporter(request, public=False)


@acces(Regle.PUBLIC)
def export_public(request):
    return exporter(request, public=True)


# Export CSV -----------------------------------------------------------------------------------------------


def exporter(request, public: bool):
    nom = request.GET.get("table", "departements")
    form, tableau = tableau_demande(request, public, series=nom == "series")
    if tableau is None:
        return HttpResponse(f"Filtres invalides : {form.errors.as_text()}", status=400, content_type="text/plain")
    tables = TABLES_PUBLIQUES if public else TABLES
    if nom not in tables:
        return HttpResponse(f"Tableau inconnu : « {nom} ».", status=400, content_type="text/plain")
    entetes, lignes = tables[nom](tableau)
    version = "public" if public else "interne"
    fichier = f"tableau-de-bord-{nom}-{tableau.territoire.code}-{tableau.periode:%Y-%m}-{version}.csv"
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{fichier}"'
    ecrire_csv(reponse, entetes, lignes)
    return reponse


def valeur(cellule):
    """Une cellule du tableur : la valeur, « secret » quand elle est masquée, vide sans donnée."""
    return LIBELLE_SECRET if cellule.secret else cellule.valeur


def table_departements(tableau):
    croisement = tableau.croisement
    entetes = ["Département", "Code", *(t.sigle for t in tableau.types), "Tous types"]
    lignes = [
        [ligne.territoire.nom, ligne.territoire.code, *map(valeur, ligne.cellules), valeur(ligne.total)]
        for ligne in (croisement.lignes if croisement else [])
    ]
    if croisement:
        lignes.append(["Total", tableau.territoire.code, *map(valeur, croisement.totaux), valeur(croisement.total)])
    return entetes, lignes


def table_evolution(tableau):
    entetes = ["Période", *(t.sigle for t in tableau.types), "Tous types"]
    return entetes, [[p.libelle, *map(valeur, p.cellules), valeur(p.total)] for p in tableau.evolution]


def table_series(tableau):
    entetes = ["Période", *(f"{s.indicateur.libelle} ({s.indicateur.unite})" for s in tableau.series)]
    lignes = [
        [libelle_periode(periode, tableau.granularite), *(valeur(s.cellules[i]) for s in tableau.series)]
        for i, periode in enumerate(tableau.periodes)
    ]
    return entetes, lignes


def table_chiffres_cles(tableau):
    entetes = ["Indicateur", "Unité", "Période", "Valeur", "Période précédente", "Évolution"]
    lignes = [
        [c.indicateur.libelle, c.indicateur.unite, tableau.libelle_periode, valeur(c.actuel), valeur(c.precedent)]
        + [c.evolution]
        for c in tableau.chiffres_cles
    ]
    return entetes, lignes


def table_carte(tableau):
    entetes = ["Département", "Code", "Population", "Valeur", "Pour 100 000 habitants"]
    lignes = [
        [v.departement.nom, v.departement.code, v.departement.population, valeur(v.cellule)]
        + [LIBELLE_SECRET if v.cellule.secret else v.pour_100k]
        for v in tableau.carte
    ]
    return entetes, lignes


def table_completude(tableau):
    entetes = ["Département", "Code", "Déclarations validées", "Déclarations attendues", "Complétude (%)"]
    lignes = [
        [
            ligne.territoire.nom if ligne.territoire else "Total",
            ligne.territoire.code if ligne.territoire else tableau.territoire.code,
            ligne.nb_declarations,
            ligne.nb_attendues,
            ligne.taux,
        ]
        for ligne in tableau.completude
    ]
    return entetes, lignes


def table_ecarts(tableau):
    entetes = ["Type", "Unité", "Territoire", "Autorisés", "Perspectives", "Cible", "Écart"]
    lignes = [
        [ligne.type.sigle, ligne.type.get_unite_display(), ligne.territoire.nom, ligne.autorises, ligne.perspectives]
        + [ligne.cible, ligne.ecart]
        for ligne in (tableau.ecarts.lignes if tableau.ecarts else [])
    ]
    return entetes, lignes


TABLES_PUBLIQUES = {
    "departements": table_departements,
    "evolution": table_evolution,
    "series": table_series,
    "chiffres_cles": table_chiffres_cles,
    "carte": table_carte,
    "completude": table_completude,
}
TABLES = TABLES_PUBLIQUES | {"ecarts": table_ecarts}
