"""Comptes opérateurs : inscription avec SIRET validée par l'ARS de la région choisie, et invitation par l'ARS."""

import pytest
from django.core import mail
from stdnum import luhn

from comptes.models import DemandeInscription, Role, StatutDemande, Utilisateur
from dispositifs.models import Organisme
from tests.comptes.factories import UtilisateurFactory
from tests.comptes.test_connexion import se_connecter
from tests.dispositifs.factories import OrganismeFactory

pytestmark = pytest.mark.django_db


def siret_valide(numero: int) -> str:
    """Un SIRET fictif bien formé : SIREN de 9 chiffres à clé de Luhn, puis établissement 0001 et sa clé."""
    siren = f"99{numero:06d}"
    siren += luhn.calc_check_digit(siren)
    etablissement = f"{siren}0001"
    return etablissement + luhn.calc_check_digit(etablissement)


SIRET = siret_valide(1)


def formulaire(region, **autres):
    return {
        "prenom": "Claire",
        "nom": "Demandeuse",
        "courriel": "claire@asso.example",
        "nom_organisme": "Association Toit et Soins (fictive)",
        "siret": SIRET,
        "statut_juridique": "Association loi 1901",
        "region": region.pk,
        "message": "Nous portons un projet de LHSS.",
        **autres,
    }


def demande(region, **autres) -> DemandeInscription:
    donnees = {**formulaire(region), **autres}
    return DemandeInscription.objects.create(**{**donnees, "region": region})


def lien_du_courriel(message) -> str:
    ligne = next(ligne for ligne in message.body.splitlines() if "/mot-de-passe/reinitialiser/" in ligne)
    return ligne.strip().removeprefix("http://testserver")


@pytest.fixture
def planificateur_idf(region_idf):
    return UtilisateurFactory(role=Role.PLANIFICATEUR, region=region_idf, email="planif-idf@exemple.test")


class TestDemande:
    def test_un_siret_invalide_est_refuse_en_francais(self, client, region_hdf):
        reponse = client.post("/inscription/", formulaire(region_hdf, siret=SIRET[:-1] + "0"))

        assert reponse.status_code == 200
        assert "Ce SIRET n&#x27;est pas valide : il faut 14 chiffres" in reponse.content.decode()
        assert not DemandeInscription.objects.exists()

    def test_un_siret_ecrit_avec_des_espaces_est_enregistre_en_chiffres(self, client, region_hdf):
        ecrit = f"{SIRET[:3]} {SIRET[3:6]} {SIRET[6:9]} {SIRET[9:]}"

        reponse = client.post("/inscription/", formulaire(region_hdf, siret=ecrit))

        assert reponse.status_code == 302
        assert reponse["Location"] == "/inscription/envoyee/"
        assert DemandeInscription.objects.get().siret == SIRET

    def test_la_demande_n_arrive_qu_a_l_ars_de_la_region_choisie(
        self, client, planificateur, planificateur_idf, administrateur, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/inscription/", formulaire(planificateur_idf.region))

        accuse, avis = mail.outbox
        assert accuse.to == ["claire@asso.example"]
        assert "transmise à l'ARS Île-de-France" in accuse.body.replace("\n", " ")
        assert avis.to == [planificateur_idf.email]
        for agent, voit in [(planificateur_idf, True), (planificateur, False), (administrateur, True)]:
            client.force_login(agent)
            assert ("Association Toit et Soins (fictive)" in client.get("/comptes/demandes/").content.decode()) is voit

    def test_un_agent_ne_traite_pas_la_demande_d_une_autre_region(self, client, planificateur, region_idf):
        autre = demande(region_idf)
        client.force_login(planificateur)

        assert client.post(f"/comptes/demandes/{autre.pk}/accepter/").status_code == 404
        assert client.post(f"/comptes/demandes/{autre.pk}/refuser/", {"motif": "Non."}).status_code == 404
        autre.refresh_from_db()
        assert autre.statut == StatutDemande.EN_ATTENTE

    def test_un_operateur_ne_voit_pas_les_demandes(self, client, operateur):
        client.force_login(operateur)

        assert client.get("/comptes/demandes/").status_code == 403

    def test_la_liste_tient_en_un_nombre_fixe_de_requetes(self, client, instructeur, django_assert_num_queries):
        demande(instructeur.region)
        client.force_login(instructeur)
        # session, utilisateur, sa région (en-tête), demandes en attente avec région et organisme connu (sous-requête)
        with django_assert_num_queries(4):
            assert client.get("/comptes/demandes/").context["lignes"][0][0].organisme_existant is None
        OrganismeFactory(nom="Association déjà connue (fictive)", siren=SIRET[:9])
        for numero in range(2, 21):
            demande(instructeur.region, siret=siret_valide(numero), courriel=f"d{numero}@asso.example")
        with django_assert_num_queries(4):
            lignes = client.get("/comptes/demandes/").context["lignes"]
        assert len(lignes) == 20
        assert lignes[0][0].organisme_existant == "Association déjà connue (fictive)"


class TestAcceptation:
    def test_accepter_cree_l_organisme_et_un_operateur_qui_choisit_son_mot_de_passe(
        self, client, instructeur, django_capture_on_commit_callbacks
    ):
        a_traiter = demande(instructeur.region)
        client.force_login(instructeur)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/comptes/demandes/{a_traiter.pk}/accepter/")

        organisme = Organisme.objects.get(siren=SIRET[:9])
        assert (organisme.nom, organisme.statut_juridique) == (
            "Association Toit et Soins (fictive)",
            "Association loi 1901",
        )
        compte = Utilisateur.objects.get(email="claire@asso.example")
        assert (compte.role, compte.is_active, compte.has_usable_password()) == (Role.OPERATEUR, True, False)
        assert list(compte.organismes.all()) == [organisme]
        a_traiter.refresh_from_db()
        assert (a_traiter.statut, a_traiter.traitee_par, a_traiter.traitee_le is not None) == (
            StatutDemande.ACCEPTEE,
            instructeur,
            True,
        )
        (courriel,) = mail.outbox
        assert courriel.to == ["claire@asso.example"]
        assert "mot de passe :" not in courriel.body.lower()  # un lien, jamais un mot de passe

        client.logout()
        page = client.get(lien_du_courriel(courriel), follow=True)
        nouveau = "un-mot-de-passe-tout-neuf-2026"
        client.post(page.redirect_chain[-1][0], {"new_password1": nouveau, "new_password2": nouveau})
        assert se_connecter(client, "claire@asso.example", nouveau).status_code == 302

    def test_accepter_reutilise_l_organisme_du_meme_siren(self, client, planificateur):
        connu = OrganismeFactory(nom="Association déjà connue (fictive)", siren=SIRET[:9])
        a_traiter = demande(planificateur.region, siret=SIRET[:9] + "00029")
        client.force_login(planificateur)

        client.post(f"/comptes/demandes/{a_traiter.pk}/accepter/")

        assert Organisme.objects.get() == connu
        assert list(Utilisateur.objects.get(email="claire@asso.example").organismes.all()) == [connu]

    def test_une_demande_ne_peut_pas_etre_acceptee_deux_fois(
        self, client, planificateur, django_capture_on_commit_callbacks
    ):
        a_traiter = demande(planificateur.region)
        client.force_login(planificateur)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/comptes/demandes/{a_traiter.pk}/accepter/")

            reponse = client.post(f"/comptes/demandes/{a_traiter.pk}/accepter/", follow=True)

        assert "Cette demande a déjà été traitée" in reponse.content.decode()
        assert Utilisateur.objects.filter(role=Role.OPERATEUR).count() == 1
        assert Organisme.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_une_demande_acceptee_ne_peut_plus_etre_refusee(self, client, planificateur):
        a_traiter = demande(planificateur.region)
        client.force_login(planificateur)
        client.post(f"/comptes/demandes/{a_traiter.pk}/accepter/")

        client.post(f"/comptes/demandes/{a_traiter.pk}/refuser/", {"motif": "Trop tard."})

        a_traiter.refresh_from_db()
        assert (a_traiter.statut, a_traiter.motif_refus) == (StatutDemande.ACCEPTEE, "")

    def test_accepter_le_courriel_d_un_agent_laisse_la_demande_en_attente(self, client, planificateur, dreets):
        a_traiter = demande(planificateur.region, courriel=dreets.email)
        client.force_login(planificateur)

        reponse = client.post(f"/comptes/demandes/{a_traiter.pk}/accepter/", follow=True)

        assert "est déjà le courriel d&#x27;un compte « Agent DREETS »" in reponse.content.decode()
        a_traiter.refresh_from_db()
        assert a_traiter.statut == StatutDemande.EN_ATTENTE
        assert not Organisme.objects.exists()


class TestRefus:
    def test_refuser_envoie_le_motif(self, client, planificateur, django_capture_on_commit_callbacks):
        a_traiter = demande(planificateur.region)
        client.force_login(planificateur)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/comptes/demandes/{a_traiter.pk}/refuser/", {"motif": "Organisme hors de la région."})

        a_traiter.refresh_from_db()
        assert (a_traiter.statut, a_traiter.motif_refus) == (StatutDemande.REFUSEE, "Organisme hors de la région.")
        (courriel,) = mail.outbox
        assert courriel.to == ["claire@asso.example"]
        assert "Organisme hors de la région." in courriel.body
        assert not Utilisateur.objects.filter(email="claire@asso.example").exists()

    def test_refuser_sans_motif_est_impossible(self, client, planificateur):
        a_traiter = demande(planificateur.region)
        client.force_login(planificateur)

        reponse = client.post(f"/comptes/demandes/{a_traiter.pk}/refuser/", {"motif": "  "}, follow=True)

        assert "Indiquez le motif du refus" in reponse.content.decode()
        a_traiter.refresh_from_db()
        assert a_traiter.statut == StatutDemande.EN_ATTENTE


class TestInvitation:
    def test_inviter_cree_un_operateur_qui_recoit_un_lien(
        self, client, planificateur, organisme, django_capture_on_commit_callbacks
    ):
        client.force_login(planificateur)

        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(
                "/comptes/inviter/",
                {"courriel": "Nouveau@Asso.example", "prenom": "Noé", "nom": "Nouveau", "organisme": organisme.pk},
            )

        assert reponse.status_code == 302
        compte = Utilisateur.objects.get(email="nouveau@asso.example")
        assert (compte.role, compte.has_usable_password()) == (Role.OPERATEUR, False)
        assert list(compte.organismes.all()) == [organisme]
        (courriel,) = mail.outbox
        assert "/mot-de-passe/reinitialiser/" in courriel.body

    def test_inviter_un_operateur_existant_l_ajoute_a_l_organisme_sans_lien(
        self, client, instructeur, operateur, organisme_autre, django_capture_on_commit_callbacks
    ):
        client.force_login(instructeur)

        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/comptes/inviter/",
                {"courriel": operateur.email, "prenom": "X", "nom": "Y", "organisme": organisme_autre.pk},
            )

        assert organisme_autre in operateur.organismes.all()
        assert operateur.organismes.count() == 2
        (courriel,) = mail.outbox
        assert "/mot-de-passe/" not in courriel.body
        assert "mot de passe habituel" in courriel.body

    def test_inviter_le_courriel_d_un_compte_non_operateur_est_refuse(
        self, client, planificateur, instructeur, organisme
    ):
        client.force_login(planificateur)

        reponse = client.post(
            "/comptes/inviter/",
            {"courriel": instructeur.email, "prenom": "I", "nom": "I", "organisme": organisme.pk},
        )

        assert reponse.status_code == 200
        assert "est déjà le courriel d&#x27;un compte « Instructeur ARS »" in reponse.content.decode()
        instructeur.refresh_from_db()
        assert instructeur.role == Role.INSTRUCTEUR
        assert not instructeur.organismes.exists()
        assert mail.outbox == []
