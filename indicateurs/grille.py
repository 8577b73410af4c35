"""La grille de l'opérateur : ses dispositifs × les douze derniers mois, où en est chaque mois et ce qui reste à
faire."""

from dataclasses import dataclass

from django.db import models

from commun.mois import derniers_mois
from indicateurs import calendrier
from indicateurs.models import Declaration, Derogation

NB_MOIS = 12


class EtatDuMois(models.TextChoices):
    """Où en est un mois d'un dispositif : pas encore déclaré, ou le statut de sa déclaration. Les libellés sont
    ceux, courts, de la grille des douze mois, où « Transmise à l'ARS » serait trop large."""

    NON_DECLARE = "non_declare", "À déclarer"
    BROUILLON = "brouillon", "Brouillon"
    TRANSMISE = "transmise", "Transmise"
    VALIDEE = "validee", "Validée"
    RENVOYEE = "renvoyee", "Renvoyée"


A_FAIRE = (EtatDuMois.NON_DECLARE, EtatDuMois.BROUILLON, EtatDuMois.RENVOYEE)


@dataclass
class MoisDuDispositif:
    """Un dispositif × un mois dans le tableau de l'opérateur."""

    dispositif: object
    mois: object
    declaration: Declaration | None
    verrouille: bool

    @property
    def statut(self) -> str:
        return self.declaration.statut if self.declaration else EtatDuMois.NON_DECLARE

    @property
    def libelle(self) -> str:
        return self.declaration.get_statut_display() if self.declaration else "Non déclaré"

    @property
    def libelle_court(self) -> str:
        return EtatDuMois(self.statut).label

    @property
    def echeance(self):
        return calendrier.echeance(self.mois)

    @property
    def a_faire(self) -> bool:
        return self.statut in A_FAIRE and not self.verrouille


def mois_de_l_operateur(dispositifs, aujourd_hui) -> list[tuple[object, list[MoisDuDispositif]]]:
    """Les NB_MOIS derniers mois de chaque dispositif, en trois requêtes quel que soit leur nombre."""
    tous_les_mois = derniers_mois(aujourd_hui, NB_MOIS)
    dispositifs = list(
        dispositifs.select_related("type", "organisme").order_by("organisme__nom", "type__ordre", "nom")
    )
    depuis = {"dispositif__in": dispositifs, "mois__gte": tous_les_mois[-1]}
    declarations = {(d.dispositif_id, d.mois): d for d in Declaration.objects.filter(**depuis)}
    rouverts = set(Derogation.objects.en_cours(aujourd_hui).filter(**depuis).values_list("dispositif_id", "mois"))

    def mois_du_dispositif(dispositif, mois):
        verrouille = calendrier.verrouille_sans_derogation(mois, aujourd_hui) and (dispositif.pk, mois) not in rouverts
        return MoisDuDispositif(dispositif, mois, declarations.get((dispositif.pk, mois)), verrouille)

    return [(d, [mois_du_dispositif(d, mois) for mois in tous_les_mois]) for d in dispositifs]
