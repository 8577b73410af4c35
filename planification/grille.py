"""La grille des cibles d'un horizon : une ligne par territoire du périmètre, une colonne par type (dans son unité),
une case par (type, territoire). Elle se lit en un nombre constant de requêtes, reçoit la saisie d'un envoi et les
blocs collés depuis un tableur, et dit où les cibles des départements dépassent celle de leur région (et celles des
régions, la cible nationale)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Sum

from commun.erreurs import Conflit
from commun.nombres import nombre
from dispositifs.models import TypeDispositif
from planification.forms import CibleForm
from planification.models import Cible, valider_valeur_de_cible
from planification.services import Saisie
from territoires.models import Niveau, Territoire

# Ce qu'un tableur met entre les milliers (« 1 234 ») : espace, espace insécable, espace fine insécable.
ESPACES = re.compile(r"[\s\u00a0\u202f]+")


def lire_nombre(texte: str, type_) -> Decimal | None:
    """Un nombre écrit à la française (« 2,5 », « 1 234 ») ; None pour une case vide. Les règles d'une cible du
    type (`valider_valeur_de_cible` : positive, entière sauf en postes) s'appliquent : ValidationError sinon."""
    texte = ESPACES.sub("", texte or "")
    if not texte:
        return None
    valeur = CibleForm.base_fields["valeur"].clean(texte)  # virgule décimale, 8 chiffres dont 2 décimales
    valider_valeur_de_cible(valeur, type_)
    return valeur


def ecrire_nombre(valeur: Decimal | None) -> str:
    """La valeur d'une case telle que la montre le champ : « 2,5 », sans séparateur de milliers."""
    return "" if valeur is None else nombre(valeur).replace("\u00a0", "").replace("\u202f", "")


@dataclass
class Case:
    type: TypeDispositif
    territoire: Territoire
    cible: Cible | None
    supprimee: bool = False  # la case a porté une cible, supprimée depuis : son historique reste lisible
    saisie: str = ""
    lu: str = ""  # « version:valeur » telles qu'affichées : le verrou optimiste et de quoi savoir si la case change
    erreur: str = ""
    conflit: Conflit | None = None
    collee: bool = False

    def __post_init__(self):
        valeur = self.cible.valeur if self.cible else None
        self.saisie = ecrire_nombre(valeur)
        self.lu = f"{self.cible.version if self.cible else 0}:{'' if valeur is None else valeur.normalize()}"

    @property
    def nom(self) -> str:
        return f"c-{self.type.pk}-{self.territoire.pk}"

    @property
    def nom_lu(self) -> str:
        return f"l-{self.type.pk}-{self.territoire.pk}"

    @property
    def libelle(self) -> str:
        return f"{self.type.sigle} · {self.territoire.nom}"

    def version_et_valeur_lues(self) -> tuple[int, Decimal | None]:
        """Ce que le formulaire a reçu à l'affichage ; une valeur illisible (page trafiquée) compte comme la version
        0 d'une case vide : au pire un conflit, jamais une écriture à l'aveugle."""
        version, _, valeur = self.lu.partition(":")
        try:
            version, valeur = int(version), (Decimal(valeur) if valeur else None)
        except (ValueError, ArithmeticError):
            return 0, None
        return (version, valeur) if valeur is None or valeur.is_finite() else (0, None)


@dataclass
class Ligne:
    territoire: Territoire
    cases: list[Case] = field(default_factory=list)


class Grille:
    def __init__(self, *, perimetre, horizon, types, territoires, cibles, supprimees=frozenset(), regions=None):
        self.perimetre, self.horizon, self.types = perimetre, horizon, types
        # La somme des cibles régionales par type, face à la cible nationale (grille du pays seulement : ses lignes
        # régionales ne sont pas dans la grille, le national n'écrivant que la ligne France).
        self.sommes_des_regions = regions or {}
        cibles = {(c.type_id, c.territoire_id): c for c in cibles}
        self.lignes = [
            Ligne(t, [Case(y, t, cibles.get((y.pk, t.pk)), (y.pk, t.pk) in supprimees) for y in types])
            for t in territoires
        ]

    @classmethod
    def charger(cls, perimetre: Territoire, horizon) -> "Grille":
        """Quatre requêtes quelle que soit la taille : types, territoires, cibles, cases supprimées (et, pour la
        grille du pays, la somme des cibles régionales par type)."""
        territoires = territoires_de_la_grille(perimetre)
        return cls(
            regions=sommes_des_cibles_regionales(horizon) if perimetre.niveau == Niveau.PAYS else None,
            perimetre=perimetre,
            horizon=horizon,
            types=list(TypeDispositif.objects.order_by("ordre", "sigle")),
            territoires=territoires,
            cibles=Cible.objects.filter(horizon=horizon, territoire__in=territoires),
            supprimees=cases_supprimees(horizon),
        )

    @property
    def cases(self):
        return [case for ligne in self.lignes for case in ligne.cases]

    def lire(self, donnees) -> None:
        """La saisie envoyée : la valeur de chaque case et ce qui en avait été lu. Les champs qui ne sont pas des
        cases de la grille (un autre territoire, un autre type) sont ignorés."""
        for case in self.cases:
            if case.nom in donnees:
                case.saisie = donnees[case.nom].strip()[:50]
            if case.nom_lu in donnees:
                case.lu = donnees[case.nom_lu][:50]

    def saisies(self) -> list[Saisie]:
        """Les cases modifiées ; une case illisible reçoit son erreur (`case.erreur`) et n'en fait pas partie."""
        saisies = []
        for case in self.cases:
            try:
                valeur = lire_nombre(case.saisie, case.type)
            except ValidationError as erreur:
                case.erreur = f"{case.libelle} : « {case.saisie} » — {' '.join(erreur.messages)}"
                continue
            version, lue = case.version_et_valeur_lues()
            if valeur != lue:
                saisies.append(Saisie(type=case.type, territoire=case.territoire, valeur=valeur, version_lue=version))
        return saisies

    @property
    def erreurs(self) -> list[str]:
        return [case.erreur for case in self.cases if case.erreur]

    def marquer_conflits(self, conflits: dict) -> None:
        """Chaque case en conflit garde la saisie du perdant et montre la valeur actuelle ; elle porte désormais la
        version actuelle, pour qu'un nouvel envoi, après vérification, enregistre."""
        for case in self.cases:
            conflit = conflits.get((case.type.pk, case.territoire.pk))
            if conflit is not None:
                case.conflit = conflit
                actuelle = conflit.actuel
                valeur = "" if actuelle is None else actuelle.valeur.normalize()
                case.lu = f"{actuelle.version if actuelle else 0}:{valeur}"

    def coller(self, bloc: str, *, territoire_pk, type_pk) -> list[str]:
        """Recopie un bloc collé depuis un tableur (lignes séparées par des retours, colonnes par des tabulations)
        dans les cases, à partir de la case (territoire, type) choisie. Rien n'est recopié si une valeur est
        illisible ou si le bloc déborde : rend les erreurs, en français, qui nomment ligne, colonne et valeur."""
        depart = self._position(territoire_pk, type_pk)
        if depart is None:
            return ["Choisissez la case où commence le bloc (un territoire et un type de la grille)."]
        lignes = lignes_du_bloc(bloc)
        if not lignes:
            return ["Le bloc à coller est vide."]
        erreurs, a_ecrire = [], []
        for i, valeurs in enumerate(lignes):
            for j, texte in enumerate(valeurs):
                position = f"Ligne {i + 1}, colonne {j + 1}"
                if depart[0] + i >= len(self.lignes) or depart[1] + j >= len(self.types):
                    erreurs.append(f"{position} : « {texte} » tombe hors de la grille (le bloc est trop grand).")
                    continue
                case = self.lignes[depart[0] + i].cases[depart[1] + j]
                try:
                    lire_nombre(texte, case.type)
                except ValidationError as erreur:
                    erreurs.append(f"{position} : « {texte} » — {' '.join(erreur.messages)}")
                    continue
                a_ecrire.append((case, texte.strip()))
        if not erreurs:
            for case, texte in a_ecrire:
                case.saisie, case.collee = texte, True
        return erreurs

    def _position(self, territoire_pk, type_pk) -> tuple[int, int] | None:
        lignes = [str(ligne.territoire.pk) for ligne in self.lignes]
        colonnes = [str(type_.pk) for type_ in self.types]
        if str(territoire_pk) not in lignes or str(type_pk) not in colonnes:
            return None
        return lignes.index(str(territoire_pk)), colonnes.index(str(type_pk))

    def avertissements(self) -> list[str]:
        """Où la somme des cibles des départements dépasse celle de leur région (et celle des territoires de santé,
        celle de leur département), type par type : un avertissement, pas un refus."""
        par_parent = {}
        for ligne in self.lignes:
            par_parent.setdefault(ligne.territoire.parent_id, []).append(ligne)
        messages = []
        for ligne in self.lignes:
            enfants = par_parent.get(ligne.territoire.pk, [])
            for colonne, case in enumerate(ligne.cases):
                valeurs = [e.cases[colonne].cible.valeur for e in enfants if e.cases[colonne].cible]
                if case.cible and valeurs and sum(valeurs) > case.cible.valeur:
                    messages.append(depassement(case, enfants[0].territoire.niveau, sum(valeurs)))
                somme_des_regions = self.sommes_des_regions.get(case.type.pk)
                if case.cible and somme_des_regions and somme_des_regions > case.cible.valeur:
                    messages.append(depassement(case, Niveau.REGION, somme_des_regions))
        return messages


ENFANTS = {Niveau.REGION: "régions", Niveau.DEPARTEMENT: "départements"}
PARENT = {Niveau.PAYS: "nationale", Niveau.REGION: "de la région"}


def depassement(case: Case, niveau_des_enfants: str, somme: Decimal) -> str:
    unite = case.type.get_unite_display()
    enfants = ENFANTS.get(niveau_des_enfants, "territoires de santé")
    parent = PARENT.get(case.territoire.niveau, "du département")
    return (
        f"{case.type.sigle} : la somme des cibles des {enfants} ({nombre(somme)} {unite}) dépasse la cible "
        f"{parent} {case.territoire.nom} ({nombre(case.cible.valeur)} {unite})."
    )


def sommes_des_cibles_regionales(horizon) -> dict[int, Decimal]:
    """La somme des cibles posées sur les régions, par type, pour l'horizon (une requête)."""
    sommes = Cible.objects.filter(horizon=horizon, territoire__niveau=Niveau.REGION).values("type")
    return dict(sommes.annotate(somme=Sum("valeur")).values_list("type", "somme"))


def lignes_du_bloc(bloc: str) -> list[list[str]]:
    """Les valeurs d'un bloc copié dans un tableur : une ligne par retour, une colonne par tabulation ; les lignes
    vides du début et de la fin (le retour final que copie le tableur) sont ignorées."""
    bloc = (bloc or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return [ligne.split("\t") for ligne in bloc.split("\n")] if bloc.strip() else []


def territoires_de_la_grille(perimetre: Territoire) -> list[Territoire]:
    """Pour la France, la seule ligne du pays (les cibles nationales) ; pour une région, elle, ses départements
    et ses territoires de santé, dans l'ordre de l'arbre."""
    if perimetre.niveau == Niveau.PAYS:
        return [perimetre]
    return list(Territoire.objects.descendants(perimetre, inclus=True))


def entrees_de_cibles():
    """Les entrées du journal qui portent sur des cibles (le type joint par son nom : aucune requête de plus)."""
    return LogEntry.objects.filter(content_type__app_label="planification", content_type__model="cible")


def cases_supprimees(horizon) -> set[tuple[int, int]]:
    """Les cases (type, territoire) de l'horizon dont une cible a été supprimée, lues dans le journal d'audit (qui
    garde, à la suppression, les valeurs de la cible)."""
    suppressions = entrees_de_cibles().filter(action=LogEntry.Action.DELETE, changes__horizon__0=str(horizon.pk))
    return {(int(y), int(t)) for y, t in suppressions.values_list("changes__type__0", "changes__territoire__0")}
