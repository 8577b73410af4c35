"""Publication et saisie d'un appel : chaque changement d'état vérifie l'état de départ dans l'UPDATE."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from appels.models import Appel, Critere, Nature, StatutAppel
from commun import pdf_recu
from commun.transitions import passer


@transaction.atomic
def publier_appel(*, appel: Appel) -> Appel:
    """Publie un brouillon ; refuse un appel sans type visé, sans grille ou déjà publié."""
    if not appel.types_cibles.exists():
        message = "Indiquez au moins un type de dispositif visé avant de publier."
        raise ValidationError({"types_cibles": ValidationError(message, code="requis")})
    if appel.nature != Nature.AMI and not appel.criteres.exists():
        raise ValidationError(
            "Un appel à projets ou à candidatures a besoin d'une grille de notation.", code="sans_grille"
        )
    publie = passer(Appel.objects.filter(pk=appel.pk, statut=StatutAppel.BROUILLON), statut=StatutAppel.PUBLIE)
    if publie is None:
        raise ValidationError("Seul un brouillon peut être publié.", code="deja_publie")
    appel.refresh_from_db()
    return appel


@transaction.atomic
def enregistrer_appel(*, form, formset) -> Appel:
    """Enregistre un brouillon (nouveau ou modifié) et sa grille de notation, critères numérotés dans l'ordre
    de saisie ; refuse un appel publié entre-temps."""
    appel = form.instance
    if appel.pk and not Appel.objects.select_for_update().filter(pk=appel.pk, statut=StatutAppel.BROUILLON).exists():
        raise ValidationError("Cet appel n'est plus un brouillon : il ne peut plus être modifié.", code="publie")
    appel = form.save()
    formset.instance = appel
    formset.save()
    _numeroter_criteres([f.instance for f in formset.forms if f.instance.pk and f not in formset.deleted_forms])
    return appel


def _numeroter_criteres(criteres: list[Critere]) -> None:
    for ordre, critere in enumerate(criteres):
        critere.ordre = ordre
    Critere.objects.bulk_update(criteres, ["ordre"])


def cahier_des_charges_controle(fichier) -> ContentFile:
    """Le cahier des charges que dépose l'ARS passe le contrôle des pièces des opérateurs (commun.pdf_recu) : les
    candidats l'ouvrent, il ne doit rien contenir d'actif. On garde sa copie réécrite, nommée par l'empreinte
    SHA-256 du fichier reçu (preuve de ce qui a été déposé, sans colonne de plus dans Appel)."""
    controle = pdf_recu.controler_fichier(fichier)
    return ContentFile(controle.copie, name=f"cahier-{controle.empreinte}.pdf")
