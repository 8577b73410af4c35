import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from config.navigation import navigation

pytestmark = pytest.mark.django_db


def menu(user, chemin="/"):
    request = RequestFactory().get(chemin)
    request.user = user
    return navigation(request)["menu_principal"]


def libelles(entrees):
    return [(e["libelle"], libelles(e["entrees"])) if "entrees" in e else e["libelle"] for e in entrees]


def test_l_anonyme_voit_les_groupes_publics_et_un_groupe_d_une_entree_devient_un_lien():
    assert libelles(menu(AnonymousUser())) == [
        "Accueil",
        ("L'offre", ["Territoires", "Catalogue des dispositifs", "Cartographie"]),
        "Appels publiés",
        ("Indicateurs", ["Données publiques", "Données ouvertes", "Rapports mensuels"]),
        "API",
    ]


def test_l_operateur_trouve_ses_declarations_sous_indicateurs(operateur):
    groupes = {e["libelle"]: libelles(e["entrees"]) for e in menu(operateur) if "entrees" in e}

    assert groupes["Indicateurs"] == ["Mes déclarations", "Données publiques", "Données ouvertes", "Rapports mensuels"]
    assert groupes["Appels"] == ["Appels publiés", "Mes candidatures"]


def test_seule_l_adresse_la_plus_precise_est_active(planificateur):
    indicateurs = next(e for e in menu(planificateur, "/tableau-de-bord/public/") if e["libelle"] == "Indicateurs")

    assert indicateurs["actif"]
    assert [e["libelle"] for e in indicateurs["entrees"] if e["actif"]] == ["Données publiques"]
