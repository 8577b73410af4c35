"""Des données publiques de chaque jeu, en `nombre` exemplaires : deux tailles pour les tests de requêtes."""

import datetime

import pytest
from django.utils import timezone

from appels.models import Candidature, Decision, NatureDecision, StatutAppel
from indicateurs.models import EditionPublique, Indicateur
from indicateurs.secret import TOTAL
from tests.appels.factories import AppelFactory
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import TerritoireFactory


def cellule(departement, type_, valeur, dispositifs=5):
    """Une cellule d'édition : département, type, puis les mesures de indicateurs.publication.MESURES."""
    return [departement.pk, type_.pk, str(valeur), dispositifs, None, None, dispositifs, dispositifs]


def editer(region, mois, indicateur, cellules, masques=()):
    """Une édition publique du mois, telle que la publication l'enregistre (tableaux déjà protégés)."""
    return EditionPublique.objects.create(
        region=region,
        mois=mois,
        numero=1,
        publiee_le=timezone.now(),
        tableaux={str(indicateur.pk): {"cellules": cellules, "masques": [list(m) for m in masques]}},
    )


@pytest.fixture
def peupler(region_hdf, planificateur):
    """`peupler(nombre)` : `nombre` départements, chacun avec un dispositif autorisé puis installé, une cible,
    un appel terminé dont un projet retenu, et un mois publié d'indicateurs (dont une case masquée)."""

    def construire(nombre: int):
        lhss = TypeDispositifFactory(code="LHSS")
        file_active = Indicateur.objects.get(code="file_active")
        for rang in range(nombre):
            departement = TerritoireFactory(parent=region_hdf)
            dispositif = DispositifFactory(type=lhss, territoire=departement)
            EvenementCapaciteFactory(dispositif=dispositif, quantite=10)
            EvenementCapaciteFactory(dispositif=dispositif, nature="installation", quantite=4)
            CibleFactory(type=lhss, territoire=departement, horizon=HorizonFactory(), valeur=20 + rang)
            appel = AppelFactory(region=region_hdf, statut=StatutAppel.TERMINE, enveloppe=100_000)
            candidature = Candidature.objects.create(appel=appel, organisme=dispositif.organisme)
            Decision.objects.create(
                candidature=candidature,
                nature=NatureDecision.RETENUE,
                montant_retenu=50_000 + rang,
                capacite_retenue=5,
                decide_par=planificateur,
                decide_le=timezone.now(),
                dispositif=dispositif,
            )
            mois = datetime.date(2024 - rang // 12, 1 + rang % 12, 1)  # 2024 et avant : `trimestre` prend 2025
            editer(region_hdf, mois, file_active, [cellule(departement, lhss, 40)])
        return region_hdf

    return construire


@pytest.fixture
def trimestre(region_hdf):
    """Trois mois publiés (janvier à mars 2025) de la file active dans deux départements × deux types ; le Nord ×
    LAM est masqué en février. Renvoie (région, départements, types, indicateur)."""
    nord, somme = TerritoireFactory(parent=region_hdf, code="59"), TerritoireFactory(parent=region_hdf, code="80")
    lhss, lam = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="LAM")
    file_active = Indicateur.objects.get(code="file_active")
    for rang in range(3):
        mois = datetime.date(2025, 1 + rang, 1)
        cellules = [
            cellule(nord, lhss, 30 + rang),
            cellule(nord, lam, 4 if rang == 1 else 20),
            cellule(somme, lhss, 25),
            cellule(somme, lam, 35),
        ]
        masques = []
        if rang == 1:  # février : la case de 4 personnes, et ce qui l'empêche de se retrouver par différence
            masques = [(nord.pk, lam.pk), (nord.pk, lhss.pk), (somme.pk, lam.pk), (somme.pk, lhss.pk)]
            masques += [(nord.pk, TOTAL), (somme.pk, TOTAL), (TOTAL, lam.pk), (TOTAL, lhss.pk)]
        editer(region_hdf, mois, file_active, cellules, masques)
    return region_hdf, (nord, somme), (lhss, lam), file_active
