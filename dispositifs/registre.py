"""Le registre des arrêtés d'un dispositif : autorisation, extension, réduction, installation, transfert, fermeture.

Le registre est un livre : un événement ne s'efface pas (une erreur se corrige par un événement contraire, ou dans
l'administration). Avant d'écrire, `enregistrer_evenement` relit tout le registre du dispositif, verrouillé, et le
rejoue dans l'ordre des dates avec le nouvel événement à sa place : un arrêté daté dans le passé est vérifié contre
ce qui le précède et ce qui le suit (une installation antidatée ne doit pas faire dépasser l'autorisé à une date
déjà enregistrée). Les capacités se déduisent du registre (`dispositifs.models.apres_evenement`) ; le statut aussi.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from commun.nombres import nombre
from dispositifs.models import (
    Dispositif,
    EvenementCapacite,
    Nature,
    Organisme,
    Secteur,
    Statut,
    TypeDispositif,
    Unite,
    apres_evenement,
)

# Les natures qu'un agent enregistre (le financement se suit par les crédits de l'application financements).
NATURES_SAISIES = [
    Nature.AUTORISATION,
    Nature.EXTENSION,
    Nature.REDUCTION,
    Nature.INSTALLATION,
    Nature.TRANSFERT,
    Nature.FERMETURE,
    Nature.RENFORCEMENT,
]
# Code de l'action sociale et des familles, art. L313-1 : l'autorisation d'un établissement ou service social ou
# médico-social « est accordée pour une durée de quinze ans ».
DUREE_AUTORISATION_MEDICO_SOCIAL = 15
# Natures dont la capacité est celle déjà autorisée : préremplie quand on ne la donne pas.
CAPACITE_AUTORISEE_RESTANTE = (Nature.TRANSFERT, Nature.FERMETURE)
CAPACITE_MAX = Decimal("999999.99")  # EvenementCapacite.quantite : 8 chiffres dont 2 décimales


def refus(champ: str, message: str, code: str) -> ValidationError:
    return ValidationError({champ: ValidationError(message, code=code)})


def le(date: datetime.date) -> str:
    return f"{date:%d/%m/%Y}"


@dataclass
class Etat:
    """L'état du dispositif à un point du registre rejoué."""

    autorise_le: datetime.date | None = None
    ferme_le: datetime.date | None = None
    autorisee: Decimal = Decimal(0)
    installee: Decimal = Decimal(0)
    titulaire_id: int | None = None

    def appliquer(self, evenement):
        capacites = apres_evenement({"autorisee": self.autorisee, "installee": self.installee}, evenement)
        self.autorisee, self.installee = capacites["autorisee"], capacites["installee"]
        if evenement.nature == Nature.AUTORISATION:
            self.autorise_le = evenement.date
        elif evenement.nature == Nature.FERMETURE:
            self.ferme_le = evenement.date
        elif evenement.nature == Nature.TRANSFERT:
            self.titulaire_id = evenement.vers_organisme_id

    @property
    def statut(self) -> str | None:
        """Le statut que dit le registre ; None tant qu'il n'y a pas d'autorisation (le projet reste un projet)."""
        if self.ferme_le:
            return Statut.FERME
        if self.installee > 0:
            return Statut.INSTALLE
        return Statut.AUTORISE if self.autorise_le else None


def verifier_capacite(capacite: Decimal | None, type_: TypeDispositif, *, renfort: bool = False) -> None:
    """Positive, dans les limites du registre, entière sauf pour un type compté en postes (ETP) ou un renfort."""
    if capacite is None:
        raise refus("capacite", "Indiquez la capacité.", "requise")
    if capacite <= 0:
        raise refus("capacite", "La capacité doit être strictement positive.", "capacite_non_positive")
    if capacite > CAPACITE_MAX:
        raise refus("capacite", f"La capacité ne dépasse pas {nombre(CAPACITE_MAX)}.", "capacite_trop_grande")
    if capacite.as_tuple().exponent < -2 and capacite != capacite.quantize(Decimal("0.01")):
        raise refus("capacite", "La capacité a au plus deux décimales.", "trop_de_decimales")
    if not renfort and (message := type_.refus_de_decimales(capacite, quoi="la capacité")):
        raise refus("capacite", message, "capacite_non_entiere")


def verifier_renfort(type_: TypeDispositif) -> None:
    """Un renfort en ETP s'ajoute à une équipe (source 000 : EMPP, coordination régionale des PASS) ; un type
    compté en postes s'étend par une extension, un type compté en places n'a pas d'équipe à renforcer."""
    if type_.unite != Unite.EQUIPES:
        message = (
            f"Un renfort en ETP renforce une équipe ; un {type_.sigle} se compte en {type_.get_unite_display()} : "
            "enregistrez une extension."
        )
        raise refus("nature", message, "renfort_hors_equipe")


def verifier_champs_propres(evenement) -> None:
    """Durée pour une autorisation, visite de conformité pour une installation, nouveau titulaire pour un transfert :
    chacun n'a de sens que pour sa nature."""
    propres = {
        "duree_annees": (Nature.AUTORISATION, "La durée se saisit pour une autorisation."),
        "visite_conformite": (Nature.INSTALLATION, "La visite de conformité se saisit pour une installation."),
        "vers_organisme": (Nature.TRANSFERT, "Le nouveau titulaire se saisit pour un transfert."),
    }
    for champ, (nature, message) in propres.items():
        if getattr(evenement, champ) is not None and evenement.nature != nature:
            raise refus(champ, message, "hors_nature")
    if evenement.duree_annees is not None and evenement.duree_annees <= 0:
        raise refus("duree_annees", "La durée de l'autorisation se compte en années, au moins une.", "duree_invalide")
    if evenement.nature == Nature.TRANSFERT and evenement.vers_organisme_id is None:
        raise refus("vers_organisme", "Indiquez l'organisme qui reprend l'autorisation.", "requis")


def refus_au_point(etat: Etat, evenement, premiere_autorisation) -> ValidationError | None:
    """Ce que l'état du registre interdit à cet événement, ou None."""
    nature = evenement.get_nature_display().lower()
    if etat.ferme_le and evenement.nature == Nature.FERMETURE:
        return refus("nature", f"Le dispositif est déjà fermé depuis le {le(etat.ferme_le)}.", "deja_ferme")
    if etat.ferme_le:
        message = (
            f"Le dispositif est fermé depuis le {le(etat.ferme_le)} : on n'y enregistre plus d'arrêté ({nature})."
        )
        return refus("nature", message, "dispositif_ferme")
    if evenement.nature == Nature.AUTORISATION:
        if etat.autorise_le is None:
            return None
        message = f"Le dispositif est déjà autorisé depuis le {le(etat.autorise_le)} : une hausse est une extension."
        return refus("nature", message, "deja_autorise")
    if etat.autorise_le is None and premiere_autorisation is None:
        message = "Ce dispositif n'a pas d'autorisation : enregistrez d'abord l'arrêté d'autorisation."
        return refus("nature", message, "sans_autorisation")
    if etat.autorise_le is None:
        message = f"L'autorisation date du {le(premiere_autorisation)} : un événement ne peut pas la précéder."
        return refus("date", message, "avant_autorisation")
    return refus_de_capacite(etat, evenement)


def refus_de_capacite(etat: Etat, evenement) -> ValidationError | None:
    """Les capacités après l'événement : l'installé ne dépasse jamais l'autorisé."""
    quantite, date = evenement.quantite, le(evenement.date)
    autorisee, installee = nombre(etat.autorisee), nombre(etat.installee)
    if evenement.nature == Nature.INSTALLATION and etat.installee + quantite > etat.autorisee:
        message = (
            f"Installer {nombre(quantite)} porterait l'installé à {nombre(etat.installee + quantite)}, au-delà des "
            f"{autorisee} autorisés au {date}."
        )
        return refus("capacite", message, "depasse_autorise")
    if evenement.nature == Nature.REDUCTION and quantite >= etat.autorisee:
        message = f"Réduire de {nombre(quantite)} les {autorisee} autorisés au {date}, c'est fermer : enregistrez "
        message += "une fermeture."
        return refus("capacite", message, "reduction_totale")
    if evenement.nature == Nature.REDUCTION and etat.autorisee - quantite < etat.installee:
        message = f"Réduire de {nombre(quantite)} laisserait moins que les {installee} installés au {date}."
        return refus("capacite", message, "sous_installe")
    if evenement.nature in CAPACITE_AUTORISEE_RESTANTE and quantite != etat.autorisee:
        message = f"La capacité est celle autorisée au {date} : {autorisee}."
        return refus("capacite", message, "capacite_autorisee_restante")
    return None


def rejouer(evenements: list, nouveau, titulaire_id: int) -> Etat:
    """Rejoue le registre avec `nouveau` à sa place (après les événements du même jour déjà saisis) ; lève le refus
    du premier point incohérent à partir du nouveau. Complète la capacité d'une fermeture ou d'un transfert."""
    ordre = sorted([*evenements, nouveau], key=lambda e: (e.date, e is nouveau, e.pk or 0))
    autorisations = [e.date for e in ordre if e.nature == Nature.AUTORISATION]
    etat, vu = (
        Etat(titulaire_id=None if any(e.nature == Nature.TRANSFERT for e in evenements) else titulaire_id),
        False,
    )
    for evenement in ordre:
        if evenement is nouveau:
            vu = True
            if nouveau.quantite is None and nouveau.nature in CAPACITE_AUTORISEE_RESTANTE:
                nouveau.quantite = etat.autorisee
            verifier_transfert(etat, nouveau)
        erreur = vu and refus_au_point(etat, evenement, autorisations[0] if autorisations else None)
        if erreur:
            raise erreur if evenement is nouveau else refus_ulterieur(evenement, erreur)
        etat.appliquer(evenement)
    return etat


def verifier_transfert(etat: Etat, evenement) -> None:
    if evenement.nature == Nature.TRANSFERT and evenement.vers_organisme_id == etat.titulaire_id:
        raise refus("vers_organisme", "Cet organisme est déjà le titulaire de l'autorisation.", "meme_titulaire")


def refus_ulterieur(evenement, erreur: ValidationError) -> ValidationError:
    """Le nouvel événement rend incohérent un événement déjà enregistré, plus tard dans le registre."""
    (message,) = erreur.messages
    code = erreur.error_dict[next(iter(erreur.error_dict))][0].code
    return refus(
        "date",
        f"Cet arrêté rendrait incohérent le registre au {le(evenement.date)} "
        f"({evenement.get_nature_display().lower()}, déjà au registre) : {message}",
        code,
    )


@transaction.atomic
def enregistrer_evenement(
    dispositif: Dispositif,
    *,
    nature: str,
    date: datetime.date,
    capacite: Decimal | None = None,
    reference: str = "",
    commentaire: str = "",
    duree_annees: int | None = None,
    visite_conformite: datetime.date | None = None,
    vers_organisme: Organisme | None = None,
    user=None,
) -> EvenementCapacite:
    """Ajoute un événement au registre de `dispositif`, qui le suit : statut (autorisé, installé, fermé) et, pour un
    transfert, titulaire. Le dispositif est verrouillé : deux saisies simultanées se voient l'une l'autre."""
    dispositif = Dispositif.objects.select_for_update(of=("self",)).select_related("type").get(pk=dispositif.pk)
    if nature not in NATURES_SAISIES:
        raise refus("nature", "Choisissez la nature de l'arrêté.", "nature_inconnue")
    if date is None:
        raise refus("date", "Indiquez la date d'effet de l'arrêté.", "requise")
    if nature == Nature.AUTORISATION and duree_annees is None and dispositif.type.secteur == Secteur.MEDICO_SOCIAL:
        duree_annees = DUREE_AUTORISATION_MEDICO_SOCIAL
    evenement = EvenementCapacite(
        dispositif=dispositif,
        nature=nature,
        date=date,
        quantite=capacite,
        reference=reference.strip(),
        commentaire=commentaire.strip(),
        duree_annees=duree_annees,
        visite_conformite=visite_conformite,
        vers_organisme=vers_organisme,
        saisi_par=user,
    )
    verifier_champs_propres(evenement)
    if nature == Nature.RENFORCEMENT:
        verifier_renfort(dispositif.type)
    if capacite is not None or nature not in CAPACITE_AUTORISEE_RESTANTE:
        verifier_capacite(capacite, dispositif.type, renfort=nature == Nature.RENFORCEMENT)
    etat = rejouer(list(dispositif.evenements.all()), evenement, dispositif.organisme_id)
    evenement.save()
    suivre_le_registre(dispositif, etat)
    return evenement


def suivre_le_registre(dispositif: Dispositif, etat: Etat) -> None:
    """Le statut et le titulaire que dit le registre, écrits par save() pour que le journal les voie."""
    statut = etat.statut or dispositif.statut
    titulaire_id = etat.titulaire_id or dispositif.organisme_id
    if (statut, titulaire_id) == (dispositif.statut, dispositif.organisme_id):
        return
    dispositif.statut, dispositif.organisme_id = statut, titulaire_id
    dispositif.version += 1
    dispositif.save()
