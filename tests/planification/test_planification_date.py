"""Le tableau de planification à toute date : un projet passe des perspectives aux autorisés à la date de son
arrêté, la colonne « financés », le paramètre `date` de la page, des exports et de l'API."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from dispositifs.models import Nature
from dispositifs.registre import enregistrer_evenement
from planification.calcul import calculer_planification
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory
from tests.planification.factories import CibleFactory, HorizonFactory

pytestmark = pytest.mark.django_db

ARRETE = datetime.date(2026, 3, 15)
VEILLE = ARRETE - datetime.timedelta(days=1)


@pytest.fixture
def projet_autorise(region_hdf, planificateur):
    """Un projet de 12 places inscrit à l'horizon, autorisé pour 10 places le 15 mars 2026 ; une cible de 40."""
    horizon = HorizonFactory()
    projet = DispositifFactory(projet=True, horizon=horizon, capacite_prevue=12, territoire=region_hdf)
    CibleFactory(type=projet.type, territoire=region_hdf, horizon=horizon, valeur=40)
    enregistrer_evenement(projet, nature=Nature.AUTORISATION, date=ARRETE, capacite=Decimal(10), user=planificateur)
    return projet


def ligne_region(region, horizon, date):
    tableau = calculer_planification(region=region, horizon=horizon, date=date)
    (ligne,) = [ligne for ligne in tableau.lignes if ligne.territoire == region]
    return ligne


def test_avant_la_date_de_l_arrete_le_projet_reste_en_perspectives(region_hdf, projet_autorise):
    ligne = ligne_region(region_hdf, projet_autorise.horizon, VEILLE)

    assert (ligne.autorises, ligne.perspectives, ligne.projets, ligne.ecart) == (0, 12, 1, 28)


def test_a_la_date_de_l_arrete_ses_places_passent_en_autorises(region_hdf, projet_autorise):
    ligne = ligne_region(region_hdf, projet_autorise.horizon, ARRETE)

    assert (ligne.autorises, ligne.perspectives, ligne.projets, ligne.ecart) == (10, 0, 0, 30)


def test_la_colonne_finances_suit_les_credits(region_hdf):
    """Financés : les places autorisées d'un dispositif qui a un crédit notifié pour l'année de la date."""
    from tests.financements.factories import CreditFactory

    dispositif = DispositifFactory(territoire=region_hdf)
    EvenementCapaciteFactory(dispositif=dispositif, quantite=10, date=datetime.date(2019, 1, 1))
    CreditFactory(dispositif=dispositif, annee=2021)

    avant = ligne_region(region_hdf, HorizonFactory(), datetime.date(2020, 6, 1))
    apres = calculer_planification(region=region_hdf, horizon=HorizonFactory(), date=datetime.date(2021, 6, 1))

    assert avant.finances == 0
    assert (apres.lignes[0].finances, apres.totaux[0].finances) == (10, 10)


def test_l_api_prend_la_date_et_la_rend(client, planificateur, projet_autorise):
    client.force_login(planificateur)

    def region(date):
        donnees = client.get("/api/v1/planification/", {"date": date.isoformat()}).json()
        (ligne,) = [ligne for ligne in donnees["lignes"] if ligne["niveau"] == "region"]
        return donnees["date"], ligne["autorises"], ligne["perspectives"], ligne["finances"]

    assert region(VEILLE) == ("2026-03-14", 0, 12, 0)
    assert region(ARRETE) == ("2026-03-15", 10, 0, 0)


def test_une_date_illisible_est_refusee_en_francais(client, planificateur, projet_autorise):
    client.force_login(planificateur)

    reponse = client.get("/api/v1/planification/", {"date": "31/02/2026"})

    assert reponse.status_code == 400
    (erreur,) = reponse.json()["date"]
    assert erreur == {
        "message": "Saisissez une date valide, au format AAAA-MM-JJ (ex. 2024-12-31).",
        "code": "invalid",
    }
    assert client.get("/api/v1/planification/", {"date": ""}).status_code == 400  # le schéma veut une date
    assert client.get("/planification/", {"date": ""}).context["planification"].date == timezone.localdate()
    page = client.get("/planification/", {"date": "hier"})
    assert page.context["planification"] is None
    assert "Saisissez une date valide" in page.content.decode()


def test_la_page_et_l_export_a_la_date_demandee(client, planificateur, projet_autorise):
    client.force_login(planificateur)

    page = client.get("/planification/", {"date": "2026-03-14"})
    export = client.get("/planification/export.csv", {"date": "2026-03-14"})

    assert page.context["planification"].date == VEILLE
    assert "capacités au 14 mars 2026" in page.content.decode()
    assert 'value="2026-03-14"' in page.content.decode()
    lignes = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][5:9] == ["Autorisés", "Installés", "Financés", "Perspectives"]
    assert lignes[-1][5:9] == ["0", "0", "0", "12"]
    assert export["Content-Disposition"].endswith('-2026-03-14.csv"')


@pytest.mark.parametrize("url", ["/planification/", "/api/v1/planification/"])
def test_le_nombre_de_requetes_ne_depend_pas_des_projets_autorises(
    client, planificateur, region_hdf, django_assert_num_queries, url
):
    """Mêmes requêtes que sans date (test_planification.py) : l'autorisation des projets se lit dans la requête des
    projets (sous-requête), la capacité financée dans celle des capacités."""
    client.force_login(planificateur)
    horizon = HorizonFactory()
    CibleFactory(territoire=region_hdf, horizon=horizon, valeur=40)
    attendu = 17 if url == "/planification/" else 11
    with django_assert_num_queries(attendu):
        assert client.get(url, {"date": "2026-03-15"}).status_code == 200
    for _ in range(10):
        projet = DispositifFactory(projet=True, horizon=horizon, territoire=region_hdf)
        EvenementCapaciteFactory(dispositif=projet, date=ARRETE)
        EvenementCapaciteFactory(dispositif=projet, nature=Nature.FINANCEMENT, date=ARRETE)
        DispositifFactory(projet=True, horizon=horizon, territoire=region_hdf)
    with django_assert_num_queries(attendu):
        assert client.get(url, {"date": "2026-03-15"}).status_code == 200
