"""Les pages des déclarations : l'opérateur déclare ses dispositifs (et seulement les siens), l'ARS valide ou
renvoie, accorde une dérogation ; chaque page garde un nombre de requêtes constant."""

import datetime
import html
import re
from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse

from indicateurs.models import Declaration, Derogation, Indicateur, StatutDeclaration, Valeur
from indicateurs.services import enregistrer_declaration, transmettre
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)


def texte(response) -> str:
    sans_balises = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(sans_balises).replace("\xa0", " "))


def url_saisie(dispositif, mois="2026-10"):
    return reverse("indicateurs:saisie", args=[dispositif.pk, mois])


def saisie(version=0, **valeurs):
    """Le formulaire tel que le poste le navigateur : toutes les cases LHSS, vides sauf celles données."""
    codes = ["file_active", "nouvelles_personnes", "bilans_sante", "journees_realisees", "journees_theoriques"]
    donnees = {"version": version, "brouillon": ""}
    donnees |= {code: "" for code in codes} | {f"commentaire_{code}": "" for code in codes}
    donnees |= {code: str(valeur) for code, valeur in valeurs.items()}
    return donnees


def dispositifs_de(organisme, nombre, departement, type_lhss):
    return [
        DispositifFactory(organisme=organisme, type=type_lhss, territoire=departement, finess=f"99100{n:04d}")
        for n in range(nombre)
    ]


class TestMesDeclarations:
    def test_l_operateur_voit_ses_dispositifs_et_pas_ceux_des_autres(self, client, operateur, lhss, lhss_autre):
        client.force_login(operateur)

        page = texte(client.get(reverse("indicateurs:mes_declarations")))

        assert "LHSS fictif de Lille" in page
        assert "LHSS fictif d'Amiens" not in page
        assert "Non déclaré" in page

    def test_un_mois_renvoye_montre_son_motif_et_son_echeance(self, client, operateur, lhss):
        DeclarationFactory(
            dispositif=lhss, mois=OCTOBRE, statut=StatutDeclaration.RENVOYEE, motif_renvoi="File active à revoir."
        )
        client.force_login(operateur)

        page = texte(client.get(reverse("indicateurs:mes_declarations")))

        assert "Motif : File active à revoir." in page
        assert "10 novembre 2026" in page  # échéance d'octobre

    @pytest.mark.parametrize("nombre", [1, 15])
    def test_nombre_de_requetes_constant(
        self, client, operateur, organisme, departement, type_lhss, nombre, django_assert_num_queries
    ):
        for dispositif in dispositifs_de(organisme, nombre, departement, type_lhss):
            DeclarationFactory(dispositif=dispositif, mois=OCTOBRE, statut=StatutDeclaration.TRANSMISE)
        client.force_login(operateur)

        # Session, utilisateur, dispositifs, déclarations, dérogations.
        with django_assert_num_queries(5):
            assert client.get(reverse("indicateurs:mes_declarations")).status_code == 200


class TestSaisie:
    def test_le_formulaire_ne_montre_que_les_indicateurs_du_type_sans_les_taux(self, client, operateur, lhss):
        client.force_login(operateur)

        page = texte(client.get(url_saisie(lhss)))

        assert "File active (personnes)" in page
        assert "Journées réalisées" in page
        assert "Interventions d'aller-vers" not in page  # équipes mobiles seulement
        assert "Taux d'occupation" not in page  # calculé, jamais saisi
        assert "Nombre de personnes distinctes suivies" in page  # la définition en aide

    def test_le_dispositif_d_un_autre_organisme_repond_404(self, client, operateur, lhss_autre):
        client.force_login(operateur)

        assert client.get(url_saisie(lhss_autre)).status_code == 404
        assert client.post(url_saisie(lhss_autre), saisie(file_active=3)).status_code == 404
        assert not Declaration.objects.exists()

    def test_un_mois_a_venir_ou_mal_ecrit_repond_404(self, client, operateur, lhss):
        client.force_login(operateur)

        assert client.get(url_saisie(lhss, "2026-12")).status_code == 404
        assert client.get(url_saisie(lhss, "octobre")).status_code == 404

    def test_un_brouillon_s_enregistre_puis_se_transmet(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = client.post(url_saisie(lhss), saisie(file_active=20, nouvelles_personnes=4), follow=True)
        declaration = Declaration.objects.get()
        assert "Brouillon de 10/2026 enregistré" in texte(reponse)
        assert declaration.statut == StatutDeclaration.BROUILLON

        donnees = saisie(version=declaration.version, file_active=20, nouvelles_personnes=5)
        donnees["transmettre"] = ""
        reponse = client.post(url_saisie(lhss), donnees, follow=True)

        declaration.refresh_from_db()
        assert declaration.statut == StatutDeclaration.TRANSMISE
        assert "transmise à l'ARS" in texte(reponse)
        assert dict(declaration.valeurs.values_list("indicateur__code", "valeur")) == {
            "file_active": 20,
            "nouvelles_personnes": 5,
        }

    def test_toutes_les_erreurs_sont_montrees_sur_leurs_champs_et_rien_n_est_enregistre(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = client.post(
            url_saisie(lhss),
            saisie(
                file_active=10, nouvelles_personnes=12, journees_realisees=40, journees_theoriques=30, bilans_sante=-1
            ),
        )

        assert reponse.status_code == 400
        form = reponse.context["form"]
        assert form.errors["nouvelles_personnes"] == [
            "Les nouvelles personnes font partie de la file active : elles ne peuvent pas être plus nombreuses."
        ]
        assert form.errors["journees_realisees"] == [
            "Les journées réalisées ne peuvent pas dépasser les journées théoriques."
        ]
        assert form.errors["bilans_sante"] == ["Une valeur ne peut pas être négative."]
        assert "Rien n'a été enregistré" in texte(reponse)
        assert not Declaration.objects.exists()

    def test_un_texte_au_lieu_d_un_nombre_est_refuse_en_francais(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = client.post(url_saisie(lhss), saisie(file_active="beaucoup"))

        assert reponse.context["form"].errors["file_active"] == ["Saisissez un nombre (ex. 12 ou 2,5)."]
        assert not Declaration.objects.exists()

    def test_un_formulaire_perime_recoit_un_conflit_sans_rien_ecraser(self, client, operateur, lhss):
        declaration = enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)})
        client.force_login(operateur)
        ouvert = client.get(url_saisie(lhss)).context["form"]["version"].value()
        enregistrer_declaration(  # un autre onglet enregistre entre-temps
            dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(25)}, version_lue=ouvert
        )

        reponse = client.post(url_saisie(lhss), saisie(version=ouvert, file_active=30))

        assert reponse.status_code == 409
        assert "a été modifiée depuis que vous l'avez ouverte" in texte(reponse)
        assert Valeur.objects.get(declaration=declaration).valeur == 25

    def test_un_mois_verrouille_est_en_lecture_seule_puis_rouvert_par_une_derogation(
        self, client, operateur, instructeur, lhss
    ):
        client.force_login(operateur)
        aout = "2026-08"  # verrouillé depuis le 31 octobre (60 jours après le 31 août)

        page = client.get(url_saisie(lhss, aout))
        refus = client.post(url_saisie(lhss, aout), saisie(file_active=20))
        assert "est verrouillé depuis le 31/10/2026" in texte(page)
        assert "Transmettre à l'ARS" not in texte(page)
        assert refus.status_code == 400
        assert not Declaration.objects.exists()

        Derogation.objects.create(
            dispositif=lhss,
            mois=datetime.date(2026, 8, 1),
            jusqu_au=datetime.date(2026, 12, 1),
            motif="Changement de logiciel",
            accordee_par=instructeur,
        )
        client.post(url_saisie(lhss, aout), saisie(file_active=20))
        assert Declaration.objects.get().valeurs.get().valeur == 20

    def test_une_valeur_inhabituelle_demande_un_commentaire(self, client, operateur, instructeur, lhss):
        for mois in (7, 8, 9):
            DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, mois, 1))
            ValeurFactory(
                declaration__dispositif=lhss, declaration=Declaration.objects.get(mois__month=mois), valeur=40
            )
        client.force_login(operateur)

        refus = client.post(url_saisie(lhss), saisie(file_active=400))
        donnees = saisie(file_active=400) | {"commentaire_file_active": "Plan grand froid."}
        accepte = client.post(url_saisie(lhss), donnees)

        assert "Valeur inhabituelle" in refus.context["form"].errors["file_active"][0]
        assert accepte.status_code == 302
        assert Valeur.objects.get(declaration__mois=OCTOBRE).commentaire == "Plan grand froid."

    @pytest.mark.parametrize("nombre_valeurs", [1, 5])
    def test_nombre_de_requetes_constant(self, client, operateur, lhss, nombre_valeurs, django_assert_num_queries):
        declaration = DeclarationFactory(dispositif=lhss, mois=OCTOBRE, statut=StatutDeclaration.BROUILLON)
        for indicateur in Indicateur.objects.saisis().for_type(lhss.type_id)[:nombre_valeurs]:
            ValeurFactory(declaration=declaration, indicateur=indicateur)
        client.force_login(operateur)

        # Session, utilisateur, dispositif, déclaration, indicateurs, valeurs (la dérogation n'est lue que pour un mois
        # verrouillé).
        with django_assert_num_queries(6):
            assert client.get(url_saisie(lhss)).status_code == 200


class TestValidation:
    @pytest.fixture
    def transmise(self, lhss):
        declaration = enregistrer_declaration(
            dispositif=lhss,
            mois=OCTOBRE,
            valeurs={"file_active": D(20)},
            commentaires={"file_active": "Deux départs."},
        )
        return transmettre(declaration=declaration)

    def test_la_file_montre_les_declarations_transmises_de_la_region(self, client, instructeur, transmise, type_lhss):
        ailleurs = TerritoireFactory(code="75", nom="Paris", parent=RegionFactory(code="11", nom="Île-de-France"))
        DeclarationFactory(
            dispositif=DispositifFactory(nom="LHSS parisien", type=type_lhss, territoire=ailleurs),
            statut=StatutDeclaration.TRANSMISE,
        )
        client.force_login(instructeur)

        page = texte(client.get(reverse("indicateurs:validation")))

        assert "LHSS fictif de Lille" in page
        assert "LHSS parisien" not in page

    def test_la_file_se_filtre_par_type_departement_et_mois(self, client, instructeur, transmise, departement):
        client.force_login(instructeur)
        url = reverse("indicateurs:validation")

        assert "LHSS fictif de Lille" in texte(client.get(url, {"type": "LHSS", "departement": departement.pk}))
        assert "LHSS fictif de Lille" in texte(client.get(url, {"mois": "2026-10"}))
        assert "LHSS fictif de Lille" not in texte(client.get(url, {"mois": "2026-09"}))
        assert "LHSS fictif de Lille" not in texte(client.get(url, {"type": "ACT"}))

    def test_valider_depuis_la_page(self, client, instructeur, transmise, django_capture_on_commit_callbacks):
        client.force_login(instructeur)
        url = reverse("indicateurs:validation_declaration", args=[transmise.pk])

        page = texte(client.get(url))
        with django_capture_on_commit_callbacks(execute=False):
            client.post(url, {"action": "valider"})

        assert "Deux départs." in page
        transmise.refresh_from_db()
        assert (transmise.statut, transmise.validee_par) == (StatutDeclaration.VALIDEE, instructeur)

    def test_renvoyer_exige_un_motif_et_previent_l_operateur(
        self, client, instructeur, operateur, transmise, django_capture_on_commit_callbacks
    ):
        client.force_login(instructeur)
        url = reverse("indicateurs:validation_declaration", args=[transmise.pk])

        sans_motif = client.post(url, {"action": "renvoyer", "motif": ""})
        transmise.refresh_from_db()
        assert sans_motif.status_code == 400
        assert transmise.statut == StatutDeclaration.TRANSMISE

        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"action": "renvoyer", "motif": "La file active inclut septembre."})
        transmise.refresh_from_db()
        assert transmise.statut == StatutDeclaration.RENVOYEE
        assert [m.to for m in mail.outbox] == [[operateur.email]]
        assert "La file active inclut septembre." in mail.outbox[0].body

    def test_un_agent_d_une_autre_region_recoit_404(self, client, transmise, region_idf):
        agent = UtilisateurFactory(instructeur=True, region=region_idf)
        client.force_login(agent)

        assert client.get(reverse("indicateurs:validation_declaration", args=[transmise.pk])).status_code == 404

    @pytest.mark.parametrize("nombre", [1, 12])
    def test_nombre_de_requetes_constant(
        self, client, instructeur, organisme, departement, type_lhss, nombre, django_assert_num_queries
    ):
        for dispositif in dispositifs_de(organisme, nombre, departement, type_lhss):
            for mois in range(4, 11):
                declaration = DeclarationFactory(
                    dispositif=dispositif, mois=datetime.date(2026, mois, 1), statut=StatutDeclaration.TRANSMISE
                )
                ValeurFactory(declaration=declaration)
        client.force_login(instructeur)

        # File : session, utilisateur, sa région, compte, page, types et départements des filtres.
        with django_assert_num_queries(7):
            assert client.get(reverse("indicateurs:validation")).status_code == 200
        # Déclaration : session, utilisateur, sa région, déclaration, valeurs des mois comparés, historique,
        # indicateurs.
        with django_assert_num_queries(7):
            assert client.get(reverse("indicateurs:validation_declaration", args=[declaration.pk])).status_code == 200


class TestDerogation:
    def test_un_instructeur_rouvre_un_mois_verrouille(self, client, instructeur, lhss):
        client.force_login(instructeur)

        reponse = client.post(
            reverse("indicateurs:derogation"),
            {"dispositif": lhss.pk, "mois": "2026-08", "jusqu_au": "2026-12-15", "motif": "Panne du logiciel"},
        )

        assert reponse.status_code == 302
        derogation = Derogation.objects.get()
        assert (derogation.mois, derogation.jusqu_au, derogation.accordee_par) == (
            datetime.date(2026, 8, 1),
            datetime.date(2026, 12, 15),
            instructeur,
        )

    def test_une_date_passee_est_refusee(self, client, instructeur, lhss):
        client.force_login(instructeur)

        reponse = client.post(
            reverse("indicateurs:derogation"),
            {"dispositif": lhss.pk, "mois": "2026-08", "jusqu_au": "2026-11-01", "motif": "Trop tard"},
        )

        assert reponse.status_code == 400
        assert "La date de fin est déjà passée." in texte(reponse)
        assert not Derogation.objects.exists()

    def test_un_dispositif_hors_region_repond_404(self, client, lhss, region_idf):
        client.force_login(UtilisateurFactory(instructeur=True, region=region_idf))

        reponse = client.get(reverse("indicateurs:derogation"), {"dispositif": lhss.pk, "mois": "2026-08"})

        assert reponse.status_code == 404
