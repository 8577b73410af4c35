"""Les pages de l'instruction : appels à instruire, file de travail, classement et budget, page d'un
dossier (lettre, notation, avis, complément, décision), exports ; et la réponse de l'opérateur à un complément."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from dsfr.utils import list_pages

from appels import exports
from appels.budget import Dossier, calculer_budget, classer, dossiers, lignes_du_classement, types_par_code
from appels.forms.instruction import (
    AvisForm,
    ComplementForm,
    DecisionForm,
    FiltresFileForm,
    ReponseComplementForm,
    initial_decision,
)
from appels.forms.lettre import lignes_lisibles
from appels.models import Appel, Candidature, Decision, DemandeComplement
from appels.services import instruction
from commun.erreurs import Conflit, messages_du_refus
from commun.tableur import reponse_fichier
from config.policy import Regle, acces, appels_instruits, autorise, dispositifs_geres, peut_voir_candidature

# Un appel régional reçoit des centaines de lettres : la file en montre 50 à la fois, filtres gardés.
DOSSIERS_PAR_PAGE = 50


def appel_instruit(request, reference):
    return get_object_or_404(appels_instruits(request.user).select_related("region"), reference=reference)


def noms_territoires(appel, liste: list[Dossier]) -> dict:
    return appel.noms_des_territoires({code for d in liste for code in d.territoires})


@acces(Regle.INSTRUIRE)
def accueil(request):
    """Les appels de la région avec l'avancement de leur instruction."""
    appels = appels_instruits(request.user).select_related("region").avec_avancement().order_by("-cloture", "pk")
    return render(request, "appels/instruction/accueil.html", {"appels": appels, "maintenant": timezone.now()})


@acces(Regle.INSTRUIRE)
def file(request, reference):
    """La file de travail : une ligne par candidature déposée, filtrable, avec l'avancement des avis ; paginée
    (les filtres portent sur toute la file, la page sur ce qu'ils retiennent)."""
    appel = appel_instruit(request, reference)
    tous = dossiers(appel, types_par_code())
    donnees = request.GET.copy()
    donnees.pop("page", None)  # le numéro de page n'est pas un filtre
    filtres = FiltresFileForm(donnees or None, dossiers=tous, noms_territoires=noms_territoires(appel, tous))
    retenus = filtres.filtrer(tous) if filtres.is_bound and filtres.is_valid() else tous
    page = Paginator(retenus, DOSSIERS_PAR_PAGE).get_page(request.GET.get("page"))  # une liste : aucune requête
    if page.has_other_pages():
        list_pages(page)
    contexte = {
        "appel": appel,
        "filtres": filtres,
        "dossiers": page,
        "page_obj": page,
        "nb_retenus": len(retenus),
        "nb_total": len(tous),
        "attendus": appel.nb_evaluateurs_attendus(),
        "instruction_ouverte": not appel.est_ouvert,
    }
    return render(request, "appels/instruction/file.html", contexte)


@acces(Regle.INSTRUIRE)
def classement(request, reference):
    """Le classement par note moyenne et le budget demandé / retenu face à l'enveloppe, recalculés à chaque
    affichage."""
    appel = appel_instruit(request, reference)
    classes = classer(dossiers(appel, types_par_code()))
    contexte = {
        "appel": appel,
        "lignes": lignes_du_classement(appel, classes),
        "budget": calculer_budget(appel, classes, noms_territoires(appel, classes)),
        "attendus": appel.nb_evaluateurs_attendus(),
    }
    return render(request, "appels/instruction/classement.html", contexte)


def candidature_instruite(request, pk) -> Candidature:
    """Une candidature déposée que l'utilisateur instruit ; 404 pour toute autre."""
    candidatures = Candidature.objects.select_related("appel__region").avec_instruction()
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
    avis = list(candidature.avis.select_related("evaluateur").order_by("created_at", "pk"))
    mon_avis = next((a for a in avis if a.evaluateur_id == request.user.pk), None)
    dossier = Dossier(candidature, types_par_code())
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
        "autres_avis": autres_avis(avis, criteres, request.user),
        "form_avis": forms.get("avis") or AvisForm(initial=AvisForm.initial_de(mon_avis), criteres=criteres),
        "decision": dossier.decision,
        "projet": projet_a_autoriser(request.user, dossier.decision),
        "peut_decider": autorise(request.user, Regle.DECIDER),
        "message_decision_ars": instruction.MESSAGE_DECISION_ARS,
        "form_decision": form_decision(forms.get("decision"), dossier),
        "complements": candidature.complements.select_related("demandee_par", "repondu_par"),
        "form_complement": forms.get("complement") or ComplementForm(),
        "conflits": {"avis": None, "decision": None, "complement": None} | (conflits or {}),
        "instruction_ouverte": not appel.est_ouvert,
    }
    return render(request, "appels/instruction/candidature.html", contexte, status=status)


def projet_a_autoriser(user, decision):
    """Le dispositif projet né de la décision, pour qui enregistre ses arrêtés (planificateur de la région de
    l'appel, administrateur) : la page y mène en une étape (« Autoriser le projet »)."""
    if decision is None or decision.dispositif_id is None or not autorise(user, Regle.GERER_OFFRE):
        return None
    return dispositifs_geres(user).filter(pk=decision.dispositif_id).first()


def autres_avis(avis, criteres, user) -> list:
    """Les avis des autres évaluateurs, chacun avec ses notes lisibles critère par critère."""
    autres = [a for a in avis if a.evaluateur_id != user.pk]
    for autre in autres:
        autre.notes_lisibles = [(c.libelle, autre.notes.get(str(c.pk))) for c in criteres]
    return autres


def form_decision(refuse: DecisionForm | None, dossier) -> DecisionForm:
    """Le formulaire refusé, ou la décision enregistrée (à défaut, ce que demande la lettre) ; l'aide de la
    capacité donne l'unité du type."""
    form = refuse or DecisionForm(initial=initial_decision(dossier.decision, dossier))
    if dossier.type:
        form.fields["capacite_retenue"].help_text = (
            f"En {dossier.type.get_unite_display()} pour {dossier.type.sigle} ; dans l'unité du type proposé en cas "
            "de réorientation."
        )
    return form


def repli(request, candidature, nom, form, refus):
    """Réaffiche la page avec le formulaire refusé : 409 pour un conflit, 400 sinon."""
    if isinstance(refus, Conflit):
        return page_dossier(request, candidature, forms={nom: form}, conflits={nom: refus.message}, status=409)
    for message in messages_du_refus(refus):  # en tête du formulaire, même ceux qui nomment un champ
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
            user=request.user,
            notes=form.notes(),
            commentaire=form.cleaned_data["commentaire"],
            annotation_privee=form.cleaned_data["annotation_privee"],
            version_lue=form.cleaned_data["version_lue"],
        )
    except (ValidationError, Conflit) as refus:
        actuel = candidature.avis.filter(evaluateur=request.user).first()
        form = AvisForm(avec_version(request, actuel.version if actuel else 0), criteres=criteres)
        form.is_valid()
        return repli(request, candidature, "avis", form, refus)
    messages.success(request, "Votre avis est enregistré.")
    return redirect("appels:instruction:candidature", pk=candidature.pk)


def poster_decision(request, candidature):
    if not autorise(request.user, Regle.DECIDER):  # la DREETS lit la décision, elle ne la prend pas
        raise PermissionDenied(instruction.MESSAGE_DECISION_ARS)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return page_dossier(request, candidature, forms={"decision": form}, status=400)
    try:
        decision = instruction.decider(candidature=candidature, user=request.user, **champs_de_la_decision(form))
    except (ValidationError, Conflit) as refus:
        actuelle = Decision.objects.filter(candidature=candidature).first()
        form = DecisionForm(avec_version(request, actuelle.version if actuelle else 0))
        form.is_valid()
        return repli(request, candidature, "decision", form, refus)
    messages.success(
        request, f"Décision enregistrée : {decision.get_nature_display().lower()}. L'opérateur est prévenu."
    )
    return redirect("appels:instruction:candidature", pk=candidature.pk)


def champs_de_la_decision(form) -> dict:
    """Les champs que le service reçoit, nommés : un champ ajouté au formulaire ne s'y glisse pas à son insu."""
    noms = ("nature", "type_propose", "motif", "montant_retenu", "capacite_retenue", "version_lue")
    return {nom: form.cleaned_data[nom] for nom in noms}


def poster_complement(request, candidature):
    form = ComplementForm(request.POST)
    if not form.is_valid():
        return page_dossier(request, candidature, forms={"complement": form}, status=400)
    try:
        instruction.demander_complement(
            candidature=candidature, user=request.user, message=form.cleaned_data["message"]
        )
    except (ValidationError, Conflit) as refus:
        return repli(request, candidature, "complement", form, refus)
    messages.success(request, "Demande de complément envoyée : la candidature est « à compléter ».")
    return redirect("appels:instruction:candidature", pk=candidature.pk)


def _export(request, reference, extension: str):
    """L'appel (avec ce que lisent les colonnes de la lettre), ses dossiers, sa grille et la réponse à remplir."""
    appel = appel_instruit(request, reference)
    appel = Appel.objects.prefetch_related("types_cibles", "types_exclus", "territoires").get(pk=appel.pk)
    reponse = reponse_fichier(f"instruction-{appel.reference}-{timezone.localdate():%Y-%m-%d}.{extension}")
    return appel, dossiers(appel, types_par_code()), list(appel.criteres.all()), reponse


@acces(Regle.INSTRUIRE)
def export_csv(request, reference):
    appel, liste, criteres, reponse = _export(request, reference, "csv")
    exports.ecrire_csv(reponse, appel, liste, criteres)
    return reponse


@acces(Regle.INSTRUIRE)
def export_xlsx(request, reference):
    appel, liste, criteres, reponse = _export(request, reference, "xlsx")
    exports.ecrire_xlsx(reponse, appel, liste, criteres)
    return reponse


@acces(Regle.INSTRUIRE)
def pieces(request, reference):
    """Construit en mémoire : la réponse ne tient aucun fichier ouvert, même si personne ne la lit jusqu'au bout.
    Un accusé pas encore enregistré y est rendu sur place, sans rien écrire."""
    appel = appel_instruit(request, reference)
    reponse = reponse_fichier(f"pieces-{appel.reference}-{timezone.localdate():%Y-%m-%d}.zip")
    exports.archive_pieces(reponse, appel, dossiers(appel, types_par_code()))
    return reponse


# Côté opérateur


@acces(Regle.DEPOSER)
def complement_de_candidature(request, pk):
    """Depuis « Mes candidatures » : la demande en attente de la candidature (ou la dernière)."""
    candidature = get_object_or_404(Candidature.objects.pour_operateur(request.user), pk=pk)
    demande = candidature.complements.en_attente().last() or candidature.complements.last()
    if demande is None:
        raise Http404("Aucune demande de complément pour cette candidature.")
    return redirect("appels:instruction:repondre", pk=demande.pk)


@acces(Regle.DEPOSER)
def repondre(request, pk):
    """L'opérateur lit la demande de l'ARS et y répond ; une réponse confirmée ne se modifie plus."""
    demandes = DemandeComplement.objects.filter(candidature__in=Candidature.objects.pour_operateur(request.user))
    demande = get_object_or_404(demandes.select_related("candidature__appel__region", "candidature__organisme"), pk=pk)
    form = ReponseComplementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reponse, confirmee = form.cleaned_data["reponse"], form.cleaned_data["confirmee"]
            instruction.repondre_complement(demande=demande, user=request.user, reponse=reponse, confirmee=confirmee)
        except ValidationError as refus:
            for message in refus.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Réponse envoyée à l'ARS : l'instruction de votre candidature reprend.")
            return redirect("appels:candidatures:mes_candidatures")
    contexte = {"demande": demande, "candidature": demande.candidature, "form": form}
    return render(
        request, "appels/instruction/repondre.html", contexte, status=400 if request.method == "POST" else 200
    )
