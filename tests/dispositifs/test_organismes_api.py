"""L'API des organismes (/api/v1/organismes/) : lecture selon le rôle, création et modification par les mêmes
services que la page, 400 en français par champ, 409 sur une version périmée."""

import pytest

from dispositifs.models import Organisme
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory
from tests.dispositifs.test_organismes import FINESS_VALIDE, SIREN_FAUX, SIREN_VALIDE, dans_une_autre_region

pytestmark = pytest.mark.django_db

URL = "/api/v1/organismes/"


def url(organisme):
    return f"{URL}{organisme.pk}/"


def test_un_operateur_ne_lit_que_ses_organismes(client, operateur, organisme, organisme_autre):
    client.force_login(operateur)

    assert [o["id"] for o in client.get(URL).json()["results"]] == [organisme.pk]
    assert client.get(url(organisme_autre)).status_code == 404


def test_la_lecture_rend_adresse_contacts_version_et_nombre_de_dispositifs(client, instructeur, region_idf):
    organisme = OrganismeFactory(contact_nom="Camille Exemple", adresse="1 rue Fictive")
    DispositifFactory(organisme=organisme)
    dans_une_autre_region(region_idf, organisme=organisme)
    client.force_login(instructeur)

    lu = client.get(url(organisme)).json()

    assert (lu["contact_nom"], lu["adresse"], lu["version"], lu["nb_dispositifs"]) == (
        "Camille Exemple",
        "1 rue Fictive",
        1,
        1,
    )


def test_le_planificateur_cree_un_organisme(client, planificateur):
    client.force_login(planificateur)

    reponse = client.post(
        URL, {"nom": "Association (fictive)", "siren": SIREN_VALIDE}, content_type="application/json"
    )

    assert reponse.status_code == 201
    assert reponse.json()["version"] == 1 and reponse.json()["nb_dispositifs"] == 0
    assert Organisme.objects.get(siren=SIREN_VALIDE).nom == "Association (fictive)"


def test_une_mauvaise_cle_est_un_400_en_francais_sur_son_champ(client, planificateur):
    client.force_login(planificateur)

    reponse = client.post(URL, {"nom": "X", "siren": SIREN_FAUX}, content_type="application/json")

    assert reponse.status_code == 400
    assert reponse.json()["siren"][0].startswith("Ce SIREN n'est pas valide")


def test_un_doublon_est_un_400_qui_donne_l_adresse_de_l_existant(client, planificateur):
    existant = OrganismeFactory(finess_juridique=FINESS_VALIDE, nom="Fondation (fictive)")
    client.force_login(planificateur)

    reponse = client.post(URL, {"nom": "X", "finess_juridique": FINESS_VALIDE}, content_type="application/json")

    assert reponse.status_code == 400
    message = reponse.json()["finess_juridique"][0]
    assert "Fondation (fictive)" in message and f"/organismes/{existant.pk}/" in message


def test_le_planificateur_modifie_avec_la_version_lue(client, planificateur):
    organisme = DispositifFactory().organisme
    client.force_login(planificateur)

    reponse = client.patch(
        url(organisme), {"telephone": "03 53 01 00 01", "version": 1}, content_type="application/json"
    )

    assert reponse.status_code == 200
    assert (reponse.json()["telephone"], reponse.json()["version"]) == ("03 53 01 00 01", 2)


def test_une_modification_sans_version_est_refusee(client, planificateur):
    organisme = DispositifFactory().organisme
    client.force_login(planificateur)

    reponse = client.patch(url(organisme), {"nom": "Y"}, content_type="application/json")

    assert reponse.status_code == 400
    assert "version" in reponse.json()


def test_une_version_perimee_est_un_409_avec_l_auteur_et_les_valeurs_actuelles(client, planificateur):
    organisme = DispositifFactory().organisme
    autre = UtilisateurFactory(planificateur=True, first_name="Dominique", last_name="Autre")
    client.force_login(autre)
    client.patch(url(organisme), {"nom": "Nom de Dominique", "version": 1}, content_type="application/json")
    client.force_login(planificateur)

    reponse = client.patch(url(organisme), {"nom": "Mon nom", "version": 1}, content_type="application/json")

    assert reponse.status_code == 409
    assert "Dominique Autre" in reponse.json()["detail"]
    assert reponse.json()["organisme"]["nom"] == "Nom de Dominique"
    organisme.refresh_from_db()
    assert organisme.nom == "Nom de Dominique"


def test_un_instructeur_n_ecrit_pas(client, instructeur, organisme):
    client.force_login(instructeur)

    assert client.post(URL, {"nom": "X"}, content_type="application/json").status_code == 403
    assert client.patch(url(organisme), {"nom": "X", "version": 1}, content_type="application/json").status_code == 403


def test_un_organisme_d_une_autre_region_ne_se_modifie_pas(client, planificateur, region_idf):
    organisme = dans_une_autre_region(region_idf).organisme
    client.force_login(planificateur)

    reponse = client.patch(url(organisme), {"nom": "X", "version": 1}, content_type="application/json")

    assert reponse.status_code == 403


@pytest.mark.parametrize("nombre", [1, 20])
def test_nombre_de_requetes_constant(client, instructeur, nombre, django_assert_num_queries):
    for organisme in OrganismeFactory.create_batch(nombre):
        DispositifFactory(organisme=organisme)
    client.force_login(instructeur)

    # session, utilisateur, région de l'agent (dispositifs_visibles), compte de la pagination, page annotée
    with django_assert_num_queries(5):
        assert client.get(URL).status_code == 200


def test_le_schema_documente_creation_et_modification(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operations = schema["paths"]["/api/v1/organismes/{id}/"]
    assert set(operations) >= {"get", "patch"} and "put" not in operations and "delete" not in operations
    assert {"400", "403", "409"} <= set(operations["patch"]["responses"])
    assert "post" in schema["paths"]["/api/v1/organismes/"]


def test_un_nombre_a_la_place_d_un_texte_est_refuse(client, planificateur):
    client.force_login(planificateur)

    reponse = client.post(URL, {"nom": "X", "telephone": 0}, content_type="application/json")

    assert reponse.status_code == 400
    assert list(reponse.json()) == ["telephone"]
