"""Le tableau de planification (Planification) : où en est-on des cibles du PRAPS, territoire par territoire ?

Cinq requêtes quel que soit le volume : les territoires de la région, les types, les capacités
autorisées, installées et financées (agrégées en SQL depuis le registre), les projets de l'horizon et les cibles.

Tout se lit dans le registre, à `date` : un projet inscrit à l'horizon compte en perspectives (sa capacité prévue)
tant qu'il n'a pas d'autorisation datée au plus tard à `date` ; ensuite il compte en autorisés, pour la capacité
que dit le registre. Le statut enregistré du dispositif n'y entre pas : le tableau d'une date passée reste juste.
Le cumul le long de l'arbre (territoire de santé → département → région) se fait ensuite en Python sur
ces lignes déjà agrégées, dont le nombre ne dépend que du nombre de territoires et de types.

L'écart aux cibles (cible − autorisés − perspectives) n'a qu'un calcul, `Ligne.ecart` : la page de
planification, son API et son export le lisent ici, et le tableau de bord et le rapport PDF des indicateurs
passent par `ecarts_aux_cibles`, qui choisit l'horizon avec une seule règle (`horizon_des_ecarts`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from dispositifs.models import Dispositif, EvenementCapacite, Nature, TypeDispositif, Unite, somme_capacite
from planification.models import Cible, Horizon
from territoires.models import Niveau, Territoire

ZERO = Decimal(0)
# Ce qui se cumule le long de l'arbre ; la cible, elle, est celle posée sur le territoire même.
MESURES = ("autorises", "installes", "finances", "perspectives", "projets", "fictifs")


@dataclass
class Ligne:
    type: TypeDispositif
    territoire: Territoire
    autorises: Decimal = ZERO
    installes: Decimal = ZERO
    finances: Decimal = ZERO
    perspectives: Decimal = ZERO
    projets: int = 0
    cible: Decimal | None = None
    cible_id: int | None = None
    cible_fictive: bool = False
    fictifs: int = 0  # dispositifs fictifs (démonstration) comptés dans les capacités

    @property
    def unite(self) -> str:
        return self.type.unite

    @property
    def ecart(self) -> Decimal | None:
        """Ce qui reste à programmer : cible − autorisés − perspectives (rien sans cible)."""
        return None if self.cible is None else self.cible - self.autorises - self.perspectives

    @property
    def taux_pour_100k(self) -> Decimal | None:
        """Capacité autorisée pour 100 000 habitants ; None quand la population n'est pas connue."""
        return pour_100k(self.autorises, self.territoire.population)

    @property
    def installes_pour_100k(self) -> Decimal | None:
        return pour_100k(self.installes, self.territoire.population)

    @property
    def cible_pour_100k(self) -> Decimal | None:
        return pour_100k(self.cible, self.territoire.population)

    @property
    def est_vide(self) -> bool:
        capacites = (self.autorises, self.installes, self.finances, self.perspectives, self.projets)
        return not any(capacites) and self.cible is None


@dataclass
class Total:
    unite: str
    autorises: Decimal = ZERO
    installes: Decimal = ZERO
    finances: Decimal = ZERO
    perspectives: Decimal = ZERO
    cible: Decimal = ZERO
    ecart: Decimal = ZERO
    types: list[str] = field(default_factory=list)
    cibles_regionales: Decimal | None = None  # tableau national : somme des cibles posées sur les régions

    @property
    def libelle_unite(self) -> str:
        """« places », « postes (ETP) », « sites de consultation » : l'unité comme la page et l'export l'écrivent."""
        return Unite(self.unite).label


@dataclass
class Planification:
    region: Territoire
    horizon: object
    date: object
    lignes: list[Ligne]
    totaux: list[Total]

    @property
    def est_nationale(self) -> bool:
        return self.region.niveau == Niveau.PAYS


def calculer_planification(*, region, horizon, date, types=None, territoire=None) -> Planification:
    """Une ligne par type × territoire de la région (cumuls à chaque niveau) et un total par unité ; pour la France,
    le tableau national (planification.nationale).

    `types` : codes de types à garder (tous sinon) ; `territoire` : ne montrer que ce sous-arbre.
    """
    if region.niveau == Niveau.PAYS:
        from planification.nationale import calculer_planification_nationale  # elle s'appuie sur ce module

        return calculer_planification_nationale(
            pays=region, horizon=horizon, date=date, types=types, territoire=territoire
        )
    territoires = list(Territoire.objects.descendants(region, inclus=True))
    catalogue = _catalogue(types)
    valeurs = _valeurs_par_case(region, horizon, date, catalogue)

    lignes = []
    for type_ in catalogue:
        for t in territoires:
            ligne = _cumuler(Ligne(type=type_, territoire=t), valeurs, type_.pk, t.chemin)
            if not ligne.est_vide or (types and t == region):
                lignes.append(ligne)
    totaux = _totaux([ligne for ligne in lignes if ligne.territoire == region])
    if territoire is not None:
        lignes = [ligne for ligne in lignes if ligne.territoire.chemin.startswith(territoire.chemin)]
    return Planification(region=region, horizon=horizon, date=date, lignes=lignes, totaux=totaux)


def _catalogue(types) -> list[TypeDispositif]:
    catalogue = TypeDispositif.objects.order_by("ordre", "sigle")
    return list(catalogue.filter(code__in=types) if types else catalogue)


def horizon_des_ecarts(region):
    """L'horizon auquel se mesurent les écarts d'une région : le plus récent (fin la plus tardive) qui porte au
    moins une cible dans la région ; None s'il n'y en a pas (une requête)."""
    horizons = Horizon.objects.filter(cibles__territoire__chemin__startswith=region.chemin)
    return horizons.order_by("-fin", "libelle").first()


def ecarts_aux_cibles(territoire, *, date, types=None) -> Planification | None:
    """Les lignes de planification d'un territoire (région ou département) à l'horizon de sa région
    (`horizon_des_ecarts`), à `date` : celles que montrent le tableau de bord et le rapport PDF. None pour la
    France, ou quand aucun horizon n'a de cible dans la région. `types` : codes de types gardés (tous sinon)."""
    if territoire.niveau == Niveau.PAYS:
        return None
    region = territoire if territoire.niveau == Niveau.REGION else territoire.parent
    horizon = horizon_des_ecarts(region)
    if horizon is None:
        return None
    sous_arbre = territoire if territoire != region else None
    plan = calculer_planification(region=region, horizon=horizon, date=date, types=types, territoire=sous_arbre)
    plan.lignes = [ligne for ligne in plan.lignes if ligne.territoire == territoire]
    return plan


def _valeurs_par_case(region, horizon, date, catalogue) -> dict:
    """{(type_id, chemin du territoire): {mesure: valeur}} pour les dispositifs, projets et cibles."""
    valeurs = defaultdict(dict)
    dispositifs = Dispositif.objects.dans(region).filter(type__in=catalogue)
    capacites = dispositifs.values("type_id", "territoire__chemin").annotate(
        autorises=somme_capacite("autorisee", date=date),
        installes=somme_capacite("installee", date=date),
        finances=somme_capacite("financee", date=date),
        fictifs=Count("pk", filter=Q(fictif=True), distinct=True),
    )
    for ligne in capacites:
        valeurs[ligne["type_id"], ligne["territoire__chemin"]].update(
            autorises=ligne["autorises"],
            installes=ligne["installes"],
            finances=ligne["finances"],
            fictifs=ligne["fictifs"],
        )
    autorisation = EvenementCapacite.objects.filter(
        dispositif=OuterRef("pk"), nature=Nature.AUTORISATION, date__lte=date
    )
    projets = (
        dispositifs.filter(horizon=horizon)
        .exclude(Exists(autorisation))
        .values("type_id", "territoire__chemin")
        .annotate(perspectives=Sum("capacite_prevue", default=ZERO), projets=Count("pk"))
    )
    for ligne in projets:
        valeurs[ligne["type_id"], ligne["territoire__chemin"]].update(
            perspectives=ligne["perspectives"], projets=ligne["projets"]
        )
    cibles = Cible.objects.filter(horizon=horizon, type__in=catalogue, territoire__chemin__startswith=region.chemin)
    for cible in cibles.values("pk", "type_id", "territoire__chemin", "valeur", "fictif"):
        valeurs[cible["type_id"], cible["territoire__chemin"]].update(
            cible=cible["valeur"], cible_id=cible["pk"], cible_fictive=cible["fictif"]
        )
    return valeurs


def _cumuler(ligne: Ligne, valeurs: dict, type_id: int, chemin: str) -> Ligne:
    """Capacités et projets cumulés sur le sous-arbre ; la cible est celle posée sur le territoire même."""
    for (type_valeur, chemin_valeur), mesures in valeurs.items():
        if type_valeur != type_id or not chemin_valeur.startswith(chemin):
            continue
        for mesure in MESURES:
            setattr(ligne, mesure, getattr(ligne, mesure) + mesures.get(mesure, 0))
        if chemin_valeur == chemin and "cible" in mesures:
            ligne.cible, ligne.cible_id, ligne.cible_fictive = (
                mesures[m] for m in ("cible", "cible_id", "cible_fictive")
            )
    return ligne


def _totaux(lignes_region: list[Ligne]) -> list[Total]:
    """Un total par unité de capacité : on n'additionne jamais des places et des équipes."""
    par_unite: dict[str, Total] = {}
    for ligne in lignes_region:
        total = par_unite.setdefault(ligne.unite, Total(unite=ligne.unite))
        total.autorises += ligne.autorises
        total.installes += ligne.installes
        total.finances += ligne.finances
        total.perspectives += ligne.perspectives
        total.cible += ligne.cible or ZERO
        total.ecart += ligne.ecart or ZERO
        total.types.append(ligne.type.sigle)
    return list(par_unite.values())


def pour_100k(valeur: Decimal | None, population: int | None) -> Decimal | None:
    """`valeur` pour 100 000 habitants ; None sans valeur ou quand la population n'est pas connue."""
    if valeur is None or not population:
        return None
    return (valeur * 100_000 / population).quantize(Decimal("0.01"))


def nombre(valeur: Decimal | None) -> int | float | None:
    """Un Decimal en nombre pour le JSON ou le tableur : entier quand il l'est (7 et non 7.00)."""
    if valeur is None:
        return None
    return int(valeur) if valeur == valeur.to_integral_value() else float(valeur)
