import pytest

from appels.models import Candidature
from appels.services import candidatures
from tests.appels.factories import AppelFactory, lettre_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def depot(operateur, region_hdf):
    appel = AppelFactory(reference="ami-api")
    candidature = Candidature.objects.create(appel=appel, organisme=operateur.organismes.get())
    candidature.brouillon = {k: v if isinstance(v, list) else [v] for k, v in lettre_complete(appel).items()}
    candidature.save()
    return candidatures.deposer(candidature=candidature, user=operateur, cle="api")


def test_l_operateur_voit_sa_candidature_et_son_depot_courant(client, operateur, depot):
    client.force_login(operateur)

    (resultat,) = client.get("/api/v1/candidatures/").json()["results"]

    assert resultat["appel"] == "ami-api"
    assert resultat["depot_courant"]["numero"] == depot.numero
    assert resultat["depot_courant"]["empreinte"] == depot.empreinte
    assert "brouillon" not in resultat


def test_un_autre_operateur_ne_voit_rien_et_n_atteint_pas_le_detail(client, operateur_autre, depot):
    client.force_login(operateur_autre)

    assert client.get("/api/v1/candidatures/").json()["count"] == 0
    assert client.get(f"/api/v1/candidatures/{depot.candidature_id}/").status_code == 404


def test_la_dreets_ne_voit_que_les_appels_en_co_instruction(client, dreets, instructeur, depot):
    client.force_login(instructeur)
    assert client.get("/api/v1/candidatures/").json()["count"] == 1
    client.force_login(dreets)
    assert client.get("/api/v1/candidatures/").json()["count"] == 0

    depot.candidature.appel.co_instruction_dreets = True
    depot.candidature.appel.save()
    assert client.get("/api/v1/candidatures/").json()["count"] == 1


def test_la_liste_se_lit_en_cinq_requetes_quel_que_soit_le_nombre_de_candidatures(
    client, instructeur, depot, django_assert_num_queries
):
    client.force_login(instructeur)
    # session, utilisateur, compte, page de candidatures avec appel et organisme, leurs dépôts
    with django_assert_num_queries(5):
        client.get("/api/v1/candidatures/")
    for numero in range(20):
        AppelFactory(reference=f"autre-{numero}").candidatures.create(organisme=depot.candidature.organisme)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/candidatures/").json()["count"] == 21
