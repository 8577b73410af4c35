"""L'attendu et le reçu : taux de déclaration et de ponctualité par département, territoire de santé et
région, sur un petit jeu dont on connaît les comptes."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dispositifs.models import Statut
from indicateurs.models import StatutDeclaration
from indicateurs.suivi import calculer_suivi
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
OCTOBRE = datetime.date(2026, 10, 1)  # échéance le 10 novembre 2026


def transmise(dispositif, le, statut=StatutDeclaration.TRANSMISE):
    return DeclarationFactory(dispositif=dispositif, mois=OCTOBRE, statut=statut, transmise_le=le)


@pytest.fixture
def jeu(region_hdf, departement, type_lhss):
    """Nord : 4 attendus (1 à l'heure dans le territoire de Lille, 1 en retard, 1 brouillon, 1 rien) ;
    Somme : 1 validé à l'heure ; plus un projet et un dispositif d'Île-de-France, qui ne comptent pas."""
    lille = TerritoireFactory(territoire_sante=True, code="32-lille", nom="Lille", parent=departement)
    somme = TerritoireFactory(code="80", nom="Somme")
    dans = {"type": type_lhss}
    transmise(DispositifFactory(territoire=lille, **dans), datetime.datetime(2026, 11, 5, 10, tzinfo=PARIS))
    # 00 h 30 à Paris le 11 novembre, encore le 10 en UTC : en retard.
    transmise(DispositifFactory(territoire=departement, **dans), datetime.datetime(2026, 11, 11, 0, 30, tzinfo=PARIS))
    DeclarationFactory(dispositif=DispositifFactory(territoire=departement, **dans), mois=OCTOBRE, statut="brouillon")
    DispositifFactory(territoire=departement, nom="LHSS muet", **dans)
    transmise(
        DispositifFactory(territoire=somme, statut=Statut.AUTORISE, **dans),
        datetime.datetime(2026, 11, 10, 23, 59, tzinfo=PARIS),
        statut=StatutDeclaration.VALIDEE,
    )
    DispositifFactory(territoire=somme, projet=True, **dans)
    paris = TerritoireFactory(code="75", nom="Paris", parent=RegionFactory(code="11", nom="Île-de-France"))
    DispositifFactory(territoire=paris, **dans)
    return {"nord": departement, "lille": lille, "somme": somme}


def comptes(suivi):
    return {
        c.territoire.nom: (c.attendus, c.recus, c.a_l_heure, c.taux_declaration, c.taux_a_l_heure)
        for c in suivi.lignes
    }


def test_les_taux_par_territoire_et_pour_la_region(jeu, region_hdf, administrateur):
    from config.policy import dispositifs_suivis

    suivi = calculer_suivi(
        dispositifs=dispositifs_suivis(administrateur),
        region=region_hdf,
        mois=OCTOBRE,
        aujourd_hui=datetime.date(2026, 11, 23),
    )

    assert comptes(suivi) == {
        "Nord": (4, 2, 1, 50.0, 25.0),
        "Lille": (1, 1, 1, 100.0, 100.0),
        "Somme": (1, 1, 1, 100.0, 100.0),
    }
    total = suivi.total
    assert (total.attendus, total.recus, total.a_l_heure, total.taux_declaration, total.taux_a_l_heure) == (
        5,
        3,
        2,
        60.0,
        40.0,
    )
    assert sorted(d.declaration_statut or "aucune" for d in suivi.manquants) == ["aucune", "brouillon"]


def test_la_page_montre_les_manquants_et_le_lien_de_derogation(client, jeu, planificateur):
    client.force_login(planificateur)

    reponse = client.get(reverse("indicateurs:suivi"), {"region": "32", "mois": "2026-10"})

    contenu = reponse.content.decode()
    assert "LHSS muet" in contenu
    assert "Non reçues (2)" in contenu
    assert "Rouvrir" in contenu


def test_la_dreets_consulte_sans_pouvoir_rouvrir(client, jeu, dreets):
    client.force_login(dreets)

    reponse = client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"})

    assert reponse.context["suivi"].total.attendus == 5  # sa région par défaut
    assert "Rouvrir" not in reponse.content.decode()


def test_un_agent_ne_suit_que_sa_region(client, jeu, region_idf):
    client.force_login(UtilisateurFactory(planificateur=True, region=region_idf))

    reponse = client.get(reverse("indicateurs:suivi"), {"region": "32", "mois": "2026-10"})

    assert reponse.context["suivi"] is None  # la région 32 n'est pas un choix possible
    assert "region" in reponse.context["form"].errors


def test_l_export_csv_des_taux_et_des_dispositifs(client, jeu, planificateur):
    client.force_login(planificateur)
    url = reverse("indicateurs:export_suivi")

    taux = client.get(url, {"region": "32", "mois": "2026-10"}).content.decode().lstrip("\ufeff").splitlines()
    detail = client.get(url, {"region": "32", "mois": "2026-10", "contenu": "dispositifs"}).content.decode()

    assert taux[0].startswith("Territoire;Code;Niveau;Attendues;Reçues")
    assert taux[0].endswith("Validées;Complétude (%)")
    assert "Nord;59;Département;4;2;1;50.0;25.0;0;0" in taux
    assert taux[-1] == "Hauts-de-France;32;Région;5;3;2;60.0;40.0;1;20"  # une validée sur cinq attendues
    assert detail.count("\n") == 6  # en-tête et cinq dispositifs attendus
    assert "LHSS muet" in detail


@pytest.mark.parametrize("nombre", [1, 20])
def test_nombre_de_requetes_constant(client, planificateur, departement, type_lhss, nombre, django_assert_num_queries):
    for _ in range(nombre):
        transmise(
            DispositifFactory(territoire=departement, type=type_lhss), datetime.datetime(2026, 11, 5, tzinfo=PARIS)
        )
    client.force_login(planificateur)

    # Session, utilisateur, sa région (défaut), région choisie (contrôle du filtre), dispositifs annotés,
    # territoires de la région, complétude (dispositifs et déclarations validées), régions du menu déroulant,
    # région de l'en-tête.
    with django_assert_num_queries(9):
        assert client.get(reverse("indicateurs:suivi"), {"mois": "2026-10"}).status_code == 200
