"""Le journal d'audit : chaque changement d'état est daté et attribué à qui l'a fait, par les pages comme par
l'API (jeton), famille par famille ; une tâche Celery écrit au nom de qui l'a demandée, sinon du « système »."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from appels.models import Appel, Avis, Candidature, Decision, Depot, StatutAppel
from dispositifs.models import Dispositif, TypeDispositif
from indicateurs.models import Declaration, Rapport
from journal.contexte import au_nom_de
from planification.models import Cible
from tests.appels.factories import AppelFactory, lettre_complete
from tests.appels.test_instruction import clore, deposer, poster_avis, poster_decision
from tests.dispositifs.factories import DispositifFactory
from tests.planification.factories import HorizonFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)


def entrees(modele):
    return LogEntry.objects.get_for_model(modele).select_related("actor").order_by("timestamp", "pk")


def auteurs(modele, champ, vers) -> list:
    """Qui a fait passer `champ` à la valeur `vers` (une entrée par passage), dans l'ordre."""
    return [e.actor for e in entrees(modele) if egales(e.changes_dict.get(champ, [None, None])[1], vers)]


def egales(ecrite, attendue) -> bool:
    """Le journal écrit les valeurs en texte : « 8 » et « 8.00 » sont le même nombre."""
    if isinstance(attendue, Decimal):
        return ecrite not in (None, "None") and Decimal(ecrite) == attendue
    return str(ecrite) == str(attendue)


def client_api(user) -> APIClient:
    """Un client de l'API authentifié comme un tiers : par son jeton, pas par une session."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.fixture
def appel(region_hdf):
    return AppelFactory(reference="aap-journal", types_cibles=[TypeDispositif.objects.get(code="LHSS-MOBILE")])


@pytest.fixture
def candidature(appel, organisme, operateur):
    candidature = deposer(appel, organisme, operateur, dispositif_envisage="LHSS-MOBILE")
    clore(appel)
    return candidature


@pytest.fixture
def lhss(organisme, region_hdf):
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    return DispositifFactory(
        type=TypeDispositif.objects.get(code="LHSS"), organisme=organisme, territoire=nord, finess="990000011"
    )


def saisie(version=0, **valeurs) -> dict:
    codes = ["file_active", "nouvelles_personnes", "bilans_sante", "journees_realisees", "journees_theoriques"]
    donnees = {"version": version} | {code: "" for code in codes} | {f"commentaire_{code}": "" for code in codes}
    return donnees | {code: str(valeur) for code, valeur in valeurs.items()}


@pytest.fixture
def transmise(client, operateur, lhss, calendrier_fige):
    client.force_login(operateur)
    client.post(reverse("indicateurs:saisie", args=[lhss.pk, "2026-10"]), saisie(file_active=20) | {"transmettre": ""})
    client.logout()
    return Declaration.objects.get(dispositif=lhss, mois=OCTOBRE)


@pytest.fixture
def calendrier_fige(monkeypatch):
    monkeypatch.setattr("indicateurs.calendrier.aujourd_hui", lambda: datetime.date(2026, 11, 23))


class TestCibles:
    def test_par_la_page(self, client, planificateur):
        horizon = HorizonFactory()
        client.force_login(planificateur)
        case = f"{TypeDispositif.objects.get(code='LHSS').pk}-{planificateur.region.pk}"

        client.post(f"/planification/cibles/?region=32&horizon={horizon.slug}", {f"c-{case}": "62", f"l-{case}": "0:"})

        (entree,) = entrees(Cible)
        assert (entree.actor, entree.action, entree.changes_dict["valeur"][1]) == (
            planificateur,
            LogEntry.Action.CREATE,
            "62",
        )

    def test_par_l_api(self, planificateur):
        horizon = HorizonFactory()
        donnees = {"type": "LHSS", "territoire": planificateur.region.pk, "horizon": horizon.slug, "valeur": "62"}

        creee = client_api(planificateur).post("/api/v1/cibles/", donnees, format="json")
        client_api(planificateur).patch(
            f"/api/v1/cibles/{creee.json()['id']}/", {"valeur": "70", "version": 1}, format="json"
        )

        assert auteurs(Cible, "valeur", Decimal(62)) == [planificateur]
        assert auteurs(Cible, "valeur", Decimal(70)) == [planificateur]


class TestAppels:
    def test_la_publication_par_la_page(self, client, planificateur):
        AppelFactory(reference="a-publier", brouillon=True, types_cibles=[TypeDispositif.objects.get(code="LHSS")])
        client.force_login(planificateur)

        client.post(reverse("appels:publier", args=["a-publier"]))

        assert auteurs(Appel, "statut", StatutAppel.PUBLIE) == [planificateur]

    def test_le_passage_en_instruction_est_ecrit_par_le_systeme(self, appel, candidature, planificateur):
        from appels import tasks

        appel.statut = StatutAppel.PUBLIE
        appel.save()
        # Même lancée pendant la requête d'un agent (exécution immédiate), la tâche planifiée écrit en son nom.
        with au_nom_de(planificateur):
            tasks.mettre_en_instruction.apply()

        assert auteurs(Appel, "statut", StatutAppel.EN_INSTRUCTION) == [None]
        assert auteurs(Candidature, "statut", "en_instruction") == [None]


class TestDepots:
    def test_par_la_page_avec_le_deposant_mais_pas_chaque_frappe(self, client, operateur, region_hdf):
        appel = AppelFactory(reference="ami-journal")
        client.force_login(operateur)
        url = f"/appels/{appel.reference}/lettre/"
        for version in range(3):
            client.post(url + "brouillon/", {"experience": f"frappe {version}", "version_brouillon": version})
        client.post(url + "deposer/", {**lettre_complete(appel), "version_brouillon": 3, "cle_depot": "journal"})

        assert [e.actor for e in entrees(Depot)] == [operateur]
        assert auteurs(Candidature, "statut", "deposee") == [operateur]
        modifications = [e.changes_dict for e in entrees(Candidature) if e.action == LogEntry.Action.UPDATE]
        assert all("brouillon" not in champs for champs in modifications)

    def test_l_accuse_produit_par_le_worker_est_ecrit_au_nom_du_deposant(self, candidature, operateur):
        from appels import tasks

        depot = candidature.depots.get()
        Depot.objects.filter(pk=depot.pk).update(accuse="")  # comme avant le passage du worker
        LogEntry.objects.all().delete()

        tasks.generer_accuse.apply(args=[depot.pk])

        assert [(e.actor, sorted(e.changes_dict)) for e in entrees(Depot)] == [(operateur, ["accuse"])]


class TestInstruction:
    def test_un_avis_par_la_page(self, client, instructeur, candidature):
        client.force_login(instructeur)

        poster_avis(client, candidature, annotation_privee="Pour moi seul.", commentaire="Solide.")

        assert [e.actor for e in entrees(Avis)] == [instructeur]
        assert auteurs(Candidature, "statut", "en_instruction") == [instructeur]
        assert all("annotation_privee" not in e.changes_dict for e in entrees(Avis))

    def test_une_decision_et_le_projet_qu_elle_cree_par_la_page(self, client, instructeur, candidature):
        client.force_login(instructeur)

        poster_decision(client, candidature, "retenue", capacite_retenue="12", montant_retenu="150000")
        poster_decision(client, candidature, "retenue", version=1, capacite_retenue="8", montant_retenu="150000")

        # La décision, son lien au projet créé, puis sa révision.
        assert [e.actor for e in entrees(Decision)] == [instructeur, instructeur, instructeur]
        assert auteurs(Decision, "dispositif", Dispositif.objects.get().pk) == [instructeur]
        assert auteurs(Candidature, "statut", "retenue") == [instructeur]
        assert [e.actor for e in entrees(Dispositif) if e.action == LogEntry.Action.CREATE] == [instructeur]
        assert auteurs(Dispositif, "capacite_prevue", Decimal(8)) == [instructeur]

    def test_un_complement_demande_puis_repondu_par_les_pages(self, client, instructeur, operateur, candidature):
        client.force_login(instructeur)
        client.post(f"/instruction/candidatures/{candidature.pk}/", {"action": "complement", "message": "Budget"})
        demande = candidature.complements.get()
        client.force_login(operateur)
        client.post(
            reverse("appels:instruction:repondre", args=[demande.pk]), {"reponse": "Le voici.", "confirmee": "on"}
        )

        assert auteurs(Candidature, "statut", "a_completer") == [instructeur]
        assert auteurs(Candidature, "statut", "en_instruction") == [operateur]


class TestDispositifs:
    def test_un_evenement_du_registre_saisi_dans_l_administration(self, client, administrateur, lhss):
        from dispositifs.models import EvenementCapacite

        client.force_login(administrateur)
        client.post(
            "/admin/dispositifs/evenementcapacite/add/",
            {"dispositif": lhss.pk, "date": "2026-06-01", "nature": "autorisation", "quantite": "7"},
        )

        (entree,) = entrees(EvenementCapacite)
        assert (entree.actor, entree.action, entree.changes_dict["quantite"][1]) == (
            administrateur,
            LogEntry.Action.CREATE,
            "7",
        )


class TestDeclarations:
    def test_la_transmission_par_la_page(self, transmise, operateur):
        assert auteurs(Declaration, "statut", "transmise") == [operateur]

    def test_la_validation_et_le_renvoi_par_la_page(self, client, instructeur, transmise, lhss, operateur):
        client.force_login(instructeur)
        client.post(
            reverse("indicateurs:validation_declaration", args=[transmise.pk]), {"action": "renvoyer", "motif": "Non"}
        )
        client.force_login(operateur)
        version = Declaration.objects.get().version
        url = reverse("indicateurs:saisie", args=[lhss.pk, "2026-10"])
        client.post(url, saisie(version=version, file_active=21) | {"transmettre": ""})
        client.force_login(instructeur)
        client.post(reverse("indicateurs:validation_declaration", args=[transmise.pk]), {"action": "valider"})

        assert auteurs(Declaration, "statut", "renvoyee") == [instructeur]
        assert auteurs(Declaration, "statut", "transmise") == [operateur, operateur]
        assert auteurs(Declaration, "statut", "validee") == [instructeur]

    def test_par_l_api(self, operateur, lhss, calendrier_fige):
        donnees = {"dispositif": lhss.pk, "mois": "2026-10", "valeurs": {"file_active": 20}, "transmettre": True}

        client_api(operateur).post("/api/v1/declarations/", donnees, format="json")

        assert [e.actor for e in entrees(Declaration) if e.action == LogEntry.Action.CREATE] == [operateur]
        assert auteurs(Declaration, "statut", "transmise") == [operateur]


class TestRapports:
    def test_demande_par_la_page_et_generation_au_nom_du_demandeur(
        self, client, planificateur, region_hdf, django_capture_on_commit_callbacks, calendrier_fige
    ):
        from indicateurs import tasks

        client.force_login(planificateur)
        with django_capture_on_commit_callbacks(execute=False):
            client.post(reverse("indicateurs:rapports:demander"), {"territoire": region_hdf.pk, "mois": "2026-09"})
        rapport = Rapport.objects.get()

        tasks.generer_rapport.apply(args=[rapport.pk])  # sur le worker : aucune requête, aucun utilisateur

        assert [e.actor for e in entrees(Rapport) if e.action == LogEntry.Action.CREATE] == [planificateur]
        assert auteurs(Rapport, "statut", "pret") == [planificateur]

    def test_les_rapports_du_mois_sont_demandes_par_le_systeme(self, lhss, django_capture_on_commit_callbacks):
        from indicateurs import tasks

        with django_capture_on_commit_callbacks(execute=False):
            tasks.generer_rapports_du_mois.apply()

        assert {e.actor for e in entrees(Rapport)} == {None}
        assert entrees(Rapport).count() == Rapport.objects.count() > 0
