import pytest

from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db


def test_le_catalogue_est_public_avec_les_parents(client):
    types = {t["code"]: t for t in client.get("/api/v1/types-dispositifs/").json()}

    assert len(types) == 18
    assert (types["ACT-HLM"]["type_parent"], types["ACT-HLM"]["cout_annuel_unitaire"]) == ("ACT", "11000")
    assert types["EMPP"]["unite"] == "equipes"


def test_les_types_de_l_issue_13_disent_leur_unite(client):
    types = {t["code"]: t for t in client.get("/api/v1/types-dispositifs/").json()}

    assert {code: types[code]["unite"] for code in ISSUE_13} == ISSUE_13
    assert types["ARMS"]["secteur"] == "politique_ville"
    assert types["CSAPA-CA"]["financement"] == "inconnu"  # la source ne le dit pas, et le catalogue le dit


ISSUE_13 = {
    "ARMS": "etp",
    "CSAPA-CA": "sites",
    "UCSD": "places",
    "UCSD-JEUNES": "places",
    "CS-PARTICIPATIF": "structures",
    "PSY-ACCUEIL": "etp",
}


def test_un_dispositif_porte_ses_capacites_du_jour(client):
    dispositif = DispositifFactory(finess="010780054")
    EvenementCapaciteFactory(dispositif=dispositif, quantite=12)

    (resultat,) = client.get("/api/v1/dispositifs/").json()["results"]

    assert (resultat["finess"], resultat["capacite_autorisee"], resultat["capacite_installee"]) == ("010780054", 12, 0)


def test_filtre_territoire_inclut_les_descendants_et_filtre_type_repetable(client):
    importer_territoires()
    nord = Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="59")
    hainaut = Territoire.objects.get(code="32-nord-hainaut")
    dans_le_hainaut = DispositifFactory(territoire=hainaut, type=TypeDispositifFactory(code="LAM"))
    DispositifFactory(territoire=Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="62"))

    dans_le_nord = client.get("/api/v1/dispositifs/", {"territoire": nord.pk}).json()["results"]
    par_type = client.get("/api/v1/dispositifs/?type=LAM&type=ACT").json()["results"]

    assert [d["id"] for d in dans_le_nord] == [dans_le_hainaut.pk]
    assert [d["id"] for d in par_type] == [dans_le_hainaut.pk]


def test_la_liste_des_dispositifs_tient_en_trois_requetes_quel_que_soit_leur_nombre(client, django_assert_num_queries):
    EvenementCapaciteFactory()
    # compte pour la pagination, identifiants de la page, puis ses lignes avec type, organisme, territoire, horizon et
    # capacités agrégées (celles de la page seulement)
    with django_assert_num_queries(3):
        client.get("/api/v1/dispositifs/")
    for numero in range(20):
        EvenementCapaciteFactory(dispositif=DispositifFactory(territoire=TerritoireFactory(code=f"X{numero}")))
    with django_assert_num_queries(3):
        assert client.get("/api/v1/dispositifs/").json()["count"] == 21


def test_les_organismes_demandent_une_connexion(client, operateur):
    assert client.get("/api/v1/organismes/").status_code == 401
    client.force_login(operateur)
    assert client.get("/api/v1/organismes/").status_code == 200


def test_filtres_finess_et_horizon(client):
    from tests.planification.factories import HorizonFactory

    DispositifFactory(finess="010780054")
    projet = DispositifFactory(projet=True, horizon=HorizonFactory(slug="prs-2023-2028", libelle="PRS 2023-2028"))

    par_finess = client.get("/api/v1/dispositifs/?finess=010780054").json()["results"]
    par_horizon = client.get("/api/v1/dispositifs/?horizon=prs-2023-2028").json()["results"]

    assert [d["finess"] for d in par_finess] == ["010780054"]
    assert [d["id"] for d in par_horizon] == [projet.pk]
    assert client.get("/api/v1/dispositifs/?horizon=inconnu").json()["count"] == 0


@pytest.mark.parametrize(
    "filtre, champ",
    [("territoire=93784737465215107072", "territoire"), ("organisme=1.5", "organisme"), ("statut=", "statut")],
)
def test_un_filtre_hors_de_son_schema_est_refuse_en_francais(client, filtre, champ):
    """Un entier trop grand pour la base (OverflowError sous SQLite, 500 autrefois), un identifiant non entier, un
    choix vide : 400 qui nomme le champ."""
    reponse = client.get(f"/api/v1/dispositifs/?{filtre}")

    assert reponse.status_code == 400
    assert list(reponse.json()) == [champ]


def test_un_code_avec_le_caractere_nul_est_refuse_et_non_envoye_a_la_base(client):
    reponse = client.get("/api/v1/dispositifs/?type=LHSS&type=L%00HSS")

    assert reponse.status_code == 400
    assert reponse.json() == {"type": ["Le caractère nul n’est pas autorisé."]}
