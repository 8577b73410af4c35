"""Le croisement type × département d'un indicateur pour une période, et le secret statistique qui le protège.

Une cellule porte une valeur et ce qu'il faut pour la cumuler (numérateur et dénominateur d'un taux) et juger de
son secret (dispositifs contributeurs). Les totaux d'un croisement sont la somme exacte des cellules qu'ils
résument (un taux : Σ numérateur / Σ dénominateur), et le secret statistique s'applique une fois par croisement :
le tableau de bord et le rapport PDF en tirent tous leurs chiffres. En public, les cases masquées ne se
recalculent pas à l'affichage : elles sont celles de l'édition figée du mois (indicateurs/publication.py).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Q

from dispositifs.models import TypeDispositif
from indicateurs.models import Agregat, Agregation, Indicateur
from indicateurs.regles import arrondi
from indicateurs.secret import TOTAL, Seuils, Tableau, proteger_tableau, secret_primaire
from territoires.models import Territoire

ZERO = Decimal(0)


@dataclass(frozen=True)
class Cellule:
    """Une valeur d'un croisement et ce qu'il faut pour la cumuler et juger de son secret."""

    valeur: Decimal | None = None
    nb_dispositifs: int = 0
    numerateur: Decimal | None = None
    denominateur: Decimal | None = None
    nb_declarations: int = 0
    nb_attendues: int = 0
    secret: bool = False

    @property
    def affichee(self) -> Decimal | None:
        """La valeur publiable : None quand elle est masquée ou absente."""
        return None if self.secret else self.valeur

    @property
    def est_vide(self) -> bool:
        return self.valeur is None and not self.secret


VIDE = Cellule()


def cumuler(cellules: list[Cellule], indicateur: Indicateur) -> Cellule:
    """Le total de cellules d'un même indicateur : somme, ou Σ numérateur / Σ dénominateur pour un taux. Une
    seule boucle : la page en fait des centaines par affichage."""
    connues = [c for c in cellules if c.valeur is not None or c.denominateur]
    if not connues:
        return VIDE
    dispositifs = declarations = attendues = 0
    valeur, numerateur, denominateur = ZERO, ZERO, ZERO
    for c in connues:
        dispositifs += c.nb_dispositifs
        declarations += c.nb_declarations
        attendues += c.nb_attendues
        if c.valeur is not None:
            valeur += c.valeur
        numerateur += c.numerateur or ZERO
        denominateur += c.denominateur or ZERO
    somme = {"nb_dispositifs": dispositifs, "nb_declarations": declarations, "nb_attendues": attendues}
    if indicateur.agregation != Agregation.TAUX:
        return Cellule(valeur=valeur, **somme)
    valeur = arrondi(numerateur * 100 / denominateur) if denominateur else None
    return Cellule(valeur=valeur, numerateur=numerateur, denominateur=denominateur, **somme)


@dataclass
class LigneDeCroisement:
    territoire: Territoire
    cellules: list[Cellule]
    total: Cellule


@dataclass
class Croisement:
    """Un indicateur, une période : une ligne par département, une colonne par type, et leurs totaux."""

    indicateur: Indicateur
    periode: datetime.date
    types: list[TypeDispositif]
    lignes: list[LigneDeCroisement]
    totaux: list[Cellule]
    total: Cellule

    @property
    def additif(self) -> bool:
        """Un total qui est la somme de ses cellules : seul cas où une cellule masquée se retrouverait par
        différence."""
        return self.indicateur.agregation != Agregation.TAUX


def croiser(indicateur, periode, departements, types, cellules: dict, masques: set | None = None) -> Croisement:
    """Le croisement d'un indicateur et d'une période ; avec `masques` (ceux d'une édition publique), sous secret
    statistique."""
    lignes, colonnes = [], [t.pk for t in types]
    for departement in departements:
        rangee = [cellules.get((departement.pk, colonne), VIDE) for colonne in colonnes]
        lignes.append(LigneDeCroisement(departement, rangee, cumuler(rangee, indicateur)))
    totaux = [cumuler([ligne.cellules[i] for ligne in lignes], indicateur) for i in range(len(types))]
    croisement = Croisement(indicateur, periode, types, lignes, totaux, cumuler(totaux, indicateur))
    return proteger(croisement, masques) if masques is not None else croisement


def par_cle(croisement: Croisement) -> dict[tuple, Cellule]:
    """Chaque cellule et chaque total sous sa clé (ligne, colonne), les totaux sous la clé TOTAL."""
    types = croisement.types
    cellules = {
        (ligne.territoire.pk, t.pk): c
        for ligne in croisement.lignes
        for t, c in zip(types, ligne.cellules, strict=True)
    }
    cellules |= {(ligne.territoire.pk, TOTAL): ligne.total for ligne in croisement.lignes}
    cellules |= {(TOTAL, t.pk): c for t, c in zip(types, croisement.totaux, strict=True)}
    cellules[TOTAL, TOTAL] = croisement.total
    return cellules


def a_masquer(croisement: Croisement, seuils: Seuils, precedents: tuple[Tableau, ...] = ()) -> set[tuple]:
    """Secret primaire sur chaque cellule et chaque total, puis, quand les totaux sont des sommes, secret
    secondaire audité avec les éditions `precedents` du même croisement (indicateurs/secret.py)."""
    cellules = par_cle(croisement)
    personnes = croisement.indicateur.unite == "personnes"
    masques = {
        cle
        for cle, c in cellules.items()
        if secret_primaire(c.valeur, c.nb_dispositifs, compte_personnes=personnes, seuils=seuils)
    }
    if not croisement.additif:
        return masques
    return proteger_tableau(tableau_secret(croisement, masques), seuils, precedents)


def tableau_secret(croisement: Croisement, masques: set[tuple]) -> Tableau:
    """Le croisement vu par le secret statistique : ses valeurs sous leurs clés, et ses cases masquées."""
    return Tableau(
        lignes=[ligne.territoire.pk for ligne in croisement.lignes],
        colonnes=[t.pk for t in croisement.types],
        valeurs={cle: c.valeur for cle, c in par_cle(croisement).items()},
        masques=set(masques),
    )


def proteger(croisement: Croisement, masques: set[tuple]) -> Croisement:
    """Le croisement sous secret statistique : chaque cellule masquée l'est, partout où elle paraît."""
    cellules = par_cle(croisement)

    def cellule(cle):
        return replace(cellules[cle], secret=True) if cle in masques else cellules[cle]

    for ligne in croisement.lignes:
        ligne.cellules = [cellule((ligne.territoire.pk, t.pk)) for t in croisement.types]
        ligne.total = cellule((ligne.territoire.pk, TOTAL))
    croisement.totaux = [cellule((TOTAL, t.pk)) for t in croisement.types]
    croisement.total = cellule((TOTAL, TOTAL))
    return croisement


def lire_cellules(
    departements, granularite, liste, catalogue, indicateurs, *, choisi=None, periodes_choisi=()
) -> dict:
    """{(indicateur_id, période): {(département_id, type_id): Cellule}} en une requête sur les agrégats : chaque
    indicateur aux périodes de `liste`, et l'indicateur `choisi` aussi à `periodes_choisi`. Les clés étrangères
    sont filtrées par leurs identifiants, déjà lus, et sans tri : l'index (territoire, granularité, période) sert
    la lecture, sans jointure."""
    filtre = Q(periode__in=[p for p in liste if p])
    if choisi is not None:
        filtre |= Q(indicateur_id=choisi.pk, periode__in=[p for p in periodes_choisi if p])
    agregats = (
        Agregat.objects.filter(
            filtre,
            territoire_id__in=[d.pk for d in departements],
            granularite=granularite,
            type_id__in=[t.pk for t in catalogue],
            indicateur_id__in=[i.pk for i in indicateurs],
        )
        .order_by()
        .values_list(*CHAMPS_LUS)
    )
    cellules = defaultdict(dict)
    for indicateur_id, periode, territoire_id, type_id, *mesures in agregats:
        cellules[indicateur_id, periode][territoire_id, type_id] = Cellule(*mesures)
    return cellules


# Les clés, puis les champs d'une Cellule dans son ordre.
CHAMPS_LUS = (
    "indicateur_id",
    "periode",
    "territoire_id",
    "type_id",
    "valeur",
    "nb_dispositifs",
    "numerateur",
    "denominateur",
    "nb_declarations",
    "nb_attendues",
)
