"""La publication figée des chiffres publics : ce que lisent la page publique, ses exports et le rapport public.

Publier en direct (secret recalculé à chaque affichage sur les agrégats vivants) laisse fuir les cases masquées :
quand une validation tardive change un total déjà lu, la différence des deux totaux donne la case. Les chiffres
publics d'un mois sont donc figés dans une édition (EditionPublique), publiée une fois le mois verrouillé
(indicateurs/calendrier.py : plus aucune déclaration ne s'y ajoute sans dérogation). Si une validation tardive
change ensuite ses agrégats, une nouvelle édition paraît, dont le secret est audité avec celui des éditions
précédentes (indicateurs/secret.py) : lues ensemble, elles ne livrent aucune case masquée.

Une édition garde, par indicateur, les cellules brutes du croisement département × type (l'audit des révisions
en a besoin) et ses cases masquées ; la page n'en montre que les cases publiées.
"""

import datetime
from decimal import Decimal

from dispositifs.models import TypeDispositif
from indicateurs.croisement import Cellule, a_masquer, croiser, lire_cellules, tableau_secret
from indicateurs.models import EditionPublique, Granularite, Indicateur
from indicateurs.secret import Seuils, Tableau
from indicateurs.ventilation import VENTILATION, tableau_de_ventilation, ventiler
from indicateurs.ventilation import a_masquer as masquer_ventilation

# Les champs d'une Cellule enregistrés, dans l'ordre de la dataclass.
MESURES = ("valeur", "nb_dispositifs", "numerateur", "denominateur", "nb_declarations", "nb_attendues")


def ecrire_cellule(cellule: Cellule) -> list:
    return [str(v) if isinstance(v, Decimal) else v for v in (getattr(cellule, nom) for nom in MESURES)]


def lire_cellule(mesures: list) -> Cellule:
    valeur, nb_dispositifs, numerateur, denominateur, declarations, attendues = mesures

    def decimal(v):
        return None if v is None else Decimal(v)

    return Cellule(
        decimal(valeur), nb_dispositifs, decimal(numerateur), decimal(denominateur), declarations, attendues
    )


def tableaux_du_mois(mois: datetime.date, departements, precedentes: list[EditionPublique]) -> dict:
    """Les tableaux d'une nouvelle édition du mois : pour chaque indicateur qui a des données, ses cellules brutes
    et ses cases masquées, protégées conjointement avec les `precedentes` éditions (de la plus ancienne à la plus
    récente) ; pour un total ventilé, aussi les cases masquées de sa ventilation (indicateurs/ventilation.py). Une
    catégorie ne garde que ses cellules : elle ne paraît qu'avec son total. Deux requêtes : les types et les
    indicateurs, puis les agrégats du mois."""
    catalogue = list(TypeDispositif.objects.order_by("ordre", "sigle"))
    indicateurs = list(Indicateur.objects.actifs())
    cellules = lire_cellules(departements, Granularite.MOIS, [mois], catalogue, indicateurs)
    seuils, tableaux = Seuils.depuis_reglages(), {}
    for indicateur in indicateurs:
        if not (par_cellule := cellules.get((indicateur.pk, mois))):
            continue
        ecrites = [[d, t, *ecrire_cellule(c)] for (d, t), c in sorted(par_cellule.items())]
        if indicateur.total_id:
            tableaux[str(indicateur.pk)] = {"cellules": ecrites, "masques": []}
            continue
        types = [t for t in catalogue if any(type_id == t.pk for _, type_id in par_cellule)]
        croisement = croiser(indicateur, mois, departements, types, par_cellule)
        anciens = [anciens_croisements(e, indicateur, mois, departements, catalogue) for e in precedentes]
        masques = a_masquer(croisement, seuils, tuple(tableau_secret(c, m) for c, m in anciens))
        tableaux[str(indicateur.pk)] = {"cellules": ecrites, "masques": trier(masques)}
        categories = [i for i in indicateurs if i.total_id == indicateur.pk]
        if categories:
            ventilation = ventiler(croisement, categories, cellules)
            total = tableau_secret(croisement, masques)
            precedents = [tableau_secret(c, m) for c, m in anciens]
            precedents += [
                ancienne_ventilation(e, c, categories) for e, (c, _) in zip(precedentes, anciens, strict=True)
            ]
            tableaux[str(indicateur.pk)][VENTILATION] = trier(
                masquer_ventilation(ventilation, total, seuils, tuple(precedents))
            )
    return tableaux


def trier(masques: set[tuple]) -> list[list]:
    return sorted((list(cle) for cle in masques), key=str)


def anciens_croisements(edition: EditionPublique, indicateur, mois, departements, catalogue):
    """Le croisement de l'indicateur dans une édition précédente, et ses cases masquées."""
    cellules, masques = lire_tableau(edition.tableaux.get(str(indicateur.pk)))
    return croiser(indicateur, mois, departements, catalogue, cellules), masques


def ancienne_ventilation(edition: EditionPublique, croisement, categories) -> Tableau:
    """La ventilation publiée par une édition précédente, telle que l'audit la relit."""
    cellules = {(c.pk, croisement.periode): lire_tableau(edition.tableaux.get(str(c.pk)))[0] for c in categories}
    masques = {tuple(cle) for cle in (edition.tableaux.get(str(croisement.indicateur.pk)) or {}).get(VENTILATION, [])}
    return tableau_de_ventilation(ventiler(croisement, categories, cellules), masques)


def lire_tableau(tableau: dict | None) -> tuple[dict, set]:
    """Les cellules {(département, type): Cellule} et les cases masquées d'un tableau d'édition."""
    if not tableau:
        return {}, set()
    cellules = {(d, t): lire_cellule(mesures) for d, t, *mesures in tableau["cellules"]}
    return cellules, {tuple(cle) for cle in tableau["masques"]}


def memes_cellules(tableaux: dict, edition: EditionPublique) -> bool:
    """Les agrégats n'ont pas changé depuis l'édition : rien à republier."""
    return {k: t["cellules"] for k, t in tableaux.items()} == {k: t["cellules"] for k, t in edition.tableaux.items()}


def lire_editions(region, mois: list[datetime.date]) -> tuple[dict, dict]:
    """L'édition courante de chaque mois de `mois` dans la région, en une requête : les cellules
    {(indicateur_id, mois): {(département_id, type_id): Cellule}}, comme lire_cellules, et les cases masquées
    {(indicateur_id, mois): {clés}} ; celles de la ventilation d'un total sous (VENTILATION, indicateur_id,
    mois). Un mois non publié n'a rien."""
    cellules, masques = {}, {}
    editions = EditionPublique.objects.courantes().filter(region=region, mois__in=[m for m in mois if m])
    for edition in editions.only("mois", "tableaux"):
        for indicateur_id, tableau in edition.tableaux.items():
            cle = (int(indicateur_id), edition.mois)
            cellules[cle], masques[cle] = lire_tableau(tableau)
            if VENTILATION in tableau:  # une édition antérieure aux ventilations n'en publie pas
                masques[VENTILATION, *cle] = {tuple(c) for c in tableau[VENTILATION]}
    return cellules, masques


def dernier_mois_publie(region) -> datetime.date | None:
    """Le dernier mois publié dans la région (une requête) : la fin par défaut de la page publique."""
    return EditionPublique.objects.filter(region=region).order_by("-mois").values_list("mois", flat=True).first()
