"""Le contenu du rapport PDF mensuel : ce que montre le tableau de bord du mois, les croisements des autres
indicateurs et, en version interne, les écarts aux cibles, mis en page par un seul gabarit.

Les chiffres viennent du tableau de bord (indicateurs/tableau_de_bord.py) et les graphiques d'indicateurs/graphiques :
le PDF montre exactement ce que montre la page, avec le même secret statistique ; la version publique lit les
éditions figées des chiffres publics (indicateurs/publication.py), jamais les agrégats vivants. La demande d'un
rapport, sa génération et la publication sûre de son fichier sont des changements d'état : indicateurs/services.py.
"""

import datetime
import enum
import uuid

from django.utils import timezone

from commun.mois import decaler
from commun.pdf import render_pdf
from dispositifs.models import TypeDispositif
from indicateurs import calendrier
from indicateurs.completude import LigneCompletude
from indicateurs.croisement import croiser, lire_cellules
from indicateurs.models import Granularite, Rapport
from indicateurs.periodes import dernier_jour
from indicateurs.publication import lire_editions
from indicateurs.tableau_de_bord import construire_tableau_de_bord, ecarts_du_tableau

GABARIT_PDF = "indicateurs/rapports/pdf/rapport.html"
MOIS_DE_SERIE = 12  # l'évolution couvre l'année qui se termine au mois du rapport
INDICATEUR_PRINCIPAL = "file_active"  # celui de l'évolution, de la carte et des barres par département


class Etape(enum.StrEnum):
    """Les étapes affichées pendant la génération, dans l'ordre."""

    DONNEES = "Préparation des données"
    GRAPHIQUES = "Graphiques et carte"
    MISE_EN_PAGE = "Mise en page du PDF"
    ENREGISTREMENT = "Enregistrement du fichier"


ETAPES = list(Etape)


def donnees_du_rapport(rapport: Rapport) -> dict:
    """Tout ce que le PDF montre, calculé une fois : tableau de bord du mois, croisements de chaque autre
    indicateur, écarts aux cibles à la fin du mois couvert (version interne) et méthode."""
    territoire, mois = rapport.territoire, rapport.mois
    fin_du_mois = dernier_jour(mois)
    tableau = construire_tableau_de_bord(
        territoire=territoire,
        debut=decaler(mois, 1 - MOIS_DE_SERIE),
        fin=mois,
        indicateur=INDICATEUR_PRINCIPAL,
        public=rapport.public,
        planification=False,  # les écarts sont lus à la fin du mois couvert, pas au jour de la génération
        series=False,  # le PDF ne montre pas la série de chaque indicateur
    )
    if not rapport.public:
        tableau.ecarts = ecarts_du_tableau(territoire, date=fin_du_mois)
    genere_le = timezone.now()
    return {
        "rapport": rapport,
        "territoire": territoire,
        "mois": mois,
        "fin_du_mois": fin_du_mois,
        "public": rapport.public,
        "genere_le": genere_le,
        "echeance": calendrier.echeance(mois),
        "provisoire": est_provisoire(mois, genere_le),
        "completude": completude_du_mois(tableau),
        "seuils": tableau.seuils,
        "tableau": tableau,
        "croisements": croisements_du_mois(tableau, mois),
        # Les blocs du tableau de bord, mis en page pour le papier : données dépliées, pas de lien d'export.
        "donnees_ouvertes": True,
        "url_export": "",
    }


def est_provisoire(mois: datetime.date, genere_le: datetime.datetime) -> bool:
    """Produit au plus tard le jour de l'échéance des déclarations du mois (heure de Paris) : des déclarations
    peuvent encore arriver, le rapport est provisoire. Le définitif se produit après (services.finaliser_rapports)."""
    return timezone.localdate(genere_le) <= calendrier.echeance(mois)


def completude_du_mois(tableau) -> LigneCompletude | None:
    """La complétude du mois telle que le rapport l'imprime : la ligne « Total » du tableau de bord (validées /
    attendues) ; None quand rien n'était attendu. Jamais recalculée ailleurs."""
    total = tableau.completude[-1] if tableau.completude else None
    return total if total and total.nb_attendues else None


def croisements_du_mois(tableau, mois: datetime.date) -> list:
    """Le croisement département × type du mois pour chaque autre indicateur qui a des données (le tableau de bord
    n'en détaille qu'un) : mêmes cellules, même protection (en public, l'édition figée du mois). Deux requêtes :
    les types, les agrégats (ou l'édition) du mois."""
    catalogue = list(TypeDispositif.objects.order_by("ordre", "sigle"))
    if tableau.public:
        cellules, masques = lire_editions(tableau.territoire, [mois])
    else:
        cellules = lire_cellules(tableau.departements, Granularite.MOIS, [mois], catalogue, tableau.indicateurs)
        masques = None
    croisements = []
    for indicateur in tableau.indicateurs:
        par_cellule = cellules.get((indicateur.pk, mois))
        if par_cellule and indicateur != tableau.indicateur:
            types = [t for t in catalogue if any(type_id == t.pk for _, type_id in par_cellule)]
            publiees = None if masques is None else masques.get((indicateur.pk, mois), set())
            croisements.append(croiser(indicateur, mois, tableau.departements, types, par_cellule, publiees))
    return croisements


def graphiques_du_rapport(contexte: dict) -> dict:
    # pygal pose un crochet d'import à son chargement : seulement quand un rapport se dessine.
    from indicateurs import graphiques

    return {"graphiques": graphiques.pour_le_pdf(graphiques.dessiner(contexte["tableau"]))}


def mettre_en_page(contexte: dict) -> bytes:
    return render_pdf(GABARIT_PDF, contexte)


def nom_de_fichier(rapport: Rapport) -> str:
    """Un nom neuf à chaque génération : le fichier servi n'est jamais réécrit."""
    base = f"rapport-{rapport.territoire.niveau}-{rapport.territoire.code}-{rapport.mois:%Y-%m}-{rapport.version}"
    return f"{base}-{uuid.uuid4().hex[:12]}.pdf"
