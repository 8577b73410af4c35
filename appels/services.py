"""Écritures métier des appels : chaque changement d'état vérifie l'état de départ dans l'UPDATE."""

from django.db import transaction
from django.utils import timezone

from appels.models import Appel, Critere, StatutAppel


class TransitionImpossible(Exception):
    pass


@transaction.atomic
def publier_appel(*, appel: Appel) -> Appel:
    """Publie un brouillon ; refuse un appel sans type visé, sans grille ou déjà publié."""
    if not appel.types_cibles.exists():
        raise TransitionImpossible("Indiquez au moins un type de dispositif visé avant de publier.")
    if appel.nature != "ami" and not appel.criteres.exists():
        raise TransitionImpossible("Un appel à projets ou à candidatures a besoin d'une grille de notation.")
    publies = Appel.objects.filter(pk=appel.pk, statut=StatutAppel.BROUILLON).update(statut=StatutAppel.PUBLIE)
    if not publies:
        raise TransitionImpossible("Seul un brouillon peut être publié.")
    appel.refresh_from_db()
    return appel


@transaction.atomic
def enregistrer_appel(*, form, formset) -> Appel:
    """Enregistre un brouillon (nouveau ou modifié) et sa grille de notation, critères numérotés dans l'ordre
    de saisie ; refuse un appel publié entre-temps."""
    appel = form.instance
    if appel.pk and not Appel.objects.select_for_update().filter(pk=appel.pk, statut=StatutAppel.BROUILLON).exists():
        raise TransitionImpossible("Cet appel n'est plus un brouillon : il ne peut plus être modifié.")
    appel = form.save()
    formset.instance = appel
    formset.save()
    numeroter_criteres([f.instance for f in formset.forms if f.instance.pk and f not in formset.deleted_forms])
    return appel


def numeroter_criteres(criteres: list[Critere]) -> None:
    for ordre, critere in enumerate(criteres):
        critere.ordre = ordre
    Critere.objects.bulk_update(criteres, ["ordre"])


def proposer_depuis_ecarts(*, region, horizon, types=(), territoire=None) -> dict:
    """Les valeurs initiales d'un appel qui comble les écarts du tableau de planification.

    Types : ceux dont l'écart (cible − autorisés − perspectives) est positif ; territoires : ceux où une
    cible porte cet écart (vide : toute la région) ; enveloppe : Σ écart × coût annuel de référence, pour
    les types dont on connaît ce coût — les autres sont signalés dans la présentation, à chiffrer.
    """
    from planification.calcul import calculer_planification

    tableau = calculer_planification(
        region=region, horizon=horizon, date=timezone.localdate(), types=list(types), territoire=territoire
    )
    ecarts = [ligne for ligne in tableau.lignes if ligne.ecart and ligne.ecart > 0]
    chiffres = [ligne for ligne in ecarts if ligne.type.cout_annuel_unitaire]
    a_chiffrer = sorted({ligne.type.sigle for ligne in ecarts if not ligne.type.cout_annuel_unitaire})
    enveloppe = sum(ligne.ecart * ligne.type.cout_annuel_unitaire for ligne in chiffres)
    resume = ", ".join(
        f"{ligne.type.sigle} {ligne.ecart.normalize():f} {ligne.type.get_unite_display()} ({ligne.territoire.nom})"
        for ligne in ecarts
    )
    description = (
        f"Appel proposé depuis le tableau de planification ({horizon.libelle}) pour combler les écarts : "
        f"{resume or 'aucun'}."
    )
    if a_chiffrer:
        description += f" Coût de référence inconnu pour {', '.join(a_chiffrer)} : enveloppe à compléter."
    return {
        "region": region,
        "horizon": horizon,
        "types_cibles": sorted({ligne.type.pk for ligne in ecarts}),
        "territoires": sorted({ligne.territoire.pk for ligne in ecarts if ligne.territoire != region}),
        "enveloppe": enveloppe or None,
        "description": description,
    }
