"""Ce que demandent les lettres déposées et ce que retient l'ARS, face à l'enveloppe de l'appel : les dossiers de
la file, leur classement, le budget par type et par territoire, et l'enveloppe proposée depuis les écarts du
tableau de planification. Les pages, le classement et les exports lisent tous ces chiffres ici."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from appels.lettre import INDETERMINE
from appels.models import Candidature, Decision, NatureDecision
from commun.nombres import nombre
from commun.tri import cle_alphabetique
from dispositifs.models import TypeDispositif
from financements.budget import unites_financables
from planification.calcul import calculer_planification


def montant(valeur) -> Decimal | None:
    """Un nombre saisi dans la lettre (« 250000 », « 12.5 »), ou None s'il manque ou ne se lit pas."""
    try:
        return Decimal(str(valeur)) if valeur not in (None, "") else None
    except InvalidOperation:
        return None


def types_par_code() -> dict:
    return {t.code: t for t in TypeDispositif.objects.all()}


@dataclass
class Dossier:
    """Une candidature de la file avec ce que sa dernière lettre déposée demande."""

    candidature: Candidature  # lue par Candidature.objects.avec_instruction()
    types: dict  # code → TypeDispositif, chargés une fois pour toute la file

    @property
    def lettre(self) -> dict:
        return (self.candidature.contenu_depose or {}).get("lettre", {})

    @property
    def code_type(self) -> str:
        return self.lettre.get("dispositif_envisage") or INDETERMINE

    @property
    def type(self):
        return self.types.get(self.code_type)

    @property
    def territoires(self) -> list[str]:
        return self.lettre.get("territoires") or []

    @property
    def budget_demande(self) -> Decimal | None:
        return montant(self.lettre.get("budget_demande"))

    @property
    def capacite_demandee(self) -> Decimal | None:
        return montant(self.lettre.get("capacite_demandee"))

    @property
    def decision(self) -> Decision | None:
        return getattr(self.candidature, "decision", None)

    @property
    def retenue(self) -> bool:
        return self.decision is not None and self.decision.nature != NatureDecision.NON_RETENUE

    @property
    def type_retenu(self):
        """Le type financé : celui que propose l'ARS quand elle réoriente, sinon celui de la lettre."""
        if self.decision and self.decision.type_propose_id:
            return self.decision.type_propose
        return self.type


def dossiers(appel, types: dict) -> list[Dossier]:
    """Les candidatures déposées de l'appel, par organisme."""
    candidatures = Candidature.objects.filter(appel=appel).avec_instruction().order_by("organisme__nom", "pk")
    return [Dossier(candidature, types) for candidature in candidatures]


def classer(liste: list[Dossier]) -> list[Dossier]:
    """Par moyenne décroissante (les candidatures sans avis complet à la fin), puis par organisme."""
    return sorted(
        liste,
        key=lambda d: (
            d.candidature.moyenne is None,
            -(d.candidature.moyenne or 0),
            cle_alphabetique(d.candidature.organisme.nom),
        ),
    )


def lignes_du_classement(appel, classes: list[Dossier]) -> list[dict]:
    """Le rang de chaque dossier et le budget demandé cumulé jusqu'à lui : au-delà de l'enveloppe, il dépasse."""
    cumul, lignes = 0, []
    for rang, dossier in enumerate(classes, start=1):
        cumul += dossier.budget_demande or 0
        depasse = appel.enveloppe is not None and cumul > appel.enveloppe
        lignes.append({"rang": rang, "dossier": dossier, "cumul": cumul, "depasse": depasse})
    return lignes


@dataclass
class LigneBudget:
    libelle: str
    unite: str = ""
    cout_unitaire: Decimal | None = None
    candidatures: int = 0
    demande: Decimal = Decimal(0)
    capacite_demandee: Decimal = Decimal(0)
    retenues: int = 0
    retenu: Decimal = Decimal(0)
    capacite_retenue: Decimal = Decimal(0)
    financable: int | None = None  # unités que paierait le reste de l'enveloppe au coût de référence

    def ajouter_demande(self, dossier: Dossier):
        self.candidatures += 1
        self.demande += dossier.budget_demande or 0
        self.capacite_demandee += dossier.capacite_demandee or 0

    def ajouter_retenu(self, decision: Decision):
        self.retenues += 1
        self.retenu += decision.montant_retenu or 0
        self.capacite_retenue += decision.capacite_retenue or 0


@dataclass
class Budget:
    """Demandé et retenu, par type et par territoire, face à l'enveloppe de l'appel ; recalculé à chaque
    affichage, donc à jour de la dernière décision enregistrée."""

    enveloppe: Decimal | None
    par_type: list[LigneBudget] = field(default_factory=list)
    par_territoire: list[LigneBudget] = field(default_factory=list)
    total: LigneBudget = field(default_factory=lambda: LigneBudget("Total"))

    @property
    def reste(self) -> Decimal | None:
        return None if self.enveloppe is None else self.enveloppe - self.total.retenu

    @property
    def taux_engagement(self) -> Decimal | None:
        if not self.enveloppe:
            return None
        return (self.total.retenu * 100 / self.enveloppe).quantize(Decimal("0.1"))


def calculer_budget(appel, liste: list[Dossier], noms_territoires: dict) -> Budget:
    """Une candidature sur plusieurs territoires compte dans « Plusieurs territoires » : les lignes s'additionnent."""
    budget = Budget(enveloppe=appel.enveloppe)
    par_type, par_territoire = {}, {}
    for dossier in liste:
        territoire = _ligne_territoire(par_territoire, dossier.territoires, noms_territoires)
        for ligne in (_ligne_type(par_type, dossier.type), territoire, budget.total):
            ligne.ajouter_demande(dossier)
        if dossier.retenue:
            for ligne in (_ligne_type(par_type, dossier.type_retenu), territoire, budget.total):
                ligne.ajouter_retenu(dossier.decision)
    budget.par_type = sorted(par_type.values(), key=lambda ligne: cle_alphabetique(ligne.libelle))
    for ligne in budget.par_type:
        ligne.financable = unites_financables(budget.reste, ligne.cout_unitaire)
    # Les territoires dans l'ordre des noms, « Plusieurs territoires » et « non précisé » à la fin.
    ordre = sorted(
        par_territoire, key=lambda cle: (cle.startswith("~"), cle_alphabetique(par_territoire[cle].libelle))
    )
    budget.par_territoire = [par_territoire[cle] for cle in ordre]
    return budget


def _ligne(lignes: dict, cle, libelle, **attributs) -> LigneBudget:
    return lignes.setdefault(cle, LigneBudget(libelle, **attributs))


def _ligne_type(lignes: dict, type_) -> LigneBudget:
    if type_ is None:
        return _ligne(lignes, INDETERMINE, "Indéterminé")
    return _ligne(
        lignes, type_.code, type_.sigle, unite=type_.get_unite_display(), cout_unitaire=type_.cout_annuel_unitaire
    )


def _ligne_territoire(lignes: dict, codes: list[str], noms_territoires: dict) -> LigneBudget:
    if len(codes) == 1:
        return _ligne(lignes, codes[0], noms_territoires.get(codes[0], codes[0]))
    if codes:
        return _ligne(lignes, "~plusieurs", "Plusieurs territoires")
    return _ligne(lignes, "~aucun", "Territoire non précisé")


def enveloppe_des_ecarts(ecarts) -> Decimal | None:
    """Σ écart × coût annuel de référence, pour les types dont on connaît ce coût ; None sans aucun."""
    chiffres = [ligne for ligne in ecarts if ligne.type.cout_annuel_unitaire]
    return sum(ligne.ecart * ligne.type.cout_annuel_unitaire for ligne in chiffres) or None


# Un appel proposé depuis les écarts du tableau de planification ---------------------------------------------


def proposer_depuis_ecarts(*, region, horizon, types=(), territoire=None) -> dict:
    """Les valeurs initiales d'un appel qui comble les écarts du tableau de planification.

    Types : ceux dont l'écart (cible − autorisés − perspectives) est positif ; territoires : ceux où une
    cible porte cet écart (vide : toute la région) ; cibles : celles qui portent ces écarts (la page de chaque
    cible retrouve ainsi l'appel) ; enveloppe : Σ écart × coût annuel de référence, pour les types dont on connaît
    ce coût — les autres sont signalés dans la présentation, à chiffrer.
    """
    planification = calculer_planification(
        region=region, horizon=horizon, date=timezone.localdate(), types=list(types), territoire=territoire
    )
    ecarts = [ligne for ligne in planification.lignes if ligne.ecart and ligne.ecart > 0]
    return {
        "region": region,
        "horizon": horizon,
        "types_cibles": sorted({ligne.type.pk for ligne in ecarts}),
        "territoires": sorted({ligne.territoire.pk for ligne in ecarts if ligne.territoire != region}),
        "cibles": sorted(ligne.cible_id for ligne in ecarts),  # le lien que lit la page de chaque cible
        "enveloppe": enveloppe_des_ecarts(ecarts),
        "description": description_des_ecarts(horizon, ecarts),
    }


def description_des_ecarts(horizon, ecarts) -> str:
    resume = ", ".join(
        f"{ligne.type.sigle} {nombre(ligne.ecart)} {ligne.type.get_unite_display()} ({ligne.territoire.nom})"
        for ligne in ecarts
    )
    description = (
        f"Appel proposé depuis le tableau de planification ({horizon.libelle}) pour combler les écarts : "
        f"{resume or 'aucun'}."
    )
    a_chiffrer = sorted(
        {ligne.type.sigle for ligne in ecarts if not ligne.type.cout_annuel_unitaire}, key=cle_alphabetique
    )
    if a_chiffrer:
        description += f" Coût de référence inconnu pour {', '.join(a_chiffrer)} : enveloppe à compléter."
    return description
