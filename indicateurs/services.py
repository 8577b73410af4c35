"""Le cycle d'une déclaration mensuelle : saisie, transmission à l'ARS, validation ou renvoi.

Chaque changement d'état vérifie l'état de départ dans l'UPDATE : deux clics ne valident jamais deux fois.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from indicateurs.models import Declaration, Indicateur, StatutDeclaration, Valeur
from indicateurs.regles import erreurs_de_coherence, valeurs_inhabituelles

MODIFIABLES = (StatutDeclaration.BROUILLON, StatutDeclaration.RENVOYEE)


@dataclass
class Refus(Exception):
    """Ce qui empêche l'enregistrement, par code d'indicateur (ou « __all__ »), en français."""

    erreurs: dict[str, str]


def indicateurs_du_dispositif(dispositif):
    """Les indicateurs à déclarer pour ce type de dispositif ; les taux se calculent, ils ne se saisissent pas."""
    return Indicateur.objects.filter(actif=True, types=dispositif.type_id).exclude(agregation="taux")


@transaction.atomic
def enregistrer_declaration(*, dispositif, mois, valeurs: dict, commentaires: dict | None = None) -> Declaration:
    """Enregistre les valeurs d'un mois (brouillon) ; tout ou rien, avec toutes les erreurs d'un coup."""
    commentaires = commentaires or {}
    declaration, _ = Declaration.objects.select_for_update().get_or_create(dispositif=dispositif, mois=mois)
    if declaration.statut not in MODIFIABLES:
        raise Refus({"__all__": f"Déclaration {declaration.get_statut_display().lower()} : elle ne se modifie plus."})
    attendus = {i.code: i for i in indicateurs_du_dispositif(dispositif)}
    erreurs = {
        code: "Cet indicateur ne concerne pas ce type de dispositif." for code in valeurs if code not in attendus
    }
    erreurs |= erreurs_de_coherence(valeurs)
    erreurs |= {
        code: f"{attendus[code].libelle} : un nombre entier est attendu."
        for code, valeur in valeurs.items()
        if code in attendus and valeur is not None and attendus[code].nature_valeur == "entier" and valeur % 1
    }
    alertes = valeurs_inhabituelles(valeurs, historique(dispositif, mois))
    erreurs |= {code: message for code, message in alertes.items() if not commentaires.get(code)}
    if erreurs:
        raise Refus(erreurs)
    for code, valeur in valeurs.items():
        if valeur is None:
            Valeur.objects.filter(declaration=declaration, indicateur=attendus[code]).delete()
            continue
        Valeur.objects.update_or_create(
            declaration=declaration,
            indicateur=attendus[code],
            defaults={"valeur": Decimal(valeur), "commentaire": commentaires.get(code, "")},
        )
    return declaration


def historique(dispositif, mois) -> dict[str, list[Decimal]]:
    """Les valeurs validées des douze mois précédents, par indicateur : l'habitude du dispositif."""
    debut = mois.replace(year=mois.year - 1)
    lignes = Valeur.objects.filter(
        declaration__dispositif=dispositif,
        declaration__statut=StatutDeclaration.VALIDEE,
        declaration__mois__gte=debut,
        declaration__mois__lt=mois,
    ).values_list("indicateur__code", "valeur")
    passe: dict[str, list[Decimal]] = {}
    for code, valeur in lignes:
        passe.setdefault(code, []).append(valeur)
    return passe


def _changer_statut(declaration, depuis, vers, **champs) -> Declaration:
    changees = Declaration.objects.filter(pk=declaration.pk, statut__in=depuis).update(statut=vers, **champs)
    if not changees:
        declaration.refresh_from_db()
        raise Refus({"__all__": f"Déclaration déjà « {declaration.get_statut_display().lower()} »."})
    declaration.refresh_from_db()
    return declaration


def transmettre(*, declaration) -> Declaration:
    if not declaration.valeurs.exists():
        raise Refus({"__all__": "Aucune valeur saisie : rien à transmettre."})
    return _changer_statut(declaration, MODIFIABLES, StatutDeclaration.TRANSMISE, transmise_le=timezone.now())


def valider(*, declaration, par) -> Declaration:
    return _changer_statut(
        declaration,
        [StatutDeclaration.TRANSMISE],
        StatutDeclaration.VALIDEE,
        validee_le=timezone.now(),
        validee_par=par,
    )


def renvoyer(*, declaration, motif: str) -> Declaration:
    if not motif.strip():
        raise Refus({"motif": "Dites à l'opérateur ce qu'il doit corriger."})
    return _changer_statut(
        declaration, [StatutDeclaration.TRANSMISE], StatutDeclaration.RENVOYEE, motif_renvoi=motif.strip()
    )
