"""Attendu et reçu : quels dispositifs n'ont pas déclaré un mois, taux de déclaration et de ponctualité par
territoire, et les relances par courriel avant et après l'échéance."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from dispositifs.models import Dispositif
from indicateurs import calendrier
from indicateurs.models import Declaration, Derogation, MomentRelance, Relance, StatutDeclaration
from territoires.models import Niveau, Territoire

RECUES = [StatutDeclaration.TRANSMISE, StatutDeclaration.VALIDEE]


def dispositifs_attendus(dispositifs):
    """Les dispositifs qui doivent déclarer : autorisés ou installés."""
    return dispositifs.en_service()


def avec_declaration_du_mois(dispositifs, mois, today):
    """Annote le statut et la date de transmission de la déclaration du mois, et la dérogation en cours ;
    les listes, les taux et l'export partagent cette seule requête."""
    du_mois = Declaration.objects.filter(dispositif=OuterRef("pk"), mois=mois)
    return dispositifs.select_related("type", "organisme", "territoire").annotate(
        declaration_id=Subquery(du_mois.values("pk")[:1]),
        declaration_statut=Subquery(du_mois.values("statut")[:1]),
        declaration_transmise_le=Subquery(du_mois.values("transmise_le")[:1]),
        derogation_en_cours=Exists(
            Derogation.objects.filter(dispositif=OuterRef("pk"), mois=mois, jusqu_au__gte=today)
        ),
    )


@dataclass
class Compte:
    """Attendus, reçus (transmis ou validés) et reçus à l'heure (transmis au plus tard le jour de l'échéance)."""

    territoire: Territoire | None
    attendus: int = 0
    recus: int = 0
    a_l_heure: int = 0

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
    lignes: list[Compte] = field(default_factory=list)  # départements, chacun suivi de ses territoires de santé
    total: Compte | None = None
    manquants: list = field(default_factory=list)  # dispositifs sans déclaration transmise
    dispositifs: list = field(default_factory=list)


def est_recu(dispositif) -> bool:
    return dispositif.declaration_statut in RECUES


def est_a_l_heure(dispositif, echeance) -> bool:
    """Une déclaration renvoyée puis retransmise compte à la date de sa dernière transmission."""
    transmise = dispositif.declaration_transmise_le
    return est_recu(dispositif) and transmise is not None and timezone.localdate(transmise) <= echeance


def calculer_suivi(*, dispositifs, region, mois, today) -> Suivi:
    """Le suivi d'un mois dans une région : deux requêtes (dispositifs annotés, territoires), quel que soit
    le nombre de dispositifs. Les comptes se font en Python sur ces mêmes lignes, qui donnent aussi la liste
    des dispositifs manquants."""
    suivi = Suivi(region=region, mois=mois, echeance=calendrier.echeance(mois), total=Compte(region))
    lignes = avec_declaration_du_mois(dispositifs_attendus(dispositifs.dans(region)), mois, today)
    suivi.dispositifs = list(lignes.order_by("territoire__chemin", "type__ordre", "nom"))
    territoires = Territoire.objects.descendants(region).filter(
        niveau__in=[Niveau.DEPARTEMENT, Niveau.TERRITOIRE_SANTE]
    )
    comptes = {t.chemin: Compte(t) for t in territoires}
    for dispositif in suivi.dispositifs:
        recu, a_l_heure = est_recu(dispositif), est_a_l_heure(dispositif, suivi.echeance)
        suivi.total.ajouter(recu, a_l_heure)
        for chemin in chemins_englobants(dispositif.territoire.chemin):
            if chemin in comptes:
                comptes[chemin].ajouter(recu, a_l_heure)
        if not recu:
            suivi.manquants.append(dispositif)
    suivi.lignes = [c for c in comptes.values() if c.attendus or c.territoire.niveau == Niveau.DEPARTEMENT]
    return suivi


def chemins_englobants(chemin: str) -> list[str]:
    """« FR/32/59/ts/ » → ["FR/", "FR/32/", "FR/32/59/", "FR/32/59/ts/"]."""
    segments = chemin.strip("/").split("/")
    return ["/".join(segments[: i + 1]) + "/" for i in range(len(segments))]


# Relances


def moment_de_relance(mois, today) -> str | None:
    """Avant : dans les INDICATEURS_RELANCE_JOURS_AVANT jours qui précèdent l'échéance (jour compris).
    Après : une fois l'échéance passée, tant que le mois n'est pas verrouillé."""
    echeance = calendrier.echeance(mois)
    if echeance - datetime.timedelta(days=settings.INDICATEURS_RELANCE_JOURS_AVANT) <= today <= echeance:
        return MomentRelance.AVANT
    if today > echeance and not calendrier.verrouille_sans_derogation(mois, today):
        return MomentRelance.APRES
    return None


def mois_a_relancer(today) -> list[tuple[datetime.date, str]]:
    """Les (mois, moment) dont c'est le jour de relance ; un mois verrouillé ne se relance plus."""
    profondeur = settings.INDICATEURS_VERROUILLAGE_JOURS // 28 + 3
    candidats = calendrier.derniers_mois(today, profondeur)
    return [(mois, moment) for mois in candidats if (moment := moment_de_relance(mois, today))]


def non_transmis(mois, moment):
    """Les dispositifs en service sans déclaration transmise ou validée pour ce mois, pas encore relancés."""
    return (
        dispositifs_attendus(Dispositif.objects.all())
        .exclude(Exists(Declaration.objects.filter(dispositif=OuterRef("pk"), mois=mois, statut__in=RECUES)))
        .exclude(Exists(Relance.objects.filter(dispositif=OuterRef("pk"), mois=mois, moment=moment)))
        .select_related("organisme", "type")
    )


def relancer_declarations(*, today=None) -> int:
    """Un courriel par organisme, listant ses dispositifs et mois à transmettre ; renvoie le nombre de
    courriels. Chaque (dispositif, mois, moment) est réservé par l'unicité de Relance : deux passages, ou
    deux workers, ne relancent jamais deux fois la même chose."""
    today = today or calendrier.aujourd_hui()
    par_organisme = defaultdict(list)
    for mois, moment in mois_a_relancer(today):
        for dispositif in non_transmis(mois, moment):
            par_organisme[dispositif.organisme].append((dispositif, mois, moment))
    return sum(_relancer_organisme(organisme, elements, today) for organisme, elements in par_organisme.items())


@transaction.atomic
def _relancer_organisme(organisme, elements, today) -> int:
    """Réserve les relances puis envoie le courriel ; un envoi qui échoue annule les réservations (le
    passage du lendemain réessaiera)."""
    destinataires = [m.email for m in organisme.membres.filter(is_active=True)]
    if not destinataires:
        return 0
    reserves = [
        {"dispositif": d, "mois": mois, "echeance": calendrier.echeance(mois), "en_retard": moment == "apres"}
        for d, mois, moment in elements
        if Relance.objects.get_or_create(dispositif=d, mois=mois, moment=moment)[1]
    ]
    if not reserves:
        return 0
    contexte = {"organisme": organisme, "elements": sorted(reserves, key=lambda e: (e["mois"], e["dispositif"].nom))}
    send_mail(
        render_to_string("indicateurs/email/relance_subject.txt", contexte).strip(),
        render_to_string("indicateurs/email/relance_body.txt", contexte),
        None,
        destinataires,
    )
    return 1
