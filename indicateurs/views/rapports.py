"""Les rapports PDF mensuels : liste, téléchargement, demande d'un rapport et suivi de sa génération."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from dsfr.utils import list_pages

from commun.mois import mois_precedent
from commun.tableur import reponse_fichier
from config.policy import Regle, acces, autorise, rapports_visibles
from indicateurs import calendrier
from indicateurs.forms import DemandeRapportForm, FiltresRapportsForm, ajouter_refus
from indicateurs.models import StatutRapport, VersionRapport
from indicateurs.rapports import ETAPES
from indicateurs.services import demander_rapport

PAR_PAGE = 50
# Ce que la page de suivi affiche pas à pas : la file d'attente, puis les étapes de la génération.
ETAPES_SUIVI = ["En file d'attente", *ETAPES]


def rapports_filtres(request, filtres: FiltresRapportsForm):
    rapports = rapports_visibles(request.user).select_related("territoire")
    if filtres.is_valid():
        if region := filtres.cleaned_data["region"]:
            rapports = rapports.filter(Q(territoire=region) | Q(territoire__parent=region))
        if mois := filtres.cleaned_data["mois"]:
            rapports = rapports.filter(mois=mois)
    # Les versions de chaque rapport de la page, en une requête : les précédentes se téléchargent depuis la liste.
    return rapports.prefetch_related("versions").order_by("-mois", "territoire__chemin", "public")


def page_liste(request, *, demande=None, status=200):
    """La liste filtrée, paginée (deux requêtes : le compte puis la page), et le formulaire de demande."""
    filtres = FiltresRapportsForm(request.GET)
    page = Paginator(rapports_filtres(request, filtres), PAR_PAGE).get_page(request.GET.get("page"))
    if page.has_other_pages():
        list_pages(page)
    peut_demander = autorise(request.user, Regle.CONSULTER_PLANIFICATION)
    if peut_demander and demande is None:
        demande = DemandeRapportForm(user=request.user, initial={"mois": mois_precedent(calendrier.aujourd_hui())})
    contexte = {"filtres": filtres, "page_obj": page, "demande": demande, "peut_demander": peut_demander}
    return render(request, "indicateurs/rapports/liste.html", contexte, status=status)


@acces(Regle.PUBLIC)
def liste(request):
    """Les versions publiques pour tous ; en plus, les versions internes de leur région pour l'ARS et la DREETS."""
    return page_liste(request)


def nom_telechargement(rapport) -> str:
    return f"rapport-praps-{rapport.territoire.code}-{rapport.mois:%Y-%m}-{rapport.version}.pdf"


@acces(Regle.PUBLIC)
def telecharger(request, pk):
    """Le dernier PDF complet ; 404 pour un rapport que l'utilisateur ne voit pas (version interne d'une autre
    région) comme pour un rapport inexistant ou pas encore généré."""
    rapport = get_object_or_404(
        rapports_visibles(request.user).exclude(fichier="").select_related("territoire"), pk=pk
    )
    try:
        contenu = lire(rapport)
    except FileNotFoundError:
        # Régénéré entre la lecture de la ligne et l'ouverture : l'ancien fichier vient d'être effacé, la ligne
        # désigne déjà le nouveau, complet.
        rapport.refresh_from_db(fields=["fichier"])
        contenu = lire(rapport)
    reponse = reponse_fichier(nom_telechargement(rapport))
    reponse.write(contenu)
    if not rapport.public:
        reponse["Cache-Control"] = "private, no-store"
    return reponse


def lire(rapport) -> bytes:
    """Une centaine de kilo-octets : lus d'un coup, le fichier est refermé aussitôt."""
    with rapport.fichier.open("rb") as fichier:
        return fichier.read()


@acces(Regle.CONSULTER_PLANIFICATION)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def demander(request):
    demande = DemandeRapportForm(request.POST, user=request.user)
    if not demande.is_valid():
        return page_liste(request, demande=demande, status=400)
    donnees = demande.cleaned_data
    try:
        rapport = demander_rapport(
            territoire=donnees["territoire"],
            mois=donnees["mois"],
            public=donnees["public"],
            user=request.user,
            motif=donnees["motif"],
        )
    except ValidationError as refus:
        ajouter_refus(demande, refus)
        return page_liste(request, demande=demande, status=400)
    messages.success(request, f"{rapport} : génération demandée.")
    return redirect("indicateurs:rapports:suivi", pk=rapport.pk)


def rapport_suivi(request, pk):
    return get_object_or_404(rapports_visibles(request.user).select_related("territoire", "demande_par"), pk=pk)


def etape_reelle(rapport) -> tuple[str, int]:
    """L'étape où en est le rapport et son rang : en file (1), l'étape en cours, produit (toutes franchies) ou
    échec (aucune)."""
    if rapport.statut == StatutRapport.PRET:
        return "Rapport produit", len(ETAPES_SUIVI)
    if rapport.statut == StatutRapport.ECHEC:
        return "Échec de la génération", 0
    if rapport.statut == StatutRapport.EN_COURS and rapport.etape in ETAPES_SUIVI:
        return rapport.etape, ETAPES_SUIVI.index(rapport.etape) + 1
    return ETAPES_SUIVI[0], 1


def etat(rapport) -> dict:
    """Ce que la page de suivi affiche et ce que son script relit : statut, étape réelle, rang de l'étape."""
    etape, rang = etape_reelle(rapport)
    return {
        "statut": rapport.statut,
        "libelle": rapport.get_statut_display(),
        "en_travail": rapport.en_travail,
        "etape": etape,
        "rang": rang,
        "nombre_etapes": len(ETAPES_SUIVI),
        "etape_suivante": ETAPES_SUIVI[rang] if rapport.en_travail and rang < len(ETAPES_SUIVI) else "",
        "erreur": rapport.erreur if rapport.statut == StatutRapport.ECHEC else "",
        "provisoire": rapport.provisoire if rapport.fichier else None,
        "url": reverse("indicateurs:rapports:telecharger", args=[rapport.pk]) if rapport.fichier else None,
    }


@acces(Regle.CONSULTER_PLANIFICATION)
def suivi(request, pk):
    """Le rapport, l'avancement de sa génération et toutes ses versions ; static/js/rapports.js relit l'état
    jusqu'à la fin."""
    rapport = rapport_suivi(request, pk)
    contexte = {
        "rapport": rapport,
        "etat": etat(rapport),
        "pret": rapport.statut == StatutRapport.PRET,
        "versions": rapport.versions.select_related("demande_par"),
        "echeance": calendrier.echeance(rapport.mois),
    }
    return render(request, "indicateurs/rapports/suivi.html", contexte)


@acces(Regle.CONSULTER_PLANIFICATION)
def statut(request, pk):
    reponse = JsonResponse(etat(rapport_suivi(request, pk)))
    reponse["Cache-Control"] = "no-store"
    return reponse


@acces(Regle.PUBLIC)
def telecharger_version(request, pk, numero):
    """Une version gardée d'un rapport, pour qui voit le rapport (mêmes règles que le dernier PDF)."""
    version = get_object_or_404(
        VersionRapport.objects.filter(rapport__in=rapports_visibles(request.user)).select_related(
            "rapport__territoire"
        ),
        rapport_id=pk,
        numero=numero,
    )
    with version.fichier.open("rb") as fichier:
        contenu = fichier.read()
    rapport = version.rapport
    reponse = reponse_fichier(nom_telechargement(rapport).replace(".pdf", f"-v{version.numero}.pdf"))
    reponse.write(contenu)
    if not rapport.public:
        reponse["Cache-Control"] = "private, no-store"
    return reponse
