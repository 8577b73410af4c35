"""Le budget d'une région pour une année : enveloppes, engagé et disponible par source (et par type quand l'ARS
répartit l'enveloppe), coût réalisé par place ou par structure face au coût de référence, et ce que finance le reste.
La page budget, son export et l'appel à candidatures (appels/budget.py, `unites_financables`) lisent ces chiffres ici.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from dispositifs.models import UNITE_AU_SINGULIER, Dispositif, TypeDispositif, somme_capacite
from financements.models import SIGLES_SOURCES, Base, CoutReference, Credit, Enveloppe, Source
from financements.references import UNITES_DE_LA_BASE
from financements.regles import SourcesDuType, sources_du_type

ZERO = Decimal(0)


def unites_financables(reste: Decimal | None, cout_unitaire: Decimal | None) -> int | None:
    """Combien d'unités entières (places, structures…) le reste paie au coût `cout_unitaire` ; None sans reste
    positif ou sans coût. Le seul calcul de « finançable avec le reste », pour la page budget et les appels."""
    if not cout_unitaire or reste is None or reste <= 0:
        return None
    return int(reste // cout_unitaire)


def enveloppe_pour(enveloppes, source, type_id) -> Enveloppe | None:
    """L'enveloppe qui couvre un crédit de `source` pour un dispositif du type `type_id` : celle du type, sinon celle
    de tous les types de la source (la règle de `EnveloppeQuerySet.with_engage`)."""
    de_la_source = [e for e in enveloppes if e.source == source]
    return next((e for e in de_la_source if e.type_id == type_id), None) or next(
        (e for e in de_la_source if e.type_id is None), None
    )


@dataclass
class LigneEnveloppe:
    """Une enveloppe et ce qu'elle couvre, ou (enveloppe None) des crédits qu'aucune enveloppe ne couvre : ils sont
    engagés au-delà d'une enveloppe nulle."""

    source: str
    type: TypeDispositif | None
    engage: Decimal
    enveloppe: Enveloppe | None = None

    @property
    def sigle_source(self) -> str:
        return SIGLES_SOURCES[self.source]

    @property
    def montant(self) -> Decimal:
        return self.enveloppe.montant if self.enveloppe else ZERO

    @property
    def disponible(self) -> Decimal:
        return self.montant - self.engage

    @property
    def depasse(self) -> bool:
        return self.disponible < 0


@dataclass
class TotalSource:
    source: str
    montant: Decimal = ZERO
    engage: Decimal = ZERO

    @property
    def sigle_source(self) -> str:
        return SIGLES_SOURCES[self.source]

    @property
    def disponible(self) -> Decimal:
        return self.montant - self.engage

    @property
    def depasse(self) -> bool:
        return self.disponible < 0

    def ajouter(self, ligne: LigneEnveloppe):
        self.montant += ligne.montant
        self.engage += ligne.engage


@dataclass
class LigneType:
    """Un type : ses crédits de l'année, la capacité autorisée et le nombre des dispositifs qui les reçoivent, et le
    coût de référence qui permet de comparer et de dire ce que finance le reste."""

    type: TypeDispositif
    sources: SourcesDuType
    references: list[CoutReference]
    credits: Decimal = ZERO
    capacite: Decimal = ZERO
    structures: int = 0
    reste: Decimal | None = None  # Σ disponible des enveloppes qui couvriraient un crédit du type, sources admises

    @property
    def reference(self) -> CoutReference | None:
        """Le coût de référence annuel comparable à la capacité du type : par place (type compté en places ou en
        lits), par poste (type compté en postes) ou par structure ; les autres (non annuels, globaux) ne servent
        qu'à l'affichage."""
        for cout in self.references:
            dans_l_unite = self.type.unite in UNITES_DE_LA_BASE.get(cout.base, ())
            if cout.annuel and (cout.base == Base.STRUCTURE_AN or dans_l_unite):
                return cout
        return None

    @property
    def par_structure(self) -> bool:
        return self.reference is not None and self.reference.base == Base.STRUCTURE_AN

    @property
    def unite_du_cout(self) -> str:
        """Ce que mesurent le coût réalisé et le coût de référence : « place », « structure »…"""
        return "structure" if self.par_structure else UNITE_AU_SINGULIER[self.type.unite]

    @property
    def cout_realise(self) -> Decimal | None:
        """Crédits de l'année ÷ capacité autorisée (ou ÷ nombre de structures pour un coût par structure)."""
        diviseur = self.structures if self.par_structure else self.capacite
        return (self.credits / diviseur).quantize(Decimal("0.01")) if diviseur and self.credits else None

    @property
    def ecart_reference(self) -> Decimal | None:
        if self.cout_realise is None or self.reference is None:
            return None
        return self.cout_realise - self.reference.cout_unitaire

    @property
    def financable(self) -> int | None:
        return unites_financables(self.reste, self.reference.cout_unitaire if self.reference else None)


@dataclass
class Budget:
    region: object
    annee: int
    date_capacite: datetime.date
    lignes: list[LigneEnveloppe] = field(default_factory=list)
    totaux: list[TotalSource] = field(default_factory=list)
    types: list[LigneType] = field(default_factory=list)
    references: list[CoutReference] = field(default_factory=list)

    @property
    def total(self) -> TotalSource:
        total = TotalSource(source="")
        for ligne in self.lignes:
            total.ajouter(ligne)
        return total


def date_des_capacites(annee: int) -> datetime.date:
    """Les capacités comptent au 31 décembre de l'année, ou aujourd'hui si ce jour n'est pas encore passé."""
    return min(datetime.date(annee, 12, 31), timezone.localdate())


def calculer_budget(*, region, annee: int) -> Budget:
    """Le budget de `region` pour `annee` : sept requêtes, quel que soit le nombre d'enveloppes et de crédits."""
    budget = Budget(region=region, annee=annee, date_capacite=date_des_capacites(annee))
    enveloppes = list(Enveloppe.objects.filter(region=region, annee=annee).with_engage().select_related("type"))  # 1
    types = list(TypeDispositif.objects.all())  # 2
    budget.lignes = lignes_du_budget(region, annee, enveloppes, {t.pk: t for t in types})  # 3
    budget.totaux = totaux_par_source(budget.lignes)
    budget.references = list(CoutReference.objects.prefetch_related("types"))  # 4 et 5
    budget.types = lignes_par_type(region, annee, types, enveloppes, budget)  # 6 et 7
    return budget


def lignes_du_budget(region, annee, enveloppes, types: dict) -> list[LigneEnveloppe]:
    """Les enveloppes, puis les crédits hors enveloppe groupés par source et type ; dans l'ordre des sources."""
    lignes = [LigneEnveloppe(e.source, e.type, e.engage, e) for e in enveloppes]
    hors = (
        Credit.objects.filter(annee=annee)
        .hors_enveloppe(region)
        .order_by()
        .values("source", "dispositif__type")
        .annotate(total=Sum("montant"))
    )
    lignes += [LigneEnveloppe(h["source"], types[h["dispositif__type"]], h["total"]) for h in hors]
    ordre_sources = list(Source)
    return sorted(
        lignes,
        key=lambda ligne: (
            ordre_sources.index(ligne.source),
            ligne.type is not None,
            ligne.type.ordre if ligne.type else 0,
            ligne.type.sigle if ligne.type else "",
        ),
    )


def totaux_par_source(lignes) -> list[TotalSource]:
    totaux = {}
    for ligne in lignes:
        totaux.setdefault(ligne.source, TotalSource(ligne.source)).ajouter(ligne)
    return list(totaux.values())


def lignes_par_type(region, annee, types, enveloppes, budget) -> list[LigneType]:
    """Une ligne par type du catalogue : crédits, capacité autorisée et structures (des dispositifs crédités),
    références, et le reste des enveloppes qui couvriraient un nouveau crédit du type."""
    credites = Credit.objects.filter(annee=annee).dans(region).values("dispositif_id")
    chiffres = {
        c["type"]: c
        for c in Dispositif.objects.filter(pk__in=credites)
        .order_by()
        .values("type")
        .annotate(
            capacite=somme_capacite("autorisee", date=budget.date_capacite),
            structures=Count("pk", distinct=True),
        )
    }
    lignes = []
    for type_ in types:
        ligne = LigneType(
            type=type_,
            sources=sources_du_type(type_),
            references=[r for r in budget.references if type_ in r.types.all()],
        )
        if type_.pk in chiffres:
            ligne.capacite = chiffres[type_.pk]["capacite"]
            ligne.structures = chiffres[type_.pk]["structures"]
        ligne.reste = reste_pour(type_, ligne.sources, enveloppes)
        lignes.append(ligne)
    credits_par_type = credits_de_l_annee(region, annee)
    for ligne in lignes:
        ligne.credits = credits_par_type.get(ligne.type.pk, ZERO)
    return lignes


def credits_de_l_annee(region, annee) -> dict:
    return dict(
        Credit.objects.filter(annee=annee)
        .dans(region)
        .order_by()
        .values("dispositif__type")
        .annotate(total=Sum("montant"))
        .values_list("dispositif__type", "total")
    )


def reste_pour(type_, sources: SourcesDuType, enveloppes) -> Decimal | None:
    """Σ disponible des enveloppes qui couvriraient un crédit du type, sur les sources qu'il admet ; None sans
    aucune enveloppe."""
    couvrantes = {enveloppe_pour(enveloppes, source, type_.pk) for source in sources.admises} - {None}
    return sum((e.disponible for e in couvrantes), ZERO) if couvrantes else None
