"""Les pages des organismes gestionnaires (/organismes/) : liste, fiche, création, modification."""

import pytest
from django.urls import reverse

from appels.models import Candidature, StatutCandidature
from dispositifs.models import Organisme
from financements.models import Credit, Source
from tests.appels.factories import AppelFactory
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

LISTE = reverse("dispositifs:organismes:liste")
CREER = reverse("dispositifs:organismes:creer")
SIREN_VALIDE, SIREN_FAUX = "732829320", "732829321"
FINESS_VALIDE, FINESS_FAUX = "599998010", "599998011"


def detail(organisme):
    return reverse("dispositifs:organismes:detail", kwargs={"pk": organisme.pk})


def modifier(organisme):
    return reverse("dispositifs:organismes:modifier", kwargs={"pk": organisme.pk})


def saisie(**valeurs) -> dict:
    """Un formulaire d'organisme complet ; `valeurs` remplace ce qu'il faut."""
    return {
        "nom": "Association Nouvelle (fictive)",
        "statut_juridique": "Association loi 1901",
        "siren": "",
        "finess_juridique": "",
        "adresse": "1 rue Fictive",
        "code_postal": "59000",
        "commune": "Lille",
        "contact_nom": "Camille Exemple",
        "contact_fonction": "Directrice",
        "telephone": "03 53 01 00 00",
        "courriel": "contact@exemple.test",
        "site_web": "https://exemple.test",
        **valeurs,
    }


def dans_une_autre_region(region_idf, **kwargs):
    return DispositifFactory(territoire=TerritoireFactory(parent=region_idf), **kwargs)


class TestListe:
    def test_recherche_par_nom_siren_ou_finess(self, client, planificateur):
        phare = OrganismeFactory(nom="Association du Phare (fictive)", siren=SIREN_VALIDE)
        estran = OrganismeFactory(nom="Fondation de l'Estran (fictive)", finess_juridique=FINESS_VALIDE)
        client.force_login(planificateur)

        def trouves(texte):
            return [o.pk for o in client.get(LISTE, {"q": texte}).context["page_obj"]]

        assert trouves("phare") == [phare.pk]
        assert trouves("732 829 320") == [phare.pk]
        assert trouves(FINESS_VALIDE) == [estran.pk]

    def test_le_nombre_de_dispositifs_ne_compte_que_ceux_de_la_region_de_l_agent(
        self, client, planificateur, region_idf
    ):
        organisme = OrganismeFactory()
        DispositifFactory.create_batch(2, organisme=organisme)
        dans_une_autre_region(region_idf, organisme=organisme)
        client.force_login(planificateur)

        (ligne,) = client.get(LISTE, {"q": organisme.nom}).context["page_obj"]

        assert ligne.nb_dispositifs == 2

    def test_un_operateur_ne_voit_que_ses_organismes(self, client, operateur, organisme, organisme_autre):
        client.force_login(operateur)

        assert [o.pk for o in client.get(LISTE).context["page_obj"]] == [organisme.pk]

    def test_la_liste_est_paginee(self, client, planificateur):
        OrganismeFactory.create_batch(51)
        client.force_login(planificateur)

        assert len(client.get(LISTE).context["page_obj"]) == 50
        assert len(client.get(LISTE, {"page": 2}).context["page_obj"]) == 1

    @pytest.mark.parametrize("nombre", [1, 20])
    def test_nombre_de_requetes_constant(self, client, planificateur, nombre, django_assert_num_queries):
        for organisme in OrganismeFactory.create_batch(nombre):
            DispositifFactory(organisme=organisme)
        client.force_login(planificateur)

        # session, utilisateur, région de l'agent (dispositifs_visibles), compte de la pagination, page annotée
        with django_assert_num_queries(5):
            assert client.get(LISTE).status_code == 200

    def test_le_planificateur_trouve_creation_et_import_finess(self, client, planificateur, instructeur):
        client.force_login(planificateur)
        page = client.get(LISTE).content.decode()
        assert CREER in page and reverse("dispositifs:finess:depot") in page

        client.force_login(instructeur)
        assert CREER not in client.get(LISTE).content.decode()


class TestFiche:
    def test_la_fiche_montre_identite_membres_dispositifs_lettres_et_credits(self, client, planificateur, operateur):
        organisme = operateur.organismes.get()
        organisme.siren, organisme.contact_nom = SIREN_VALIDE, "Camille Exemple"
        organisme.save()
        invite = UtilisateurFactory(operateur=True, email="invite@exemple.test", organismes=[organisme])
        invite.set_unusable_password()
        invite.save()
        dispositif = DispositifFactory(organisme=organisme, nom="LHSS du Phare")
        Credit.objects.create(dispositif=dispositif, annee=2026, source=Source.FIR, montant=12345, reference="N-1")
        appel = AppelFactory(titre="AMI équipes mobiles")
        Candidature.objects.create(appel=appel, organisme=organisme, statut=StatutCandidature.DEPOSEE)
        client.force_login(planificateur)

        page = client.get(detail(organisme)).content.decode()

        for attendu in (
            SIREN_VALIDE,
            "Camille Exemple",
            operateur.email,
            "invite@exemple.test",
            "mot de passe pas encore choisi",
            "LHSS du Phare",
            "AMI équipes mobiles",
            "N-1",
        ):
            assert attendu in page

    def test_un_agent_ne_voit_que_ce_qui_est_dans_sa_region(self, client, planificateur, region_idf):
        organisme = OrganismeFactory()
        ici = DispositifFactory(organisme=organisme)
        ailleurs = dans_une_autre_region(region_idf, organisme=organisme)
        Credit.objects.create(dispositif=ailleurs, annee=2026, source=Source.FIR, montant=1)
        appel_ailleurs = AppelFactory(region=region_idf)
        Candidature.objects.create(appel=appel_ailleurs, organisme=organisme, statut=StatutCandidature.DEPOSEE)
        client.force_login(planificateur)

        contexte = client.get(detail(organisme)).context

        assert list(contexte["dispositifs"]) == [ici]
        assert list(contexte["credits"]) == list(contexte["candidatures"]) == []

    def test_un_agent_ne_voit_pas_le_brouillon_de_lettre(self, client, instructeur, organisme):
        Candidature.objects.create(appel=AppelFactory(), organisme=organisme)
        client.force_login(instructeur)

        assert list(client.get(detail(organisme)).context["candidatures"]) == []

    def test_un_operateur_ne_voit_pas_la_fiche_d_un_autre_organisme(self, client, operateur, organisme_autre):
        client.force_login(operateur)

        assert client.get(detail(organisme_autre)).status_code == 404

    def test_le_bouton_inviter_preremplit_l_organisme(self, client, planificateur, organisme):
        client.force_login(planificateur)
        lien = f"{reverse('comptes:inviter_operateur')}?organisme={organisme.pk}"

        assert lien in client.get(detail(organisme)).content.decode()
        assert client.get(lien).context["form"]["organisme"].value() == str(organisme.pk)

    @pytest.mark.parametrize("nombre", [1, 20])
    def test_nombre_de_requetes_constant(self, client, planificateur, nombre, django_assert_num_queries):
        organisme = OrganismeFactory()
        appel = AppelFactory()
        for _ in range(nombre):
            UtilisateurFactory(operateur=True, organismes=[organisme])
            dispositif = DispositifFactory(organisme=organisme)
            Credit.objects.create(dispositif=dispositif, annee=2026, source=Source.FIR, montant=100)
        Candidature.objects.create(appel=appel, organisme=organisme, statut=StatutCandidature.DEPOSEE)
        client.force_login(planificateur)

        # session, utilisateur, organisme, région (dispositifs_visibles), droit de modifier, membres, dispositifs
        # avec capacités, lettres avec leur appel, crédits avec leur dispositif
        with django_assert_num_queries(9):
            assert client.get(detail(organisme)).status_code == 200


class TestCreation:
    def test_le_planificateur_cree_un_organisme(self, client, planificateur):
        client.force_login(planificateur)

        reponse = client.post(CREER, saisie(siren=SIREN_VALIDE, finess_juridique=FINESS_VALIDE))

        organisme = Organisme.objects.get(siren=SIREN_VALIDE)
        assert reponse.url == detail(organisme)
        assert (organisme.finess_juridique, organisme.contact_fonction, organisme.version) == (
            FINESS_VALIDE,
            "Directrice",
            1,
        )

    def test_sans_numero_le_siren_reste_vide_et_deux_organismes_sans_numero_coexistent(self, client, planificateur):
        client.force_login(planificateur)

        client.post(CREER, saisie(nom="Premier"))
        client.post(CREER, saisie(nom="Second"))

        assert list(Organisme.objects.values_list("siren", "finess_juridique")) == [(None, None), (None, None)]

    @pytest.mark.parametrize(
        ("champ", "valeur", "message"),
        [
            ("siren", SIREN_FAUX, "Ce SIREN n'est pas valide"),
            ("finess_juridique", FINESS_FAUX, "n'est pas un numéro FINESS valide"),
            ("site_web", "exemple", "Saisissez une URL valide"),
        ],
    )
    def test_une_mauvaise_cle_est_refusee_sur_son_champ(self, client, planificateur, champ, valeur, message):
        client.force_login(planificateur)

        reponse = client.post(CREER, saisie(**{champ: valeur}))

        assert reponse.status_code == 400
        assert message in reponse.context["form"].errors[champ][0]
        assert not Organisme.objects.exists()

    @pytest.mark.parametrize(("champ", "valeur"), [("siren", SIREN_VALIDE), ("finess_juridique", FINESS_VALIDE)])
    def test_un_doublon_est_refuse_avec_un_lien_vers_l_existant(self, client, planificateur, champ, valeur):
        existant = OrganismeFactory(nom="Association du Phare (fictive)", **{champ: valeur})
        client.force_login(planificateur)

        reponse = client.post(CREER, saisie(**{champ: valeur}))

        assert reponse.status_code == 400
        assert "Association du Phare (fictive)" in reponse.context["form"].errors[champ][0]
        assert f'<a href="{detail(existant)}">Association du Phare (fictive)</a>' in reponse.content.decode()
        assert Organisme.objects.count() == 1

    def test_un_numero_saisi_avec_des_espaces_est_enregistre_sans(self, client, planificateur):
        client.force_login(planificateur)

        client.post(CREER, saisie(siren="732 829 320"))

        assert Organisme.objects.get().siren == SIREN_VALIDE

    def test_doublon_et_mauvaise_cle_sont_signales_ensemble(self, client, planificateur):
        OrganismeFactory(finess_juridique=FINESS_VALIDE)
        client.force_login(planificateur)

        erreurs = client.post(CREER, saisie(siren=SIREN_FAUX, finess_juridique=FINESS_VALIDE)).context["form"].errors

        assert erreurs.as_data()["siren"][0].code == "siren_invalide"
        assert erreurs.as_data()["finess_juridique"][0].code == "doublon"

    def test_un_instructeur_ne_cree_pas(self, client, instructeur):
        client.force_login(instructeur)

        assert client.post(CREER, saisie()).status_code == 403
        assert not Organisme.objects.exists()


class TestModification:
    def test_le_planificateur_modifie_un_organisme_de_sa_region(self, client, planificateur):
        organisme = DispositifFactory().organisme
        client.force_login(planificateur)

        reponse = client.post(modifier(organisme), saisie(nom="Nouveau nom", version_lue=1))

        organisme.refresh_from_db()
        assert reponse.url == detail(organisme)
        assert (organisme.nom, organisme.version) == ("Nouveau nom", 2)

    def test_une_version_perimee_est_un_conflit_qui_nomme_l_auteur_et_n_ecrase_rien(self, client, planificateur):
        organisme = DispositifFactory().organisme
        autre = UtilisateurFactory(planificateur=True, first_name="Dominique", last_name="Autre")
        client.force_login(autre)
        client.post(modifier(organisme), saisie(nom="Nom de Dominique", version_lue=1))
        client.force_login(planificateur)

        reponse = client.post(modifier(organisme), saisie(nom="Mon nom", version_lue=1))

        organisme.refresh_from_db()
        assert reponse.status_code == 409
        assert "Dominique Autre" in reponse.context["conflit"] and "Nom de Dominique" in reponse.context["conflit"]
        assert organisme.nom == "Nom de Dominique"
        # La saisie reste, avec la version relue : l'envoyer à nouveau l'enregistre.
        assert reponse.context["form"]["version_lue"].value() == 2

    def test_un_organisme_d_une_autre_region_se_voit_mais_ne_se_modifie_pas(self, client, planificateur, region_idf):
        organisme = dans_une_autre_region(region_idf).organisme
        client.force_login(planificateur)

        assert client.get(detail(organisme)).status_code == 200
        assert client.post(modifier(organisme), saisie(version_lue=1)).status_code == 403

    def test_un_instructeur_ne_modifie_pas(self, client, instructeur, organisme):
        client.force_login(instructeur)

        assert client.post(modifier(organisme), saisie(version_lue=1)).status_code == 403
        organisme.refresh_from_db()
        assert organisme.version == 1

    def test_un_doublon_en_modification_est_refuse(self, client, planificateur, organisme):
        OrganismeFactory(siren=SIREN_VALIDE)
        client.force_login(planificateur)

        reponse = client.post(modifier(organisme), saisie(siren=SIREN_VALIDE, version_lue=1))

        assert reponse.status_code == 400
        assert "siren" in reponse.context["form"].errors
