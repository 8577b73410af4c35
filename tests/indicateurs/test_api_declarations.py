"""/api/v1/declarations/ : l'opérateur lit et écrit les siennes, par le même service que la page ; l'ARS lit
celles de sa région ; requêtes en nombre constant."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from rest_framework.test import APIClient

from indicateurs.models import Agregat, Declaration, StatutDeclaration
from indicateurs.services import enregistrer_declaration
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/"
OCTOBRE = datetime.date(2026, 10, 1)


def client_de(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


class TestLecture:
    def test_l_operateur_ne_lit_que_ses_dispositifs(self, operateur, lhss, lhss_autre):
        mienne = enregistrer_declaration(
            dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)}, commentaires={"file_active": "Stable"}
        )
        autre = DeclarationFactory(dispositif=lhss_autre)
        client = client_de(operateur)

        liste = client.get(URL).json()

        assert [d["id"] for d in liste["results"]] == [mienne.pk]
        assert liste["results"][0] | {"transmise_le": None} == {
            "id": mienne.pk,
            "dispositif": lhss.pk,
            "type": "LHSS",
            "mois": "2026-10",
            "statut": "brouillon",
            "motif_renvoi": "",
            "transmise_le": None,
            "validee_le": None,
            "version": mienne.version,
            "valeurs": {"file_active": 20.0},
            "commentaires": {"file_active": "Stable"},
        }
        assert client.get(f"{URL}{autre.pk}/").status_code == 404

    def test_l_agent_lit_sa_region(self, dreets, lhss, region_idf, type_lhss):
        from tests.territoires.factories import TerritoireFactory

        DeclarationFactory(dispositif=lhss)
        paris = TerritoireFactory(code="75", nom="Paris", parent=region_idf)
        DeclarationFactory(dispositif=DispositifFactory(territoire=paris, type=type_lhss))

        resultats = client_de(dreets).get(URL).json()["results"]

        assert [d["dispositif"] for d in resultats] == [lhss.pk]

    def test_les_filtres(self, instructeur, lhss):
        DeclarationFactory(dispositif=lhss, mois=OCTOBRE, statut=StatutDeclaration.TRANSMISE)
        DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, 9, 1), statut=StatutDeclaration.VALIDEE)
        client = client_de(instructeur)

        def mois(**filtres):
            return [d["mois"] for d in client.get(URL, filtres).json()["results"]]

        assert mois(mois="2026-10") == ["2026-10"]
        assert mois(statut="validee") == ["2026-09"]
        assert mois(type="LHSS", dispositif=lhss.pk) == ["2026-10", "2026-09"]
        assert mois(type="ACT") == []
        assert mois(mois="n'importe quoi") == []

    @pytest.mark.parametrize("nombre", [1, 15])
    def test_nombre_de_requetes_constant(
        self, operateur, organisme, type_lhss, departement, nombre, django_assert_num_queries
    ):
        for _ in range(nombre):
            dispositif = DispositifFactory(organisme=organisme, type=type_lhss, territoire=departement)
            ValeurFactory(declaration=DeclarationFactory(dispositif=dispositif))
        client = client_de(operateur)

        # Compte, page de déclarations (dispositif et type joints), valeurs et leurs indicateurs.
        with django_assert_num_queries(3):
            assert client.get(URL).status_code == 200


class TestEcriture:
    def test_creer_un_brouillon_puis_le_modifier_et_le_transmettre(self, operateur, lhss):
        client = client_de(operateur)

        creee = client.post(
            URL, {"dispositif": lhss.pk, "mois": "2026-10", "valeurs": {"file_active": 20}}, format="json"
        )
        assert creee.status_code == 201, creee.json()
        corps = creee.json()
        modifiee = client.patch(
            f"{URL}{corps['id']}/",
            {"version": corps["version"], "valeurs": {"nouvelles_personnes": 3}, "transmettre": True},
            format="json",
        )

        assert modifiee.status_code == 200, modifiee.json()
        assert modifiee.json()["statut"] == "transmise"
        assert modifiee.json()["valeurs"] == {"file_active": 20.0, "nouvelles_personnes": 3.0}

    def test_les_erreurs_du_service_sont_dites_par_indicateur_et_rien_n_est_enregistre(self, operateur, lhss):
        reponse = client_de(operateur).post(
            URL,
            {
                "dispositif": lhss.pk,
                "mois": "2026-10",
                "valeurs": {"file_active": 10, "nouvelles_personnes": 12, "interventions_aller_vers": 2},
                "transmettre": True,
            },
            format="json",
        )

        assert reponse.status_code == 400
        assert reponse.json() == {
            "valeurs": {
                "interventions_aller_vers": ["Cet indicateur ne concerne pas ce type de dispositif."],
                "nouvelles_personnes": [
                    "Les nouvelles personnes font partie de la file active : elles ne peuvent pas être plus "
                    "nombreuses."
                ],
            }
        }
        assert not Declaration.objects.exists()

    def test_un_mois_verrouille_ou_mal_ecrit_est_refuse(self, operateur, lhss):
        client = client_de(operateur)

        verrouille = client.post(URL, {"dispositif": lhss.pk, "mois": "2026-08", "valeurs": {}}, format="json")
        mal_ecrit = client.post(URL, {"dispositif": lhss.pk, "mois": "08/2026", "valeurs": {}}, format="json")

        assert "est verrouillé" in verrouille.json()["non_field_errors"][0]
        assert mal_ecrit.json() == {"mois": ["Mois attendu sous la forme AAAA-MM, par exemple 2026-10."]}

    def test_une_version_perimee_recoit_409(self, operateur, lhss):
        declaration = enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)})
        client = client_de(operateur)
        lue = declaration.version
        enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(21)}, version_lue=lue)

        perimee = client.patch(
            f"{URL}{declaration.pk}/", {"version": lue, "valeurs": {"file_active": 5}}, format="json"
        )
        sans_version = client.patch(f"{URL}{declaration.pk}/", {"valeurs": {"file_active": 5}}, format="json")
        en_double = client.post(URL, {"dispositif": lhss.pk, "mois": "2026-10", "valeurs": {}}, format="json")

        assert perimee.status_code == 409, perimee.json()
        assert "modifiée depuis" in perimee.json()["detail"]
        assert sans_version.status_code == 400
        assert en_double.status_code == 409
        declaration.refresh_from_db()
        assert declaration.valeurs.get().valeur == 21

    def test_le_dispositif_d_un_autre_organisme_est_introuvable(self, operateur, lhss_autre):
        client = client_de(operateur)
        autre = DeclarationFactory(dispositif=lhss_autre, statut=StatutDeclaration.BROUILLON)

        creation = client.post(URL, {"dispositif": lhss_autre.pk, "mois": "2026-10", "valeurs": {}}, format="json")
        modification = client.patch(f"{URL}{autre.pk}/", {"version": 1, "valeurs": {}}, format="json")

        assert creation.status_code == 400
        assert creation.json()["dispositif"] == [f"Dispositif « {lhss_autre.pk} » inconnu ou d'un autre organisme."]
        assert modification.status_code == 404

    def test_un_agent_ne_peut_pas_ecrire(self, instructeur, lhss):
        reponse = client_de(instructeur).post(URL, {"dispositif": lhss.pk, "mois": "2026-10"}, format="json")

        assert reponse.status_code == 403

    def test_un_anonyme_recoit_401(self):
        assert APIClient().get(URL).status_code == 401


def test_le_schema_openapi_decrit_les_declarations(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert "/api/v1/declarations/" in schema["paths"]
    assert "/api/v1/declarations/{id}/" in schema["paths"]
    proprietes = schema["components"]["schemas"]["Declaration"]["properties"]
    assert proprietes["valeurs"]["additionalProperties"]["type"] == "number"
    assert proprietes["mois"]["pattern"] == r"^\d{4}-\d{2}$"


def test_un_compte_sans_organisme_ne_voit_rien(lhss):
    seul = UtilisateurFactory(operateur=True)
    DeclarationFactory(dispositif=lhss)

    assert client_de(seul).get(URL).json()["results"] == []


class TestValiderRenvoyer:
    """POST /api/v1/declarations/{id}/valider/ et /renvoyer/ : les services de la page, refus en 400, 404, 409."""

    @pytest.fixture
    def transmise(self, lhss):
        declaration = DeclarationFactory(dispositif=lhss, mois=OCTOBRE, statut=StatutDeclaration.TRANSMISE)
        ValeurFactory(declaration=declaration)
        return declaration

    def test_valider_par_l_api(self, instructeur, transmise, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client_de(instructeur).post(f"{URL}{transmise.pk}/valider/")

        assert reponse.status_code == 200
        assert (reponse.json()["statut"], reponse.json()["valeurs"]) == ("validee", {"file_active": 20.0})
        transmise.refresh_from_db()
        assert (transmise.statut, transmise.validee_par) == (StatutDeclaration.VALIDEE, instructeur)
        # Agrégée comme depuis la page : le mois compte maintenant sa déclaration validée.
        assert Agregat.objects.filter(periode=OCTOBRE, granularite="mois", nb_declarations=1).exists()

    def test_renvoyer_par_l_api_previent_l_operateur(
        self, instructeur, operateur, transmise, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client_de(instructeur).post(
                f"{URL}{transmise.pk}/renvoyer/", {"motif": "La file active inclut septembre."}, format="json"
            )

        assert reponse.status_code == 200
        assert (reponse.json()["statut"], reponse.json()["motif_renvoi"]) == (
            "renvoyee",
            "La file active inclut septembre.",
        )
        assert [m.to for m in mail.outbox] == [[operateur.email]]

    @pytest.mark.parametrize("corps", [{}, {"motif": "   "}])
    def test_renvoyer_sans_motif_repond_400_avec_les_mots_de_la_page(self, instructeur, transmise, corps):
        reponse = client_de(instructeur).post(f"{URL}{transmise.pk}/renvoyer/", corps, format="json")

        assert reponse.status_code == 400
        assert reponse.json() == {"motif": ["Dites à l'opérateur ce qu'il doit corriger."]}
        transmise.refresh_from_db()
        assert transmise.statut == StatutDeclaration.TRANSMISE

    def test_un_corps_qui_n_est_pas_un_objet_repond_400_sans_rien_changer(self, instructeur, transmise):
        reponse = client_de(instructeur).post(f"{URL}{transmise.pk}/renvoyer/", [], format="json")

        assert reponse.status_code == 400
        assert reponse.json() == {"detail": "Le corps de la requête doit être un objet JSON ({…})."}
        transmise.refresh_from_db()
        assert transmise.statut == StatutDeclaration.TRANSMISE

    def test_une_declaration_qui_n_est_plus_transmise_repond_409_avec_son_etat(self, instructeur, transmise):
        client = client_de(instructeur)
        client.post(f"{URL}{transmise.pk}/valider/")

        encore = client.post(f"{URL}{transmise.pk}/valider/")
        renvoi = client.post(f"{URL}{transmise.pk}/renvoyer/", {"motif": "Trop tard"}, format="json")

        assert (encore.status_code, renvoi.status_code) == (409, 409)
        assert encore.json()["detail"] == "Déclaration déjà « validée »."
        assert encore.json()["declaration"]["statut"] == "validee"
        transmise.refresh_from_db()
        assert transmise.statut == StatutDeclaration.VALIDEE

    def test_hors_region_repond_404(self, transmise, region_idf):
        agent = UtilisateurFactory(instructeur=True, region=region_idf)

        assert client_de(agent).post(f"{URL}{transmise.pk}/valider/").status_code == 404
        assert client_de(agent).post(f"{URL}{transmise.pk}/renvoyer/", {"motif": "x"}).status_code == 404
        transmise.refresh_from_db()
        assert transmise.statut == StatutDeclaration.TRANSMISE

    @pytest.mark.parametrize("role", ["operateur", "dreets"])
    def test_ni_l_operateur_ni_la_dreets_ne_valident(self, transmise, role, request):
        client = client_de(request.getfixturevalue(role))

        assert client.post(f"{URL}{transmise.pk}/valider/").status_code == 403
        assert client.post(f"{URL}{transmise.pk}/renvoyer/", {"motif": "x"}).status_code == 403
        transmise.refresh_from_db()
        assert transmise.statut == StatutDeclaration.TRANSMISE

    def test_un_anonyme_recoit_401(self, transmise):
        assert APIClient().post(f"{URL}{transmise.pk}/valider/").status_code == 401


def test_le_schema_documente_valider_et_renvoyer_avec_leurs_refus(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    chemins, composants = schema["paths"], schema["components"]["schemas"]

    valider = chemins["/api/v1/declarations/{id}/valider/"]["post"]
    renvoyer = chemins["/api/v1/declarations/{id}/renvoyer/"]["post"]

    assert set(valider["responses"]) >= {"200", "404", "409"} and "requestBody" not in valider
    assert set(renvoyer["responses"]) >= {"200", "400", "404", "409"}
    corps = renvoyer["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "motif" in composants[corps]["properties"]
    assert composants["RefusMotifRenvoi"]["properties"]["motif"]["type"] == "array"
    conflit = renvoyer["responses"]["409"]["content"]["application/json"]["schema"]["$ref"]
    assert conflit == "#/components/schemas/ConflitDeclaration"
    assert set(composants["ConflitDeclaration"]["properties"]) == {"detail", "declaration"}
