"""Les pages de l'instruction : appels à instruire, file de travail, classement et budget, page d'un
dossier (lettre, notation, avis, complément, décision), exports ; et la réponse de l'opérateur à un complément."""

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from appels import instruction, instruction_exports
from appels.candidatures import Refus
from appels.instruction_forms import (
    AvisForm,
    ComplementForm,
    DecisionForm,
    FiltresFileForm,
    ReponseComplementForm,
    initial_decision,
)
from appels.lettre import lignes_lisibles
from appels.models import Candidature, Decision, DemandeComplement, Depot, StatutCandidature
from config.policy import Regle, acces, appels_instruits, peut_voir_candidature
from dispositifs.models import TypeDispositif
from territoires.models import Territoire


def appel_instruit(request, reference):
    return get_object_or_404(appels_instruits(request.user).select_related("region"), reference=reference)


def types_par_code() -> dict:
    return {t.code: t for t in TypeDispositif.objects.all()}


def noms_territoires(appel, dossiers) -> dict:
    """Les noms des territoires cités par les lettres, pris dans la région de l'appel : le code 32 y désigne
    les Hauts-de-France, pas le Gers."""
    codes = {code for d in dossiers for code in d.territoires}
    territoires = Territoire.objects.descendants(appel.region, inclus=True).filter(code__in=codes)
    return dict(territoires.values_list("code", "nom"))


@acces(Regle.INSTRUIRE)
def accueil(request):
    """Les appels de la région avec l'avancement de leur instruction."""
    deposees = Exists(Depot.objects.filter(candidature=OuterRef("candidatures")))
    appels = (
        appels_instruits(request.user)
        .select_related("region")
        .annotate(
            nb_deposees=Count("candidatures", filter=Q(deposees)),
            nb_a_completer=Count("candidatures", filter=Q(candidatures__statut=StatutCandidature.A_COMPLETER)),
            nb_decidees=Count("candidatures", filter=Q(candidatures__decision__isnull=False)),
        )
        .order_by("-cloture", "pk")
    )
    return render(request, "appels/instruction/accueil.html", {"appels": appels, "maintenant": timezone.now()})


@acces(Regle.INSTRUIRE)
def file(request, reference):
    """La file de travail : une ligne par candidature déposée, filtrable, avec l'avancement des avis."""
    appel = appel_instruit(request, reference)
    dossiers = instruction.dossiers(appel, types_par_code())
    noms = noms_territoires(appel, dossiers)
    filtres = FiltresFileForm(request.GET or None, dossiers=dossiers, noms_territoires=noms)
    affiches = filtres.filtrer(dossiers) if filtres.is_bound and filtres.is_valid() else dossiers
    contexte = {
        "appel": appel,
        "filtres": filtres,
        "dossiers": affiches,
        "nb_total": len(dossiers),
        "attendus": instruction.evaluateurs_attendus(appel),
        "instruction_ouverte": not appel.est_ouvert(),
    }
    return render(request, "appels/instruction/file.html", contexte)


@acces(Regle.INSTRUIRE)
def classement(request, reference):
    """Le classement par note moyenne et le budget demandé / retenu face à l'enveloppe, recalculés à chaque
    affichage."""
    appel = appel_instruit(request, reference)
    dossiers = instruction.classement(instruction.dossiers(appel, types_par_code()))
    cumul, lignes = 0, []
    for rang, dossier in enumerate(dossiers, start=1):
        cumul += dossier.budget_demande or 0
        depasse = appel.enveloppe is not None and cumul > appel.enveloppe
        lignes.append({"rang": rang, "dossier": dossier, "cumul": cumul, "depasse": depasse})
    contexte = {
        "appel": appel,
        "lignes": lignes,
        "budget": instruction.budget(appel, dossiers, noms_territoires(appel, dossiers)),
        "attendus": instruction.evaluateurs_attendus(appel),
    }
    return render(request, "appels/instruction/classement.html", contexte)


def candidature_instruite(request, pk) -> Candidature:
    """Une candidature déposée que l'utilisateur instruit ; 404 pour toute autre."""
    candidatures = instruction.avec_instruction(Candidature.objects.select_related("appel__region"))
    candidature = get_object_or_404(candidatures, pk=pk)
    if not peut_voir_candidature(request.user, candidature):
        raise Http404("Candidature introuvable.")
    return candidature


@acces(Regle.INSTRUIRE)
def candidature(request, pk):
    """La page d'un dossier ; un POST porte `action` : avis, decision ou complement."""
    candidature = candidature_instruite(request, pk)
    if request.method != "POST":
        return page_dossier(request, candidature)
    traitements = {"avis": poster_avis, "decision": poster_decision, "complement": poster_complement}
    traitement = traitements.get(request.POST.get("action"))
    if traitement is None:
        return HttpResponseBadRequest("Action inconnue.")
    return traitement(request, candidature)


def page_dossier(request, candidature, *, forms=None, conflits=None, status=200):
    """Le contexte de la page ; `forms` remplace un formulaire refusé, `conflits` porte son message."""
    appel, forms = candidature.appel, forms or {}
    criteres = list(appel.criteres.all())
    avis = list(candidature.avis.select_related("auteur").order_by("created_at", "pk"))
    mon_avis = next((a for a in avis if a.auteur_id == request.user.pk), None)
    dossier = instruction.Dossier(candidature, types_par_code())
    decision = dossier.decision
    autres_avis = [a for a in avis if a.auteur_id != request.user.pk]
    for autre in autres_avis:
        autre.notes_lisibles = [(c.libelle, autre.notes.get(str(c.pk))) for c in criteres]
    contexte = {
        "appel": appel,
        "candidature": candidature,
        "depot": candidature.depot_courant,
        "dossier": dossier,
        "lignes": lignes_lisibles(dossier.lettre, appel),
        "equipe": dossier.lettre.get("equipe", []),
        "partenariats": dossier.lettre.get("partenariats", []),
        "criteres": criteres,
        "mon_avis": mon_avis,
        "autres_avis": autres_avis,
        "form_avis": forms.get("avis") or AvisForm(initial=AvisForm.initial_de(mon_avis), criteres=criteres),
        "decision": decision,
        "form_decision": forms.get("decision") or DecisionForm(initial=initial_decision(decision, dossier)),
        "complements": candidature.complements.select_related("auteur", "repondu_par"),
        "form_complement": forms.get("complement") or ComplementForm(),
        "conflits": {"avis": None, "decision": None, "complement": None} | (conflits or {}),
        "instruction_ouverte": not appel.est_ouvert(),
    }
    if dossier.type:
        contexte["form_decision"].fields["capacite_retenue"].help_text = (
            f"En {dossier.type.get_unite_display()} pour {dossier.type.sigle} ; dans l'unité du type proposé en cas "
            "de réorientation."
        )
    return render(request, "appels/instruction/candidature.html", contexte, status=status)


def repli(request, candidature, nom, form, refus):
    """Réaffiche la page avec le formulaire refusé : 409 pour un conflit, 400 sinon."""
    if isinstance(refus, instruction.Conflit):
        return page_dossier(request, candidature, forms={nom: form}, conflits={nom: refus.message}, status=409)
    for message in refus.messages:
        form.add_error(None, message)
    return page_dossier(request, candidature, forms={nom: form}, status=400)


def avec_version(request, version: int) -> dict:
    """Les valeurs postées avec la version enregistrée : après lecture du conflit, un nouvel envoi l'emporte."""
    donnees = request.POST.copy()
    donnees["version_lue"] = str(version)
    return donnees


def poster_avis(request, candidature):
    criteres = list(candidature.appel.criteres.all())
    form = AvisForm(request.POST, criteres=criteres)
    if not form.is_valid():
        return page_dossier(request, candidature, forms={"avis": form}, status=400)
    try:
        instruction.enregistrer_avis(
            candidature=candidature,
            auteur=request.user,
            notes=form.notes(),
            commentaire=form.cleaned_data["commentaire"],
            annotation_privee=form.cleaned_data["annotation_privee"],
            version_lue=form.cleaned_data["version_lue"],
        )
    except (Refus, instruction.Conflit) as refus:
        actuel = candidature.avis.filter(auteur=request.user).first()
        form = AvisForm(avec_version(request, actuel.version if actuel else 0), criteres=criteres)
        form.is_valid()
        return repli(request, candidature, "avis", form, refus)
    messages.success(request, "Votre avis est enregistré.")
    return redirect("appels:instruction:candidature", pk=candidature.pk)


def poster_decision(request, candidature):
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return page_dossier(request, candidature, forms={"decision": form}, status=400)
    donnees = form.cleaned_data
    try:
        decision = instruction.decider(
            candidature=candidature,
            auteur=request.user,
            nature=donnees["nature"],
            type_propose=donnees["type_propose"],
            motif=donnees["motif"],
            montant_retenu=donnees["montant_retenu"],
            capacite_retenue=donnees["capacite_retenue"],
            version_lue=donnees["version_lue"],
        )
    except (Refus, instruction.Conflit) as refus:
        actuelle = Decision.objects.filter(candidature=candidature).first()
        form = DecisionForm(avec_version(request, actuelle.version if actuelle else 0))
        form.is_valid()
        return repli(request, candidature, "decision", form, refus)
    messages.success(
        request, f"Décision enregistrée : {decision.get_nature_display().lower()}. L'opérateur est prévenu."
    )
    return redirect("appels:instruction:candidature", pk=candidature.pk)


def poster_complement(request, candidature):
    form = ComplementForm(request.POST)
    if not form.is_valid():
        return page_dossier(request, candidature, forms={"complement": form}, status=400)
    try:
        instruction.demander_complement(
            candidature=candidature, auteur=request.user, message=form.cleaned_data["message"]
        )
    except (Refus, instruction.Conflit) as refus:
        return repli(request, candidature, "complement", form, refus)
    messages.success(request, "Demande de complément envoyée : la candidature est « à compléter ».")
    return redirect("appels:instruction:candidature", pk=candidature.pk)


def fichier_export(appel, extension) -> str:
    return f"instruction-{appel.reference}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _export(request, reference):
    appel = appel_instruit(request, reference)
    appel = type(appel).objects.prefetch_related("types_cibles", "types_exclus", "territoires").get(pk=appel.pk)
    return appel, instruction.dossiers(appel, types_par_code()), list(appel.criteres.all())


@acces(Regle.INSTRUIRE)
def export_csv(request, reference):
    appel, dossiers, criteres = _export(request, reference)
    reponse = HttpResponse(content_type="text/csv; charset=utf-8")
    reponse["Content-Disposition"] = f'attachment; filename="{fichier_export(appel, "csv")}"'
    instruction_exports.ecrire_csv(reponse, appel, dossiers, criteres)
    return reponse


@acces(Regle.INSTRUIRE)
def export_xlsx(request, reference):
    appel, dossiers, criteres = _export(request, reference)
    reponse = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    reponse["Content-Disposition"] = f'attachment; filename="{fichier_export(appel, "xlsx")}"'
    instruction_exports.ecrire_xlsx(reponse, appel, dossiers, criteres)
    return reponse


@acces(Regle.INSTRUIRE)
def pieces(request, reference):
    """Construit en mémoire : la réponse ne tient aucun fichier ouvert, même si personne ne la lit jusqu'au bout."""
    appel = appel_instruit(request, reference)
    reponse = HttpResponse(content_type="application/zip")
    reponse["Content-Disposition"] = (
        f'attachment; filename="pieces-{appel.reference}-{timezone.localdate():%Y-%m-%d}.zip"'
    )
    instruction_exports.archive_pieces(reponse, appel, instruction.dossiers(appel, types_par_code()))
    return reponse


# Côté opérateur


@acces(Regle.DEPOSER)
def complement_de_candidature(request, pk):
    """Depuis « Mes candidatures » : la demande en attente de la candidature (ou la dernière)."""
    candidature = get_object_or_404(Candidature.objects.pour_operateur(request.user), pk=pk)
    demande = candidature.complements.filter(repondue_le__isnull=True).last() or candidature.complements.last()
    if demande is None:
        raise Http404("Aucune demande de complément pour cette candidature.")
    return redirect("appels:instruction:repondre", pk=demande.pk)


@acces(Regle.DEPOSER)
def repondre(request, pk):
    """L'opérateur lit la demande de l'ARS et y répond ; une réponse confirmée ne se modifie plus."""
    demande = get_object_or_404(
        DemandeComplement.objects.filter(
            candidature__in=Candidature.objects.pour_operateur(request.user)
        ).select_related("candidature__appel__region", "candidature__organisme"),
        pk=pk,
    )
    form = ReponseComplementForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            instruction.repondre_complement(
                demande=demande,
                user=request.user,
                reponse=form.cleaned_data["reponse"],
                confirmee=form.cleaned_data["confirmee"],
            )
        except Refus as refus:
            for message in refus.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Réponse envoyée à l'ARS : l'instruction de votre candidature reprend.")
            return redirect("appels:candidatures:mes_candidatures")
    if request.method == "POST":
        status = 400
    contexte = {"demande": demande, "candidature": demande.candidature, "form": form}
    return render(request, "appels/instruction/repondre.html", contexte, status=status)
