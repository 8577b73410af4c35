"""Les pages des appels : liste et détail publics, cahier des charges, saisie et publication par les planificateurs."""

import datetime
import hashlib
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appels.models import Appel, Nature, StatutAppel
from dispositifs.models import TypeDispositif
from tests.appels import pdf_hostiles
from tests.appels.factories import AppelFactory, CritereFactory
from tests.comptes.factories import UtilisateurFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def pdf_minimal() -> bytes:
    """Un vrai PDF d'une page blanche A4 : catalogue, arbre des pages, page, table des références croisées."""
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    document, positions = b"%PDF-1.4\n", []
    for numero, objet in enumerate(objets, start=1):
        positions.append(len(document))
        document += b"%d 0 obj\n%s\nendobj\n" % (numero, objet)
    xref = len(document)
    document += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    document += b"".join(b"%010d 00000 n \n" % position for position in positions)
    document += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objets) + 1, xref)
    return document


def texte(response) -> str:
    """Le texte de la page, sans balises, espaces insécables et blancs multiples ramenés à une espace."""
    sans_balises = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(sans_balises).replace("\xa0", " "))


def types(*codes):
    return list(TypeDispositif.objects.filter(code__in=codes))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def planificateur_idf(region_idf):
    return UtilisateurFactory(planificateur=True, region=region_idf, email="planificateur-idf@exemple.test")


def donnees_appel(**autres):
    """Un AAP complet tel que le poste le formulaire, avec deux critères et une ligne de grille laissée vide."""
    donnees = {
        "nature": Nature.AAP,
        "titre": "Création de places de LHSS",
        "reference": "hdf-2027-lhss",
        "description": "Appel fictif des tests.",
        "types_cibles": [t.pk for t in types("LHSS")],
        "types_exclus": [t.pk for t in types("EMPP")],
        "enveloppe": "1 500 000",
        "ouverture": "2027-03-01T09:00",
        "cloture": "2027-06-30T23:59",
        "regles_eligibilite": "Organismes gestionnaires de la région.",
        "criteres-TOTAL_FORMS": "3",
        "criteres-INITIAL_FORMS": "0",
        "criteres-MIN_NUM_FORMS": "0",
        "criteres-MAX_NUM_FORMS": "30",
        "criteres-0-libelle": "Réponse aux besoins du territoire",
        "criteres-0-poids": "60",
        "criteres-1-libelle": "Qualité du projet de soins",
        "criteres-1-poids": "40",
    }
    return {**donnees, **autres}


class TestListePublique:
    def test_les_appels_ouverts_viennent_d_abord_avec_leurs_jours_restants(self, client):
        maintenant = timezone.now()
        AppelFactory(reference="clos", clos=True)
        AppelFactory(
            reference="echu",
            ouverture=maintenant - datetime.timedelta(days=30),
            cloture=maintenant - datetime.timedelta(days=3),
        )
        AppelFactory(reference="ouvert-loin", cloture=maintenant + datetime.timedelta(days=40))
        AppelFactory(reference="ouvert-proche", cloture=maintenant + datetime.timedelta(days=12, hours=1))
        AppelFactory(reference="brouillon", brouillon=True)

        response = client.get(reverse("appels:liste"))

        assert [a.reference for a in response.context["appels"]] == ["ouvert-proche", "ouvert-loin", "clos", "echu"]
        assert "Ouvert · J-12" in texte(response)
        assert "Ouvert · J-39" in texte(response)
        assert " Clos " in texte(response)  # statut posé par l'ARS
        assert "Dépôts clos" in texte(response)  # publié, date limite passée
        assert texte(response).count("(heure de Paris)") == 4

    def test_un_appel_a_venir_suit_les_ouverts_et_precede_les_clos(self, client):
        maintenant = timezone.now()
        AppelFactory(reference="termine", statut=StatutAppel.TERMINE, clos=True)
        AppelFactory(
            reference="a-venir",
            ouverture=maintenant + datetime.timedelta(days=5),
            cloture=maintenant + datetime.timedelta(days=60),
        )
        AppelFactory(reference="ouvert")

        response = client.get(reverse("appels:liste"))

        assert [a.reference for a in response.context["appels"]] == ["ouvert", "a-venir", "termine"]
        assert "Terminé" in texte(response)

    def test_les_filtres_region_et_nature_se_combinent(self, client, region_hdf, region_idf):
        AppelFactory(reference="hdf-ami", region=region_hdf)
        AppelFactory(reference="idf-ami", region=region_idf)
        AppelFactory(reference="idf-aap", region=region_idf, nature=Nature.AAP)

        response = client.get(reverse("appels:liste"), {"region": "11", "nature": "ami"})

        assert [a.reference for a in response.context["appels"]] == ["idf-ami"]
        assert '<label for="id_region" class="fr-label">' in response.content.decode()

    def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_d_appels(self, client, django_assert_num_queries):
        lhss = types("LHSS")
        AppelFactory(types_cibles=lhss)
        # 1 régions du filtre, 2 appels publiés avec leur région, 3 types visés de tous les appels (prefetch)
        with django_assert_num_queries(3):
            assert len(client.get(reverse("appels:liste")).context["appels"]) == 1

        AppelFactory.create_batch(19, types_cibles=lhss)
        with django_assert_num_queries(3):
            assert len(client.get(reverse("appels:liste")).context["appels"]) == 20


class TestDetailPublic:
    def test_le_detail_montre_types_exclusions_territoires_enveloppe_et_grille(self, client, region_hdf):
        nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
        appel = AppelFactory(
            reference="aller-vers",
            types_cibles=types("LHSS-MOBILE", "SSIAD-PRECARITE"),
            enveloppe=1_500_000,
            regles_eligibilite="Au moins un professionnel de santé dans l'équipe.",
            cloture=datetime.datetime(2099, 6, 30, 23, 59, tzinfo=PARIS),
        )
        appel.types_exclus.set(types("PASS-MOBILE", "EMPP"))
        appel.territoires.set([nord])
        CritereFactory(appel=appel, libelle="Réponse aux besoins", poids=40, ordre=0)
        CritereFactory(appel=appel, libelle="Coût", poids=25, ordre=1)

        page = texte(client.get(reverse("appels:detail", args=["aller-vers"])))

        assert "Date limite : 30 juin 2099 à 23 h 59 (heure de Paris)" in page
        assert "Types de dispositifs visés LHSS mobile SSIAD précarité " in page
        assert "Types explicitement non éligibles EMPP PASS mobile " in page
        assert "Nord (59)" in page
        assert "1 500 000 €" in page
        assert "Au moins un professionnel de santé" in page
        assert "Réponse aux besoins 40 Coût 25" in page

    def test_la_date_limite_est_affichee_en_heure_de_paris_en_hiver_comme_en_ete(self, client):
        AppelFactory(reference="hiver", cloture=datetime.datetime(2099, 1, 15, 22, 59, tzinfo=datetime.UTC))
        AppelFactory(reference="ete", cloture=datetime.datetime(2099, 7, 1, 10, 0, tzinfo=datetime.UTC))

        assert "Date limite : 15 janvier 2099 à 23 h 59 (heure de Paris)" in texte(
            client.get(reverse("appels:detail", args=["hiver"]))
        )
        assert "Date limite : 1er juillet 2099 à 12 h 00 (heure de Paris)" in texte(
            client.get(reverse("appels:detail", args=["ete"]))
        )

    def test_un_ami_et_l_aap_qui_le_suit_se_citent(self, client):
        ami = AppelFactory(reference="ami", titre="AMI aller-vers")
        AppelFactory(reference="aap", titre="AAP aller-vers", nature=Nature.AAP, appel_precedent=ami)
        AppelFactory(reference="aap-brouillon", nature=Nature.AAP, appel_precedent=ami, brouillon=True)

        page_ami = texte(client.get(reverse("appels:detail", args=["ami"])))
        page_aap = texte(client.get(reverse("appels:detail", args=["aap"])))

        assert "Suivi de : Appel à projets — AAP aller-vers" in page_ami
        assert page_ami.count("Suivi de") == 1  # le brouillon reste caché
        assert "Fait suite à : Appel à manifestation d'intérêt — AMI aller-vers" in page_aap

    def test_le_cahier_des_charges_se_telecharge(self, client):
        cahier = SimpleUploadedFile("cahier.pdf", pdf_minimal(), content_type="application/pdf")
        AppelFactory(reference="avec-cahier", cahier_des_charges=cahier)

        page = client.get(reverse("appels:detail", args=["avec-cahier"]))
        response = client.get(reverse("appels:cahier", args=["avec-cahier"]))

        assert reverse("appels:cahier", args=["avec-cahier"]) in page.content.decode()
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="avec-cahier-cahier-des-charges.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == pdf_minimal()

    def test_valider_un_appel_enregistre_relit_son_cahier_et_le_referme(self):
        cahier = SimpleUploadedFile("cahier.pdf", pdf_minimal(), content_type="application/pdf")
        appel = Appel.objects.get(pk=AppelFactory(cahier_des_charges=cahier).pk)

        appel.full_clean()  # ce que fait l'administration avant d'enregistrer

        assert appel.cahier_des_charges.closed  # sinon ouvert jusqu'au ramasse-miettes (ResourceWarning)
        appel.cahier_des_charges.save("faux.pdf", SimpleUploadedFile("faux.pdf", b"MZ" * 10))
        faux = Appel.objects.get(pk=appel.pk)
        with pytest.raises(ValidationError, match="PDF"):
            faux.full_clean()
        assert faux.cahier_des_charges.closed

    def test_sans_cahier_des_charges_le_telechargement_repond_404(self, client):
        AppelFactory(reference="sans-cahier")

        assert client.get(reverse("appels:cahier", args=["sans-cahier"])).status_code == 404
        assert "pas encore en ligne" in texte(client.get(reverse("appels:detail", args=["sans-cahier"])))


class TestBrouillons:
    @pytest.fixture
    def brouillon(self):
        cahier = SimpleUploadedFile("cahier.pdf", pdf_minimal(), content_type="application/pdf")
        return AppelFactory(reference="brouillon-hdf", brouillon=True, cahier_des_charges=cahier)

    def test_un_brouillon_est_invisible_du_public(self, client, brouillon):
        assert client.get(reverse("appels:detail", args=["brouillon-hdf"])).status_code == 404
        assert client.get(reverse("appels:cahier", args=["brouillon-hdf"])).status_code == 404
        assert list(client.get(reverse("appels:liste")).context["appels"]) == []

    def test_un_brouillon_est_invisible_d_un_planificateur_d_une_autre_region(
        self, client, brouillon, planificateur_idf
    ):
        client.force_login(planificateur_idf)

        for nom in ("detail", "cahier", "modifier"):
            assert client.get(reverse(f"appels:{nom}", args=["brouillon-hdf"])).status_code == 404, nom
        assert client.post(reverse("appels:publier", args=["brouillon-hdf"])).status_code == 404
        assert list(client.get(reverse("appels:gestion")).context["appels"]) == []

    def test_un_planificateur_d_une_autre_region_ne_gere_pas_un_appel_publie(self, client, planificateur_idf):
        AppelFactory(reference="publie-hdf")
        client.force_login(planificateur_idf)

        assert client.get(reverse("appels:detail", args=["publie-hdf"])).status_code == 200
        assert client.get(reverse("appels:modifier", args=["publie-hdf"])).status_code == 404

    def test_un_instructeur_de_la_region_ne_voit_pas_le_brouillon(self, client, brouillon, instructeur):
        client.force_login(instructeur)

        assert client.get(reverse("appels:detail", args=["brouillon-hdf"])).status_code == 404

    def test_le_planificateur_de_la_region_voit_son_brouillon(self, client, brouillon, planificateur):
        client.force_login(planificateur)

        page = texte(client.get(reverse("appels:detail", args=["brouillon-hdf"])))
        cahier = client.get(reverse("appels:cahier", args=["brouillon-hdf"]))

        assert "Brouillon" in page and "Publier l'appel" in page
        assert b"".join(cahier.streaming_content) == pdf_minimal()


class TestSaisie:
    def test_un_planificateur_cree_un_brouillon_avec_deux_criteres_puis_le_publie(self, client, planificateur):
        client.force_login(planificateur)
        recu = pdf_hostiles.ordinaire()
        cahier = SimpleUploadedFile("cahier.pdf", recu, content_type="application/pdf")

        response = client.post(reverse("appels:creer"), donnees_appel(cahier_des_charges=cahier))

        appel = Appel.objects.get(reference="hdf-2027-lhss")
        assert response.url == reverse("appels:detail", args=["hdf-2027-lhss"])
        assert (appel.statut, appel.region, appel.enveloppe) == (
            StatutAppel.BROUILLON,
            planificateur.region,
            1_500_000,
        )
        assert appel.cloture == datetime.datetime(2027, 6, 30, 23, 59, tzinfo=PARIS)
        assert [(c.libelle, c.poids, c.ordre) for c in appel.criteres.all()] == [
            ("Réponse aux besoins du territoire", 60, 0),
            ("Qualité du projet de soins", 40, 1),
        ]
        # La copie contrôlée et réécrite, nommée par l'empreinte du fichier reçu (commun.pdf_recu).
        assert appel.cahier_des_charges.name == f"appels/cahiers/cahier-{hashlib.sha256(recu).hexdigest()}.pdf"
        assert appel.cahier_des_charges.read().startswith(b"%PDF-")
        appel.cahier_des_charges.close()

        response = client.post(reverse("appels:publier", args=["hdf-2027-lhss"]), follow=True)

        appel.refresh_from_db()
        assert appel.statut == StatutAppel.PUBLIE
        assert "Appel publié" in texte(response)
        client.logout()
        assert client.get(reverse("appels:detail", args=["hdf-2027-lhss"])).status_code == 200

    @pytest.mark.parametrize(
        "fabrique, message",
        [
            (pdf_hostiles.open_action_javascript, "Ce PDF contient du JavaScript"),
            (pdf_hostiles.polyglotte, "Des données suivent la fin de ce PDF"),
            (pdf_hostiles.fichier_incorpore, "Ce PDF contient des fichiers incorporés"),
            (pdf_hostiles.chiffre, "Ce PDF est protégé"),
        ],
    )
    def test_un_cahier_des_charges_piege_est_refuse_comme_une_piece_d_operateur(
        self, client, planificateur, fabrique, message
    ):
        client.force_login(planificateur)
        cahier = SimpleUploadedFile("cahier.pdf", fabrique(), content_type="application/pdf")

        response = client.post(reverse("appels:creer"), donnees_appel(cahier_des_charges=cahier))

        assert response.status_code == 200
        assert message in response.context["form"].errors["cahier_des_charges"][0]
        assert not Appel.objects.exists()

    def test_la_publication_en_get_est_refusee(self, client, planificateur):
        AppelFactory(reference="brouillon", brouillon=True, types_cibles=types("LHSS"))
        client.force_login(planificateur)

        assert client.get(reverse("appels:publier", args=["brouillon"])).status_code == 405
        assert Appel.objects.get(reference="brouillon").statut == StatutAppel.BROUILLON

    def test_publier_sans_type_vise_affiche_le_message(self, client, planificateur):
        AppelFactory(reference="sans-type", brouillon=True)
        client.force_login(planificateur)

        response = client.post(reverse("appels:publier", args=["sans-type"]), follow=True)

        assert "Indiquez au moins un type de dispositif visé avant de publier." in texte(response)
        assert Appel.objects.get(reference="sans-type").statut == StatutAppel.BROUILLON

    def test_modifier_un_appel_publie_est_refuse(self, client, planificateur):
        AppelFactory(reference="publie", titre="Titre publié")
        client.force_login(planificateur)

        affichage = client.get(reverse("appels:modifier", args=["publie"]), follow=True)
        envoi = client.post(reverse("appels:modifier", args=["publie"]), donnees_appel(titre="Autre titre"))

        assert "seul un brouillon se modifie" in texte(affichage)
        assert envoi.url == reverse("appels:detail", args=["publie"])
        assert Appel.objects.get(reference="publie").titre == "Titre publié"

    def test_un_planificateur_modifie_son_brouillon_et_sa_grille(self, client, planificateur):
        appel = AppelFactory(reference="brouillon", brouillon=True, nature=Nature.AAP)
        garde = CritereFactory(appel=appel, libelle="Gardé", poids=50, ordre=0)
        supprime = CritereFactory(appel=appel, libelle="Supprimé", poids=50, ordre=1)
        client.force_login(planificateur)
        grille = {
            "criteres-TOTAL_FORMS": "3",
            "criteres-INITIAL_FORMS": "2",
            "criteres-0-id": garde.pk,
            "criteres-0-libelle": "Gardé",
            "criteres-0-poids": "70",
            "criteres-1-id": supprime.pk,
            "criteres-1-libelle": "Supprimé",
            "criteres-1-poids": "50",
            "criteres-1-DELETE": "on",
            "criteres-2-libelle": "Nouveau",
            "criteres-2-poids": "30",
        }
        donnees = {k: v for k, v in donnees_appel(titre="Nouveau titre").items() if not k.startswith("criteres-")}

        response = client.post(reverse("appels:modifier", args=["brouillon"]), {**donnees, **grille})

        assert response.status_code == 302
        appel.refresh_from_db()
        assert appel.titre == "Nouveau titre"
        assert appel.reference == "brouillon"  # la référence ne change plus après la création
        assert [(c.libelle, c.poids, c.ordre) for c in appel.criteres.all()] == [("Gardé", 70, 0), ("Nouveau", 30, 1)]

    def test_un_administrateur_choisit_la_region(self, client, administrateur, region_idf):
        client.force_login(administrateur)

        client.post(reverse("appels:creer"), donnees_appel(region=region_idf.pk))

        assert Appel.objects.get(reference="hdf-2027-lhss").region == region_idf

    def test_un_territoire_hors_de_la_region_est_refuse(self, client, planificateur, region_idf):
        paris = TerritoireFactory(code="75", nom="Paris", parent=region_idf)
        client.force_login(planificateur)

        response = client.post(reverse("appels:creer"), donnees_appel(territoires=[paris.pk]))

        assert response.status_code == 200
        assert "territoires" in response.context["form"].errors
        assert not Appel.objects.exists()


class TestErreursDeSaisie:
    def erreurs(self, client, planificateur, **donnees):
        client.force_login(planificateur)
        response = client.post(reverse("appels:creer"), donnees_appel(**donnees))
        assert response.status_code == 200
        assert not Appel.objects.exists()
        return response

    def test_un_faux_pdf_est_refuse_avec_un_message_en_francais(self, client, planificateur):
        faux = SimpleUploadedFile("cahier.pdf", PNG, content_type="application/pdf")

        response = self.erreurs(client, planificateur, cahier_des_charges=faux)

        assert response.context["form"].errors["cahier_des_charges"] == [
            "Ce fichier n'est pas un PDF : seul le format PDF est accepté."
        ]
        assert "Le brouillon n'est pas enregistré" in texte(response)

    def test_un_texte_renomme_en_pdf_est_refuse(self, client, planificateur):
        faux = SimpleUploadedFile("cahier.pdf", b"Ceci n'est pas un PDF.", content_type="application/pdf")

        response = self.erreurs(client, planificateur, cahier_des_charges=faux)

        assert "Ce fichier n'est pas un PDF" in texte(response)

    def test_une_date_limite_avant_l_ouverture_est_refusee(self, client, planificateur):
        response = self.erreurs(client, planificateur, ouverture="2027-06-30T23:59", cloture="2027-03-01T09:00")

        assert response.context["form"].errors["cloture"] == ["La date limite doit suivre l'ouverture des dépôts."]

    def test_un_type_vise_et_exclu_a_la_fois_est_refuse(self, client, planificateur):
        lhss = types("LHSS")[0]

        response = self.erreurs(client, planificateur, types_cibles=[lhss.pk], types_exclus=[lhss.pk])

        assert response.context["form"].errors["types_exclus"] == [
            "Un type ne peut pas être à la fois visé et exclu : LHSS."
        ]

    def test_une_enveloppe_negative_est_refusee(self, client, planificateur):
        response = self.erreurs(client, planificateur, enveloppe="-1000")

        assert response.context["form"].errors["enveloppe"] == ["L'enveloppe ne peut pas être négative."]

    def test_un_poids_nul_est_refuse(self, client, planificateur):
        response = self.erreurs(client, planificateur, **{"criteres-1-poids": "0"})

        assert response.context["grille"].errors[1]["poids"] == ["Le poids d'un critère doit être un entier positif."]
        assert "Le poids d'un critère doit être un entier positif." in texte(response)

    def test_une_reference_deja_prise_est_refusee(self, client, planificateur):
        AppelFactory(reference="hdf-2027-lhss")

        client.force_login(planificateur)
        response = client.post(reverse("appels:creer"), donnees_appel())

        assert response.context["form"].errors["reference"] == ["Un autre appel porte déjà cette référence."]


class TestGestion:
    def test_la_gestion_montre_les_appels_de_la_region_brouillons_compris(self, client, planificateur, region_idf):
        AppelFactory(reference="brouillon-hdf", brouillon=True)
        AppelFactory(reference="publie-hdf")
        AppelFactory(reference="publie-idf", region=region_idf)
        client.force_login(planificateur)

        response = client.get(reverse("appels:gestion"))

        assert {a.reference for a in response.context["appels"]} == {"brouillon-hdf", "publie-hdf"}
        assert "Brouillon" in texte(response)
        assert reverse("appels:publier", args=["brouillon-hdf"]) in response.content.decode()
        assert reverse("appels:modifier", args=["publie-hdf"]) not in response.content.decode()

    def test_un_administrateur_gere_toutes_les_regions(self, client, administrateur, region_hdf, region_idf):
        AppelFactory(reference="hdf", region=region_hdf)
        AppelFactory(reference="idf", region=region_idf, brouillon=True)
        client.force_login(administrateur)

        assert {a.reference for a in client.get(reverse("appels:gestion")).context["appels"]} == {"hdf", "idf"}

    def test_le_nombre_de_requetes_ne_depend_pas_du_nombre_d_appels(
        self, client, planificateur, django_assert_num_queries
    ):
        AppelFactory(brouillon=True)
        client.force_login(planificateur)
        # 1 session, 2 utilisateur connecté, 3 sa région (en-tête « ARS Hauts-de-France »),
        # 4 appels de sa région, brouillons compris, avec leur région
        with django_assert_num_queries(4):
            assert len(client.get(reverse("appels:gestion")).context["appels"]) == 1

        AppelFactory.create_batch(10, brouillon=True)
        AppelFactory.create_batch(9)
        with django_assert_num_queries(4):
            assert len(client.get(reverse("appels:gestion")).context["appels"]) == 20


class TestLettreDepuisLaPageDeLAppel:
    """La page d'un appel ouvert offre « Déposer une lettre d'intention » à un opérateur, et dit aux autres pourquoi
    ils ne le peuvent pas : aucune impasse."""

    BOUTON = "Déposer une lettre d'intention"

    def test_un_operateur_trouve_le_bouton_qui_mene_a_sa_lettre(self, client, operateur):
        appel = AppelFactory(reference="ouvert", types_cibles=types("LHSS"))
        client.force_login(operateur)

        reponse = client.get(reverse("appels:detail", args=["ouvert"]))

        lien = reverse("appels:candidatures:lettre", args=[appel.reference])
        assert f'href="{lien}">{self.BOUTON}</a>' in html.unescape(reponse.content.decode())

    @pytest.mark.parametrize(
        "role, raison",
        [
            (
                "instructeur",
                "Seul un opérateur (membre d'un organisme gestionnaire) dépose une lettre d'intention ; "
                "votre compte est « Instructeur ARS ».",
            ),
            ("dreets", "Seul un opérateur (membre d'un organisme gestionnaire) dépose une lettre d'intention"),
            ("planificateur", "Seul un opérateur (membre d'un organisme gestionnaire) dépose une lettre d'intention"),
            (None, "Connectez-vous avec un compte opérateur pour déposer une lettre d'intention."),
        ],
    )
    def test_les_autres_savent_pourquoi_ils_ne_deposent_pas(self, client, casting, role, raison):
        AppelFactory(reference="ouvert", types_cibles=types("LHSS"))
        if casting[role]:
            client.force_login(casting[role])

        page = texte(client.get(reverse("appels:detail", args=["ouvert"])))

        assert raison in page
        assert self.BOUTON not in page

    def test_un_appel_clos_le_dit_a_l_operateur(self, client, operateur):
        appel = AppelFactory(reference="clos", clos=True)
        client.force_login(operateur)

        page = texte(client.get(reverse("appels:detail", args=["clos"])))

        assert f"Les dépôts sont clos depuis le {appel.date_limite_lisible}" in page
        assert self.BOUTON not in page

    def test_un_appel_dont_tous_les_types_sont_exclus_le_dit(self, client, operateur):
        appel = AppelFactory(reference="exclus", types_cibles=types("LHSS"))
        appel.types_exclus.set(types("LHSS"))
        client.force_login(operateur)

        page = texte(client.get(reverse("appels:detail", args=["exclus"])))

        assert "Aucun type de dispositif visé n'est éligible à cet appel" in page
        assert self.BOUTON not in page

    def test_un_operateur_sans_organisme_sait_qui_le_rattache(self, client):
        AppelFactory(reference="ouvert")
        client.force_login(UtilisateurFactory(operateur=True, email="seul@exemple.test"))

        page = texte(client.get(reverse("appels:detail", args=["ouvert"])))

        assert "Votre compte n'est rattaché à aucun organisme" in page

    def test_la_page_de_l_appel_fait_un_nombre_fixe_de_requetes(self, client, operateur, django_assert_num_queries):
        AppelFactory(reference="ouvert", types_cibles=types("LHSS", "LAM", "ACT"))
        client.force_login(operateur)

        # session, utilisateur, l'appel (région, horizon), ses types visés, ses types exclus (préchargés, quel que
        # soit leur nombre), l'opérateur a-t-il un organisme, les appels qui lui font suite, ses territoires, ses
        # critères (sans appel précédent, pas de requête pour lui)
        with django_assert_num_queries(9):
            client.get(reverse("appels:detail", args=["ouvert"]))
