"""Écritures des partenariats : une convention, un contact de l'annuaire, une rencontre bilatérale. Chacune en
transaction, tout ou rien, avec verrou optimiste (version) ; la page et la démonstration passent par ici."""

from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from commun import pdf_recu
from config.policy import (
    conventions_gerees,
    organismes_des_conventions,
    territoires_des_conventions,
    territoires_des_partenariats_geres,
)
from financements.services import refuser_si, verifier_version
from partenariats.models import Contact, Convention, RencontreBilaterale, StatutConvention, Structure
from territoires.models import Niveau


def _enregistrer(modele, objet, version, valeurs: dict, decrire):
    """Crée (objet None) ou modifie l'objet relu verrouillé s'il est encore à la version lue ; sinon Conflit."""
    if objet is not None:
        objet = modele.objects.select_for_update().get(pk=objet.pk)
        verifier_version(objet, version, decrire)
        valeurs["version"] = objet.version + 1
    else:
        objet = modele()
    for champ, valeur in valeurs.items():
        setattr(objet, champ, valeur)
    objet.save()
    return objet


# Les conventions -------------------------------------------------------------------------------------------------


def erreurs_de_convention(*, organisme, dispositif, type_dispositif, statut, signee_le) -> dict:
    erreurs = {}
    if dispositif is not None and dispositif.organisme_id != organisme.pk:
        erreurs["dispositif"] = [ValidationError("Ce dispositif n'est pas porté par l'organisme signataire.")]
    if dispositif is not None and dispositif.type_id != type_dispositif.pk:
        message = f"Ce dispositif est un {dispositif.type.sigle}, pas un {type_dispositif.sigle}."
        erreurs["type_dispositif"] = [ValidationError(message, code="type")]
    if statut == StatutConvention.ACTEE and signee_le is None:
        message = "Une convention actée est signée : indiquez sa date de signature."
        erreurs["signee_le"] = [ValidationError(message, code="date_de_signature")]
    if statut == StatutConvention.PREVUE and signee_le is not None:
        message = "Une convention prévue n'est pas encore signée : laissez la date vide ou choisissez « Actée »."
        erreurs["signee_le"] = [ValidationError(message, code="date_sans_signature")]
    return erreurs


def pdf_controle(fichier) -> dict:
    """Le PDF reçu passe le contrôle des pièces (commun.pdf_recu : PDF piégés refusés) ; on garde sa copie réécrite,
    nommée par l'empreinte du fichier reçu. Un refus vise le champ du fichier."""
    try:
        controle = pdf_recu.controler_fichier(fichier)
    except ValidationError as refus:
        raise ValidationError({"fichier": refus}) from refus
    copie = ContentFile(controle.copie, name=f"convention-{controle.empreinte}.pdf")
    return {"pdf": copie, "pdf_empreinte": controle.empreinte}


def decrire_convention(convention: Convention) -> str:
    return (
        f"Ce partenariat (convention maintenant « {convention.get_statut_display()} », version {convention.version})"
    )


@transaction.atomic
def enregistrer_convention(
    *, user, convention: Convention | None = None, version: int | None = None, fichier=None, **valeurs
) -> Convention:
    """Crée ou modifie une convention (organisme, type_dispositif, dispositif, territoire, partenaire_nom,
    partenaire_categorie, objet, statut, signee_le). Refus : organisme ou convention hors du périmètre de
    l'utilisateur (PermissionDenied), incohérences (ValidationError par champ), PDF piégé ; Conflit si la version
    a changé. Le PDF, s'il y en a un nouveau, remplace l'ancien."""
    if convention is not None and not conventions_gerees(user).filter(pk=convention.pk).exists():
        raise PermissionDenied("Vous ne gérez pas cette convention.")
    if not organismes_des_conventions(user).filter(pk=valeurs["organisme"].pk).exists():
        raise PermissionDenied("Cet organisme n'est pas dans votre périmètre.")
    verifier_territoire(territoires_des_conventions(user), valeurs["territoire"])
    coherence = {c: valeurs[c] for c in ("organisme", "dispositif", "type_dispositif", "statut", "signee_le")}
    refuser_si(erreurs_de_convention(**coherence))
    if fichier is not None:
        valeurs.update(pdf_controle(fichier))
    ancien_pdf = convention.pdf.name if convention is not None else ""
    convention = _enregistrer(Convention, convention, version, valeurs, decrire_convention)
    if ancien_pdf and ancien_pdf != convention.pdf.name:
        # Le PDF remplacé n'est plus lu par personne : effacé une fois la nouvelle version écrite, jamais avant
        # (une transaction annulée le garde).
        transaction.on_commit(partial(convention.pdf.storage.delete, ancien_pdf))
    return convention


# L'annuaire et les rencontres ------------------------------------------------------------------------------------


def verifier_territoire(permis, territoire):
    """Le territoire choisi est parmi ceux `permis` à l'utilisateur, et c'est une région ou un département."""
    if not permis.filter(pk=territoire.pk).exists():
        raise PermissionDenied("Ce territoire n'est pas dans votre région.")
    if territoire.niveau not in (Niveau.REGION, Niveau.DEPARTEMENT):
        raise ValidationError({"territoire": "Choisissez une région ou un département."}, code="niveau")


def _verifier_territoires(user, objet, territoire):
    """L'objet modifié et le territoire où on le range sont tous deux dans la région de l'agent."""
    permis = territoires_des_partenariats_geres(user)
    if objet is not None:
        verifier_territoire(permis, objet.territoire)
    verifier_territoire(permis, territoire)


def decrire_contact(contact: Contact) -> str:
    return f"Ce contact (maintenant {contact.fonction}, {contact.courriel})"


# La DREETS et le siège de l'ARS sont régionaux, la DDETS(PP) et la délégation de l'ARS départementales (003 :
# « correspondants régionaux et départementaux »).
NIVEAU_DE_LA_STRUCTURE = {
    Structure.DREETS: Niveau.REGION,
    Structure.ARS: Niveau.REGION,
    Structure.DDETS: Niveau.DEPARTEMENT,
    Structure.DD_ARS: Niveau.DEPARTEMENT,
}


def verifier_structure(structure, territoire):
    attendu = NIVEAU_DE_LA_STRUCTURE.get(structure)
    if attendu is not None and territoire.niveau != attendu:
        libelle = Structure(structure).label
        niveau = "une région" if attendu == Niveau.REGION else "un département"
        message = f"{libelle} : choisissez {niveau}."
        raise ValidationError({"territoire": ValidationError(message, code="niveau_de_la_structure")})


@transaction.atomic
def enregistrer_contact(*, user, contact: Contact | None = None, version: int | None = None, **valeurs) -> Contact:
    """Crée ou modifie une ligne de l'annuaire (territoire, structure, service, fonction, courriel, telephone)."""
    _verifier_territoires(user, contact, valeurs["territoire"])
    verifier_structure(valeurs["structure"], valeurs["territoire"])
    return _enregistrer(Contact, contact, version, valeurs, decrire_contact)


def decrire_rencontre(rencontre: RencontreBilaterale) -> str:
    return f"Le compte rendu de cette rencontre (maintenant {rencontre})"


@transaction.atomic
def enregistrer_rencontre(
    *, user, rencontre: RencontreBilaterale | None = None, version: int | None = None, **valeurs
) -> RencontreBilaterale:
    """Crée ou modifie une rencontre (territoire, date, niveau, services_presents, decisions, prochaines_etapes)."""
    _verifier_territoires(user, rencontre, valeurs["territoire"])
    return _enregistrer(RencontreBilaterale, rencontre, version, valeurs, decrire_rencontre)
