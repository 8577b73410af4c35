"""Les organismes gestionnaires (/organismes/) : liste, fiche, création et modification.

Tous les rôles connectés lisent ; un opérateur ne voit que ses organismes, un agent voit chaque organisme mais,
sur sa fiche, seulement ce qui est dans sa région (`dispositifs_visibles`). Le planificateur écrit pour les
organismes de sa région (`organismes_geres`), l'administrateur pour tous."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from dsfr.utils import list_pages

from appels.models import Candidature, StatutCandidature
from commun.erreurs import Conflit
from comptes.models import Role
from config.policy import (
    Regle,
    acces,
    autorise,
    candidatures_visibles,
    dispositifs_visibles,
    organismes_geres,
    organismes_visibles,
)
from dispositifs.forms import OrganismeForm, RechercheOrganismesForm
from dispositifs.organismes import compacter, creer_organisme, modifier_organisme
from financements.models import Credit

PAR_PAGE = 50


@acces(Regle.CONSULTER_OFFRE)
def liste(request):
    """Les organismes visibles, cherchés par nom, SIREN ou FINESS juridique, avec le nombre de leurs dispositifs
    que l'utilisateur voit (sous-requête) : le compte, puis la page, quel que soit le volume."""
    recherche = RechercheOrganismesForm(request.GET)
    organismes = organismes_visibles(request.user).with_nb_dispositifs(dispositifs_visibles(request.user))
    if recherche.is_valid() and (texte := recherche.cleaned_data["q"].strip()):
        numero = compacter(texte)
        organismes = organismes.filter(Q(nom__icontains=texte) | Q(siren=numero) | Q(finess_juridique=numero))
    page = Paginator(organismes.order_by("nom", "pk"), PAR_PAGE).get_page(request.GET.get("page"))
    if page.has_other_pages():
        list_pages(page)
    contexte = {"recherche": recherche, "page_obj": page, "peut_gerer": autorise(request.user, Regle.GERER_OFFRE)}
    return render(request, "dispositifs/organismes/liste.html", contexte, status=200 if recherche.is_valid() else 400)


@acces(Regle.CONSULTER_OFFRE)
def detail(request, pk):
    """La fiche : identité, membres, dispositifs, lettres d'intention et crédits, chacun lu en une requête."""
    organisme = get_object_or_404(organismes_visibles(request.user), pk=pk)
    user = request.user
    dispositifs = dispositifs_visibles(user).filter(organisme=organisme)
    contexte = {
        "organisme": organisme,
        "membres": organisme.membres.filter(role=Role.OPERATEUR).order_by("last_name", "first_name", "email"),
        "dispositifs": dispositifs.for_liste().order_by("type__ordre", "nom", "pk"),
        "candidatures": candidatures_de(user, organisme),
        "credits": Credit.objects.filter(dispositif__in=dispositifs).select_related("dispositif"),
        "peut_modifier": organismes_geres(user).filter(pk=organisme.pk).exists(),
        "peut_inviter": autorise(user, Regle.GERER_OPERATEURS),
        "instruit": autorise(user, Regle.INSTRUIRE),
    }
    return render(request, "dispositifs/organismes/detail.html", contexte)


def candidatures_de(user, organisme):
    """Ses lettres d'intention : toutes pour son opérateur ; pour un agent, celles déposées aux appels qu'il
    instruit (un brouillon reste à l'organisme)."""
    candidatures = Candidature.objects.filter(organisme=organisme).select_related("appel").order_by("-created_at")
    if user.role == Role.OPERATEUR:
        return candidatures
    return candidatures_visibles(user, candidatures).exclude(statut=StatutCandidature.BROUILLON)


@acces(Regle.GERER_OFFRE)
def creer(request):
    form = OrganismeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisme = creer_organisme(valeurs=form.valeurs())
        except ValidationError as refus:
            form.add_error(None, refus)
        else:
            messages.success(request, f"Organisme « {organisme.nom} » créé.")
            return redirect("dispositifs:organismes:detail", pk=organisme.pk)
    return page_formulaire(request, form, status=400 if form.errors else 200)


@acces(Regle.GERER_OFFRE)
def modifier(request, pk):
    """Un organisme qu'on voit sans le gérer (d'une autre région) : 403 ; invisible : 404."""
    organisme = get_object_or_404(organismes_visibles(request.user), pk=pk)
    if not organismes_geres(request.user).filter(pk=organisme.pk).exists():
        raise PermissionDenied("Cet organisme n'a de dispositif que dans d'autres régions.")
    form = OrganismeForm(request.POST or None, instance=organisme, initial={"version_lue": organisme.version})
    if request.method != "POST" or not form.is_valid():
        return page_formulaire(request, form, status=400 if form.errors else 200)
    try:
        organisme = modifier_organisme(
            organisme=organisme, valeurs=form.valeurs(), version_lue=form.cleaned_data["version_lue"]
        )
    except ValidationError as refus:
        form.add_error(None, refus)
        return page_formulaire(request, form, status=400)
    except Conflit as conflit:
        return page_conflit(request, form, conflit)
    messages.success(request, f"Organisme « {organisme.nom} » enregistré.")
    return redirect("dispositifs:organismes:detail", pk=organisme.pk)


def page_conflit(request, form, conflit: Conflit):
    """La saisie reste à l'écran avec la version qui vient d'être lue : l'envoyer à nouveau, après vérification,
    l'enregistre (sinon la version d'avant relancerait le même conflit)."""
    donnees = request.POST.copy()
    donnees["version_lue"] = conflit.actuel.version if conflit.actuel else 0
    form = OrganismeForm(donnees, instance=form.instance)
    return page_formulaire(request, form, status=409, conflit=conflit.message)


def page_formulaire(request, form, *, status: int, conflit: str = ""):
    doublons = [e for erreurs in form.errors.as_data().values() for e in erreurs if e.code == "doublon"]
    contexte = {"form": form, "organisme": form.instance, "conflit": conflit, "doublons": doublons}
    return render(request, "dispositifs/organismes/formulaire.html", contexte, status=status)
