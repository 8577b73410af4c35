"""Le cycle d'une déclaration mensuelle : saisie, transmission à l'ARS, validation ou renvoi.

Chaque changement d'état vérifie l'état de départ dans l'UPDATE : deux clics ne valident jamais deux fois.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from indicateurs import calendrier
from indicateurs.models import Declaration, Derogation, Indicateur, StatutDeclaration, Valeur
from indicateurs.regles import erreurs_de_coherence, valeurs_inhabituelles
from indicateurs.tasks import agreger_mois

MODIFIABLES = (StatutDeclaration.BROUILLON, StatutDeclaration.RENVOYEE)


@dataclass
class Refus(Exception):
    """Ce qui empêche l'enregistrement, par code d'indicateur (ou « __all__ »), en français."""

    erreurs: dict[str, str]


def indicateurs_du_dispositif(dispositif):
    """Les indicateurs à déclarer pour ce type de dispositif ; les taux se calculent, ils ne se saisissent pas."""
    return Indicateur.objects.saisis().filter(types=dispositif.type_id)


@dataclass
class Conflit(Refus):
    """La déclaration a changé depuis qu'elle a été lue (autre onglet, autre personne, import) : rien n'est écrasé."""


@transaction.atomic
def enregistrer_declaration(
    *,
    dispositif,
    mois,
    valeurs: dict,
    commentaires: dict | None = None,
    version_lue: int | None = None,
    aujourd_hui=None,
) -> Declaration:
    """Enregistre les valeurs d'un mois (brouillon) ; tout ou rien, avec toutes les erreurs d'un coup.

    `version_lue` : la version affichée à l'opérateur (0 pour un mois encore vide) ; None l'omet (scripts).
    Chaque enregistrement incrémente la version : un formulaire périmé reçoit un Conflit.
    """
    commentaires = commentaires or {}
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    if fermeture := calendrier.raison_de_fermeture(mois, dispositif, aujourd_hui):
        raise Refus({"__all__": fermeture})
    declaration, creee = Declaration.objects.select_for_update().get_or_create(dispositif=dispositif, mois=mois)
    _verifier_version(declaration, 0 if creee else declaration.version, version_lue)
    if declaration.statut not in MODIFIABLES:
        raise Refus({"__all__": f"Déclaration {declaration.get_statut_display().lower()} : elle ne se modifie plus."})
    attendus = {i.code: i for i in indicateurs_du_dispositif(dispositif)}
    _refuser_si_erreurs(dispositif, mois, valeurs, commentaires, attendus)
    for code, valeur in valeurs.items():
        if valeur is None:
            Valeur.objects.filter(declaration=declaration, indicateur=attendus[code]).delete()
            continue
        Valeur.objects.update_or_create(
            declaration=declaration,
            indicateur=attendus[code],
            defaults={"valeur": Decimal(valeur), "commentaire": commentaires.get(code, "")},
        )
    Declaration.objects.filter(pk=declaration.pk).update(version=F("version") + 1)
    declaration.refresh_from_db()
    return declaration


def _verifier_version(declaration, version_actuelle: int, version_lue: int | None):
    if version_lue is not None and version_lue != version_actuelle:
        raise Conflit(
            {
                "__all__": "Cette déclaration a été modifiée depuis que vous l'avez ouverte (autre onglet, autre "
                "personne ou import). Vos valeurs ne sont pas enregistrées : rechargez la page pour voir la "
                "version actuelle, puis saisissez à nouveau vos changements."
            }
        )


def _refuser_si_erreurs(dispositif, mois, valeurs, commentaires, attendus):
    """Toutes les erreurs de la saisie à la fois, par code d'indicateur : incohérences, nature, valeurs
    inhabituelles sans commentaire."""
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


@transaction.atomic
def enregistrer_et_transmettre(**arguments) -> Declaration:
    """Le bouton « Transmettre à l'ARS » : enregistre ce qui est saisi puis transmet, tout ou rien."""
    return transmettre(declaration=enregistrer_declaration(**arguments), aujourd_hui=arguments.get("aujourd_hui"))


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


def transmettre(*, declaration, aujourd_hui=None) -> Declaration:
    aujourd_hui = aujourd_hui or calendrier.aujourd_hui()
    if fermeture := calendrier.raison_de_fermeture(declaration.mois, declaration.dispositif, aujourd_hui):
        raise Refus({"__all__": fermeture})
    if not declaration.valeurs.exists():
        raise Refus({"__all__": "Aucune valeur saisie : rien à transmettre."})
    return _changer_statut(declaration, MODIFIABLES, StatutDeclaration.TRANSMISE, transmise_le=timezone.now())


def valider(*, declaration, par) -> Declaration:
    declaration = _changer_statut(
        declaration,
        [StatutDeclaration.TRANSMISE],
        StatutDeclaration.VALIDEE,
        validee_le=timezone.now(),
        validee_par=par,
    )
    # Le worker recalcule ce que cette validation change, une fois la validation enregistrée.
    dispositif, mois = declaration.dispositif, declaration.mois.isoformat()
    transaction.on_commit(lambda: agreger_mois.delay(dispositif.type_id, mois, dispositif.territoire_id))
    return declaration


@transaction.atomic
def renvoyer(*, declaration, motif: str) -> Declaration:
    """Renvoie la déclaration à l'opérateur avec ce qu'il doit corriger ; il en est averti par courriel."""
    if not motif.strip():
        raise Refus({"motif": "Dites à l'opérateur ce qu'il doit corriger."})
    declaration = _changer_statut(
        declaration, [StatutDeclaration.TRANSMISE], StatutDeclaration.RENVOYEE, motif_renvoi=motif.strip()
    )
    transaction.on_commit(lambda: notifier_operateur(declaration, "renvoi"))
    return declaration


def notifier_operateur(declaration, gabarit: str):
    """Courriel aux comptes actifs de l'organisme du dispositif (gabarit « renvoi » ou « validation »)."""
    dispositif = declaration.dispositif
    destinataires = [m.email for m in dispositif.organisme.membres.filter(is_active=True)]
    if not destinataires:
        return
    contexte = {"declaration": declaration, "dispositif": dispositif}
    send_mail(
        render_to_string(f"indicateurs/email/{gabarit}_subject.txt", contexte).strip(),
        render_to_string(f"indicateurs/email/{gabarit}_body.txt", contexte),
        None,
        destinataires,
    )


def accorder_derogation(*, dispositif, mois, jusqu_au, motif: str, par) -> Derogation:
    """Rouvre un mois verrouillé pour un dispositif jusqu'à une date ; une nouvelle dérogation remplace la
    précédente du même mois."""
    erreurs = {}
    if not motif.strip():
        erreurs["motif"] = "Indiquez pourquoi ce mois est rouvert."
    if jusqu_au < calendrier.aujourd_hui():
        erreurs["jusqu_au"] = "La date de fin est déjà passée."
    if erreurs:
        raise Refus(erreurs)
    derogation, _ = Derogation.objects.update_or_create(
        dispositif=dispositif, mois=mois, defaults={"jusqu_au": jusqu_au, "motif": motif.strip(), "accordee_par": par}
    )
    return derogation
