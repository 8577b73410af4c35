"""Le tableau de bord des indicateurs : ce que montrent la page régionale, la page publique et le rapport PDF.

Tout part des agrégats des départements du périmètre (une requête) : chaque bloc — chiffres clés, évolution,
tableau type × département, carte, complétude — se déduit du même tableau croisé département × type de chaque
indicateur et de chaque période. Les totaux sont donc la somme exacte des cases qu'ils résument (un taux :
Σ numérateur / Σ dénominateur), et le secret statistique, appliqué une fois par tableau croisé, vaut partout :
une valeur masquée dans le tableau l'est aussi dans la courbe, la carte, les chiffres clés et l'export.

Requêtes : types, indicateurs, départements (avec leurs contours), agrégats, puis l'horizon et le tableau de
planification (planification.calcul) quand il est demandé ; leur nombre ne dépend pas des données.

À l'échelle nationale (`make bench`), la page régionale ne lit que ce qu'elle montre : l'indicateur choisi à
toutes les périodes et les autres aux deux dernières (construire_tableau, `series=False`), par identifiants et
sans tri, sur l'index (territoire, granularité, période) ; une lecture de 100 000 agrégats triés et des centaines
de tableaux croisés coûtaient l'essentiel de ses 700 ms.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from dispositifs.models import TypeDispositif
from indicateurs.agregation import MOIS_PAR_GRANULARITE, debut_de_periode, decaler, version_des_agregats
from indicateurs.models import Agregat, Agregation, Granularite, Indicateur
from indicateurs.regles import arrondi
from indicateurs.secret import TOTAL, Seuils, secret_primaire, secret_secondaire
from planification.calcul import calculer_planification
from planification.models import Horizon
from territoires.models import Niveau, Territoire

MOIS_COURTS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
ZERO = Decimal(0)


class Mesure:
    """Ce que la carte colore : la valeur de l'indicateur, ou cette valeur pour 100 000 habitants."""

    VALEUR = "valeur"
    POUR_100K = "pour_100k"
    CHOIX = [(VALEUR, "Valeur de l'indicateur"), (POUR_100K, "Pour 100 000 habitants")]


# Périodes ------------------------------------------------------------------------------------------------


def periode_suivante(periode: datetime.date, granularite: str, nombre: int = 1) -> datetime.date:
    return decaler(periode, nombre * MOIS_PAR_GRANULARITE[granularite])


def periodes(debut: datetime.date, fin: datetime.date, granularite: str) -> list[datetime.date]:
    """Les périodes de la granularité qui couvrent les mois de `debut` à `fin`, dans l'ordre."""
    courante, derniere = debut_de_periode(debut, granularite), debut_de_periode(fin, granularite)
    liste = []
    while courante <= derniere:
        liste.append(courante)
        courante = periode_suivante(courante, granularite)
    return liste


def libelle_periode(periode: datetime.date, granularite: str) -> str:
    """« mars 2026 », « T1 2026 », « 2026 »."""
    if granularite == Granularite.ANNEE:
        return str(periode.year)
    if granularite == Granularite.TRIMESTRE:
        return f"T{(periode.month - 1) // 3 + 1} {periode.year}"
    return f"{MOIS_COURTS[periode.month - 1]} {periode.year}"


def dernier_mois(territoire: Territoire) -> datetime.date | None:
    """Le dernier mois agrégé dans le territoire : la fin par défaut du tableau de bord (une requête). Le dernier
    mois de chaque territoire du sous-arbre se lit à rebours sur l'index (territoire, granularité, période), puis
    on garde le plus récent : pas de parcours des agrégats, quel que soit leur nombre."""
    dernier = (
        Agregat.objects.filter(territoire=OuterRef("pk"), granularite=Granularite.MOIS)
        .order_by("-periode")
        .values("periode")[:1]
    )
    dans = Territoire.objects.filter(chemin__startswith=territoire.chemin)
    return dans.aggregate(dernier=Max(Subquery(dernier)))["dernier"]


# Cases -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Une valeur du tableau de bord et ce qu'il faut pour la cumuler et juger de son secret."""

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


VIDE = Case()


def cumuler(cases: list[Case], indicateur: Indicateur) -> Case:
    """Le total de cases d'un même indicateur : somme, ou Σ numérateur / Σ dénominateur pour un taux. Une seule
    boucle : la page en fait des centaines par affichage."""
    connues = [c for c in cases if c.valeur is not None or c.denominateur]
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
        return Case(valeur=valeur, **somme)
    valeur = arrondi(numerateur * 100 / denominateur) if denominateur else None
    return Case(valeur=valeur, numerateur=numerateur, denominateur=denominateur, **somme)


# Tableau croisé département × type ---------------------------------------------------------------------------


@dataclass
class LigneCroisee:
    territoire: Territoire
    cases: list[Case]
    total: Case


@dataclass
class TableauCroise:
    """Un indicateur, une période : une ligne par département, une colonne par type, et leurs totaux."""

    indicateur: Indicateur
    periode: datetime.date
    types: list[TypeDispositif]
    lignes: list[LigneCroisee]
    totaux: list[Case]
    total: Case

    @property
    def additif(self) -> bool:
        """Un total qui est la somme de ses cases : seul cas où une case masquée se retrouverait par différence."""
        return self.indicateur.agregation != Agregation.TAUX

    @property
    def est_vide(self) -> bool:
        return self.total.est_vide


def croiser(indicateur, periode, departements, types, cases: dict, seuils: Seuils | None) -> TableauCroise:
    """Le tableau croisé d'un indicateur et d'une période ; avec `seuils`, sous secret statistique."""
    lignes, colonnes = [], [t.pk for t in types]
    for departement in departements:
        cle = departement.pk
        rangee = [cases.get((cle, colonne), VIDE) for colonne in colonnes]
        lignes.append(LigneCroisee(departement, rangee, cumuler(rangee, indicateur)))
    totaux = [cumuler([ligne.cases[i] for ligne in lignes], indicateur) for i in range(len(types))]
    tableau = TableauCroise(indicateur, periode, types, lignes, totaux, cumuler(totaux, indicateur))
    return proteger(tableau, seuils) if seuils else tableau


def proteger(tableau: TableauCroise, seuils: Seuils) -> TableauCroise:
    """Secret primaire sur chaque case et chaque total, puis secondaire quand les totaux sont des sommes."""
    valeurs = {
        (ligne.territoire.pk, t.pk): c
        for ligne in tableau.lignes
        for t, c in zip(tableau.types, ligne.cases, strict=True)
    }
    valeurs |= {(ligne.territoire.pk, TOTAL): ligne.total for ligne in tableau.lignes}
    valeurs |= {(TOTAL, t.pk): c for t, c in zip(tableau.types, tableau.totaux, strict=True)}
    valeurs[TOTAL, TOTAL] = tableau.total
    personnes = tableau.indicateur.unite == "personnes"
    masques = {
        cle
        for cle, case in valeurs.items()
        if secret_primaire(case.valeur, case.nb_dispositifs, compte_personnes=personnes, seuils=seuils)
    }
    if tableau.additif:
        masques = secret_secondaire(
            {cle: case.valeur for cle, case in valeurs.items()},
            masques,
            lignes=[ligne.territoire.pk for ligne in tableau.lignes],
            colonnes=[t.pk for t in tableau.types],
        )

    def case(cle):
        return replace(valeurs[cle], secret=True) if cle in masques else valeurs[cle]

    for ligne in tableau.lignes:
        ligne.cases = [case((ligne.territoire.pk, t.pk)) for t in tableau.types]
        ligne.total = case((ligne.territoire.pk, TOTAL))
    tableau.totaux = [case((TOTAL, t.pk)) for t in tableau.types]
    tableau.total = case((TOTAL, TOTAL))
    return tableau


# Les blocs du tableau de bord -------------------------------------------------------------------------------


@dataclass
class ChiffreCle:
    indicateur: Indicateur
    actuel: Case
    precedent: Case

    @property
    def evolution(self) -> Decimal | None:
        """L'écart avec la période précédente ; None si l'une des deux manque ou est masquée."""
        if self.actuel.affichee is None or self.precedent.affichee is None:
            return None
        return self.actuel.affichee - self.precedent.affichee


@dataclass
class Serie:
    """Les totaux du périmètre d'un indicateur, une case par période du tableau de bord."""

    indicateur: Indicateur
    cases: list[Case]


@dataclass
class PointEvolution:
    """Une période de l'évolution de l'indicateur choisi : une case par type, et le total."""

    periode: datetime.date
    libelle: str
    cases: list[Case]
    total: Case


@dataclass
class ValeurCarte:
    departement: Territoire
    case: Case
    pour_100k: Decimal | None

    def mesure(self, mesure: str) -> Decimal | None:
        """La valeur que la carte colore ; None quand elle est masquée, absente ou sans population."""
        return self.pour_100k if mesure == Mesure.POUR_100K else self.case.affichee


@dataclass
class LigneCompletude:
    territoire: Territoire | None  # None : le total du périmètre
    nb_declarations: int
    nb_attendues: int

    @property
    def taux(self) -> Decimal | None:
        if not self.nb_attendues:
            return None
        return arrondi(Decimal(100 * self.nb_declarations) / self.nb_attendues)


@dataclass
class TableauDeBord:
    territoire: Territoire
    granularite: str
    periodes: list[datetime.date]
    public: bool
    seuils: Seuils
    indicateurs: list[Indicateur]
    indicateur: Indicateur | None
    departements: list[Territoire]
    mesure: str = Mesure.VALEUR
    chiffres_cles: list[ChiffreCle] = field(default_factory=list)
    series: list[Serie] = field(default_factory=list)
    evolution: list[PointEvolution] = field(default_factory=list)
    croise: TableauCroise | None = None
    carte: list[ValeurCarte] = field(default_factory=list)
    completude: list[LigneCompletude] = field(default_factory=list)
    ecarts: object = None  # planification.calcul.Planification, ou None (public, France, sans horizon)
    vide: bool = True  # aucune donnée agrégée sur les périodes du tableau (voir remplir)

    @property
    def periode(self) -> datetime.date | None:
        """La période des chiffres clés, du tableau croisé, de la carte et de la complétude : la dernière."""
        return self.periodes[-1] if self.periodes else None

    @property
    def libelle_periode(self) -> str:
        return libelle_periode(self.periode, self.granularite) if self.periode else ""

    @property
    def libelle_precedente(self) -> str:
        """La période qui précède la dernière, à laquelle se comparent les chiffres clés."""
        if not self.periode:
            return ""
        return libelle_periode(periode_suivante(self.periode, self.granularite, -1), self.granularite)

    @property
    def libelle_etendue(self) -> str:
        if not self.periodes:
            return ""
        debut, fin = (libelle_periode(p, self.granularite) for p in (self.periodes[0], self.periodes[-1]))
        return fin if debut == fin else f"{debut} – {fin}"

    @property
    def types(self) -> list[TypeDispositif]:
        return self.croise.types if self.croise else []

    @property
    def est_vide(self) -> bool:
        """Aucune donnée agrégée sur la période : la page affiche un état vide plutôt que des tableaux de tirets."""
        return self.vide

    @property
    def libelle_mesure(self) -> str:
        return dict(Mesure.CHOIX)[self.mesure]


def construire_tableau(
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
    """Le tableau de bord d'un territoire (France, région ou département) de `debut` à `fin` (premiers jours
    de mois), à la granularité voulue. `types` : codes des types gardés (tous sinon) ; `indicateur` : code de
    l'indicateur du tableau croisé, de l'évolution et de la carte (le premier du catalogue sinon) ; `public` :
    secret statistique appliqué partout ; `planification` : ajouter les écarts aux cibles (jamais en public) ;
    `series` : calculer aussi la série de chaque indicateur sur toutes les périodes (export « series ») — la page
    et le PDF ne la montrent pas : sans elle, les autres indicateurs ne se lisent qu'aux deux dernières périodes
    (chiffres clés, complétude), et les mêmes blocs sortent dix fois moins cher."""
    liste = periodes(debut, fin, granularite)
    catalogue = list(TypeDispositif.objects.order_by("ordre", "sigle"))  # 1 : types
    if types:
        catalogue = [t for t in catalogue if t.code in types]
    indicateurs = list(Indicateur.objects.filter(actif=True).order_by("ordre", "code"))  # 2 : indicateurs
    choisi = next((i for i in indicateurs if i.code == indicateur), indicateurs[0] if indicateurs else None)
    departements = list(
        departements_du_perimetre(territoire).select_related("contour").order_by("code")
    )  # 3 : départements et contours

    def tableau_vierge():
        return TableauDeBord(
            territoire=territoire,
            granularite=granularite,
            periodes=liste,
            public=public,
            seuils=Seuils.depuis_reglages(),
            indicateurs=indicateurs,
            indicateur=choisi,
            departements=departements,
            mesure=mesure_possible(mesure, choisi),
        )

    tableau = tableau_vierge()
    lire_et_remplir(tableau, catalogue, series=series)  # 4 : agrégats
    if tableau.vide and not series:
        # Rien pour l'indicateur choisi ni aux deux dernières périodes : seules les séries complètes disent s'il y
        # a des données ailleurs sur la période (cas rare, une requête de plus).
        tableau = tableau_vierge()
        lire_et_remplir(tableau, catalogue, series=True)
    if planification and not public:
        tableau.ecarts = ecarts_aux_cibles(territoire, catalogue, types)  # 5 à 10 : horizon et planification
    return tableau


# Au-delà, un tableau gardé en cache est recalculé même sans nouveau calcul des agrégats (catalogue modifié…).
DUREE_CACHE_TABLEAU = 10 * 60


def construire_tableau_en_cache(*, territoire: Territoire, types=None, public: bool = False, **arguments):
    """`construire_tableau`, gardé en cache jusqu'au prochain recalcul des agrégats : chaque visiteur d'une même
    vue ne refait pas le même calcul. Les écarts aux cibles, qui suivent la planification et non les agrégats,
    sont relus à chaque fois."""
    cle = (
        "indicateurs:tableau:"
        + hashlib.sha256(
            repr((territoire.pk, types, public, sorted(arguments.items()), version_des_agregats())).encode()
        ).hexdigest()
    )
    tableau = cache.get(cle)
    if tableau is None:
        tableau = construire_tableau(
            territoire=territoire, types=types, public=public, planification=False, **arguments
        )
        cache.set(cle, tableau, DUREE_CACHE_TABLEAU)
    if not public:
        tableau.ecarts = ecarts_aux_cibles(territoire, None, types)
    return tableau


def lire_et_remplir(tableau: TableauDeBord, catalogue, *, series: bool):
    """Lit les agrégats qu'il faut (tous les indicateurs à toutes les périodes avec `series` ; sinon
    l'indicateur choisi à toutes les périodes et les autres aux deux dernières) et en remplit les blocs."""
    liste, granularite = tableau.periodes, tableau.granularite
    precedente = periode_suivante(liste[0], granularite, -1) if liste else None
    toutes = [precedente, *liste]
    communes = toutes if series else toutes[-2:]
    cases = lire_cases(
        tableau.departements,
        granularite,
        communes,
        catalogue,
        tableau.indicateurs,
        choisi=tableau.indicateur,
        periodes_choisi=toutes,
    )
    remplir(tableau, cases, catalogue, precedente, series=series)


def mesure_possible(mesure: str, indicateur: Indicateur | None) -> str:
    """Un taux ne se rapporte pas à la population : la carte montre alors sa valeur."""
    if mesure not in dict(Mesure.CHOIX) or (indicateur and indicateur.agregation == Agregation.TAUX):
        return Mesure.VALEUR
    return mesure


def departements_du_perimetre(territoire: Territoire):
    """Les départements d'une région ou de la France ; un département seul pour lui-même."""
    if territoire.niveau == Niveau.DEPARTEMENT:
        return Territoire.objects.filter(pk=territoire.pk)
    return Territoire.objects.descendants(territoire).departements()


def lire_cases(departements, granularite, liste, catalogue, indicateurs, *, choisi=None, periodes_choisi=()) -> dict:
    """{(indicateur_id, période): {(département_id, type_id): Case}} en une requête sur les agrégats : chaque
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
        .values_list(
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
    )
    cases = defaultdict(dict)
    for indicateur_id, periode, territoire_id, type_id, *mesures in agregats:
        cases[indicateur_id, periode][territoire_id, type_id] = Case(*mesures)
    return cases


def remplir(tableau: TableauDeBord, cases: dict, catalogue, precedente, *, series: bool = True):
    """Chaque bloc à partir des tableaux croisés (un par indicateur et par période, protégés en public). Sans
    `series`, un indicateur autre que le choisi n'a que ses deux dernières périodes : ses chiffres clés."""
    seuils = tableau.seuils if tableau.public else None
    presents = defaultdict(set)  # les types qui ont des données, par indicateur : les colonnes du tableau croisé
    for (indicateur_id, _), par_case in cases.items():
        presents[indicateur_id].update(type_id for _, type_id in par_case)
    tableau.vide = True
    for indicateur in tableau.indicateurs:
        types = [t for t in catalogue if t.pk in presents[indicateur.pk]]

        def croise(periode, indicateur=indicateur, types=types):
            return croiser(
                indicateur, periode, tableau.departements, types, cases.get((indicateur.pk, periode), {}), seuils
            )

        complet = series or indicateur == tableau.indicateur
        croises = [croise(p) for p in (tableau.periodes if complet else tableau.periodes[-2:])]
        tableau.vide = tableau.vide and all(c.total.est_vide for c in croises)
        if series:
            tableau.series.append(Serie(indicateur, [c.total for c in croises]))
        if croises:
            # La période d'avant la dernière : l'avant-dernière du tableau, ou celle lue en plus avant la première.
            precedent = croises[-2].total if len(croises) > 1 else croise(precedente).total
            tableau.chiffres_cles.append(ChiffreCle(indicateur, croises[-1].total, precedent))
        if indicateur == tableau.indicateur and croises:
            remplir_indicateur_choisi(tableau, croises)
    tableau.completude = completude(tableau, cases, catalogue)


def remplir_indicateur_choisi(tableau: TableauDeBord, croises: list[TableauCroise]):
    tableau.croise = croises[-1]
    tableau.evolution = [
        PointEvolution(c.periode, libelle_periode(c.periode, tableau.granularite), c.totaux, c.total) for c in croises
    ]
    par_100k = tableau.indicateur.agregation != Agregation.TAUX
    tableau.carte = [
        ValeurCarte(ligne.territoire, ligne.total, pour_100k(ligne.total, ligne.territoire) if par_100k else None)
        for ligne in tableau.croise.lignes
    ]


def pour_100k(case: Case, territoire: Territoire) -> Decimal | None:
    if case.affichee is None or not territoire.population:
        return None
    return arrondi(case.affichee * 100_000 / territoire.population)


def completude(tableau: TableauDeBord, cases: dict, catalogue) -> list[LigneCompletude]:
    """Déclarations validées / attendues (dispositif × mois) par département à la dernière période : pour
    chaque type, l'indicateur qui en attend le plus (chaque déclaration les porte tous)."""
    if not tableau.periode:
        return []
    par_case = defaultdict(lambda: (0, 0))
    for (_, periode), valeurs in cases.items():
        if periode != tableau.periode:
            continue
        for cle, case in valeurs.items():
            par_case[cle] = max(par_case[cle], (case.nb_attendues, case.nb_declarations))
    lignes = []
    for departement in tableau.departements:
        attendues = [par_case[departement.pk, t.pk] for t in catalogue if (departement.pk, t.pk) in par_case]
        lignes.append(LigneCompletude(departement, sum(d for _, d in attendues), sum(a for a, _ in attendues)))
    total = LigneCompletude(None, sum(ligne.nb_declarations for ligne in lignes), sum(x.nb_attendues for x in lignes))
    return [*lignes, total] if total.nb_attendues else []


def ecarts_aux_cibles(territoire: Territoire, catalogue, types):
    """Le tableau de planification (cibles du dernier horizon qui en porte) au niveau du périmètre."""
    if territoire.niveau == Niveau.PAYS:
        return None
    horizon = Horizon.objects.filter(cibles__isnull=False).order_by("-fin").first()
    if horizon is None:
        return None
    region = territoire if territoire.niveau == Niveau.REGION else territoire.parent
    plan = calculer_planification(
        region=region,
        horizon=horizon,
        date=timezone.localdate(),
        types=types,
        territoire=territoire if territoire != region else None,
    )
    plan.lignes = [ligne for ligne in plan.lignes if ligne.territoire == territoire]
    return plan
