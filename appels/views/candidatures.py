"""Le parcours de l'opérateur : rédiger la lettre d'intention, joindre des PDF, déposer, relire ses dépôts."""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from appels import candidatures, lettre
from appels.models import Appel, Candidature, Depot, NaturePiece, StatutAppel
from appels.tasks import generer_accuse
from config.policy import Regle, acces, peut_voir_candidature


def appel_ouvert_aux_depots(reference) -> Appel:
    return get_object_or_404(Appel.objects.exclude(statut=StatutAppel.BROUILLON), reference=reference)


def candidature_de(request, appel):
    """La candidature de l'organisme choisi, parmi ceux dont l'utilisateur est membre (404 sinon)."""
    organismes = request.user.organismes.all()
    choisi = request.POST.get("organisme") or request.GET.get("organisme")
    organisme = get_object_or_404(organismes, pk=choisi) if choisi else organismes.first()
    if organisme is None:
        raise Http404("Votre compte n'est rattaché à aucun organisme.")
    return candidatures.candidature_pour(appel=appel, organisme=organisme)


def url_lettre(candidature) -> str:
    url = reverse("appels:candidatures:lettre", args=[candidature.appel.reference])
    return f"{url}?organisme={candidature.organisme_id}"


@acces(Regle.DEPOSER)
def lettre_intention(request, reference):
    """La lettre en cours : brouillon enregistré au fil de la saisie, pièces, dépôts précédents."""
    appel = appel_ouvert_aux_depots(reference)
    return page_lettre(request, candidature_de(request, appel))


def page_lettre(request, candidature, *, erreurs=None, status=200):
    appel = candidature.appel
    form, equipe, partenariats = lettre.formulaires(candidature.brouillon, appel)
    contexte = {
        "appel": appel,
        "candidature": candidature,
        "form": form,
        "equipe": equipe,
        "partenariats": partenariats,
        "depots": candidature.depots.select_related("depose_par").order_by("-version"),
        "pieces": candidature.pieces.all(),
        "natures_piece": NaturePiece.choices,
        "organismes": request.user.organismes.all(),
        "cle_depot": uuid.uuid4().hex,
        "ouvert": appel.est_ouvert(),
        "erreurs_depot": erreurs or [],
    }
    return render(request, "appels/lettre.html", contexte, status=status)


@acces(Regle.DEPOSER)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def enregistrer_brouillon(request, reference):
    """Enregistrement automatique (JSON pour le script de la page) ou bouton « Enregistrer » (sans script)."""
    appel = appel_ouvert_aux_depots(reference)
    candidature = candidature_de(request, appel)
    try:
        candidature = candidatures.enregistrer_brouillon(
            candidature=candidature, donnees=request.POST, version_lue=int(request.POST.get("version_brouillon", -1))
        )
    except candidatures.Refus as refus:
        if _veut_du_json(request):
            return JsonResponse({"erreur": str(refus)}, status=409)
        messages.error(request, str(refus))
        return redirect(url_lettre(candidature))
    if _veut_du_json(request):
        heure = timezone.localtime(candidature.brouillon_enregistre_le)
        return JsonResponse({"version": candidature.version_brouillon, "heure": f"{heure:%H h %M min %S s}"})
    messages.success(request, "Brouillon enregistré. Il n'est pas déposé : l'ARS ne le voit pas encore.")
    return redirect(url_lettre(candidature))


def _veut_du_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@acces(Regle.DEPOSER)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def ajouter_piece(request, reference):
    appel = appel_ouvert_aux_depots(reference)
    candidature = candidature_de(request, appel)
    fichier = request.FILES.get("fichier")
    if fichier is None:
        messages.error(request, "Choisissez un fichier PDF à joindre.")
    else:
        try:
            piece = candidatures.ajouter_piece(
                candidature=candidature, fichier=fichier, nature=request.POST.get("nature", NaturePiece.AUTRE)
            )
            messages.success(
                request, f"« {piece.nom} » est joint ({piece.pages} page{'s' if piece.pages > 1 else ''})."
            )
        except candidatures.Refus as refus:
            messages.error(request, f"« {fichier.name} » refusé : {refus}")
    return redirect(url_lettre(candidature))


@acces(Regle.DEPOSER)  # d'abord qui, ensuite comment : un rôle refusé ne reçoit pas de 405
@require_POST
def deposer(request, reference):
    """Enregistre ce qui est à l'écran puis le dépose, en une fois : tout ou rien.

    L'ordre compte : un envoi déjà accepté (double clic, rejeu) retrouve son dépôt, même après la date
    limite ; puis l'heure limite, avec son propre message ; puis le brouillon et le dépôt.
    """
    appel = appel_ouvert_aux_depots(reference)
    candidature = candidature_de(request, appel)
    cle = request.POST.get("cle_depot", "")
    deja = Depot.objects.filter(candidature=candidature, cle_idempotence=cle).first() if cle else None
    if deja is not None:
        return redirect("appels:candidatures:depot", numero=deja.numero)
    try:
        if not appel.est_ouvert():
            raise candidatures.Refus([f"Dépôt refusé : la date limite était le {candidatures.date_limite(appel)}."])
        if request.POST.get("version_brouillon") is not None:
            candidature = candidatures.enregistrer_brouillon(
                candidature=candidature,
                donnees=request.POST,
                version_lue=int(request.POST["version_brouillon"]),
            )
        depot = candidatures.deposer(candidature=candidature, user=request.user, cle=cle)
    except candidatures.Refus as refus:
        candidature.refresh_from_db()
        return page_lettre(request, candidature, erreurs=refus.messages, status=400)
    messages.success(
        request, f"Candidature déposée : n° {depot.numero}. L'accusé de dépôt vous est envoyé par courriel."
    )
    return redirect("appels:candidatures:depot", numero=depot.numero)


def depot_visible(request, numero) -> Depot:
    depot = get_object_or_404(
        Depot.objects.select_related("candidature__appel__region", "candidature__organisme", "depose_par"),
        numero=numero,
    )
    if not peut_voir_candidature(request.user, depot.candidature):
        raise Http404("Dépôt introuvable.")
    return depot


@acces(Regle.CONNECTE)
def depot(request, numero):
    """Une version déposée, telle que l'ARS l'instruit."""
    depot = depot_visible(request, numero)
    lignes = lettre.lignes_lisibles(depot.contenu["lettre"], depot.candidature.appel)
    return render(request, "appels/depot.html", {"depot": depot, "lignes": lignes})


@acces(Regle.CONNECTE)
def accuse(request, numero):
    depot = depot_visible(request, numero)
    if not depot.accuse:
        generer_accuse(depot.pk)  # en cas de file Celery en retard : produit ici, une seule fois
        depot.refresh_from_db()
    # Quelques kilo-octets : lus d'un coup, le fichier est refermé aussitôt.
    with depot.accuse.open("rb") as fichier:
        contenu = fichier.read()
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="accuse-{depot.numero}.pdf"'
    return reponse


@acces(Regle.DEPOSER)
def mes_candidatures(request):
    liste = (
        Candidature.objects.pour_operateur(request.user)
        .select_related("appel", "organisme", "decision__type_propose")
        .prefetch_related("depots")
        .order_by("-appel__cloture", "organisme__nom")
    )
    return render(request, "appels/mes_candidatures.html", {"candidatures": liste})
