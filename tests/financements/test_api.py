import pytest

from financements.models import Credit, Source
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory
from tests.financements.conftest import type_
from tests.financements.factories import CreditFactory, EnveloppeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enveloppe_fir(region_hdf):
    return EnveloppeFactory(region=region_hdf, montant=100_000)


def poster(client, url, donnees):
    return client.post(url, donnees, content_type="application/json")


def corps_credit(dispositif, **valeurs):
    return {"dispositif": dispositif.pk, "annee": 2026, "source": "fir", "montant": "1000.00", **valeurs}


def test_l_operateur_ne_lit_que_les_credits_de_ses_organismes(client, operateur, act_hlm, departement):
    sien = CreditFactory(dispositif=act_hlm)
    CreditFactory(dispositif=DispositifFactory(territoire=departement, organisme=OrganismeFactory()))
    client.force_login(operateur)

    resultats = client.get("/api/v1/credits/").json()["results"]

    assert [c["id"] for c in resultats] == [sien.pk]


def test_l_instructeur_lit_les_credits_de_sa_region_seulement(client, instructeur, act_hlm, dispositif_idf):
    sien = CreditFactory(dispositif=act_hlm)
    autre = CreditFactory(dispositif=dispositif_idf)
    client.force_login(instructeur)

    assert [c["id"] for c in client.get("/api/v1/credits/").json()["results"]] == [sien.pk]
    assert client.get(f"/api/v1/credits/{autre.pk}/").status_code == 404


def test_les_filtres_des_credits(client, dreets, act_hlm):
    CreditFactory(dispositif=act_hlm, annee=2025)
    cnr = CreditFactory(dispositif=act_hlm, source=Source.CNR, reconductible=False)
    client.force_login(dreets)

    reponse = client.get(f"/api/v1/credits/?annee=2026&source=cnr&dispositif={act_hlm.pk}&region=32").json()

    assert [c["id"] for c in reponse["results"]] == [cnr.pk]
    assert client.get("/api/v1/credits/?annee=abc").status_code == 400
    assert client.get("/api/v1/credits/?region=11").json()["count"] == 0


def test_le_planificateur_enregistre_un_credit(client, planificateur, act_hlm, enveloppe_fir):
    client.force_login(planificateur)

    reponse = poster(client, "/api/v1/credits/", corps_credit(act_hlm, reference="Notification fictive 1"))

    assert reponse.status_code == 201, reponse.json()
    corps = reponse.json()
    assert (corps["montant"], corps["reconductible"], corps["version"]) == ("1000.00", True, 1)
    assert Credit.objects.get().reference == "Notification fictive 1"


@pytest.mark.parametrize(
    ("valeurs", "champ"),
    [
        ({"montant": "10.505"}, "montant"),
        ({"montant": "-5"}, "montant"),
        ({"source": "mig"}, "source"),  # l'ACT hors les murs relève de l'ONDAM spécifique, du FIR ou de CNR
        ({"source": "cnr", "reconductible": True}, "reconductible"),
        ({"montant": "200000"}, "confirmer_depassement"),
    ],
)
def test_chaque_refus_de_l_api_nomme_son_champ(client, planificateur, act_hlm, enveloppe_fir, valeurs, champ):
    client.force_login(planificateur)

    reponse = poster(client, "/api/v1/credits/", corps_credit(act_hlm, **valeurs))

    assert reponse.status_code == 400
    assert list(reponse.json()) == [champ]
    assert not Credit.objects.exists()


def test_le_depassement_confirme_est_accepte(client, planificateur, act_hlm, enveloppe_fir):
    client.force_login(planificateur)

    reponse = poster(client, "/api/v1/credits/", corps_credit(act_hlm, montant="200000", confirmer_depassement=True))

    assert reponse.status_code == 201


def test_un_credit_sur_un_dispositif_d_une_autre_region_est_refuse_403(client, planificateur, dispositif_idf):
    client.force_login(planificateur)

    assert poster(client, "/api/v1/credits/", corps_credit(dispositif_idf)).status_code == 403
    assert not Credit.objects.exists()


def test_la_dreets_n_ecrit_pas(client, dreets, act_hlm):
    client.force_login(dreets)

    assert poster(client, "/api/v1/credits/", corps_credit(act_hlm)).status_code == 403


def test_une_modification_perimee_repond_409_avec_le_nom_et_les_valeurs(client, planificateur, act_hlm, enveloppe_fir):
    client.force_login(planificateur)
    credit = poster(client, "/api/v1/credits/", corps_credit(act_hlm)).json()
    url = f"/api/v1/credits/{credit['id']}/"
    assert client.patch(url, {"montant": "2000", "version": 1}, content_type="application/json").status_code == 200

    perimee = client.patch(url, {"montant": "3000", "version": 1}, content_type="application/json")

    assert perimee.status_code == 409
    corps = perimee.json()
    assert str(planificateur) in corps["detail"]
    assert (corps["credit"]["montant"], corps["credit"]["version"]) == ("2000.00", 2)
    assert Credit.objects.get().montant == 2000


def test_modifier_sans_version_est_refuse(client, planificateur, act_hlm):
    credit = CreditFactory(dispositif=act_hlm)
    client.force_login(planificateur)

    reponse = client.patch(f"/api/v1/credits/{credit.pk}/", {"montant": "5"}, content_type="application/json")

    assert reponse.status_code == 400
    assert list(reponse.json()) == ["version"]


def test_la_liste_des_credits_tient_en_cinq_requetes(client, dreets, act_hlm, django_assert_num_queries):
    client.force_login(dreets)
    CreditFactory(dispositif=act_hlm)
    # session, utilisateur, région de l'agent, compte, page de crédits (dispositifs de la région en sous-requête)
    with django_assert_num_queries(5):
        client.get("/api/v1/credits/")
    for _ in range(20):
        CreditFactory(dispositif=DispositifFactory(territoire=act_hlm.territoire))
    with django_assert_num_queries(5):
        assert client.get("/api/v1/credits/").json()["count"] == 21


def test_les_enveloppes_disent_leur_engage_et_leur_disponible(client, instructeur, region_hdf, act_hlm, departement):
    EnveloppeFactory(region=region_hdf, source=Source.ONDAM_MS, montant=50_000)
    typee = EnveloppeFactory(region=region_hdf, source=Source.ONDAM_MS, type=type_("ACT-HLM"), montant=30_000)
    CreditFactory(dispositif=act_hlm, source=Source.ONDAM_MS, montant=40_000)
    CreditFactory(dispositif=DispositifFactory(territoire=departement), source=Source.ONDAM_MS, montant=7_000)
    client.force_login(instructeur)

    resultats = client.get("/api/v1/enveloppes/?annee=2026&source=ondam_ms").json()["results"]

    par_type = {e["type"]: (e["region"], e["montant"], e["engage"], e["disponible"]) for e in resultats}
    assert par_type == {
        None: ("32", "50000.00", "7000.00", "43000.00"),
        "ACT-HLM": ("32", "30000.00", "40000.00", "-10000.00"),
    }
    assert client.get("/api/v1/enveloppes/?type=ACT-HLM").json()["results"][0]["id"] == typee.pk


def test_le_planificateur_enregistre_une_enveloppe_et_pas_celle_d_une_autre_region(client, planificateur, region_idf):
    client.force_login(planificateur)
    corps = {"region": "32", "annee": 2026, "source": "fir", "type": None, "montant": "150000"}

    creee = poster(client, "/api/v1/enveloppes/", corps)
    ailleurs = poster(client, "/api/v1/enveloppes/", {**corps, "region": "11"})
    doublon = poster(client, "/api/v1/enveloppes/", corps)

    assert creee.status_code == 201, creee.json()
    assert (creee.json()["engage"], creee.json()["disponible"]) == ("0.00", "150000.00")
    assert ailleurs.status_code == 403
    assert (doublon.status_code, list(doublon.json())) == (400, ["source"])


def test_l_operateur_ne_lit_pas_les_enveloppes(client, operateur):
    client.force_login(operateur)

    assert client.get("/api/v1/enveloppes/").status_code == 403


def test_la_liste_des_enveloppes_tient_en_quatre_requetes(client, dreets, region_hdf, django_assert_num_queries):
    client.force_login(dreets)
    EnveloppeFactory(region=region_hdf)
    # session, utilisateur, compte, page d'enveloppes avec région, type et engagé (régions visibles et engagé en
    # sous-requêtes)
    with django_assert_num_queries(4):
        client.get("/api/v1/enveloppes/")
    for annee in range(2000, 2020):
        EnveloppeFactory(region=region_hdf, annee=annee)
    with django_assert_num_queries(4):
        assert client.get("/api/v1/enveloppes/").json()["count"] == 21
