"""Les pages de lecture du programme : la liste des actions d'une région par feuille de route et par axe, la fiche
d'une feuille de route (ses actions, ses revues), la fiche d'une action, et la revue annuelle en page et en PDF."""

from dataclasses import dataclass, field

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from commun.pdf import render_pdf
from config.policy import Regle, acces, feuilles_de_route_pilotees, feuilles_de_route_visibles, regions_visibles
from dispositifs.models import TypeDispositif
from financements.views.budget import region_par_defaut
from planification.calcul import ecarts_aux_cibles
from programme.forms import FiltresProgrammeForm
from programme.models import Action, FeuilleDeRoute, RevueAnnuelle
from territoires.models import Territoire


@dataclass
class Groupe:
    """Une feuille de route et ses actions, rangées par axe (dans l'ordre où elles viennent)."""

    feuille: FeuilleDeRoute
    axes: dict = field(default_factory=dict)

    def ajouter(self, action):
        self.axes.setdefault(action.axe, []).append(action)


def grouper(actions) -> list[Groupe]:
    groupes: dict[int, Groupe] = {}
    for action in actions:
        groupes.setdefault(action.feuille_de_route_id, Groupe(action.feuille_de_route)).ajouter(action)
    return list(groupes.values())


def filtres_du_programme(request) -> FiltresProgrammeForm:
    """La région demandée (par défaut celle de l'utilisateur ; 404 hors de son périmètre) et les choix des filtres,
    lus dans cette région."""
    regions = list(regions_visibles(request.user).order_by("nom"))
    codes = [r.code for r in regions]
    donnees = request.GET.copy()
    donnees["region"] = request.GET.get("region") or region_par_defaut(request.user, codes)
    if donnees["region"] not in codes:
        raise Http404("Aucune région de ce code dans votre périmètre.")
    region = next(r for r in regions if r.code == donnees["region"])
    return FiltresProgrammeForm(
        donnees,
        regions=regions,
        feuilles=FeuilleDeRoute.objects.filter(region=region),
        types=TypeDispositif.objects.order_by("ordre", "sigle"),
        territoires=Territoire.objects.descendants(region, inclus=True),
    )


@acces(Regle.CONSULTER_PLANIFICATION)
def programme(request):
    """Les axes et actions des feuilles de route d'une région, filtrés par feuille, type, statut et territoire."""
    form = filtres_du_programme(request)
    if not form.is_valid():
        return render(request, "programme/programme.html", {"form": form, "groupes": []}, status=400)
    region = form.regions[form.cleaned_data["region"]]
    choix = form.cleaned_data
    actions = (
        Action.objects.dans_les_regions([region])
        .with_details()
        .filtrer(
            feuille=FeuilleDeRoute.objects.filter(region=region, slug=choix["feuille"]).first()
            if choix["feuille"]
            else None,
            type_=TypeDispositif.objects.filter(code=choix["type"]).first() if choix["type"] else None,
            statut=choix["statut"],
            territoire=Territoire.objects.filter(chemin__startswith=region.chemin, code=choix["territoire"]).first()
            if choix["territoire"]
            else None,
        )
    )
    contexte = {
        "form": form,
        "region": region,
        "groupes": grouper(actions),
        "feuilles": FeuilleDeRoute.objects.filter(region=region).with_nb_actions(),
        "filtre_actif": any(choix[nom] for nom in ("feuille", "type", "statut", "territoire")),
    }
    return render(request, "programme/programme.html", contexte)


@acces(Regle.CONSULTER_PLANIFICATION)
def feuille_de_route(request, pk):
    feuille = get_object_or_404(feuilles_de_route_visibles(request.user).with_nb_actions(), pk=pk)
    actions = Action.objects.filter(feuille_de_route=feuille).with_details()
    contexte = {
        "feuille": feuille,
        "groupes": grouper(actions),
        "revues": feuille.revues.all(),
        "peut_piloter": feuilles_de_route_pilotees(request.user).filter(pk=feuille.pk).exists(),
    }
    return render(request, "programme/feuille_de_route.html", contexte)


def action_visible(request, pk) -> Action:
    actions = Action.objects.filter(feuille_de_route__in=feuilles_de_route_visibles(request.user))
    return get_object_or_404(actions.with_details(), pk=pk)


@acces(Regle.CONSULTER_PLANIFICATION)
def action(request, pk):
    """La fiche d'une action ; l'écart de chaque cible liée est celui du tableau de planification (calcul.py)."""
    action = action_visible(request, pk)
    contexte = {
        "action": action,
        "cibles": cibles_et_ecarts(action),
        "avancements": action.avancements.select_related("revue").order_by("-revue__annee"),
        "peut_piloter": feuilles_de_route_pilotees(request.user).filter(pk=action.feuille_de_route_id).exists(),
    }
    return render(request, "programme/action.html", contexte)


def cibles_et_ecarts(action) -> list[dict]:
    """Chaque cible liée, avec l'écart aujourd'hui lu dans la ligne du tableau de planification de son territoire (à
    l'horizon des écarts de la région) ; sans écart quand la cible n'est pas de cet horizon."""
    resultat = []
    for cible in action.cibles.all():
        plan = ecarts_aux_cibles(cible.territoire, date=timezone.localdate(), types=[cible.type.code])
        ligne = next((ligne for ligne in plan.lignes if ligne.cible_id == cible.pk), None) if plan else None
        resultat.append({"cible": cible, "ligne": ligne})
    return resultat


def revue_visible(request, pk) -> RevueAnnuelle:
    revues = RevueAnnuelle.objects.filter(feuille_de_route__in=feuilles_de_route_visibles(request.user))
    return get_object_or_404(revues.select_related("feuille_de_route__region", "feuille_de_route__territoire"), pk=pk)


def contexte_de_revue(revue) -> dict:
    """La revue et une ligne par action de sa feuille de route, avec son avancement s'il est saisi."""
    avancements = {a.action_id: a for a in revue.avancements.all()}
    actions = (
        Action.objects.filter(feuille_de_route=revue.feuille_de_route).select_related("axe").prefetch_related("jalons")
    )
    lignes = [{"action": a, "avancement": avancements.get(a.pk)} for a in actions]
    return {"revue": revue, "feuille": revue.feuille_de_route, "lignes": lignes, "edite_le": timezone.localdate()}


@acces(Regle.CONSULTER_PLANIFICATION)
def revue(request, pk):
    revue = revue_visible(request, pk)
    contexte = contexte_de_revue(revue)
    contexte["peut_piloter"] = feuilles_de_route_pilotees(request.user).filter(pk=revue.feuille_de_route_id).exists()
    return render(request, "programme/revue.html", contexte)


@acces(Regle.CONSULTER_PLANIFICATION)
def revue_pdf(request, pk):
    revue = revue_visible(request, pk)
    pdf = render_pdf("programme/pdf/revue.html", contexte_de_revue(revue))
    reponse = HttpResponse(pdf, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="revue-{revue.feuille_de_route.slug}-{revue.annee}.pdf"'
    return reponse
