from decimal import Decimal

import pytest

from commun.erreurs import Conflit
from planification.models import Cible
from planification.services import modifier_cible, supprimer_cible
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(region_hdf):
    """Une case vide du tableau des cibles : LHSS × Pas-de-Calais × Cibles 2019-2023."""
    return {
        "type": TypeDispositifFactory(code="LHSS"),
        "territoire": TerritoireFactory(code="62", nom="Pas-de-Calais"),
        "horizon": HorizonFactory(),
    }


def test_creer_puis_modifier_une_cible_garde_l_historique_et_le_motif(case):
    cible = modifier_cible(**case, valeur=Decimal(10), version_lue=0, motif="Diagnostic territorial")
    modifier_cible(**case, valeur=Decimal(12), version_lue=1, motif="Ségur : places supplémentaires")

    cible.refresh_from_db()
    assert (cible.valeur, cible.version) == (12, 2)
    journal = cible.history.order_by("timestamp", "pk")
    assert [(e.changes_dict["valeur"][1], e.additional_data["motif"]) for e in journal] == [
        ("10", "Diagnostic territorial"),
        ("12", "Ségur : places supplémentaires"),
    ]


def test_une_version_perimee_leve_un_conflit_sans_rien_ecraser(case):
    modifier_cible(**case, valeur=Decimal(10), version_lue=0)
    modifier_cible(**case, valeur=Decimal(15), version_lue=1)  # l'autre planificateur

    with pytest.raises(Conflit) as conflit:
        modifier_cible(**case, valeur=Decimal(20), version_lue=1)

    assert Cible.objects.get().valeur == 15
    assert "elle vaut maintenant 15" in conflit.value.message


def test_l_historique_garde_chaque_enregistrement_meme_sans_changement_de_valeur(client, planificateur, case):
    modifier_cible(**case, valeur=Decimal(10), version_lue=0, motif="Diagnostic territorial")
    cible = modifier_cible(**case, valeur=Decimal(10), version_lue=1, motif="Confirmée en comité")
    client.force_login(planificateur)

    reponse = client.get(f"/planification/cibles/{cible.pk}/historique/")

    lignes = [(c["avant"], c["apres"], c["motif"]) for c in reponse.context["changements"]]
    assert lignes == [(10, 10, "Confirmée en comité"), (None, 10, "Diagnostic territorial")]


def test_l_api_cree_et_modifie_une_cible_avec_verrou_optimiste(client, planificateur, case):
    client.force_login(planificateur)
    donnees = {"type": "LHSS", "territoire": case["territoire"].pk, "horizon": case["horizon"].slug, "valeur": 30}

    creee = client.post("/api/v1/cibles/", donnees, content_type="application/json")
    assert creee.status_code == 201
    url = f"/api/v1/cibles/{creee.json()['id']}/"
    modifiee = client.patch(url, {"valeur": 35, "version": 1, "motif": "API"}, content_type="application/json")
    perimee = client.patch(url, {"valeur": 40, "version": 1}, content_type="application/json")
    sans_version = client.patch(url, {"valeur": 40}, content_type="application/json")

    assert (modifiee.status_code, modifiee.json()["version"]) == (200, 2)
    assert perimee.status_code == 409
    assert perimee.json()["cible"]["valeur"] == "35.00"
    assert sans_version.status_code == 400
    assert Cible.objects.get().valeur == 35


def test_l_api_dit_qu_une_case_lue_avec_une_cible_n_en_a_plus(client, planificateur, case):
    client.force_login(planificateur)
    donnees = {"type": "LHSS", "territoire": case["territoire"].pk, "horizon": case["horizon"].slug, "valeur": 30}

    reponse = client.post("/api/v1/cibles/", {**donnees, "version": 2}, content_type="application/json")

    assert reponse.status_code == 409
    assert reponse.json() == {
        "detail": "Cette cible a été supprimée entre-temps par une autre personne : rien n'a été enregistré.",
        "cible": None,
    }
    assert not Cible.objects.exists()


def test_l_api_refuse_l_ecriture_hors_de_la_region_et_aux_lecteurs(client, case, dreets):
    autre = TerritoireFactory(code="75", nom="Paris", parent=RegionFactory(code="11", nom="Île-de-France"))
    client.force_login(UtilisateurFactory(planificateur=True))
    donnees = {"type": "LHSS", "territoire": autre.pk, "horizon": case["horizon"].slug, "valeur": 30}
    assert client.post("/api/v1/cibles/", donnees, content_type="application/json").status_code == 403

    client.force_login(dreets)
    donnees["territoire"] = case["territoire"].pk
    assert client.post("/api/v1/cibles/", donnees, content_type="application/json").status_code == 403
    assert not Cible.objects.exists()


def test_l_api_ne_montre_que_les_cibles_de_la_region(client, planificateur, case):
    CibleFactory(**case)
    CibleFactory(territoire=TerritoireFactory(code="75", parent=RegionFactory(code="11", nom="Île-de-France")))
    client.force_login(planificateur)

    resultats = client.get("/api/v1/cibles/").json()["results"]

    assert [c["territoire"] for c in resultats] == [case["territoire"].pk]


def test_la_liste_des_cibles_de_l_api_tient_en_cinq_requetes_quel_que_soit_leur_nombre(
    client, planificateur, case, django_assert_num_queries
):
    client.force_login(planificateur)
    CibleFactory(**case)
    # session, utilisateur, régions visibles, compte, page de cibles avec type, territoire et horizon
    with django_assert_num_queries(5):
        client.get("/api/v1/cibles/")
    for numero in range(20):
        CibleFactory(territoire=TerritoireFactory(code=f"T{numero}"))
    with django_assert_num_queries(5):
        assert client.get("/api/v1/cibles/").json()["count"] == 21


def test_supprimer_une_cible_la_garde_au_journal_avec_son_motif(case):
    cible = modifier_cible(**case, valeur=Decimal(10), version_lue=0)

    supprimer_cible(**case, version_lue=1, motif="Besoin couvert ailleurs")

    assert not Cible.objects.exists()
    suppression = cible.history.latest("timestamp")
    assert (suppression.action, suppression.additional_data) == (
        suppression.Action.DELETE,
        {"motif": "Besoin couvert ailleurs"},
    )


def test_supprimer_une_cible_modifiee_entre_temps_leve_un_conflit(case):
    modifier_cible(**case, valeur=Decimal(10), version_lue=0)
    modifier_cible(**case, valeur=Decimal(15), version_lue=1)

    with pytest.raises(Conflit):
        supprimer_cible(**case, version_lue=1)

    assert Cible.objects.get().valeur == 15
