"""La grille des cibles d'un horizon (types × territoires du périmètre), saisie d'un seul envoi, tout ou rien, avec
collage d'un bloc de tableur ; et l'historique de chaque case, lu dans le journal d'audit (suppressions comprises)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from config.policy import Regle, acces, lit_les_cibles_de, perimetres_de_saisie, peut_modifier_cible
from dispositifs.models import TypeDispositif
from planification.forms import filtres_planification
from planification.grille import Grille, entrees_de_cibles
from planification.models import Cible, Horizon
from planification.services import ConflitsDeGrille, enregistrer_grille
from planification.trace import trace_de_la_cible
from territoires.models import Territoire

GABARIT = "planification/cibles.html"
MOTIF_MAX = 100


@acces(Regle.PLANIFIER)
def cibles(request):
    """La grille d'un horizon ; un POST l'enregistre (« enregistrer ») ou y recopie un bloc collé (« coller »)."""
    filtres = filtres_planification(request.GET, request.user)
    filtres.fields["region"].queryset = perimetres_de_saisie(request.user)
    filtres["region"].label = "Périmètre"  # une région, ou la France pour les cibles nationales
    if not filtres.is_valid():
        statut = 400 if request.method == "POST" else 200
        return render(request, GABARIT, {"form": filtres, "grille": None}, status=statut)
    perimetre, horizon = filtres.cleaned_data["region"], filtres.cleaned_data["horizon"]
    if not peut_modifier_cible(request.user, perimetre):
        raise PermissionDenied
    grille = Grille.charger(perimetre, horizon)
    if request.method != "POST":
        return afficher(request, filtres, grille)
    grille.lire(request.POST)
    if request.POST.get("action") == "coller":
        return coller(request, filtres, grille)
    return enregistrer(request, filtres, grille)


def afficher(request, filtres, grille, *, status=200, **contexte):
    """La grille, ses avertissements (sur les cibles enregistrées) et ce que la requête y ajoute (erreurs, conflit,
    bloc collé)."""
    contexte = {
        "form": filtres,
        "grille": grille,
        "avertissements": grille.avertissements(),
        "motif": request.POST.get("motif", ""),
        "bloc": request.POST.get("bloc", ""),
        "depart_territoire": request.POST.get("depart_territoire", ""),
        "depart_type": request.POST.get("depart_type", ""),
        **contexte,
    }
    return render(request, GABARIT, contexte, status=status)


def coller(request, filtres, grille):
    """Recopie le bloc dans les cases, sans rien enregistrer : la grille se réaffiche, à vérifier puis enregistrer."""
    erreurs = grille.coller(
        request.POST.get("bloc", ""),
        territoire_pk=request.POST.get("depart_territoire", ""),
        type_pk=request.POST.get("depart_type", ""),
    )
    if erreurs:
        return afficher(request, filtres, grille, status=400, erreurs=["Le bloc n'a pas été collé.", *erreurs])
    messages.info(request, "Bloc recopié dans la grille : vérifiez les cases surlignées, puis enregistrez.")
    return afficher(request, filtres, grille)


def enregistrer(request, filtres, grille):
    """Toutes les cases modifiées, ou aucune ; un conflit réaffiche la saisie du perdant avec les valeurs actuelles."""
    saisies = grille.saisies()
    motif = request.POST.get("motif", "").strip()
    erreurs = grille.erreurs
    if len(motif) > MOTIF_MAX:
        erreurs.append(f"Motif : {MOTIF_MAX} caractères au plus (il en a {len(motif)}).")
    if erreurs:
        return afficher(request, filtres, grille, status=400, erreurs=["Rien n'a été enregistré.", *erreurs])
    if not saisies:
        messages.info(request, "Aucune case n'a changé : rien à enregistrer.")
        return redirect(adresse_de_la_grille(grille))
    try:
        nombre_ecrit = enregistrer_grille(horizon=grille.horizon, saisies=saisies, motif=motif)
    except ConflitsDeGrille as conflits:
        grille.marquer_conflits(conflits.conflits)
        details = [f"{case.libelle} : {case.conflit.message}" for case in grille.cases if case.conflit]
        return afficher(request, filtres, grille, status=409, erreurs=[conflits.message, *details])
    if nombre_ecrit == 1:
        messages.success(request, "1 case enregistrée, avec sa ligne d'historique.")
    else:
        messages.success(request, f"{nombre_ecrit} cases enregistrées, chacune avec sa ligne d'historique.")
    return redirect(adresse_de_la_grille(grille))


def adresse_de_la_grille(grille) -> str:
    """La grille du même périmètre et du même horizon, écrits dans l'adresse (l'horizon par défaut dépend des
    cibles, qui viennent de changer)."""
    parametres = urlencode({"region": grille.perimetre.code, "horizon": grille.horizon.slug})
    return f"{reverse('planification:cibles')}?{parametres}"


@acces(Regle.CONSULTER_PLANIFICATION)
def historique(request, pk):
    """L'historique de la case d'une cible, même supprimée (sa case est alors lue dans le journal)."""
    cible = Cible.objects.with_type_territoire_horizon().filter(pk=pk).first()
    if cible is not None:
        return historique_de_la_case(request, cible.type, cible.territoire, cible.horizon, cible=cible)
    suppression = entrees_de_cibles().filter(object_id=pk).order_by("-timestamp", "-pk").first()
    valeurs = (suppression.changes or {}) if suppression else {}
    if not all(valeurs.get(champ) for champ in ("type", "territoire", "horizon")):
        raise Http404("Cible introuvable.")
    return historique_de_la_case(
        request,
        get_object_or_404(TypeDispositif, pk=valeurs["type"][0]),
        get_object_or_404(Territoire, pk=valeurs["territoire"][0]),
        get_object_or_404(Horizon, pk=valeurs["horizon"][0]),
    )


@acces(Regle.CONSULTER_PLANIFICATION)
def historique_case(request, horizon, type, territoire):
    """L'historique d'une case (type, territoire, horizon) : toutes les cibles qu'elle a portées."""
    return historique_de_la_case(
        request,
        get_object_or_404(TypeDispositif, code=type),
        get_object_or_404(Territoire, pk=territoire),
        get_object_or_404(Horizon, slug=horizon),
    )


def historique_de_la_case(request, type_, territoire, horizon, *, cible=None):
    """Qui a changé la case, quand, de quelle valeur à quelle valeur (suppressions comprises), et pourquoi ; puis
    la trace de sa cible actuelle (`cible` quand l'appelant l'a déjà lue) : les appels lancés sur son écart, leurs
    décisions, les dispositifs créés."""
    if not lit_les_cibles_de(request.user, territoire):
        raise Http404("Cible introuvable.")
    if cible is None:
        cible = Cible.objects.filter(type=type_, territoire=territoire, horizon=horizon).first()
    contexte = {
        "type": type_,
        "territoire": territoire,
        "horizon": horizon,
        "cible": cible,
        "changements": list(reversed(changements(entrees_de_la_case(type_, territoire, horizon)))),
        "trace": trace_de_la_cible(cible, request.user) if cible else [],
    }
    return render(request, "planification/historique.html", contexte)


def entrees_de_la_case(type_, territoire, horizon):
    """Les entrées du journal de toutes les cibles qu'a portées la case : celles dont la création ou la suppression
    (qui gardent les valeurs de la cible) nomment ce type, ce territoire et cet horizon."""
    case = {
        "type": str(type_.pk),
        "territoire": str(territoire.pk),
        "horizon": str(horizon.pk),
    }  # des textes au journal
    creees = Q(**{f"changes__{champ}__1": pk for champ, pk in case.items()})
    supprimees = Q(**{f"changes__{champ}__0": pk for champ, pk in case.items()})
    entrees = entrees_de_cibles().filter(
        object_id__in=entrees_de_cibles().filter(creees | supprimees).values("object_id")
    )
    return entrees.select_related("actor").order_by("timestamp", "pk")


def changements(entrees) -> list[dict]:
    """Les lignes de l'historique, lues dans le journal d'audit dans l'ordre : date, auteur, avant, après, motif.
    Un enregistrement qui ne change que le motif (même valeur, version suivante) a aussi sa ligne ; une suppression
    a la sienne, sans valeur après."""
    lignes, valeur = [], None
    for entree in entrees:
        avant, apres = entree.changes_dict.get("valeur", [valeur, valeur])
        valeur = None if apres in (None, "None") else Decimal(apres)
        lignes.append(
            {
                "date": entree.timestamp,
                "par": entree.actor,
                "avant": None if avant in (None, "None") else Decimal(avant),
                "apres": valeur,
                "suppression": entree.action == entree.Action.DELETE,
                "motif": (entree.additional_data or {}).get("motif", ""),
            }
        )
    return lignes
