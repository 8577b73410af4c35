"""Les pages /rapports/ et l'API /api/v1/rapports/ : qui voit quoi, téléchargement, demande, suivi, requêtes."""

import datetime

import pytest
from django.urls import reverse

from indicateurs.models import Rapport, StatutRapport
from tests.comptes.factories import UtilisateurFactory
from tests.conftest import taches_en_file
from tests.indicateurs.factories import PDF_EXEMPLE, RapportFactory
from tests.territoires.factories import TerritoireFactory

SEPTEMBRE = datetime.date(2026, 9, 1)


@pytest.fixture
def nord(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def rapports_exemple(region_hdf, region_idf, nord):
    """Versions interne et publique des Hauts-de-France et du Nord, interne et publique d'Île-de-France, et une
    version publique demandée mais pas encore générée."""
    return {
        "hdf_interne": RapportFactory(territoire=region_hdf),
        "hdf_public": RapportFactory(territoire=region_hdf, public=True),
        "nord_interne": RapportFactory(territoire=nord),
        "idf_interne": RapportFactory(territoire=region_idf),
        "idf_public": RapportFactory(territoire=region_idf, public=True),
        "nord_public_en_attente": RapportFactory(
            territoire=nord, public=True, statut=StatutRapport.EN_ATTENTE, fichier="", empreinte="", taille=None
        ),
    }


@pytest.fixture
def planificateur_idf(region_idf):
    return UtilisateurFactory(planificateur=True, region=region_idf, email="planif-idf@exemple.test")


def visibles_dans_la_liste(client) -> set[int]:
    return {r.pk for r in client.get(reverse("indicateurs:rapports:liste")).context["page_obj"]}


def ids(rapports_exemple, *noms) -> set[int]:
    return {rapports_exemple[nom].pk for nom in noms}


class TestListe:
    def test_l_anonyme_ne_voit_que_les_versions_publiques_generees(self, client, rapports_exemple):
        assert visibles_dans_la_liste(client) == ids(rapports_exemple, "hdf_public", "idf_public")

    @pytest.mark.parametrize("role", ["planificateur", "instructeur", "dreets"])
    def test_les_agents_voient_aussi_toutes_les_versions_de_leur_region(self, client, rapports_exemple, role, request):
        client.force_login(request.getfixturevalue(role))
        assert visibles_dans_la_liste(client) == ids(
            rapports_exemple, "hdf_interne", "hdf_public", "nord_interne", "nord_public_en_attente", "idf_public"
        )

    def test_l_operateur_ne_voit_que_les_versions_publiques(self, client, operateur, rapports_exemple):
        client.force_login(operateur)
        assert visibles_dans_la_liste(client) == ids(rapports_exemple, "hdf_public", "idf_public")

    def test_l_administrateur_voit_tout(self, client, administrateur, rapports_exemple):
        client.force_login(administrateur)
        assert visibles_dans_la_liste(client) == {r.pk for r in rapports_exemple.values()}

    def test_filtres_par_region_et_par_mois(self, client, planificateur, rapports_exemple, nord):
        RapportFactory(territoire=nord, mois=SEPTEMBRE)
        client.force_login(planificateur)
        reponse = client.get(reverse("indicateurs:rapports:liste"), {"region": "32", "mois": "2026-09"})
        assert [r.mois for r in reponse.context["page_obj"]] == [SEPTEMBRE]
        reponse = client.get(reverse("indicateurs:rapports:liste"), {"region": "11"})
        assert {r.pk for r in reponse.context["page_obj"]} == ids(rapports_exemple, "idf_public")

    def test_montre_periode_perimetre_taille_et_empreinte(self, client, rapports_exemple):
        contenu = client.get(reverse("indicateurs:rapports:liste")).content.decode()
        assert "Octobre 2026" in contenu and "Hauts-de-France" in contenu
        assert rapports_exemple["hdf_public"].empreinte in contenu
        assert reverse("indicateurs:rapports:telecharger", args=[rapports_exemple["hdf_public"].pk]) in contenu

    @pytest.mark.parametrize("nombre", [1, 20])
    def test_nombre_de_requetes_constant(self, client, planificateur, region_hdf, nombre, django_assert_num_queries):
        departements = [TerritoireFactory(parent=region_hdf) for _ in range(nombre)]
        for departement in departements:
            RapportFactory(territoire=departement)
        client.force_login(planificateur)
        # session, utilisateur, sa région (en-tête), compte de la liste, page des rapports avec leur périmètre,
        # leurs versions, régions du filtre, périmètres demandables (lus deux fois par le gabarit DSFR)
        with django_assert_num_queries(9):
            reponse = client.get(reverse("indicateurs:rapports:liste"))
        assert len(reponse.context["page_obj"]) == nombre


class TestTelechargement:
    def test_le_pdf_est_servi_en_piece_jointe(self, client, rapports_exemple):
        reponse = client.get(reverse("indicateurs:rapports:telecharger", args=[rapports_exemple["hdf_public"].pk]))
        assert reponse.status_code == 200
        assert reponse["Content-Type"] == "application/pdf"
        assert reponse["Content-Disposition"] == 'attachment; filename="rapport-praps-32-2026-10-public.pdf"'
        assert reponse.content == PDF_EXEMPLE

    def test_la_version_interne_d_une_autre_region_est_introuvable(self, client, planificateur_idf, rapports_exemple):
        client.force_login(planificateur_idf)
        assert (
            client.get(
                reverse("indicateurs:rapports:telecharger", args=[rapports_exemple["hdf_interne"].pk])
            ).status_code
            == 404
        )
        assert (
            client.get(
                reverse("indicateurs:rapports:telecharger", args=[rapports_exemple["idf_interne"].pk])
            ).status_code
            == 200
        )

    @pytest.mark.parametrize("role", [None, "operateur"])
    def test_la_version_interne_est_introuvable_pour_le_public(self, client, rapports_exemple, role, request):
        if role:
            client.force_login(request.getfixturevalue(role))
        assert (
            client.get(
                reverse("indicateurs:rapports:telecharger", args=[rapports_exemple["hdf_interne"].pk])
            ).status_code
            == 404
        )

    def test_un_agent_telecharge_la_version_interne_d_un_departement_de_sa_region(
        self, client, dreets, rapports_exemple
    ):
        client.force_login(dreets)
        reponse = client.get(reverse("indicateurs:rapports:telecharger", args=[rapports_exemple["nord_interne"].pk]))
        assert reponse.status_code == 200
        assert reponse["Cache-Control"] == "private, no-store"

    def test_un_rapport_sans_fichier_est_introuvable(self, client, planificateur, rapports_exemple):
        client.force_login(planificateur)
        rapport = rapports_exemple["nord_public_en_attente"]
        assert client.get(reverse("indicateurs:rapports:telecharger", args=[rapport.pk])).status_code == 404


class TestDemande:
    def test_un_agent_demande_un_rapport_et_suit_sa_generation(
        self, client, planificateur, nord, django_capture_on_commit_callbacks
    ):
        client.force_login(planificateur)
        with django_capture_on_commit_callbacks() as mises_en_file:
            reponse = client.post(reverse("indicateurs:rapports:demander"), {"territoire": nord.pk, "mois": "2026-09"})

        rapport = Rapport.objects.get(territoire=nord, mois=SEPTEMBRE, public=False)
        assert reponse.status_code == 302 and reponse["Location"] == reverse(
            "indicateurs:rapports:suivi", args=[rapport.pk]
        )
        assert rapport.statut == StatutRapport.EN_ATTENTE and rapport.demande_par == planificateur
        assert len(taches_en_file(mises_en_file)) == 1

    def test_un_agent_ne_peut_pas_demander_le_rapport_d_une_autre_region(self, client, planificateur, region_idf):
        client.force_login(planificateur)
        reponse = client.post(
            reverse("indicateurs:rapports:demander"), {"territoire": region_idf.pk, "mois": "2026-09"}
        )
        assert reponse.status_code == 400
        assert "territoire" in reponse.context["demande"].errors
        assert not Rapport.objects.exists()

    def test_un_departement_n_a_pas_de_version_publique(self, client, planificateur, nord):
        client.force_login(planificateur)
        reponse = client.post(
            reverse("indicateurs:rapports:demander"), {"territoire": nord.pk, "mois": "2026-09", "public": "on"}
        )
        assert reponse.status_code == 400
        assert "région entière" in reponse.context["demande"].errors["public"][0]
        assert not Rapport.objects.exists()

    def test_un_mois_a_venir_est_refuse(self, client, planificateur, region_hdf):
        client.force_login(planificateur)
        reponse = client.post(
            reverse("indicateurs:rapports:demander"), {"territoire": region_hdf.pk, "mois": "2999-01"}
        )
        assert reponse.status_code == 400
        assert reponse.context["demande"].errors["mois"] == ["Ce mois n'a pas encore commencé."]

    def test_la_page_de_suivi_et_son_json_montrent_l_etape_en_cours(self, client, planificateur, region_hdf):
        rapport = RapportFactory(territoire=region_hdf, statut=StatutRapport.EN_COURS, etape="Mise en page du PDF")
        client.force_login(planificateur)

        page = client.get(reverse("indicateurs:rapports:suivi", args=[rapport.pk])).content.decode()
        etat = client.get(reverse("indicateurs:rapports:statut", args=[rapport.pk])).json()

        assert "Mise en page du PDF" in page and "Étape 4 sur 5" in page
        assert "js/rapports.js" in page and "<script>" not in page  # aucun script en ligne (CSP)
        assert etat["en_travail"] is True and etat["etape"] == "Mise en page du PDF" and etat["rang"] == 4
        assert etat["url"] == reverse("indicateurs:rapports:telecharger", args=[rapport.pk])  # la version précédente

    def test_le_suivi_d_une_autre_region_est_introuvable(self, client, planificateur_idf, rapports_exemple):
        client.force_login(planificateur_idf)
        assert (
            client.get(reverse("indicateurs:rapports:statut", args=[rapports_exemple["hdf_interne"].pk])).status_code
            == 404
        )


class TestAPI:
    def liste(self, client, **filtres):
        reponse = client.get("/api/v1/rapports/", filtres)
        assert reponse.status_code == 200
        return reponse.json()["results"]

    def test_l_anonyme_liste_les_versions_publiques_et_leur_lien_de_telechargement(self, client, rapports_exemple):
        resultats = self.liste(client)
        assert {r["id"] for r in resultats} == ids(rapports_exemple, "hdf_public", "idf_public")
        hdf = next(r for r in resultats if r["id"] == rapports_exemple["hdf_public"].pk)
        assert hdf["territoire"] == "32" and hdf["niveau"] == "region" and hdf["mois"] == "2026-10-01"
        assert (
            hdf["public"] is True
            and hdf["statut"] == "pret"
            and hdf["empreinte"] == rapports_exemple["hdf_public"].empreinte
        )
        assert hdf["url"] == "http://testserver" + reverse("indicateurs:rapports:telecharger", args=[hdf["id"]])

    def test_un_agent_liste_les_versions_internes_de_sa_region_et_les_filtre(self, client, dreets, rapports_exemple):
        client.force_login(dreets)
        internes = self.liste(client, public="false")
        assert {r["id"] for r in internes} == ids(rapports_exemple, "hdf_interne", "nord_interne")
        assert [r["id"] for r in self.liste(client, territoire="59", niveau="departement", public="false")] == [
            rapports_exemple["nord_interne"].pk
        ]
        assert self.liste(client, mois="2026-09-01") == []

    def test_la_version_interne_d_une_autre_region_est_introuvable(self, client, planificateur_idf, rapports_exemple):
        client.force_login(planificateur_idf)
        assert client.get(f"/api/v1/rapports/{rapports_exemple['hdf_interne'].pk}/").status_code == 404
        assert client.get(f"/api/v1/rapports/{rapports_exemple['idf_interne'].pk}/").status_code == 200

    @pytest.mark.parametrize("nombre", [1, 20])
    def test_nombre_de_requetes_constant(self, client, planificateur, region_hdf, nombre, django_assert_num_queries):
        for departement in [TerritoireFactory(parent=region_hdf) for _ in range(nombre)]:
            RapportFactory(territoire=departement)
        client.force_login(planificateur)
        # session, utilisateur, compte, page des rapports avec leur périmètre
        with django_assert_num_queries(4):
            assert len(self.liste(client)) == nombre
