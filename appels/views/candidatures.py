"""Le parcours de l'opérateur : rédiger la lettre d'intention, joindre des PDF, déposer, relire ses dépôts.

Lire n'écrit rien : la page de la lettre montre une lettre vide tant que l'organisme n'a rien envoyé, et
l'accusé se sert tel qu'il est enregistré (ou rendu sur place, sans l'enregistrer ni l'envoyer)."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from appels.exports import contenu_de_l_accuse
from appels.forms.lettre import formulaires, lignes_lisibles
from appels.forms.pieces import PieceForm
from appels.models import Appel, Candidature, Depot, NaturePiece
from appels.services import candidatures
from appels.services.candidatures import valider_cle
from commun.entrees import identifiant_ou_400
from commun.erreurs import Conflit, code_du_refus, messages_du_refus
from commun.tableur import reponse_fichier
from config.policy import Regle, acces, peut_voir_candidature


def appel_publie(reference) -> Appel:
    return get_object_or_404(Appel.objects.publies(), reference=reference)


def candidature_de(request, appel) -> Candidature:
    """La candidature de l'organisme choisi, parmi ceux dont l'utilisateur est membre (404 sinon) ; une
    nouvelle, pas encore enregistrée, s'il n'en a pas."""
    organismes = request.user.organismes.all()
    choisi = request.POST.get("organisme") or request.GET.get("organisme")
    if choisi:
        pk = identifiant_ou_400(choisi, "organisme")
        # Le cas courant (la lettre a déjà servi) en une requête : la candidature de cet organisme s'il est l'un des
        # siens, son organisme avec elle ; sinon l'organisme seul, qui dit 404 s'il n'est pas le sien.
        existante = Candidature.objects.select_related("organisme").filter(
            appel=appel, organisme_id=pk, organisme__in=organismes
        )
        if (candidature := existante.first()) is not None:
            candidature.appel = appel
            return candidature
        organisme = get_object_or_404(organismes, pk=pk)
    else:
        organisme = organismes.first()
    if organisme is None:
        raise Http404("Votre compte n'est rattaché à aucun organisme.")
    return Candidature.objects.pour(appel=appel, organisme=organisme)


def url_lettre(candidature) -> str:
    url = reverse("appels:candidatures:lettre", args=[candidature.appel.reference])
    return f"{url}?organisme={candidature.organisme_id}"


@acces(Regle.DEPOSER)
def lettre_intention(request, reference):
    """La lettre en cours : brouillon enregistré au fil de la saisie, pièces, dépôts précédents."""
    return page_lettre(request, candidature_de(request, appel_publie(reference)))


def page_lettre(request, candidature, *, refus=None, status=200):
    appel = candidature.appel
    form, equipe, partenariats = formulaires(candidature.brouillon, appel, candidature.organisme)
    enregistree = candidature.pk is not None
    depots = list(candidature.depots.select_related("depose_par").order_by("-version")) if enregistree else []
    contexte = {
        "appel": appel,
        "candidature": candidature,
        "form": form,
        "equipe": equipe,
        "partenariats": partenariats,
        "depots": depots,
        "depot_courant": depots[0] if depots else None,
        "pieces": candidature.pieces.all() if enregistree else [],
        "natures_piece": NaturePiece.choices,
        "organismes": request.user.organismes.all(),
        "cle_depot": uuid.uuid4().hex,
        "ouvert": appel.est_ouvert,
        "erreurs_depot": messages_du_refus(refus) if refus else [],
        "code_refus": code_du_refus(refus) if refus else "",
    }
    return render(request, "appels/lettre.html", contexte, status=status)


@acces(Regle.DEPOSER)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def enregistrer_brouillon(request, reference):
    """Enregistrement automatique (JSON pour le script de la page) ou bouton « Enregistrer » (sans script).
    Le script reçoit 409 pour tout refus (appel fermé, version dépassée) et affiche le message."""
    candidature = candidature_de(request, appel_publie(reference))
    try:
        candidature = candidatures.enregistrer_brouillon(
            candidature=candidature,
            donnees=request.POST,
            version_lue=candidatures.version_lue_de(request.POST, absente=-1),
        )
    except (ValidationError, Conflit) as refus:
        if _veut_du_json(request):
            return JsonResponse({"erreur": " ".join(messages_du_refus(refus))}, status=409)
        messages.error(request, " ".join(messages_du_refus(refus)))
        return redirect(url_lettre(candidature))
    if _veut_du_json(request):
        heure = timezone.localtime(candidature.brouillon_enregistre_le)
        contexte = {"candidature": candidature, "depot_courant": candidature.depots.order_by("-version").first()}
        etat = " ".join(render_to_string("appels/_etat_brouillon.html", contexte).split())
        return JsonResponse(
            {"version": candidature.version_brouillon, "heure": f"{heure:%H h %M min %S s}", "etat": etat}
        )
    messages.success(request, "Brouillon enregistré. Il n'est pas déposé : l'ARS ne le voit pas encore.")
    return redirect(url_lettre(candidature))


def _veut_du_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@acces(Regle.DEPOSER)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def ajouter_piece(request, reference):
    candidature = candidature_de(request, appel_publie(reference))
    form = PieceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, f"Pièce refusée. {form.refus()}")
        return redirect(url_lettre(candidature))
    fichier = form.cleaned_data["fichier"]
    try:
        piece = candidatures.ajouter_piece(
            candidature=candidature, fichier=fichier, nature=form.cleaned_data["nature"]
        )
    except ValidationError as refus:
        messages.error(request, f"« {fichier.name} » refusé : {' '.join(messages_du_refus(refus))}")
    else:
        messages.success(request, f"« {piece.nom} » est joint ({piece.pages} page{'s' if piece.pages > 1 else ''}).")
    return redirect(url_lettre(candidature))


@acces(Regle.DEPOSER)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def deposer(request, reference):
    """Enregistre ce qui est à l'écran puis le dépose, en une fois : tout ou rien.

    Un envoi déjà accepté (double clic, rejeu) retrouve son dépôt avant toute autre vérification, même après
    la date limite.
    """
    appel = appel_publie(reference)
    candidature = candidature_de(request, appel)
    cle = request.POST.get("cle_depot", "")
    try:
        if candidature.pk and cle and (deja := candidature.depots.filter(cle_idempotence=valider_cle(cle)).first()):
            return redirect("appels:candidatures:depot", numero=deja.numero)
        depot = candidatures.deposer_lettre(candidature=candidature, donnees=request.POST, user=request.user, cle=cle)
    except (ValidationError, Conflit) as refus:
        # La saisie relue : le brouillon a pu être enregistré avant le refus.
        return page_lettre(request, candidature_de(request, appel), refus=refus, status=400)
    messages.success(
        request, f"Candidature déposée : n° {depot.numero}. L'accusé de dépôt vous est envoyé par courriel."
    )
    return redirect("appels:candidatures:depot", numero=depot.numero)


def depot_visible(request, numero) -> Depot:
    depot = get_object_or_404(Depot.objects.avec_candidature(), numero=numero)
    if not peut_voir_candidature(request.user, depot.candidature):
        raise Http404("Dépôt introuvable.")
    return depot


@acces(Regle.CONNECTE)
def depot(request, numero):
    """Une version déposée, telle que l'ARS l'instruit."""
    depot = depot_visible(request, numero)
    lignes = lignes_lisibles(depot.lettre, depot.candidature.appel)
    return render(request, "appels/depot.html", {"depot": depot, "lignes": lignes})


@acces(Regle.CONNECTE)
def accuse(request, numero):
    """L'accusé tel qu'enregistré ; avant la tâche qui l'enregistre et l'envoie, le même rendu, sans rien écrire."""
    depot = depot_visible(request, numero)
    reponse = reponse_fichier(f"accuse-{depot.numero}.pdf")
    reponse.write(contenu_de_l_accuse(depot))
    return reponse


@acces(Regle.DEPOSER)
def mes_candidatures(request):
    liste = (
        Candidature.objects.pour_operateur(request.user)
        .avec_depots()
        .select_related("decision__type_propose")
        .order_by("-appel__cloture", "organisme__nom")
    )
    return render(request, "appels/mes_candidatures.html", {"candidatures": liste})
