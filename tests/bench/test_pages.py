"""Le catalogue des pages de `make bench` (bench.indicateurs.pages) ne pourrit pas : chaque adresse désigne une vue
du projet, et chaque page répond 200 au rôle qui la mesure, sur un petit jeu écrit par les fabriques des tests."""

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from bench.commun import Arret
from bench.indicateurs.donnees_nationales import REFERENCE_APPEL
from bench.indicateurs.pages import CATALOGUE, adresses, figures_des_pages, mesurer_catalogue
from config.policy import ROLES_PAR_REGLE, regle_de_la_vue
from tests.appels.factories import AppelFactory
from tests.dispositifs.factories import DispositifFactory
from tests.planification.factories import CibleFactory
from tests.territoires.factories import FranceFactory, TerritoireFactory


@pytest.fixture
def petit_jeu(db):
    """Un département des Hauts-de-France, un dispositif, une cible nationale et une régionale, un appel clos."""
    departement = TerritoireFactory()
    dispositif = DispositifFactory(territoire=departement)
    CibleFactory(type=dispositif.type, territoire=departement.parent)
    CibleFactory(type=dispositif.type, territoire=FranceFactory())
    AppelFactory(region=departement.parent, reference=REFERENCE_APPEL, clos=True)
    return departement.parent


def test_chaque_adresse_du_catalogue_designe_une_vue_que_son_role_peut_ouvrir(petit_jeu):
    valeurs = adresses(petit_jeu, REFERENCE_APPEL)

    assert len({page.nom for page in CATALOGUE}) == len(CATALOGUE)
    for page in CATALOGUE:
        correspondance = resolve(urlsplit(page.url.format(**valeurs)).path)
        roles = ROLES_PAR_REGLE[regle_de_la_vue(correspondance.func)]
        assert roles is None or page.role in roles, page.nom


def test_chaque_page_du_catalogue_repond_200_sur_un_petit_jeu(petit_jeu):
    dit = []

    mesures = mesurer_catalogue(dit.append, petit_jeu, REFERENCE_APPEL, 3)

    assert list(mesures) == [page.nom for page in CATALOGUE]
    assert len(dit) == len(CATALOGUE)
    for nom, mesure in mesures.items():
        assert mesure["octets"] > 0 and mesure["requetes"] > 0, nom
        assert 0 < mesure["p50_ms"] <= mesure["p95_ms"] <= mesure["max_ms"], nom


def test_une_page_qui_ne_repond_pas_200_arrete_la_mesure(petit_jeu):
    with pytest.raises(Arret, match="répond 404"):
        mesurer_catalogue(lambda _: None, petit_jeu, "appel-inconnu", 3)


def test_une_page_atteint_l_objectif_avec_le_meme_nombre_de_requetes_aux_deux_tailles(capsys):
    page = CATALOGUE[0]
    tailles = {"defaut": {"dispositifs": 10}, "petite": {"dispositifs": 1}}
    rapide = {"url": "/", "p50_ms": 10, "p95_ms": 20, "requetes": 5}

    figures_des_pages({page.nom: rapide}, {page.nom: rapide}, tailles, pages=[page])
    figures_des_pages({page.nom: rapide}, {page.nom: rapide | {"requetes": 4}}, tailles, pages=[page])
    figures_des_pages({page.nom: rapide | {"p95_ms": 101}}, {page.nom: rapide}, tailles, pages=[page])

    lignes = capsys.readouterr().out.splitlines()
    assert [ligne.endswith('"atteint": true}') for ligne in lignes] == [True, False, False]
