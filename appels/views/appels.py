"""Les pages des appels : liste et détail publics, cahier des charges, et leur gestion par les planificateurs."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from appels.budget import proposer_depuis_ecarts
from appels.forms.appels import AppelForm, FiltreAppelsForm, GrilleFormSet
from appels.models import Appel, StatutAppel
from appels.services.appels import enregistrer_appel, publier_appel
from config.policy import Regle, acces, appels_geres, appels_visibles, autorise
from planification.forms import filtres_planification


@acces(Regle.PUBLIC)
def liste(request):
    filtres = FiltreAppelsForm(request.GET or None)
    appels = (
        Appel.objects.dans_l_ordre_public(timezone.now()).select_related("region").prefetch_related("types_cibles")
    )
    if filtres.is_bound and filtres.is_valid():
        appels = filtres.filtrer(appels)
    contexte = {"filtres": filtres, "appels": appels, "peut_gerer": autorise(request.user, Regle.GERER_APPELS)}
    return render(request, "appels/liste.html", contexte)


@acces(Regle.PUBLIC)
def detail(request, reference):
    appels = appels_visibles(request.user)
    appel = get_object_or_404(
        appels.select_related("region", "horizon")
        .prefetch_related("types_cibles", "types_exclus")  # lus par la page et par refus_de_lettre
        .avec_rang(timezone.now()),
        reference=reference,
    )
    contexte = {
        "appel": appel,
        "precedent": appels.filter(pk=appel.appel_precedent_id).first() if appel.appel_precedent_id else None,
        "suites": appels.filter(appel_precedent=appel).order_by("cloture"),
        "taille_cahier": taille_cahier(appel),
        "peut_gerer": autorise(request.user, Regle.GERER_APPELS)
        and appels_geres(request.user).filter(pk=appel.pk).exists(),
        "refus_de_lettre": refus_de_lettre(request.user, appel),
    }
    return render(request, "appels/detail.html", contexte)


def refus_de_lettre(user, appel) -> str:
    """Pourquoi `user` ne peut pas déposer de lettre d'intention sur cet appel, en français ; vide s'il le peut
    (la page lui offre alors le bouton). Un brouillon d'appel, que seuls ses planificateurs voient, n'en dit rien."""
    if appel.statut == StatutAppel.BROUILLON:
        return ""
    if not appel.est_ouvert:
        if appel.ouverture > timezone.now():
            return f"Les dépôts ouvrent le {timezone.localtime(appel.ouverture):%d/%m/%Y à %H h %M} (heure de Paris)."
        return f"Les dépôts sont clos depuis le {appel.date_limite_lisible} : l'appel ne reçoit plus de lettre."
    if appel.types_cibles.all() and not appel.types_eligibles():
        return "Aucun type de dispositif visé n'est éligible à cet appel : il ne reçoit pas de lettre d'intention."
    if not user.is_authenticated:
        return "Connectez-vous avec un compte opérateur pour déposer une lettre d'intention."
    if not autorise(user, Regle.DEPOSER):
        return (
            "Seul un opérateur (membre d'un organisme gestionnaire) dépose une lettre d'intention ; "
            f"votre compte est « {user.get_role_display()} »."
        )
    if not user.organismes.exists():
        return "Votre compte n'est rattaché à aucun organisme : demandez à l'ARS de vous y rattacher pour déposer."
    return ""


def taille_cahier(appel) -> int | None:
    """La taille du cahier des charges en octets ; None s'il n'y en a pas ou si le fichier manque."""
    if not appel.cahier_des_charges:
        return None
    try:
        return appel.cahier_des_charges.size
    except OSError:
        return None


@acces(Regle.PUBLIC)
def cahier(request, reference):
    appel = get_object_or_404(appels_visibles(request.user), reference=reference)
    if taille_cahier(appel) is None:
        raise Http404("Cet appel n'a pas de cahier des charges.")
    # Lu d'un bloc (10 Mo au plus, valider_pdf) : le fichier est refermé tout de suite, même quand la réponse
    # n'est jamais lue jusqu'au bout (client de test, connexion coupée).
    with appel.cahier_des_charges.open("rb") as fichier:
        contenu = io.BytesIO(fichier.read())
    return FileResponse(contenu, content_type="application/pdf", filename=f"{appel.reference}-cahier-des-charges.pdf")


@acces(Regle.GERER_APPELS)
def gestion(request):
    appels = (
        appels_geres(request.user).select_related("region").avec_rang(timezone.now()).order_by("-updated_at", "pk")
    )
    return render(request, "appels/gestion.html", {"appels": appels})


@acces(Regle.GERER_APPELS)
def creer(request):
    """Un nouvel appel ; depuis le tableau de planification, prérempli avec ses écarts."""
    return formulaire(request, Appel(), initial=initial_depuis_planification(request))


def initial_depuis_planification(request) -> dict:
    if request.method != "GET" or not request.GET.get("horizon"):
        return {}
    filtres = filtres_planification(request.GET, request.user)
    if not filtres.is_valid():
        return {}
    donnees = filtres.cleaned_data
    return proposer_depuis_ecarts(
        region=donnees["region"],
        horizon=donnees["horizon"],
        types=[t.code for t in donnees["type"]],
        territoire=donnees["territoire"],
    )


@acces(Regle.GERER_APPELS)
def modifier(request, reference):
    appel = get_object_or_404(appels_geres(request.user).select_related("region"), reference=reference)
    if appel.statut != StatutAppel.BROUILLON:
        messages.error(request, f"Cet appel est « {appel.get_statut_display()} » : seul un brouillon se modifie.")
        return redirect("appels:detail", reference=appel.reference)
    return formulaire(request, appel)


def formulaire(request, appel, initial=None):
    """Saisie d'un brouillon et de sa grille de notation ; l'enregistrement mène à la page de l'appel."""
    donnees, fichiers = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    form = AppelForm(donnees, fichiers, instance=appel, user=request.user, initial=initial)
    grille = GrilleFormSet(donnees, instance=appel, prefix="criteres")
    if request.method == "POST" and all([form.is_valid(), grille.is_valid()]):
        try:
            appel = enregistrer_appel(form=form, formset=grille)
        except ValidationError as refus:
            messages.error(request, " ".join(refus.messages))
        else:
            messages.success(request, "Brouillon enregistré. Il reste invisible du public jusqu'à sa publication.")
        return redirect("appels:detail", reference=appel.reference)
    return render(request, "appels/formulaire.html", {"form": form, "grille": grille, "appel": appel})


@acces(Regle.GERER_APPELS)
@require_POST
def publier(request, reference):
    appel = get_object_or_404(appels_geres(request.user), reference=reference)
    try:
        publier_appel(appel=appel)
    except ValidationError as refus:
        messages.error(request, " ".join(refus.messages))
    else:
        messages.success(request, "Appel publié : il est désormais visible de tous.")
    return redirect("appels:detail", reference=appel.reference)
