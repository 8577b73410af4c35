"""Les pages des dispositifs (/dispositifs/) : la liste filtrée et ses capacités à une date, la fiche, la saisie."""

import datetime
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dispositifs.fiches import _capacite_refusee
from dispositifs.models import Dispositif, Nature, Statut, TypeDispositif, Unite
from financements.models import Credit, Source
from indicateurs.models import Indicateur
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, OrganismeFactory
from tests.financements.factories import CreditFactory
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

LISTE = "/dispositifs/"


def noms(response) -> list[str]:
    return [d.nom for d in response.context["page_obj"]]


@pytest.fixture
def hors_region(region_idf):
    """Un dispositif d'Île-de-France : hors de la région des agents du casting (Hauts-de-France)."""
    return DispositifFactory(nom="LHSS de Paris", territoire=TerritoireFactory(parent=region_idf))


class TestListe:
    def test_filtres_type_territoire_statut_organisme_finess(self, client, planificateur, organisme):
        nord, somme = TerritoireFactory(nom="Nord"), TerritoireFactory(nom="Somme")
        lam = TypeDispositif.objects.get(code="LAM")
        DispositifFactory(nom="LHSS Lille", territoire=nord, organisme=organisme, finess="010780054")
        DispositifFactory(nom="LAM Lille", territoire=nord, type=lam)
        DispositifFactory(nom="Projet Amiens", territoire=somme, statut=Statut.PROJET)
        client.force_login(planificateur)

        assert noms(client.get(LISTE, {"type": "LAM"})) == ["LAM Lille"]
        assert sorted(noms(client.get(LISTE, {"territoire": nord.pk}))) == ["LAM Lille", "LHSS Lille"]
        assert noms(client.get(LISTE, {"statut": "projet"})) == ["Projet Amiens"]
        assert noms(client.get(LISTE, {"organisme": organisme.pk})) == ["LHSS Lille"]
        assert noms(client.get(LISTE, {"finess": "010780054"})) == ["LHSS Lille"]

    def test_les_capacites_sont_celles_de_la_date_demandee(self, client, planificateur):
        dispositif = DispositifFactory()
        EvenementCapaciteFactory(dispositif=dispositif, date=datetime.date(2020, 1, 1), quantite=10)
        EvenementCapaciteFactory(dispositif=dispositif, date=datetime.date(2021, 1, 1), nature=Nature.INSTALLATION)
        EvenementCapaciteFactory(dispositif=dispositif, date=datetime.date(2024, 6, 1), nature=Nature.EXTENSION)
        CreditFactory(dispositif=dispositif, annee=timezone.localdate().year)  # financé cette année, pas en 2021
        client.force_login(planificateur)

        (en_2021,) = client.get(LISTE, {"date": "2021-06-30"}).context["page_obj"]
        (aujourd_hui,) = client.get(LISTE).context["page_obj"]

        capacites = ("capacite_autorisee", "capacite_installee", "capacite_financee")
        assert [getattr(en_2021, c) for c in capacites] == [10, 10, 0]  # l'extension de 2024 n'y est pas
        assert [getattr(aujourd_hui, c) for c in capacites] == [20, 10, 20]

    @pytest.mark.parametrize("date", ["abc", "2026-13-01", "0001-01-01", "3000-01-01", "1" * 40])
    def test_une_date_illisible_ou_hors_calendrier_est_refusee_en_francais(self, client, planificateur, date):
        DispositifFactory()
        client.force_login(planificateur)

        response = client.get(LISTE, {"date": date})

        assert response.status_code == 400
        assert response.context["form"].errors["date"][0].startswith("Date ")
        assert len(response.context["page_obj"]) == 1  # la liste reste, aux capacités du jour

    def test_l_operateur_ne_voit_que_les_dispositifs_de_ses_organismes(self, client, operateur, organisme):
        DispositifFactory(nom="Le mien", organisme=organisme)
        autre = DispositifFactory(nom="Celui d'un autre")
        client.force_login(operateur)

        assert noms(client.get(LISTE)) == ["Le mien"]
        assert client.get(f"/dispositifs/{autre.pk}/").status_code == 404

    def test_un_agent_ne_voit_pas_les_dispositifs_d_une_autre_region(self, client, instructeur, hors_region):
        DispositifFactory(nom="Dans la région")
        client.force_login(instructeur)

        assert noms(client.get(LISTE)) == ["Dans la région"]
        assert client.get(f"/dispositifs/{hors_region.pk}/").status_code == 404

    def test_le_bouton_nouveau_dispositif_est_reserve_a_qui_gere_l_offre(self, client, planificateur, instructeur):
        client.force_login(instructeur)
        assert "/dispositifs/nouveau/" not in client.get(LISTE).content.decode()
        client.force_login(planificateur)
        assert "/dispositifs/nouveau/" in client.get(LISTE).content.decode()

    def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_de_dispositifs(
        self, client, planificateur, django_assert_num_queries
    ):
        EvenementCapaciteFactory()
        client.force_login(planificateur)
        # session, utilisateur, sa région ; compte ; choix des filtres : types, territoires, organismes ; page
        with django_assert_num_queries(8):
            client.get(LISTE)
        for _ in range(20):
            EvenementCapaciteFactory(dispositif=DispositifFactory(organisme=OrganismeFactory()))
        with django_assert_num_queries(8):
            assert client.get(LISTE).context["page_obj"].paginator.count == 21


@pytest.fixture
def dispositif_complet(organisme, planificateur):
    """Un LHSS autorisé puis installé, financé deux années, avec une déclaration validée."""
    dispositif = DispositifFactory(nom="LHSS d'Arras", organisme=organisme)
    EvenementCapaciteFactory(dispositif=dispositif, date=datetime.date(2020, 1, 1), quantite=10, duree_annees=15)
    EvenementCapaciteFactory(
        dispositif=dispositif,
        date=datetime.date(2020, 9, 1),
        nature=Nature.INSTALLATION,
        quantite=8,
        visite_conformite=datetime.date(2020, 8, 20),
        saisi_par=planificateur,
    )
    for annee, source, montant in [(2025, Source.ONDAM_MS, 400_000), (2026, Source.ONDAM_MS, 410_000)]:
        Credit.objects.create(dispositif=dispositif, annee=annee, source=source, montant=montant)
    Credit.objects.create(dispositif=dispositif, annee=2026, source=Source.CNR, montant=5_000, reconductible=False)
    declaration = DeclarationFactory(dispositif=dispositif, mois=datetime.date(2026, 10, 1))
    journees = Indicateur.objects.get(code="journees_realisees")
    ValeurFactory(declaration=declaration, indicateur=journees, valeur=200)
    return dispositif


class TestFiche:
    def test_les_liens_a_parametre_portent_l_identifiant_sans_separateur_de_milliers(self, client, planificateur):
        """USE_THOUSAND_SEPARATOR écrirait « 12 345 » dans l'adresse : le lien vers la saisie d'un crédit (et
        l'invitation depuis l'organisme) serait refusé dès le 1 000e dispositif."""
        dispositif = DispositifFactory(id=12345, organisme=OrganismeFactory(id=23456))
        client.force_login(planificateur)

        assert "?dispositif=12345" in client.get(f"/dispositifs/{dispositif.pk}/").content.decode()
        assert "?organisme=23456" in client.get(f"/organismes/{dispositif.organisme_id}/").content.decode()

    def test_la_fiche_montre_le_registre_avec_les_capacites_apres_chaque_evenement(
        self, client, instructeur, dispositif_complet
    ):
        client.force_login(instructeur)

        response = client.get(f"/dispositifs/{dispositif_complet.pk}/")

        etapes = [(e.evenement.nature, e.autorisee, e.installee) for e in response.context["etapes"]]
        assert etapes == [("autorisation", 10, 0), ("installation", 10, 8)]
        page = response.content.decode()
        assert "Pour 15 ans" in page and "Visite de conformité le 20 août 2020" in page
        assert "Camille Testeur" in page  # saisi par

    def test_la_fiche_totalise_les_credits_par_annee(self, client, instructeur, dispositif_complet):
        client.force_login(instructeur)

        annees = client.get(f"/dispositifs/{dispositif_complet.pk}/").context["annees"]

        assert [(a.annee, a.total) for a in annees] == [(2026, 415_000), (2025, 400_000)]

    def test_les_indicateurs_sont_rapportes_aux_places_installees_ce_mois_la(
        self, client, instructeur, dispositif_complet
    ):
        client.force_login(instructeur)

        indicateurs = client.get(f"/dispositifs/{dispositif_complet.pk}/").context["indicateurs"]

        assert indicateurs.places == 8
        assert [(v.indicateur.code, par_place) for v, par_place in indicateurs.lignes] == [
            ("journees_realisees", Decimal(25))
        ]

    def test_l_historique_dit_qui_a_change_quoi_pour_qui_lit_le_journal(
        self, client, planificateur, instructeur, dispositif_complet
    ):
        client.force_login(planificateur)
        donnees = formulaire(dispositif_complet, nom="LHSS d'Arras-Centre")
        client.post(f"/dispositifs/{dispositif_complet.pk}/modifier/", donnees)

        historique = client.get(f"/dispositifs/{dispositif_complet.pk}/").context["historique"]
        client.force_login(instructeur)

        derniere = historique[0]
        assert (derniere.actor, derniere.changes_dict["nom"]) == (
            planificateur,
            ["LHSS d'Arras", "LHSS d'Arras-Centre"],
        )
        assert {e.content_type.model for e in historique} >= {"dispositif", "evenementcapacite", "credit"}
        assert client.get(f"/dispositifs/{dispositif_complet.pk}/").context["historique"] is None

    def test_la_fiche_d_un_dispositif_ne_d_un_appel_renvoie_a_l_appel_et_a_la_candidature(
        self, client, instructeur, organisme
    ):
        from appels.models import Candidature, Decision, NatureDecision
        from tests.appels.factories import AppelFactory

        appel = AppelFactory(reference="appel-fictif-fiche")
        candidature = Candidature.objects.create(appel=appel, organisme=organisme)
        projet = DispositifFactory(projet=True, organisme=organisme)
        Decision.objects.create(
            candidature=candidature,
            nature=NatureDecision.RETENUE,
            decide_par=instructeur,
            decide_le=appel.cloture,
            dispositif=projet,
        )
        client.force_login(instructeur)

        page = client.get(f"/dispositifs/{projet.pk}/").content.decode()

        assert reverse("appels:detail", args=[appel.reference]) in page
        assert reverse("appels:instruction:candidature", args=[candidature.pk]) in page
        assert "Retenue" in page

    def test_le_bouton_enregistrer_un_arrete_apparait_des_que_son_adresse_existe(
        self, client, planificateur, instructeur, dispositif_complet
    ):
        try:
            adresse = reverse("dispositifs:nouvel_evenement", args=[dispositif_complet.pk])
        except NoReverseMatch:
            adresse = None
        client.force_login(planificateur)
        page = client.get(f"/dispositifs/{dispositif_complet.pk}/").content.decode()
        client.force_login(instructeur)
        page_instructeur = client.get(f"/dispositifs/{dispositif_complet.pk}/").content.decode()

        assert ("Enregistrer un arrêté" in page) == (adresse is not None)
        assert "Enregistrer un arrêté" not in page_instructeur
        assert f"/dispositifs/{dispositif_complet.pk}/modifier/" in page
        assert f"/dispositifs/{dispositif_complet.pk}/modifier/" not in page_instructeur

    def test_le_rattachement_et_l_etablissement_porteur_s_affichent_selon_le_type(self, client, planificateur):
        lhss = DispositifFactory(nom="LHSS porteur")
        mobile = DispositifFactory(type=TypeDispositif.objects.get(code="LHSS-MOBILE"), parent=lhss)
        client.force_login(planificateur)

        page_mobile = client.get(f"/dispositifs/{mobile.pk}/").content.decode()
        page_lhss = client.get(f"/dispositifs/{lhss.pk}/").content.decode()

        assert "Rattaché à" in page_mobile and f"/dispositifs/{lhss.pk}/" in page_mobile
        assert "Dispositifs rattachés" in page_lhss and f"/dispositifs/{mobile.pk}/" in page_lhss

    def test_le_nombre_de_requetes_ne_depend_pas_de_l_historique_du_dispositif(
        self, client, planificateur, dispositif_complet, django_assert_num_queries
    ):
        client.force_login(planificateur)
        adresse = f"/dispositifs/{dispositif_complet.pk}/"
        # session, utilisateur, sa région ; dispositif et capacités ; décision d'origine ; registre ; crédits ;
        # déclaration, ses valeurs ; rattachés ; journal ; droit de modifier
        with django_assert_num_queries(12):
            client.get(adresse)
        for annee in range(2000, 2020):
            EvenementCapaciteFactory(dispositif=dispositif_complet, date=datetime.date(annee, 2, 1))
            Credit.objects.create(dispositif=dispositif_complet, annee=annee, source=Source.FIR, montant=1000)
            DispositifFactory(parent=dispositif_complet, type=TypeDispositif.objects.get(code="LHSS-MOBILE"))
        with django_assert_num_queries(12):
            assert len(client.get(adresse).context["etapes"]) == 22


def formulaire(dispositif, **changements) -> dict:
    """Les champs postés par le formulaire d'un dispositif, tel qu'il est, modifiés par `changements`."""
    donnees = {
        "nom": dispositif.nom,
        "type": dispositif.type_id,
        "finess": dispositif.finess or "",
        "organisme": dispositif.organisme_id,
        "territoire": dispositif.territoire_id,
        "parent": dispositif.parent_id or "",
        "finess_porteur": dispositif.finess_porteur,
        "commune": dispositif.commune,
        "horizon": dispositif.horizon_id or "",
        "capacite_prevue": dispositif.capacite_prevue or "",
        "note": dispositif.note,
        "version": dispositif.version,
    }
    return donnees | changements


class TestSaisie:
    def test_le_planificateur_cree_un_projet_dans_sa_region(self, client, planificateur, organisme):
        territoire = TerritoireFactory()
        lhss = TypeDispositif.objects.get(code="LHSS")
        client.force_login(planificateur)
        donnees = {"nom": "Nouveau LHSS", "type": lhss.pk, "organisme": organisme.pk, "territoire": territoire.pk}

        response = client.post("/dispositifs/nouveau/", donnees | {"capacite_prevue": "6", "version": ""})

        dispositif = Dispositif.objects.get(nom="Nouveau LHSS")
        assert response.url == f"/dispositifs/{dispositif.pk}/"
        assert (dispositif.statut, dispositif.capacite_prevue, dispositif.version) == (Statut.PROJET, 6, 1)

    @pytest.mark.parametrize(
        "code, changements, champ, message",
        [
            ("LHSS-MOBILE", {}, "parent", "Un LHSS mobile doit être rattaché à un dispositif LHSS."),
            ("EMPP", {}, "finess_porteur", "Un EMPP doit indiquer l'établissement de santé qui le porte."),
            ("LHSS", {"capacite_prevue": "2,5"}, "capacite_prevue", "Un LHSS se compte en places"),
            ("LHSS", {"capacite_prevue": "-3"}, "capacite_prevue", "La capacité prévue doit être positive."),
            ("LHSS", {"finess": "123456789"}, "finess", "n'est pas un numéro FINESS valide"),
        ],
    )
    def test_une_fiche_qui_n_a_pas_de_sens_est_refusee_champ_par_champ(
        self, client, planificateur, organisme, code, changements, champ, message
    ):
        donnees = {
            "nom": "À refuser",
            "type": TypeDispositif.objects.get(code=code).pk,
            "organisme": organisme.pk,
            "territoire": TerritoireFactory().pk,
        }
        client.force_login(planificateur)

        response = client.post("/dispositifs/nouveau/", donnees | changements)

        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[champ])
        assert not Dispositif.objects.filter(nom="À refuser").exists()

    def test_seuls_les_etp_admettent_une_capacite_decimale(self):
        type_ = TypeDispositif.objects.get(code="LHSS")
        dispositif = Dispositif(type=type_, capacite_prevue=Decimal("2.5"))

        en_places = [champ for champ, _ in _capacite_refusee(dispositif)]
        type_.unite = Unite.ETP
        en_etp = [champ for champ, _ in _capacite_refusee(dispositif)]

        assert (en_places, en_etp) == (["capacite_prevue"], [])

    def test_un_territoire_d_une_autre_region_est_refuse(self, client, planificateur, organisme, region_idf):
        donnees = {
            "nom": "À Paris",
            "type": TypeDispositif.objects.get(code="LHSS").pk,
            "organisme": organisme.pk,
            "territoire": TerritoireFactory(parent=region_idf).pk,
        }
        client.force_login(planificateur)

        response = client.post("/dispositifs/nouveau/", donnees)

        assert response.status_code == 400 and "territoire" in response.context["form"].errors

    def test_deux_saisies_concurrentes_la_seconde_recoit_un_conflit_sans_rien_ecraser(
        self, client, planificateur, administrateur
    ):
        dispositif = DispositifFactory(nom="LHSS d'origine")
        lue = formulaire(dispositif)  # les deux personnes ont ouvert la même version
        client.force_login(administrateur)
        client.post(f"/dispositifs/{dispositif.pk}/modifier/", lue | {"nom": "LHSS renommé par Alice"})
        client.force_login(planificateur)

        response = client.post(f"/dispositifs/{dispositif.pk}/modifier/", lue | {"commune": "Lens"})

        dispositif.refresh_from_db()
        assert response.status_code == 409
        assert administrateur.get_full_name() in response.context["conflit"]
        assert "« LHSS renommé par Alice »" in response.context["conflit"]
        assert (dispositif.nom, dispositif.commune, dispositif.version) == ("LHSS renommé par Alice", "", 2)
        form = response.context["form"]
        assert (form["commune"].value(), form["version"].value()) == ("Lens", 2)  # la saisie gardée, relue

    def test_l_instructeur_ne_cree_ni_ne_modifie(self, client, instructeur, organisme):
        dispositif = DispositifFactory()
        client.force_login(instructeur)

        assert client.get("/dispositifs/nouveau/").status_code == 403
        assert client.post(f"/dispositifs/{dispositif.pk}/modifier/", formulaire(dispositif)).status_code == 403

    def test_un_planificateur_ne_modifie_pas_un_dispositif_d_une_autre_region(
        self, client, planificateur, hors_region
    ):
        client.force_login(planificateur)

        assert client.get(f"/dispositifs/{hors_region.pk}/modifier/").status_code == 404

    def test_le_formulaire_garde_le_statut_hors_de_la_saisie(self, client, planificateur):
        dispositif = DispositifFactory(statut=Statut.INSTALLE)
        client.force_login(planificateur)

        client.post(f"/dispositifs/{dispositif.pk}/modifier/", formulaire(dispositif) | {"statut": "ferme"})

        dispositif.refresh_from_db()
        assert (dispositif.statut, dispositif.version) == (Statut.INSTALLE, 2)
