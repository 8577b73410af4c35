"""« Enregistrer un arrêté » : la page, l'API du registre, et l'autorisation d'un projet retenu en une étape depuis
la page de sa candidature, jusqu'au tableau de planification."""

import datetime
from decimal import Decimal

import pytest

from appels.models import Decision, Nature
from dispositifs.models import Nature as NatureEvenement
from dispositifs.models import Statut, TypeDispositif
from dispositifs.registre import enregistrer_evenement
from tests.appels.factories import AppelFactory
from tests.appels.test_instruction import clore, deposer, poster_decision
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory
from tests.planification.factories import HorizonFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db


def url(dispositif) -> str:
    return f"/dispositifs/{dispositif.pk}/evenements/nouveau/"


def api(dispositif) -> str:
    return f"/api/v1/dispositifs/{dispositif.pk}/evenements/"


@pytest.fixture
def nord(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def autorise(nord, planificateur):
    """Un LHSS du Nord autorisé pour 10 places le 1er mars 2020."""
    dispositif = DispositifFactory(projet=True, territoire=nord)
    enregistrer_evenement(
        dispositif, nature="autorisation", date=datetime.date(2020, 3, 1), capacite=Decimal(10), user=planificateur
    )
    return dispositif


@pytest.fixture
def ailleurs(region_idf):
    """Un dispositif d'Île-de-France : hors de la région du planificateur."""
    return DispositifFactory(territoire=TerritoireFactory(code="75", parent=region_idf))


class TestPage:
    def test_le_formulaire_montre_le_registre_actuel(self, client, planificateur, autorise):
        client.force_login(planificateur)

        page = client.get(url(autorise))

        assert page.status_code == 200
        texte = page.content.decode()
        assert "Enregistrer un arrêté" in texte and "Registre actuel" in texte
        assert "01/03/2020" in texte and "(15 ans)" in texte
        assert "Aujourd'hui : 10 autorisés, 0 installés, 0 financés (places)." in texte

    def test_une_installation_enregistree_revient_vers_la_fiche(self, client, planificateur, autorise):
        client.force_login(planificateur)

        reponse = client.post(
            url(autorise),
            {"nature": "installation", "date": "2020-09-01", "capacite": "6", "visite_conformite": "2020-08-25"},
        )

        assert reponse.status_code == 302
        evenement = autorise.evenements.get(nature="installation")
        assert (evenement.quantite, evenement.visite_conformite, evenement.saisi_par) == (
            6,
            datetime.date(2020, 8, 25),
            planificateur,
        )
        autorise.refresh_from_db()
        assert autorise.statut == Statut.INSTALLE

    def test_installer_plus_que_l_autorise_est_refuse_sous_le_champ(self, client, planificateur, autorise):
        client.force_login(planificateur)

        reponse = client.post(url(autorise), {"nature": "installation", "date": "2020-09-01", "capacite": "12"})

        assert reponse.status_code == 400
        assert reponse.context["form"].errors == {
            "capacite": ["Installer 12 porterait l'installé à 12, au-delà des 10 autorisés au 01/09/2020."]
        }
        assert autorise.evenements.count() == 1

    def test_une_capacite_decimale_en_places_est_refusee(self, client, planificateur, autorise):
        client.force_login(planificateur)

        reponse = client.post(url(autorise), {"nature": "extension", "date": "2021-01-01", "capacite": "2,5"})

        assert reponse.status_code == 400
        assert reponse.context["form"].errors["capacite"] == [
            "Un LHSS se compte en places : la capacité (2,5) doit être un nombre entier ; seuls les postes (ETP) "
            "admettent des décimales."
        ]

    def test_le_dispositif_d_une_autre_region_est_refuse(self, client, planificateur, ailleurs):
        client.force_login(planificateur)

        assert client.get(url(ailleurs)).status_code == 403
        assert client.post(url(ailleurs), {"nature": "fermeture", "date": "2024-01-01"}).status_code == 403
        assert not ailleurs.evenements.exists()

    @pytest.mark.parametrize("role", ["instructeur", "dreets", "operateur"])
    def test_seuls_les_planificateurs_enregistrent(self, client, request, role, autorise):
        client.force_login(request.getfixturevalue(role))

        assert client.get(url(autorise)).status_code == 403

    def test_nombre_de_requetes_constant(self, client, planificateur, autorise, django_assert_num_queries):
        """Session, utilisateur, dispositif (type, organisme, territoire), région de l'utilisateur, périmètre géré,
        capacités du jour, organismes de la liste, registre (8)."""
        client.force_login(planificateur)
        with django_assert_num_queries(8):
            assert client.get(url(autorise)).status_code == 200
        for _ in range(10):
            EvenementCapaciteFactory(dispositif=autorise, nature=NatureEvenement.FINANCEMENT, quantite=1)
        with django_assert_num_queries(8):
            assert client.get(url(autorise)).status_code == 200


class TestAPI:
    def test_lecture_du_registre(self, client, instructeur, autorise):
        client.force_login(instructeur)

        reponse = client.get(api(autorise))

        assert reponse.status_code == 200
        (autorisation,) = reponse.json()
        assert {cle: autorisation[cle] for cle in ("nature", "date", "capacite", "duree_annees")} == {
            "nature": "autorisation",
            "date": "2020-03-01",
            "capacite": 10,
            "duree_annees": 15,
        }

    def test_un_operateur_ne_lit_que_les_siens(self, client, operateur_autre, autorise):
        client.force_login(operateur_autre)

        assert client.get(api(autorise)).status_code == 404

    def test_ecriture_par_le_meme_service(self, client, planificateur, autorise):
        client.force_login(planificateur)

        reponse = client.post(
            api(autorise),
            {"nature": "extension", "date": "2021-01-01", "capacite": 5},
            content_type="application/json",
        )

        assert reponse.status_code == 201
        assert (reponse.json()["capacite"], reponse.json()["saisi_par"]) == (5, str(planificateur))
        assert autorise.evenements.count() == 2

    def test_un_refus_est_en_francais_par_champ(self, client, planificateur, autorise):
        client.force_login(planificateur)
        corps = {"nature": "fermeture", "date": "2022-01-01"}
        assert client.post(api(autorise), corps, content_type="application/json").status_code == 201

        reponse = client.post(api(autorise), corps, content_type="application/json")

        assert reponse.status_code == 400
        assert reponse.json() == {"nature": ["Le dispositif est déjà fermé depuis le 01/01/2022."]}

    def test_une_nature_inconnue_est_refusee(self, client, planificateur, autorise):
        client.force_login(planificateur)

        corps = {"nature": "financement", "date": "2022-01-01", "capacite": 1}
        reponse = client.post(api(autorise), corps, content_type="application/json")

        assert reponse.status_code == 400
        assert list(reponse.json()) == ["nature"]

    def test_le_dispositif_d_une_autre_region_est_refuse(self, client, planificateur, ailleurs):
        client.force_login(planificateur)

        corps = {"nature": "autorisation", "date": "2022-01-01", "capacite": 3}
        reponse = client.post(api(ailleurs), corps, content_type="application/json")

        assert reponse.status_code == 403
        assert not ailleurs.evenements.exists()

    def test_l_instructeur_lit_mais_n_ecrit_pas(self, client, instructeur, autorise):
        client.force_login(instructeur)

        corps = {"nature": "extension", "date": "2022-01-01", "capacite": 3}
        assert client.post(api(autorise), corps, content_type="application/json").status_code == 403

    def test_nombre_de_requetes_constant(self, client, instructeur, autorise, django_assert_num_queries):
        """Session, utilisateur, région de l'utilisateur, dispositif visible, registre avec ses auteurs (5)."""
        client.force_login(instructeur)
        with django_assert_num_queries(5):
            assert client.get(api(autorise)).status_code == 200
        for _ in range(10):
            EvenementCapaciteFactory(dispositif=autorise, nature=NatureEvenement.FINANCEMENT, quantite=1)
        with django_assert_num_queries(5):
            assert len(client.get(api(autorise)).json()) == 11


class TestProjetRetenu:
    @pytest.fixture
    def retenue(self, client, region_hdf, organisme, operateur, planificateur):
        """Une candidature retenue pour 8 places de LHSS mobile ; la décision crée le projet à l'horizon."""
        appel = AppelFactory(
            reference="aap-registre",
            nature=Nature.AAP,
            horizon=HorizonFactory(),
            types_cibles=[TypeDispositif.objects.get(code="LHSS-MOBILE")],
        )
        candidature = deposer(appel, organisme, operateur, dispositif_envisage="LHSS-MOBILE")
        clore(appel)
        client.force_login(planificateur)
        poster_decision(client, candidature, "retenue", capacite_retenue="8")
        return candidature

    def test_autoriser_le_projet_depuis_la_candidature(self, client, planificateur, region_hdf, retenue):
        projet = Decision.objects.get(candidature=retenue).dispositif
        page = client.get(f"/instruction/candidatures/{retenue.pk}/").content.decode()
        assert f'href="{url(projet)}">Autoriser le projet</a>' in page

        formulaire = client.get(url(projet))
        assert formulaire.context["form"].initial["nature"] == "autorisation"
        assert formulaire.context["form"].initial["capacite"] == 8
        reponse = client.post(
            url(projet),
            {"nature": "autorisation", "date": "2026-03-15", "capacite": "8", "reference": "Arrêté fictif"},
        )
        assert reponse.status_code == 302

        def ligne(date):
            donnees = client.get("/api/v1/planification/", {"date": date, "type": "LHSS-MOBILE"}).json()
            (region,) = [ligne for ligne in donnees["lignes"] if ligne["niveau"] == "region"]
            return region["autorises"], region["perspectives"]

        assert ligne("2026-03-14") == (0, 8)
        assert ligne("2026-03-15") == (8, 0)
        projet.refresh_from_db()
        assert projet.statut == Statut.AUTORISE
        assert "Enregistrer un autre arrêté" in client.get(f"/instruction/candidatures/{retenue.pk}/").content.decode()

    def test_l_instructeur_ne_voit_pas_le_bouton(self, client, instructeur, retenue):
        client.force_login(instructeur)

        assert "Autoriser le projet" not in client.get(f"/instruction/candidatures/{retenue.pk}/").content.decode()


def test_un_planificateur_d_une_autre_region_ne_lit_pas_le_registre(client, region_idf, autorise):
    client.force_login(UtilisateurFactory(planificateur=True, region=region_idf))

    assert client.get(api(autorise)).status_code == 404
    assert client.get(url(autorise)).status_code == 403
