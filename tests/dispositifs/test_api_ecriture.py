"""L'API des dispositifs en écriture (POST, PATCH) et les capacités à une date (GET ?date=)."""

import datetime

import pytest

from dispositifs.models import Dispositif, Nature, Statut
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, OrganismeFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/dispositifs/"


def corps_de_creation(organisme, territoire, **changements) -> dict:
    return {"nom": "LHSS créé par l'API", "type": "LHSS", "organisme": organisme.pk, "territoire": territoire.pk} | (
        changements
    )


class TestLecture:
    def test_les_capacites_sont_celles_de_la_date_demandee(self, client):
        dispositif = DispositifFactory()
        EvenementCapaciteFactory(dispositif=dispositif, date=datetime.date(2020, 1, 1), quantite=10)
        EvenementCapaciteFactory(dispositif=dispositif, date=datetime.date(2024, 6, 1), nature=Nature.EXTENSION)

        (en_2023,) = client.get(URL, {"date": "2023-12-31"}).json()["results"]
        (aujourd_hui,) = client.get(URL).json()["results"]

        assert (en_2023["capacite_autorisee"], aujourd_hui["capacite_autorisee"]) == (10, 20)

    def test_chaque_page_garde_l_ordre_de_la_liste_et_les_capacites_de_ses_dispositifs(self, client):
        """Les capacités ne sont calculées que pour la page : elles restent celles de chaque dispositif, dans
        l'ordre de la liste (type, nom), d'une page à l'autre."""
        for nom, quantite in (("C", 3), ("A", 1), ("B", 2)):
            EvenementCapaciteFactory(dispositif=DispositifFactory(nom=nom), quantite=quantite)

        pages = [client.get(URL, {"page_size": 2, "page": page}).json()["results"] for page in (1, 2)]

        lues = [(d["nom"], d["capacite_autorisee"]) for page in pages for d in page]
        assert lues == [("A", 1), ("B", 2), ("C", 3)]

    @pytest.mark.parametrize("date", ["31/12/2023", "0001-01-01", "3000-01-01", ""])
    def test_une_date_illisible_ou_hors_calendrier_est_refusee_en_francais(self, client, date):
        reponse = client.get(URL, {"date": date})

        assert reponse.status_code == 400
        assert list(reponse.json()) == ["date"]

    def test_la_lecture_reste_publique_et_donne_version_et_finess_porteur(self, client):
        DispositifFactory(finess_porteur="010780054")

        (resultat,) = client.get(URL).json()["results"]

        assert (resultat["version"], resultat["finess_porteur"], resultat["statut"]) == (1, "010780054", "installe")

    def test_la_liste_a_une_date_tient_en_trois_requetes_quel_que_soit_le_nombre(
        self, client, django_assert_num_queries
    ):
        EvenementCapaciteFactory()
        # compte pour la pagination ; identifiants de la page ; ses lignes avec type, organisme, territoire, horizon
        # et capacités à la date
        with django_assert_num_queries(3):
            client.get(URL, {"date": "2025-01-01"})
        for _ in range(20):
            EvenementCapaciteFactory(dispositif=DispositifFactory(organisme=OrganismeFactory()))
        with django_assert_num_queries(3):
            assert client.get(URL, {"date": "2025-01-01"}).json()["count"] == 21


class TestEcriture:
    def test_le_planificateur_cree_un_projet_dans_sa_region(self, client, planificateur, organisme):
        client.force_login(planificateur)

        reponse = client.post(URL, corps_de_creation(organisme, TerritoireFactory()), content_type="application/json")

        assert reponse.status_code == 201
        cree = reponse.json()
        assert (cree["statut"], cree["version"], cree["capacite_autorisee"]) == ("projet", 1, 0)
        assert Dispositif.objects.get(pk=cree["id"]).nom == "LHSS créé par l'API"

    def test_le_statut_ne_se_saisit_pas(self, client, planificateur, organisme):
        client.force_login(planificateur)
        corps = corps_de_creation(organisme, TerritoireFactory(), statut="installe")

        reponse = client.post(URL, corps, content_type="application/json")

        assert reponse.json()["statut"] == Statut.PROJET

    @pytest.mark.parametrize("role", ["instructeur", "dreets", "operateur"])
    def test_qui_ne_gere_pas_l_offre_recoit_403(self, client, request, organisme, role):
        dispositif = DispositifFactory(organisme=organisme)
        client.force_login(request.getfixturevalue(role))

        creation = client.post(URL, corps_de_creation(organisme, TerritoireFactory()), content_type="application/json")
        modification = client.patch(
            f"{URL}{dispositif.pk}/", {"nom": "Renommé", "version": 1}, content_type="application/json"
        )

        assert (creation.status_code, modification.status_code) == (403, 403)

    @pytest.mark.parametrize(
        "changements, champ",
        [
            ({"finess": "123456789"}, "finess"),
            ({"type": "LHSS-MOBILE"}, "parent"),
            ({"type": "PASS"}, "finess_porteur"),
            ({"capacite_prevue": "2.5"}, "capacite_prevue"),
            ({"capacite_prevue": "-1"}, "capacite_prevue"),
        ],
    )
    def test_un_refus_est_un_400_par_champ_en_francais(self, client, planificateur, organisme, changements, champ):
        client.force_login(planificateur)
        corps = corps_de_creation(organisme, TerritoireFactory(), **changements)

        reponse = client.post(URL, corps, content_type="application/json")

        assert reponse.status_code == 400
        assert champ in reponse.json()
        assert not Dispositif.objects.filter(nom="LHSS créé par l'API").exists()

    def test_un_territoire_d_une_autre_region_est_refuse(self, client, planificateur, organisme, region_idf):
        client.force_login(planificateur)
        corps = corps_de_creation(organisme, TerritoireFactory(parent=region_idf))

        reponse = client.post(URL, corps, content_type="application/json")

        assert reponse.status_code == 400
        assert reponse.json()["territoire"] == ["Choisissez un territoire de votre région."]

    def test_une_modification_avec_une_version_perimee_recoit_409_sans_rien_ecraser(
        self, client, planificateur, administrateur
    ):
        dispositif = DispositifFactory(nom="Avant")
        adresse = f"{URL}{dispositif.pk}/"
        client.force_login(administrateur)
        premiere = client.patch(adresse, {"nom": "Par Alice", "version": 1}, content_type="application/json")
        client.force_login(planificateur)

        perimee = client.patch(adresse, {"nom": "Par Paul", "version": 1}, content_type="application/json")
        sans_version = client.patch(adresse, {"nom": "Par Paul"}, content_type="application/json")

        assert (premiere.status_code, premiere.json()["version"]) == (200, 2)
        assert perimee.status_code == 409
        assert administrateur.get_full_name() in perimee.json()["detail"]
        assert (perimee.json()["dispositif"]["nom"], perimee.json()["dispositif"]["version"]) == ("Par Alice", 2)
        assert sans_version.status_code == 400 and "version" in sans_version.json()
        assert Dispositif.objects.get(pk=dispositif.pk).nom == "Par Alice"

    def test_un_dispositif_d_une_autre_region_recoit_403(self, client, planificateur, region_idf):
        dispositif = DispositifFactory(territoire=TerritoireFactory(parent=region_idf))
        client.force_login(planificateur)

        reponse = client.patch(f"{URL}{dispositif.pk}/", {"nom": "X", "version": 1}, content_type="application/json")

        assert reponse.status_code == 403
        assert Dispositif.objects.get(pk=dispositif.pk).nom != "X"

    def test_le_journal_garde_l_auteur_de_la_modification(self, client, planificateur):
        from auditlog.models import LogEntry

        dispositif = DispositifFactory()
        client.force_login(planificateur)

        client.patch(f"{URL}{dispositif.pk}/", {"commune": "Lens", "version": 1}, content_type="application/json")

        entree = LogEntry.objects.get_for_object(dispositif).order_by("-pk").first()
        assert (entree.actor, entree.changes_dict["commune"]) == (planificateur, ["", "Lens"])


def test_plusieurs_projets_sans_finess_coexistent(client, planificateur, organisme):
    client.force_login(planificateur)
    territoire = TerritoireFactory()

    reponses = [
        client.post(URL, corps_de_creation(organisme, territoire, nom=nom, finess=""), content_type="application/json")
        for nom in ("Projet A", "Projet B")
    ]

    assert [r.status_code for r in reponses] == [201, 201]
    assert [r.json()["finess"] for r in reponses] == [None, None]
