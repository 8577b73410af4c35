"""Les ventilations : un total décomposé en catégories (lieu de vie, déclenchement, destination de sortie), montré
département par département, et le secret statistique qui le protège.

Un tableau de ventilation a une ligne par département, une colonne par catégorie, et pour colonne des totaux le
total de l'indicateur ventilé (la ligne du croisement département × type du total). La saisie impose que les
catégories d'une déclaration tombent juste sur son total (indicateurs/regles.py) ; une déclaration antérieure aux
catégories n'en a pas : ce qu'elle compte paraît en colonne « Non ventilé », le reste, pour que chaque ligne
tombe juste elle aussi.

Le secret (chiffres publics) : règle écrite ici seulement. Une catégorie d'une ligne se retrouve par différence
(total − autres catégories) : le tableau de ventilation est donc protégé comme un croisement
(indicateurs/secret.py, secret primaire puis secondaire audité), conjointement avec le croisement du total
qu'on publie aussi : la case (département, total) est la même inconnue dans les deux tableaux, et masquée dans
l'un, elle l'est dans l'autre. Les catégories ne paraissent jamais seules (`Indicateur.objects.hors_categories`).
"""

import datetime
from dataclasses import dataclass, replace

from indicateurs.croisement import VIDE, Cellule, Croisement, croiser, cumuler
from indicateurs.models import Indicateur
from indicateurs.secret import TOTAL, Seuils, Tableau, proteger_tableau, secret_primaire

# La colonne du reste : ce que comptent les déclarations qui n'ont pas ventilé leur total.
RESTE = "non_ventile"
LIBELLE_RESTE = "Non ventilé"
# La clé des cases masquées d'une ventilation dans une édition publique, et parmi celles que rend lire_editions.
VENTILATION = "ventilation"


@dataclass
class LigneDeVentilation:
    territoire: object
    cellules: list[Cellule]  # une par colonne (catégories, puis le reste)
    total: Cellule


@dataclass
class Ventilation:
    """Un total et ses catégories pour une période : une ligne par département, leurs totaux."""

    total: Indicateur
    categories: list[Indicateur]
    periode: datetime.date
    lignes: list[LigneDeVentilation]
    totaux: list[Cellule]
    ensemble: Cellule

    @property
    def colonnes(self) -> list[str]:
        return [c.code for c in self.categories] + [RESTE]

    @property
    def libelles(self) -> list[str]:
        """Les en-têtes de colonnes : le libellé de chaque catégorie sans les mots qu'il partage avec celui du
        total (« Sorties vers un logement… » sous « Sorties » : « Vers un logement… »)."""
        return [sans_prefixe_commun(c.libelle, self.total.libelle) for c in self.categories] + [LIBELLE_RESTE]

    @property
    def avec_reste(self) -> bool:
        """Le reste ne se montre que s'il compte quelque chose (ou s'il est masqué)."""
        reste = self.totaux[-1]
        return reste.secret or bool(reste.valeur)

    @property
    def est_vide(self) -> bool:
        return self.ensemble.est_vide

    def par_colonne(self) -> list[tuple[str, Cellule]]:
        """(libellé, total de la colonne) des colonnes montrées : le rapport les liste ainsi."""
        paires = list(zip(self.libelles, self.totaux, strict=True))
        return paires if self.avec_reste else paires[:-1]


def sans_prefixe_commun(libelle: str, reference: str) -> str:
    mots, autres = libelle.split(), reference.split()
    communs = next((i for i, (a, b) in enumerate(zip(mots, autres, strict=False)) if a != b), len(autres))
    reste_du_libelle = " ".join(mots[communs:]) or libelle
    return reste_du_libelle[0].upper() + reste_du_libelle[1:]


def ventiler(total: Croisement, categories: list[Indicateur], cellules: dict) -> Ventilation:
    """La ventilation du croisement `total` (déjà protégé s'il est public) ; `cellules` : celles de
    `lire_cellules`, {(indicateur_id, période): {(département_id, type_id): Cellule}}."""
    types = [t.pk for t in total.types]
    lignes = []
    for ligne in total.lignes:
        d = ligne.territoire.pk
        rangee = [
            cumuler([cellules.get((c.pk, total.periode), {}).get((d, t), VIDE) for t in types], c) for c in categories
        ]
        lignes.append(LigneDeVentilation(ligne.territoire, [*rangee, reste(ligne.total, rangee)], ligne.total))
    colonnes = range(len(categories) + 1)
    totaux = [cumuler([ligne.cellules[i] for ligne in lignes], total.indicateur) for i in colonnes]
    return Ventilation(total.indicateur, categories, total.periode, lignes, totaux, total.total)


def reste(total: Cellule, categories: list[Cellule]) -> Cellule:
    """Le total moins ses catégories : ce que les déclarations sans ventilation comptent. Tous les dispositifs du
    total y contribuent (ceux qui ont ventilé pour zéro), comme un zéro déclaré contribue à une catégorie."""
    if total.valeur is None:
        return VIDE
    ventile = sum((c.valeur for c in categories if c.valeur is not None), start=total.valeur * 0)
    return Cellule(valeur=total.valeur - ventile, nb_dispositifs=total.nb_dispositifs)


# Secret statistique -------------------------------------------------------------------------------------------


def par_cle(ventilation: Ventilation) -> dict[tuple, Cellule]:
    """Chaque case sous sa clé (département, code de catégorie) ; la colonne des totaux sous (département,
    TOTAL), la clé même du total de ligne du croisement du total : une seule inconnue pour l'audit."""
    cellules = {
        (ligne.territoire.pk, code): c
        for ligne in ventilation.lignes
        for code, c in zip(ventilation.colonnes, ligne.cellules, strict=True)
    }
    cellules |= {(ligne.territoire.pk, TOTAL): ligne.total for ligne in ventilation.lignes}
    cellules |= {(TOTAL, code): c for code, c in zip(ventilation.colonnes, ventilation.totaux, strict=True)}
    cellules[TOTAL, TOTAL] = ventilation.ensemble
    return cellules


def tableau_de_ventilation(ventilation: Ventilation, masques: set[tuple]) -> Tableau:
    return Tableau(
        lignes=[ligne.territoire.pk for ligne in ventilation.lignes],
        colonnes=ventilation.colonnes,
        valeurs={cle: c.valeur for cle, c in par_cle(ventilation).items()},
        masques=set(masques),
    )


def a_masquer(ventilation: Ventilation, total: Tableau, seuils: Seuils, precedents: tuple[Tableau, ...] = ()):
    """Les cases à masquer du tableau de ventilation : secret primaire de chaque case, les masques du total
    (`total` : le tableau du croisement du total, déjà protégé), puis le secret secondaire audité avec lui et les
    éditions `precedents` (anciens croisements et anciennes ventilations du même total) : aucune catégorie
    masquée ne se retrouve par différence, ni dans une ligne, ni entre les deux tableaux, ni d'une édition à
    l'autre."""
    cellules = par_cle(ventilation)
    personnes = ventilation.total.unite == "personnes"
    masques = {
        cle
        for cle, c in cellules.items()
        if secret_primaire(c.valeur, c.nb_dispositifs, compte_personnes=personnes, seuils=seuils)
    }
    masques |= {cle for cle in total.masques if cle in cellules}
    tableau = tableau_de_ventilation(ventilation, masques)
    # Un total publié à zéro dit que chaque catégorie de sa ligne vaut zéro : rien à y cacher, et ces cases, que
    # l'audit ne pourrait jamais protéger, ne se masquent pas (une case vide compte pour zéro, connu de tous).
    for ligne in ventilation.lignes:
        d = ligne.territoire.pk
        if (d, TOTAL) not in total.masques and ligne.total.valeur == 0:
            for code in ventilation.colonnes:
                tableau.valeurs[d, code] = None
                tableau.masques.discard((d, code))
    return proteger_tableau(tableau, seuils, (*precedents, total))


def proteger(ventilation: Ventilation, masques: set[tuple]) -> Ventilation:
    """La ventilation sous secret : chaque case masquée l'est, partout où elle paraît."""
    cellules = par_cle(ventilation)

    def cellule(cle):
        return replace(cellules[cle], secret=True) if cle in masques else cellules[cle]

    for ligne in ventilation.lignes:
        ligne.cellules = [cellule((ligne.territoire.pk, code)) for code in ventilation.colonnes]
        ligne.total = cellule((ligne.territoire.pk, TOTAL))
    ventilation.totaux = [cellule((TOTAL, code)) for code in ventilation.colonnes]
    ventilation.ensemble = cellule((TOTAL, TOTAL))
    return ventilation


# Lecture : tableau de bord et rapport -----------------------------------------------------------------------


def ventilations_de(indicateurs, categories, periode, departements, catalogue, cellules, masques=None):
    """La ventilation de chaque total de `indicateurs` qui en a une, à `periode`, à partir des `cellules` lues
    (agrégats, ou édition publique et ses `masques` : alors sous le secret de l'édition, et seulement si
    l'édition a protégé cette ventilation). Sans requête."""
    ventilations = []
    for indicateur in indicateurs:
        siennes = [c for c in categories if c.total_id == indicateur.pk]
        par_cellule = cellules.get((indicateur.pk, periode))
        publiable = masques is None or (VENTILATION, indicateur.pk, periode) in masques
        if not siennes or not par_cellule or not publiable:
            continue
        types = [t for t in catalogue if any(type_id == t.pk for _, type_id in par_cellule)]
        publiees = None if masques is None else masques.get((indicateur.pk, periode), set())
        total = croiser(indicateur, periode, departements, types, par_cellule, publiees)
        ventilation = ventiler(total, siennes, cellules)
        if masques is not None:
            ventilation = proteger(ventilation, masques[VENTILATION, indicateur.pk, periode])
        ventilations.append(ventilation)
    return ventilations
