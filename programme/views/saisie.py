"""La saisie du programme par les planificateurs de la région : une action (et son statut), un jalon, une revue
annuelle. Chaque formulaire appelle son service, qui refuse (message sur le champ, 400) ou signale un conflit (409,
rien d'écrasé, la saisie reste à l'écran avec la version qui vient d'être lue)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from commun.saisie import formulaire, saisir
from config.policy import Regle, acces, feuilles_de_route_pilotees
from programme.forms import ActionForm, JalonForm, RevueForm
from programme.models import Action, Jalon, RevueAnnuelle
from programme.services import enregistrer_action, enregistrer_jalon, enregistrer_revue


def feuille_pilotee(request, pk):
    return get_object_or_404(feuilles_de_route_pilotees(request.user).select_related("region"), pk=pk)


def action_pilotee(request, pk) -> Action:
    actions = Action.objects.filter(feuille_de_route__in=feuilles_de_route_pilotees(request.user))
    return get_object_or_404(actions.select_related("feuille_de_route__region"), pk=pk)


@acces(Regle.PILOTER_PROGRAMME)
def nouvelle_action(request, pk):
    feuille = feuille_pilotee(request, pk)
    form = formulaire(ActionForm, request, {"axe": feuille.axes.first()}, feuille=feuille)
    return saisir(
        request,
        "programme/saisie_action.html",
        {"feuille": feuille, "action": None},
        form,
        lambda valeurs: action_enregistree(request, feuille, None, valeurs),
    )


@acces(Regle.PILOTER_PROGRAMME)
def modifier_action(request, pk):
    action = action_pilotee(request, pk)
    feuille = action.feuille_de_route
    initial = {
        champ: getattr(action, champ) for champ in ("axe", "intitule", "objectif", "porteur", "statut", "version")
    }
    for relation in ("territoires", "types", "cibles", "appels", "dispositifs"):
        initial[relation] = list(getattr(action, relation).values_list("pk", flat=True))
    form = formulaire(ActionForm, request, initial, feuille=feuille)
    return saisir(
        request,
        "programme/saisie_action.html",
        {"feuille": feuille, "action": action},
        form,
        lambda valeurs: action_enregistree(request, feuille, action, valeurs),
    )


def action_enregistree(request, feuille, action, valeurs):
    version = valeurs.pop("version")
    action = enregistrer_action(
        user=request.user, feuille=feuille, action=action, valeurs=valeurs, version_lue=version
    )
    messages.success(request, f"Action « {action.intitule} » enregistrée ({action.get_statut_display().lower()}).")
    return redirect("programme:action", pk=action.pk)


@acces(Regle.PILOTER_PROGRAMME)
def nouveau_jalon(request, pk):
    action = action_pilotee(request, pk)
    form = formulaire(JalonForm, request, {"version": action.version})
    return saisir(
        request,
        "programme/saisie_jalon.html",
        {"action": action, "jalon": None},
        form,
        lambda valeurs: jalon_enregistre(request, action, None, valeurs),
    )


@acces(Regle.PILOTER_PROGRAMME)
def modifier_jalon(request, pk):
    jalons = Jalon.objects.filter(action__feuille_de_route__in=feuilles_de_route_pilotees(request.user))
    jalon = get_object_or_404(jalons.select_related("action"), pk=pk)
    initial = {champ: getattr(jalon, champ) for champ in ("echeance", "date", "libelle")}
    initial |= {"atteint": {True: "oui", False: "non"}.get(jalon.atteint, ""), "version": jalon.action.version}
    form = formulaire(JalonForm, request, initial)
    return saisir(
        request,
        "programme/saisie_jalon.html",
        {"action": jalon.action, "jalon": jalon},
        form,
        lambda valeurs: jalon_enregistre(request, jalon.action, jalon, valeurs),
    )


def jalon_enregistre(request, action, jalon, valeurs):
    version = valeurs.pop("version")
    jalon = enregistrer_jalon(user=request.user, action=action, jalon=jalon, valeurs=valeurs, version_lue=version)
    messages.success(request, f"Jalon « {jalon.libelle} » enregistré.")
    return redirect("programme:action", pk=action.pk)


@acces(Regle.PILOTER_PROGRAMME)
def nouvelle_revue(request, pk):
    feuille = feuille_pilotee(request, pk)
    form = formulaire(RevueForm, request, actions=feuille.actions.select_related("axe"))
    return saisir(
        request,
        "programme/saisie_revue.html",
        {"feuille": feuille, "revue": None},
        form,
        lambda valeurs: revue_enregistree(request, feuille, None, form),
    )


@acces(Regle.PILOTER_PROGRAMME)
def modifier_revue(request, pk):
    revues = RevueAnnuelle.objects.filter(feuille_de_route__in=feuilles_de_route_pilotees(request.user))
    revue = get_object_or_404(revues.select_related("feuille_de_route__region"), pk=pk)
    feuille = revue.feuille_de_route
    initial = {champ: getattr(revue, champ) for champ in ("annee", "date", "instance", "decisions", "version")}
    for avancement in revue.avancements.all():
        initial[f"avancement_{avancement.action_id}"] = avancement.avancement
        initial[f"pourcentage_{avancement.action_id}"] = avancement.pourcentage
    form = formulaire(RevueForm, request, initial, actions=feuille.actions.select_related("axe"))
    return saisir(
        request,
        "programme/saisie_revue.html",
        {"feuille": feuille, "revue": revue},
        form,
        lambda valeurs: revue_enregistree(request, feuille, revue, form),
    )


def revue_enregistree(request, feuille, revue, form):
    valeurs = {champ: form.cleaned_data[champ] for champ in ("annee", "date", "instance", "decisions")}
    revue = enregistrer_revue(
        user=request.user,
        feuille=feuille,
        revue=revue,
        valeurs=valeurs,
        avancements=form.avancements(),
        version_lue=form.cleaned_data["version"],
    )
    messages.success(request, f"Revue {revue.annee} enregistrée.")
    return redirect("programme:revue", pk=revue.pk)
