"""Les rapports PDF mensuels : demande (beat, tableau de bord, administration), génération et stockage sûr.

Un rapport régénéré n'écrase jamais le fichier servi : le nouveau PDF est écrit sous un nom neuf, la ligne le
désigne d'un seul UPDATE, et l'ancien fichier n'est effacé qu'une fois ce changement validé. Un téléchargement
ne lit donc jamais un fichier à moitié écrit, et un échec laisse le précédent rapport disponible.
"""

import datetime
import hashlib
import logging
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commun.pdf import render_pdf
from dispositifs.models import Dispositif, TypeDispositif
from indicateurs.agregation import decaler
from indicateurs.models import Granularite, Rapport, StatutRapport
from indicateurs.tableau import construire_tableau, croiser, lire_cases
from planification.calcul import calculer_planification
from planification.models import Horizon
from territoires.models import Niveau, Territoire

logger = logging.getLogger(__name__)

GABARIT_PDF = "indicateurs/rapports/pdf/rapport.html"
EN_TRAVAIL = (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS)
# Le secret statistique se calcule sur le tableau de toute la région : un rapport public d'un département,
# protégé à part, rendrait recalculable une case que le rapport régional masque.
MOTIF_PUBLIC_REGIONAL = "La version publique n'existe que pour une région entière (secret statistique)."
# Au-delà, une demande restée en attente ou en cours est tenue pour perdue (worker arrêté) et peut être
# relancée ; c'est plus que la limite de durée d'une tâche (CELERY_TASK_TIME_LIMIT, 15 min).
DELAI_DEMANDE_PERDUE = datetime.timedelta(minutes=20)


class Etape:
    """Les étapes affichées pendant la génération, dans l'ordre."""

    DONNEES = "Préparation des données"
    GRAPHIQUES = "Graphiques et carte"
    MISE_EN_PAGE = "Mise en page du PDF"
    ENREGISTREMENT = "Enregistrement du fichier"


ETAPES = [Etape.DONNEES, Etape.GRAPHIQUES, Etape.MISE_EN_PAGE, Etape.ENREGISTREMENT]


def mois_precedent(jour: datetime.date) -> datetime.date:
    return decaler(jour.replace(day=1), -1)


# Visibilité ------------------------------------------------------------------------------------------------


# Demande ---------------------------------------------------------------------------------------------------


@transaction.atomic
def demander_rapport(*, territoire, mois: datetime.date, public: bool, par=None) -> Rapport:
    """Crée ou reprend le rapport du mois et met sa génération en file, une seule fois : une demande faite
    pendant qu'une autre attend ou tourne ne relance rien."""
    if public and territoire.niveau != Niveau.REGION:
        raise ValueError(MOTIF_PUBLIC_REGIONAL)
    maintenant = timezone.now()
    rapport, cree = Rapport.objects.get_or_create(
        territoire=territoire, mois=mois, public=public, defaults={"demande_par": par}
    )
    if not cree:
        # Le filtre porte l'état attendu : deux demandes simultanées, une seule passe.
        libre = ~Q(statut__in=EN_TRAVAIL) | Q(demande_le__lt=maintenant - DELAI_DEMANDE_PERDUE)
        reprise = Rapport.objects.filter(libre, pk=rapport.pk).update(
            statut=StatutRapport.EN_ATTENTE, etape="", erreur="", demande_le=maintenant, demande_par=par
        )
        rapport.refresh_from_db()
        if not reprise:
            return rapport
    # robust : une file Redis injoignable n'annule pas la demande enregistrée ; elle se relance après
    # DELAI_DEMANDE_PERDUE, et l'erreur est journalisée.
    transaction.on_commit(lambda: mettre_en_file(rapport.pk), robust=True)
    return rapport


def mettre_en_file(rapport_id: int):
    from indicateurs.tasks import generer_rapport  # les tâches importent ce module

    generer_rapport.delay(rapport_id)


def perimetres_du_mois():
    """Les régions et départements qui ont au moins un dispositif autorisé ou installé."""
    actifs = Dispositif.objects.en_service().filter(territoire__chemin__startswith=OuterRef("chemin"))
    return Territoire.objects.filter(niveau__in=[Niveau.REGION, Niveau.DEPARTEMENT]).filter(Exists(actifs))


def demander_rapports_du_mois(*, mois: datetime.date | None = None) -> int:
    """Beat, le 1er du mois : les rapports du mois écoulé pour chaque périmètre actif, en version interne, plus
    la version publique de chaque région. Renvoie le nombre de rapports demandés."""
    mois = mois or mois_precedent(timezone.localdate())
    demandes = [
        (territoire, public)
        for territoire in perimetres_du_mois()
        for public in ((False, True) if territoire.niveau == Niveau.REGION else (False,))
    ]
    for territoire, public in demandes:
        demander_rapport(territoire=territoire, mois=mois, public=public)
    return len(demandes)


# Génération ------------------------------------------------------------------------------------------------


def noter_etape(rapport: Rapport, etape: str):
    """Écrit l'étape tout de suite (hors transaction) pour que la page de suivi la lise pendant le calcul."""
    Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_COURS, etape=etape)
    rapport.statut, rapport.etape = StatutRapport.EN_COURS, etape


def deja_genere(rapport: Rapport) -> bool:
    """Une tâche rejouée (acks_late) après un succès ne refait pas le travail."""
    return (
        rapport.statut == StatutRapport.PRET
        and rapport.genere_le is not None
        and rapport.genere_le >= rapport.demande_le
    )


def generer_rapport(rapport: Rapport) -> Rapport:
    """Produit le PDF et le publie d'un coup ; en cas d'échec, le rapport précédent reste servi et l'erreur est
    notée, puis l'exception remonte (la tâche décide de rejouer)."""
    if deja_genere(rapport):
        return rapport
    try:
        pdf = composer_pdf(rapport)
        noter_etape(rapport, Etape.ENREGISTREMENT)
        publier(rapport, pdf)
    except Exception as erreur:
        noter_echec(rapport, erreur)
        raise
    return rapport


def composer_pdf(rapport: Rapport) -> bytes:

    noter_etape(rapport, Etape.DONNEES)
    contexte = donnees_du_rapport(rapport)
    noter_etape(rapport, Etape.GRAPHIQUES)
    contexte |= graphiques_du_rapport(contexte)
    noter_etape(rapport, Etape.MISE_EN_PAGE)
    return render_pdf(GABARIT_PDF, contexte)


def nom_de_fichier(rapport: Rapport) -> str:
    """Un nom neuf à chaque génération : le fichier servi n'est jamais réécrit."""
    version = "public" if rapport.public else "interne"
    base = f"rapport-{rapport.territoire.niveau}-{rapport.territoire.code}-{rapport.mois:%Y-%m}-{version}"
    return f"{base}-{uuid.uuid4().hex[:12]}.pdf"


def publier(rapport: Rapport, pdf: bytes):
    """Écrit le fichier en entier, puis seulement fait pointer la ligne dessus ; l'ancien fichier est effacé
    après la validation, le nouveau l'est si la ligne n'a pas pu changer."""
    champ = Rapport._meta.get_field("fichier")
    stockage = champ.storage
    nom = stockage.save(champ.generate_filename(rapport, nom_de_fichier(rapport)), ContentFile(pdf))
    try:
        with transaction.atomic():
            ancien = Rapport.objects.select_for_update().values_list("fichier", flat=True).get(pk=rapport.pk)
            valeurs = {
                "fichier": nom,
                "empreinte": hashlib.sha256(pdf).hexdigest(),
                "taille": len(pdf),
                "genere_le": timezone.now(),
                "statut": StatutRapport.PRET,
                "etape": "",
                "erreur": "",
            }
            Rapport.objects.filter(pk=rapport.pk).update(**valeurs)
            if ancien and ancien != nom:
                transaction.on_commit(lambda: effacer(stockage, ancien))
    except Exception:
        effacer(stockage, nom)
        raise
    for champ_nom, valeur in valeurs.items():
        setattr(rapport, champ_nom, valeur)


def effacer(stockage, nom: str):
    """Un fichier qui ne s'efface pas (déjà parti, disque en lecture seule) n'empêche pas le rapport d'être prêt."""
    try:
        stockage.delete(nom)
    except OSError:
        logger.warning("Rapport : l'ancien fichier %s n'a pas pu être effacé.", nom, exc_info=True)


def noter_echec(rapport: Rapport, erreur: Exception):
    """Seuls le statut et l'erreur changent : fichier, empreinte et date restent ceux du dernier bon rapport."""
    message = f"{type(erreur).__name__} : {erreur}"[:2000]
    Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.ECHEC, etape="", erreur=message)
    rapport.statut, rapport.etape, rapport.erreur = StatutRapport.ECHEC, "", message


# Contenu ---------------------------------------------------------------------------------------------------
# Les chiffres viennent du tableau de bord (indicateurs/tableau.py) et les graphiques d'indicateurs/graphiques.py :
# le PDF montre exactement ce que montre la page, avec le même secret statistique.

MOIS_DE_SERIE = 12  # l'évolution couvre l'année qui se termine au mois du rapport
INDICATEUR_PRINCIPAL = "file_active"  # celui de l'évolution, de la carte et des barres par département


def donnees_du_rapport(rapport: Rapport) -> dict:
    """Tout ce que le PDF montre, calculé une fois : tableau de bord du mois, tableaux croisés de chaque
    indicateur, planification (version interne) et méthode."""
    territoire, mois = rapport.territoire, rapport.mois
    tableau = construire_tableau(
        territoire=territoire,
        debut=decaler(mois, 1 - MOIS_DE_SERIE),
        fin=mois,
        indicateur=INDICATEUR_PRINCIPAL,
        public=rapport.public,
        planification=False,  # les écarts sont lus à la fin du mois couvert, pas au jour de la génération
        series=False,  # le PDF ne montre pas la série de chaque indicateur
    )
    if not rapport.public:
        tableau.ecarts = ecarts_de_planification(territoire, mois)
    return {
        "rapport": rapport,
        "territoire": territoire,
        "mois": mois,
        "fin_du_mois": decaler(mois, 1) - datetime.timedelta(days=1),
        "public": rapport.public,
        "genere_le": timezone.now(),
        "seuils": tableau.seuils,
        "tableau": tableau,
        "croises": tableaux_croises(tableau, mois),
        # Les blocs du tableau de bord, mis en page pour le papier : données dépliées, pas de lien d'export.
        "donnees_ouvertes": True,
        "url_export": "",
    }


def tableaux_croises(tableau, mois: datetime.date) -> list:
    """Le tableau département × type du mois pour chaque autre indicateur qui a des données (le tableau de bord
    n'en détaille qu'un) : mêmes cases, même protection. Deux requêtes : les types, les agrégats du mois."""
    catalogue = list(TypeDispositif.objects.order_by("ordre", "sigle"))
    cases = lire_cases(tableau.departements, Granularite.MOIS, [mois], catalogue, tableau.indicateurs)
    seuils = tableau.seuils if tableau.public else None
    croises = []
    for indicateur in tableau.indicateurs:
        par_case = cases.get((indicateur.pk, mois))
        if par_case and indicateur != tableau.indicateur:
            types = [t for t in catalogue if any(type_id == t.pk for _, type_id in par_case)]
            croises.append(croiser(indicateur, mois, tableau.departements, types, par_case, seuils))
    return croises


def graphiques_du_rapport(contexte: dict) -> dict:
    # pygal pose un crochet d'import à son chargement : seulement quand un rapport se dessine.
    from indicateurs import graphiques

    return {"graphiques": graphiques.pour_le_pdf(graphiques.dessiner(contexte["tableau"]))}


def ecarts_de_planification(territoire, mois: datetime.date):
    """Capacités autorisées et perspectives face aux cibles du plus récent horizon de la région qui en porte, à
    la fin du mois couvert (planification.calcul)."""
    region = territoire if territoire.niveau == Niveau.REGION else territoire.parent
    horizon = Horizon.objects.filter(cibles__territoire__chemin__startswith=region.chemin).order_by("-fin").first()
    if horizon is None:
        return None
    plan = calculer_planification(region=region, horizon=horizon, date=decaler(mois, 1) - datetime.timedelta(days=1))
    plan.lignes = [ligne for ligne in plan.lignes if ligne.territoire == territoire and not ligne.est_vide]
    return plan
