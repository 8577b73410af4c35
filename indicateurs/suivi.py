"""Attendu et reçu : quels dispositifs n'ont pas déclaré un mois, taux de déclaration et de ponctualité par
territoire ; et qui relancer, quand, avant et après l'échéance (l'envoi est dans services.relancer_declarations).

« Qui doit déclarer » n'a qu'une définition : `Dispositif.objects.en_service()`, les dispositifs autorisés ou
installés ; l'agrégation compte ses déclarations attendues sur les mêmes. Le taux de déclaration compte les
déclarations reçues (transmises ou validées) ; la complétude, les validées (indicateurs/completude.py, celle du
tableau de bord et du rapport).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from commun.mois import derniers_mois
from dispositifs.models import Dispositif
from indicateurs import calendrier
from indicateurs.agregation import chemins_englobants
from indicateurs.completude import LigneCompletude, completude, libelle_hors_lignes
from indicateurs.models import RECUES, Declaration, Derogation, Granularite, MomentRelance, Relance
from territoires.models import Niveau, Territoire


def avec_declaration_du_mois(dispositifs, mois, aujourd_hui):
    """Annote le statut et la date de transmission de la déclaration du mois, la dérogation en cours, et si
    quelqu'un reçoit les relances de l'organisme (un compte actif, ceux que commun.notifications.membres_actifs
    prévient) ; les listes, les taux et l'export partagent cette seule requête."""
    du_mois = Declaration.objects.filter(dispositif=OuterRef("pk"), mois=mois)
    membres = get_user_model().objects.filter(organismes=OuterRef("organisme_id"), is_active=True)
    return dispositifs.select_related("type", "organisme", "territoire").annotate(
        a_qui_relancer=Exists(membres),
        declaration_id=Subquery(du_mois.values("pk")[:1]),
        declaration_statut=Subquery(du_mois.values("statut")[:1]),
        declaration_transmise_le=Subquery(du_mois.values("transmise_le")[:1]),
        derogation_en_cours=Exists(
            Derogation.objects.en_cours(aujourd_hui).filter(dispositif=OuterRef("pk"), mois=mois)
        ),
    )


@dataclass
class Compte:
    """Attendus, reçus (transmis ou validés) et reçus à l'heure (transmis au plus tard le jour de l'échéance)."""

    territoire: Territoire | None  # None : les dispositifs qu'aucune ligne ne contient (rattachés à la région)
    attendus: int = 0
    recus: int = 0
    a_l_heure: int = 0
    # Validées / attendues, le chiffre du tableau de bord et du rapport (indicateurs/completude.py).
    completude: LigneCompletude | None = None
    libelle: str = ""

    def __post_init__(self):
        self.libelle = self.libelle or str(self.territoire)

    @property
    def taux_declaration(self):
        return round(100 * self.recus / self.attendus, 1) if self.attendus else None

    @property
    def taux_a_l_heure(self):
        return round(100 * self.a_l_heure / self.attendus, 1) if self.attendus else None

    def ajouter(self, recu: bool, a_l_heure: bool):
        self.attendus += 1
        self.recus += recu
        self.a_l_heure += a_l_heure


@dataclass
class Suivi:
    region: Territoire
    mois: datetime.date
    echeance: datetime.date
    # Départements, chacun suivi de ses territoires de santé, puis « sans département » s'il y a lieu.
    lignes: list[Compte] = field(default_factory=list)
    total: Compte | None = None
    manquants: list = field(default_factory=list)  # dispositifs sans déclaration transmise
    dispositifs: list = field(default_factory=list)
    relances: list = field(default_factory=list)  # les relances envoyées pour ce mois, les plus récentes d'abord

    @property
    def recus(self) -> list:
        return [d for d in self.dispositifs if est_recu(d)]


def est_recu(dispositif) -> bool:
    return dispositif.declaration_statut in RECUES


def est_a_l_heure(dispositif, echeance) -> bool:
    """Une déclaration renvoyée puis retransmise compte à la date de sa dernière transmission."""
    transmise = dispositif.declaration_transmise_le
    return est_recu(dispositif) and transmise is not None and timezone.localdate(transmise) <= echeance


def calculer_suivi(*, dispositifs, region, mois, aujourd_hui) -> Suivi:
    """Le suivi d'un mois dans une région : trois requêtes (dispositifs annotés, territoires, relances), quel que soit
    le nombre de dispositifs. Les comptes se font en Python sur ces mêmes lignes, qui donnent aussi la liste
    des dispositifs manquants."""
    suivi = Suivi(region=region, mois=mois, echeance=calendrier.echeance(mois), total=Compte(region))
    lignes = avec_declaration_du_mois(dispositifs.dans(region).en_service(), mois, aujourd_hui)
    suivi.dispositifs = list(lignes.order_by("territoire__chemin", "type__ordre", "nom"))
    territoires = Territoire.objects.descendants(region).filter(
        niveau__in=[Niveau.DEPARTEMENT, Niveau.TERRITOIRE_SANTE]
    )
    comptes = {t.chemin: Compte(t) for t in territoires}
    # Comme au tableau de bord : un dispositif qu'aucune ligne ne contient (rattaché à la région elle-même) a
    # la sienne, sous le même libellé (indicateurs/completude.py), au lieu de ne compter que dans le total.
    hors_lignes = Compte(None, libelle=libelle_hors_lignes(region))
    for dispositif in suivi.dispositifs:
        recu, a_l_heure = est_recu(dispositif), est_a_l_heure(dispositif, suivi.echeance)
        suivi.total.ajouter(recu, a_l_heure)
        dedans = [comptes[c] for c in chemins_englobants(dispositif.territoire.chemin) if c in comptes]
        for compte in dedans or [hors_lignes]:
            compte.ajouter(recu, a_l_heure)
        if not recu:
            suivi.manquants.append(dispositif)
    suivi.lignes = [c for c in comptes.values() if c.attendus or c.territoire.niveau == Niveau.DEPARTEMENT]
    suivi.relances = list(relances_du_mois(dispositifs.dans(region), mois))
    ajouter_la_completude(suivi, hors_lignes, aujourd_hui)
    return suivi


def relances_du_mois(dispositifs, mois):
    """Les relances envoyées pour ce mois aux dispositifs donnés, avec dispositif et organisme (une requête)."""
    return (
        Relance.objects.filter(mois=mois, dispositif__in=dispositifs)
        .select_related("dispositif__organisme", "dispositif__type")
        .order_by("-envoyee_le", "dispositif__nom")
    )


def ajouter_la_completude(suivi: Suivi, hors_lignes: Compte, aujourd_hui):
    """La complétude du mois de chaque ligne, de « sans département » et du total : une requête de plus. La
    ligne « sans département » se montre dès qu'un dispositif y est attendu ce mois-ci, comme les autres."""
    lignes = completude(
        perimetre=suivi.region,
        lignes=[compte.territoire for compte in suivi.lignes],
        granularite=Granularite.MOIS,
        periode=suivi.mois,
        aujourd_hui=aujourd_hui,
    )
    par_territoire, autres = lignes[: len(suivi.lignes)], lignes[len(suivi.lignes) :]
    for compte, ligne in zip(suivi.lignes, par_territoire, strict=True):
        compte.completude = ligne
    # completude() omet sa ligne « sans département » quand rien n'y est attendu d'un mois fini.
    hors_lignes.completude = next((x for x in autres if not x.est_total), LigneCompletude(hors_lignes.libelle, None))
    if hors_lignes.attendus:
        suivi.lignes.append(hors_lignes)
    suivi.total.completude = autres[-1]


# Relances ------------------------------------------------------------------------------------------------


def moment_de_relance(mois, aujourd_hui) -> str | None:
    """Avant : dans les INDICATEURS_RELANCE_JOURS_AVANT jours qui précèdent l'échéance (jour compris).
    Après : une fois l'échéance passée, tant que le mois n'est pas verrouillé."""
    echeance = calendrier.echeance(mois)
    if echeance - datetime.timedelta(days=settings.INDICATEURS_RELANCE_JOURS_AVANT) <= aujourd_hui <= echeance:
        return MomentRelance.AVANT
    if aujourd_hui > echeance and not calendrier.verrouille_sans_derogation(mois, aujourd_hui):
        return MomentRelance.APRES
    return None


def mois_a_relancer(aujourd_hui) -> list[tuple[datetime.date, str]]:
    """Les (mois, moment) dont c'est le jour de relance ; un mois verrouillé ne se relance plus."""
    profondeur = settings.INDICATEURS_VERROUILLAGE_JOURS // 28 + 3
    candidats = derniers_mois(aujourd_hui, profondeur)
    return [(mois, moment) for mois in candidats if (moment := moment_de_relance(mois, aujourd_hui))]


def non_transmis(mois, moment):
    """Les dispositifs en service sans déclaration transmise ou validée pour ce mois, pas encore relancés."""
    return (
        Dispositif.objects.en_service()
        .exclude(Exists(Declaration.objects.recues().filter(dispositif=OuterRef("pk"), mois=mois)))
        .exclude(Exists(Relance.objects.filter(dispositif=OuterRef("pk"), mois=mois, moment=moment)))
        .select_related("organisme", "type")
    )
