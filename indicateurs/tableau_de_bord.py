"""Le tableau de bord des indicateurs : ce que montrent la page régionale, la page publique et le rapport PDF.

Tout part des agrégats des départements du périmètre, ou des régions pour la France (une requête) : chaque bloc
— chiffres clés, évolution, croisement type × département (ou région), carte — se déduit du même croisement
(indicateurs/croisement.py) de chaque indicateur et de chaque période. Le secret statistique, appliqué une fois
par croisement, vaut donc partout : une valeur masquée dans le croisement l'est aussi dans la courbe, la carte, les
chiffres clés et l'export. En public, les cellules et leurs cases masquées ne viennent pas des agrégats vivants mais
des éditions figées de chaque mois (indicateurs/publication.py) : une région entière, mois par mois.

Requêtes : types, indicateurs, départements (avec leurs contours), agrégats, complétude (comptée sur les
dispositifs et leurs déclarations validées : indicateurs/completude.py), puis l'horizon et la planification
(planification.calcul.ecarts_aux_cibles) quand les écarts sont demandés ; leur nombre ne dépend pas des données.

À l'échelle nationale (`make bench`), la page régionale ne lit que ce qu'elle montre : l'indicateur choisi à
toutes les périodes et les autres aux deux dernières (`series=False`), par identifiants et sans tri, sur l'index
(territoire, granularité, période) ; une lecture de 100 000 agrégats triés et des centaines de croisements
coûtaient l'essentiel de ses 700 ms.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.core.cache import cache
from django.db import models
from django.db.models import TextField
from django.db.models.functions import Cast

from dispositifs.models import TypeDispositif
from indicateurs import calendrier
from indicateurs.agregation import version_des_agregats
from indicateurs.completude import LigneCompletude, completude
from indicateurs.croisement import Cellule, Croisement, croiser, lire_cellules
from indicateurs.models import Agregation, Granularite, Indicateur
from indicateurs.periodes import decaler_periode, libelle_periode, periodes
from indicateurs.publication import lire_editions
from indicateurs.regles import arrondi
from indicateurs.secret import Seuils
from indicateurs.ventilation import ventilations_de
from planification.calcul import Planification, ecarts_aux_cibles
from territoires.models import Niveau, Territoire


class Mesure(models.TextChoices):
    """Ce que la carte colore : la valeur de l'indicateur, ou cette valeur pour 100 000 habitants."""

    VALEUR = "valeur", "Valeur de l'indicateur"
    POUR_100K = "pour_100k", "Pour 100 000 habitants"


@dataclass
class ChiffreCle:
    indicateur: Indicateur
    actuel: Cellule
    precedent: Cellule

    @property
    def evolution(self) -> Decimal | None:
        """L'écart avec la période précédente ; None si l'une des deux manque ou est masquée."""
        if self.actuel.affichee is None or self.precedent.affichee is None:
            return None
        return self.actuel.affichee - self.precedent.affichee


@dataclass
class Serie:
    """Les totaux du périmètre d'un indicateur, une cellule par période du tableau de bord."""

    indicateur: Indicateur
    cellules: list[Cellule]


@dataclass
class PointEvolution:
    """Une période de l'évolution de l'indicateur choisi : une cellule par type, et le total."""

    periode: datetime.date
    libelle: str
    cellules: list[Cellule]
    total: Cellule


@dataclass
class ValeurCarte:
    departement: Territoire
    cellule: Cellule
    pour_100k: Decimal | None

    def mesure(self, mesure: str) -> Decimal | None:
        """La valeur que la carte colore ; None quand elle est masquée, absente ou sans population."""
        return self.pour_100k if mesure == Mesure.POUR_100K else self.cellule.affichee


@dataclass
class TableauDeBord:
    territoire: Territoire
    granularite: str
    periodes: list[datetime.date]
    public: bool
    seuils: Seuils
    indicateurs: list[Indicateur]
    indicateur: Indicateur | None
    departements: list[Territoire]  # les lignes : les départements, ou les régions pour la France
    mesure: str = Mesure.VALEUR
    chiffres_cles: list[ChiffreCle] = field(default_factory=list)
    series: list[Serie] = field(default_factory=list)
    evolution: list[PointEvolution] = field(default_factory=list)
    croisement: Croisement | None = None
    carte: list[ValeurCarte] = field(default_factory=list)
    completude: list[LigneCompletude] = field(default_factory=list)
    ecarts: Planification | None = None  # None : public, France, ou aucun horizon n'a de cible dans la région
    # Les ventilations (catégories d'un total) à la dernière période, et les catégories du catalogue, qui ne se
    # montrent qu'avec leur total (indicateurs/ventilation.py).
    categories: list[Indicateur] = field(default_factory=list)
    ventilations: list = field(default_factory=list)
    # Aucune donnée agrégée sur les périodes du tableau : la page affiche un état vide plutôt que des tirets.
    est_vide: bool = True

    @property
    def periode(self) -> datetime.date | None:
        """La période des chiffres clés, du croisement, de la carte et de la complétude : la dernière."""
        return self.periodes[-1] if self.periodes else None

    @property
    def libelle_periode(self) -> str:
        return libelle_periode(self.periode, self.granularite) if self.periode else ""

    @property
    def libelle_precedente(self) -> str:
        """La période qui précède la dernière, à laquelle se comparent les chiffres clés."""
        if not self.periode:
            return ""
        return libelle_periode(decaler_periode(self.periode, self.granularite, -1), self.granularite)

    @property
    def libelle_etendue(self) -> str:
        if not self.periodes:
            return ""
        debut, fin = (libelle_periode(p, self.granularite) for p in (self.periodes[0], self.periodes[-1]))
        return fin if debut == fin else f"{debut} – {fin}"

    @property
    def libelle_ligne(self) -> str:
        """Ce que sont les lignes : « région » pour la France, « département » sinon."""
        return "région" if self.territoire.niveau == Niveau.PAYS else "département"

    @property
    def types(self) -> list[TypeDispositif]:
        return self.croisement.types if self.croisement else []

    @property
    def libelle_mesure(self) -> str:
        """Ce que colore la carte : « file active (personnes) », « file active pour 100 000 habitants »."""
        if self.indicateur is None:
            return ""
        libelle = self.indicateur.libelle.lower()
        if self.mesure == Mesure.POUR_100K:
            return f"{libelle} pour 100 000 habitants"
        return f"{libelle} ({self.indicateur.unite})"


def construire_tableau_de_bord(
    *,
    territoire: Territoire,
    debut: datetime.date,
    fin: datetime.date,
    granularite: str = Granularite.MOIS,
    types: list[str] | None = None,
    indicateur: str | None = None,
    mesure: str = Mesure.VALEUR,
    public: bool = False,
    planification: bool = True,
    series: bool = True,
) -> TableauDeBord:
    """Le tableau de bord d'un territoire (France, région ou département) des mois `debut` à `fin`. `types` : codes
    gardés (tous sinon) ; `indicateur` : celui du croisement, de l'évolution et de la carte (le premier sinon) ;
    `public` : sous secret statistique ; `planification` : avec les écarts aux cibles du jour (jamais en public) ;
    `series` : avec la série de chaque indicateur (export « series ») ; sans elle, les autres indicateurs ne se
    lisent qu'aux deux dernières périodes (chiffres clés, complétude), et les blocs sortent dix fois moins cher."""
    catalogue = list(TypeDispositif.objects.order_by("ordre", "sigle"))  # 1 : types
    catalogue = [t for t in catalogue if t.code in types] if types else catalogue
    tous = list(Indicateur.objects.actifs())  # 2 : indicateurs
    indicateurs = [i for i in tous if not i.total_id]  # les catégories ne paraissent qu'avec leur total
    choisi = next((i for i in indicateurs if i.code == indicateur), indicateurs[0] if indicateurs else None)
    departements = lignes_du_perimetre(territoire)  # 3 : départements (régions pour la France) et leurs contours
    vierge = partial(
        TableauDeBord,
        territoire=territoire,
        granularite=granularite,
        periodes=periodes(debut, fin, granularite),
        public=public,
        seuils=Seuils.depuis_reglages(),
        indicateurs=indicateurs,
        indicateur=choisi,
        departements=departements,
        mesure=mesure_possible(mesure, choisi),
        categories=[i for i in tous if i.total_id],
    )
    tableau = lire_et_remplir(vierge(), catalogue, series=series)  # 4 : agrégats
    if tableau.est_vide and not series:
        # Rien pour l'indicateur choisi ni aux deux dernières périodes : seules les séries complètes disent s'il y
        # a des données ailleurs sur la période (cas rare, une requête de plus).
        tableau = lire_et_remplir(vierge(), catalogue, series=True)
    # 5 : dispositifs en service et déclarations validées, comptés même là où rien n'est encore agrégé.
    tableau.completude = completude_du_tableau(tableau, catalogue)
    if planification and not public:
        tableau.ecarts = ecarts_du_tableau(territoire, types=types)  # 6 à 11 : horizon et planification
    return tableau


def ecarts_du_tableau(
    territoire: Territoire, *, date: datetime.date | None = None, types=None
) -> Planification | None:
    """Les écarts aux cibles du tableau de bord et du rapport PDF : à l'horizon de la région, choisi par une seule
    règle (`planification.calcul.horizon_des_ecarts`, par `ecarts_aux_cibles`), à `date` — le jour pour la page,
    la fin du mois couvert pour le rapport."""
    return ecarts_aux_cibles(territoire, date=date or calendrier.aujourd_hui(), types=types)


# Au-delà, un tableau gardé en cache est recalculé même sans nouveau calcul des agrégats (catalogue modifié…).
DUREE_CACHE_TABLEAU = 10 * 60
# La forme de l'objet gardé : à changer quand elle change, pour qu'un tableau mis en cache par la version
# précédente ne soit pas relu (2 : les lignes portent leur contour en texte, `geometrie_texte`).
FORME_DU_TABLEAU = 2


def construire_tableau_de_bord_en_cache(*, territoire: Territoire, types=None, public: bool = False, **arguments):
    """`construire_tableau_de_bord`, gardé en cache jusqu'au prochain recalcul des agrégats : chaque visiteur d'une
    même vue ne refait pas le même calcul. Les écarts aux cibles, qui suivent la planification et non les agrégats,
    sont relus à chaque fois."""
    cle = (FORME_DU_TABLEAU, territoire.pk, types, public, sorted(arguments.items()), version_des_agregats())
    # Le préfixe change avec la classe gardée : un tableau mis en cache par une version précédente (autre module)
    # ne se relit pas.
    cle = "indicateurs:tableau-de-bord:" + hashlib.sha256(repr(cle).encode()).hexdigest()
    tableau = cache.get(cle)
    if tableau is None:
        tableau = construire_tableau_de_bord(
            territoire=territoire, types=types, public=public, planification=False, **arguments
        )
        cache.set(cle, tableau, DUREE_CACHE_TABLEAU)
    if not public:
        tableau.ecarts = ecarts_du_tableau(territoire, types=types)
    return tableau


def lire_et_remplir(tableau: TableauDeBord, catalogue, *, series: bool) -> TableauDeBord:
    """Lit les agrégats qu'il faut (tous les indicateurs à toutes les périodes avec `series` ; sinon
    l'indicateur choisi à toutes les périodes et les autres aux deux dernières) et en remplit les blocs."""
    liste, granularite = tableau.periodes, tableau.granularite
    precedente = decaler_periode(liste[0], granularite, -1) if liste else None
    toutes = [precedente, *liste]
    if tableau.public:
        if granularite != Granularite.MOIS:
            raise ValueError("Les chiffres publics se publient mois par mois.")
        cellules, masques = lire_editions(tableau.territoire, toutes)  # toutes les séries : des tableaux déjà faits
        remplir(tableau, cellules, catalogue, precedente, series=series, masques=masques)
        remplir_ventilations(tableau, cellules, catalogue, masques)
        return tableau
    cellules = lire_cellules(
        tableau.departements,
        granularite,
        toutes if series else toutes[-2:],
        catalogue,
        [*tableau.indicateurs, *tableau.categories],
        choisi=tableau.indicateur,
        periodes_choisi=toutes,
    )
    remplir(tableau, cellules, catalogue, precedente, series=series)
    remplir_ventilations(tableau, cellules, catalogue)
    return tableau


def remplir_ventilations(tableau: TableauDeBord, cellules: dict, catalogue, masques=None):
    """Les ventilations de la dernière période, des cellules déjà lues (en public, sous les masques de
    l'édition)."""
    if tableau.periode:
        tableau.ventilations = ventilations_de(
            tableau.indicateurs,
            tableau.categories,
            tableau.periode,
            tableau.departements,
            catalogue,
            cellules,
            masques,
        )


def mesure_possible(mesure: str, indicateur: Indicateur | None) -> str:
    """Un taux ne se rapporte pas à la population : la carte montre alors sa valeur."""
    if mesure not in Mesure.values or (indicateur and indicateur.agregation == Agregation.TAUX):
        return Mesure.VALEUR
    return mesure


def lignes_du_perimetre(territoire: Territoire) -> list[Territoire]:
    """Les lignes des croisements, de la carte et de la complétude, avec leurs contours : les départements d'une
    région ; les régions de la France (leurs agrégats sont déjà calculés, indicateurs/agregation.py) ; un département
    seul pour lui-même. L'outre-mer après la métropole. Une requête."""
    if territoire.niveau == Niveau.DEPARTEMENT:
        lignes = Territoire.objects.filter(pk=territoire.pk)
    elif territoire.niveau == Niveau.PAYS:
        lignes = Territoire.objects.regions()
    else:
        lignes = Territoire.objects.descendants(territoire).departements()
    # Le contour en texte (geometrie_texte, None sans contour), non décodé : la carte en mémorise le dessin avec ce
    # texte pour clé (dispositifs/cartographie.py), au lieu de le décoder et de le retracer à chaque requête.
    lignes = lignes.annotate(geometrie_texte=Cast("contour__geometrie", TextField()))
    return sorted(lignes, key=lambda t: (t.est_outre_mer, t.code))


def remplir(tableau: TableauDeBord, cellules: dict, catalogue, precedente, *, series: bool = True, masques=None):
    """Chaque bloc à partir des croisements (un par indicateur et par période ; en public, sous les `masques` de
    l'édition du mois). Sans `series`, un indicateur autre que le choisi n'a que ses deux dernières périodes : ses
    chiffres clés."""
    presents = defaultdict(set)  # les types qui ont des données, par indicateur : les colonnes des croisements
    for (indicateur_id, _), par_cellule in cellules.items():
        presents[indicateur_id].update(type_id for _, type_id in par_cellule)
    tableau.est_vide = True
    for indicateur in tableau.indicateurs:
        types = [t for t in catalogue if t.pk in presents[indicateur.pk]]

        def croisement(periode, indicateur=indicateur, types=types):
            par_cellule = cellules.get((indicateur.pk, periode), {})
            publiees = None if masques is None else masques.get((indicateur.pk, periode), set())
            return croiser(indicateur, periode, tableau.departements, types, par_cellule, publiees)

        complet = series or indicateur == tableau.indicateur
        croisements = [croisement(p) for p in (tableau.periodes if complet else tableau.periodes[-2:])]
        tableau.est_vide = tableau.est_vide and all(c.total.est_vide for c in croisements)
        if series:
            tableau.series.append(Serie(indicateur, [c.total for c in croisements]))
        if croisements:
            # La période d'avant la dernière : l'avant-dernière du tableau, ou celle lue en plus avant la première.
            precedent = croisements[-2].total if len(croisements) > 1 else croisement(precedente).total
            tableau.chiffres_cles.append(ChiffreCle(indicateur, croisements[-1].total, precedent))
        if indicateur == tableau.indicateur and croisements:
            remplir_indicateur_choisi(tableau, croisements)


def remplir_indicateur_choisi(tableau: TableauDeBord, croisements: list[Croisement]):
    tableau.croisement = croisements[-1]
    tableau.evolution = [
        PointEvolution(c.periode, libelle_periode(c.periode, tableau.granularite), c.totaux, c.total)
        for c in croisements
    ]
    par_100k = tableau.indicateur.agregation != Agregation.TAUX
    tableau.carte = [
        ValeurCarte(ligne.territoire, ligne.total, pour_100k(ligne.total, ligne.territoire) if par_100k else None)
        for ligne in tableau.croisement.lignes
    ]


def pour_100k(cellule: Cellule, territoire: Territoire) -> Decimal | None:
    if cellule.affichee is None or not territoire.population:
        return None
    return arrondi(cellule.affichee * 100_000 / territoire.population)


def completude_du_tableau(tableau: TableauDeBord, catalogue) -> list[LigneCompletude]:
    """La complétude de la dernière période, par ligne du périmètre : département, ou région pour la France
    (indicateurs/completude.py, la même que celle du suivi des déclarations) ; vide quand rien n'était attendu."""
    if not tableau.periode:
        return []
    lignes = completude(
        perimetre=tableau.territoire,
        lignes=tableau.departements,
        granularite=tableau.granularite,
        periode=tableau.periode,
        aujourd_hui=calendrier.aujourd_hui(),
        types=[t.pk for t in catalogue],
    )
    return lignes if lignes[-1].nb_attendues else []
