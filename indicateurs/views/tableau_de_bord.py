"""Les tableaux de bord des indicateurs : la page régionale des agents, la page publique sous secret
statistique, et l'export CSV de chacun de leurs tableaux."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from commun.mois import decaler, mois_precedent
from commun.tableur import filtres_invalides, reponse_csv
from commun.tri import cle_alphabetique
from comptes.models import Role
from config.policy import Regle, acces, perimetres_de_planification
from dispositifs.models import TypeDispositif
from indicateurs import calendrier, graphiques
from indicateurs.exports import TABLES, TABLES_PUBLIQUES
from indicateurs.forms import FiltresTableauForm
from indicateurs.models import Agregat, Granularite, Indicateur
from indicateurs.publication import dernier_mois_publie
from indicateurs.tableau_de_bord import Mesure, construire_tableau_de_bord_en_cache
from territoires.models import Niveau, Territoire

MOIS_PAR_DEFAUT = 12
# Les styles des graphiques pygal sont dans leur SVG : la page les autorise par son nonce.
AVEC_NONCE = csp_update({"style-src": [NONCE]})


def perimetres_de(user, public: bool) -> list[Territoire]:
    """Ce qu'on peut choisir : toutes les régions en public ; la sienne pour un agent ; la France et toutes
    les régions pour un agent national ou un administrateur (config/policy.py)."""
    regions = Territoire.objects.regions() if public else perimetres_de_planification(user)
    return sorted(regions, key=lambda t: (t.niveau != Niveau.PAYS, cle_alphabetique(t.nom)))


def filtres(request, public: bool) -> tuple[FiltresTableauForm, Territoire]:
    """Le formulaire lié aux paramètres, complétés par défaut, et le territoire qu'il montre."""
    perimetres = perimetres_de(request.user, public)  # 1 : régions
    region = region_choisie(request, perimetres)
    departements = list(Territoire.objects.descendants(region).departements().order_by("code"))  # 2
    donnees = completer(request.GET.copy(), region, departements, public)  # 3 : dernier mois agrégé (ou publié)
    indicateurs = list(Indicateur.objects.actifs().hors_categories())  # 4
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
    """La région demandée ; sans demande, la France pour un agent national (son périmètre), sinon
    REGION_PAR_DEFAUT si elle est proposée, sinon la première. Une région hors de portée : 404."""
    par_code = {t.code: t for t in perimetres}
    if demandee := request.GET.get("region"):
        region = par_code.get(demandee)
    else:
        defaut = "FR" if request.user.is_authenticated and request.user.role == Role.NATIONAL else None
        region = par_code.get(defaut) or par_code.get(settings.REGION_PAR_DEFAUT) or next(iter(perimetres), None)
    if region is None:
        raise Http404("Cette région n'existe pas ou ne fait pas partie de votre périmètre.")
    return region


def completer(donnees, region, departements, public: bool = False):
    """Les paramètres complétés par défaut : la région, les douze mois qui finissent au dernier mois agrégé (en
    public : publié), le mois par mois, la valeur ; un département d'une autre région (la région vient de changer)
    est oublié."""
    donnees["region"] = region.code
    if donnees.get("territoire") not in {d.code for d in departements}:
        donnees.pop("territoire", None)
    dernier = dernier_mois_publie(region) if public else Agregat.objects.dernier_mois(region)
    fin = dernier or mois_precedent(calendrier.aujourd_hui())
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
        return filtres_invalides(form)
    tables = TABLES_PUBLIQUES if public else TABLES
    if nom not in tables:
        return HttpResponse(f"Tableau inconnu : « {nom} ».", status=400, content_type="text/plain")
    version = "public" if public else "interne"
    fichier = f"tableau-de-bord-{nom}-{tableau.territoire.code}-{tableau.periode:%Y-%m}-{version}.csv"
    return reponse_csv(fichier, *tables[nom](tableau))
