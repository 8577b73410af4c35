"""Les lectures de l'instruction par l'API : avis, décisions, demandes de complément ; et les horizons."""

from datetime import date

import pytest
from django.utils import timezone

from appels.models import Avis, Candidature, Decision, DemandeComplement, NatureDecision
from tests.appels.factories import AppelFactory
from tests.comptes.factories import UtilisateurFactory
from tests.planification.factories import HorizonFactory

pytestmark = pytest.mark.django_db


def instruire(appel, organisme, instructeur, *, annotation="Pour moi seul."):
    """Une candidature de l'organisme à l'appel, avec un avis, une décision et une demande de complément."""
    candidature = Candidature.objects.create(appel=appel, organisme=organisme)
    Avis.objects.create(
        candidature=candidature, evaluateur=instructeur, commentaire="Solide.", annotation_privee=annotation
    )
    Decision.objects.create(
        candidature=candidature,
        nature=NatureDecision.NON_RETENUE,
        motif="Hors enveloppe.",
        decide_par=instructeur,
        decide_le=timezone.now(),
    )
    DemandeComplement.objects.create(candidature=candidature, demandee_par=instructeur, message="Budget ?")
    return candidature


@pytest.fixture
def dossiers(instructeur, organisme, organisme_autre):
    """Deux candidatures à un appel des Hauts-de-France : celle de l'organisme de `operateur`, et une autre."""
    appel = AppelFactory(reference="aap-lecture")
    return instruire(appel, organisme, instructeur), instruire(appel, organisme_autre, instructeur)


def ids(reponse):
    return [ligne["candidature"] for ligne in reponse.json()["results"]]


def test_l_instructeur_lit_les_avis_sans_jamais_l_annotation_privee(client, instructeur, dossiers):
    client.force_login(instructeur)

    avis = client.get("/api/v1/avis/").json()["results"]

    assert [a["candidature"] for a in avis] == [c.pk for c in dossiers]
    assert avis[0]["commentaire"] == "Solide."
    assert all("annotation_privee" not in a for a in avis)
    assert "Pour moi seul." not in client.get(f"/api/v1/avis/{avis[0]['id']}/").content.decode()


def test_un_operateur_ne_lit_pas_les_avis(client, operateur, dossiers):
    client.force_login(operateur)

    assert client.get("/api/v1/avis/").status_code == 403
    assert client.get(f"/api/v1/avis/{dossiers[0].avis.get().pk}/").status_code == 403


@pytest.mark.parametrize("adresse", ["/api/v1/decisions/", "/api/v1/demandes-complement/"])
def test_un_operateur_ne_lit_que_les_decisions_et_demandes_de_son_organisme(client, operateur, dossiers, adresse):
    client.force_login(operateur)
    sienne, autre = dossiers

    assert ids(client.get(adresse)) == [sienne.pk]
    assert client.get(f"{adresse}?candidature={autre.pk}").json()["count"] == 0


def test_la_dreets_ne_lit_l_instruction_qu_en_co_instruction(client, dreets, dossiers):
    client.force_login(dreets)
    assert client.get("/api/v1/decisions/").json()["count"] == 0

    appel = dossiers[0].appel
    appel.co_instruction_dreets = True
    appel.save()
    assert ids(client.get("/api/v1/decisions/?appel=aap-lecture")) == [c.pk for c in dossiers]


def test_un_agent_d_une_autre_region_ne_lit_rien(client, region_idf, dossiers):
    client.force_login(UtilisateurFactory(instructeur=True, region=region_idf))

    for adresse in ("/api/v1/avis/", "/api/v1/decisions/", "/api/v1/demandes-complement/"):
        assert client.get(adresse).json()["count"] == 0


def test_l_anonyme_ne_lit_pas_l_instruction(client, dossiers):
    for adresse in ("/api/v1/avis/", "/api/v1/decisions/", "/api/v1/demandes-complement/"):
        assert client.get(adresse).status_code == 401


def test_filtre_par_nature_de_decision(client, instructeur, dossiers):
    client.force_login(instructeur)

    assert client.get("/api/v1/decisions/?nature=non_retenue").json()["count"] == 2
    assert client.get("/api/v1/decisions/?nature=retenue").json()["count"] == 0


@pytest.mark.parametrize("adresse", ["/api/v1/avis/", "/api/v1/decisions/", "/api/v1/demandes-complement/"])
def test_chaque_liste_de_l_instruction_se_lit_en_quatre_requetes(
    client, instructeur, organisme, dossiers, adresse, django_assert_num_queries
):
    client.force_login(instructeur)
    # session, utilisateur, compte (COUNT), page avec candidature et appel (JOIN) ; les candidatures visibles
    # (appels instruits de la région de l'agent) sont une sous-requête de ces deux dernières
    with django_assert_num_queries(4):
        client.get(adresse)
    for numero in range(20):
        instruire(AppelFactory(reference=f"autre-{numero}"), organisme, instructeur)
    with django_assert_num_queries(4):
        assert client.get(adresse).json()["count"] == 22


def test_les_horizons_sont_publics(client, django_assert_num_queries):
    HorizonFactory()
    HorizonFactory(slug="prs-2023-2028", libelle="PRS 2023-2028", debut=date(2023, 1, 1), fin=date(2028, 12, 31))

    # les horizons, sans pagination
    with django_assert_num_queries(1):
        horizons = client.get("/api/v1/horizons/").json()

    assert [h["slug"] for h in horizons] == ["prs-2023-2028", "cibles-2019-2023"]  # du plus récent au plus ancien
    assert client.get("/api/v1/horizons/prs-2023-2028/").json()["libelle"] == "PRS 2023-2028"
