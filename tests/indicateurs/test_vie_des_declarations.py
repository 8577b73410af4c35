"""La vie complète d'une déclaration (issue 11, point 4) : la vraie erreur n'est jamais cachée par « valeur
inhabituelle », le mois en cours ne se transmet qu'une fois fini, l'ARS rouvre une déclaration validée (motif,
version, agrégats recalculés, opérateur prévenu), une dérogation sur un mois validé est refusée avec un message."""

import datetime
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from commun.erreurs import Conflit
from indicateurs.models import Agregat, Declaration, Derogation, Granularite, Indicateur, StatutDeclaration, Valeur
from indicateurs.services import enregistrer_declaration, rouvrir, transmettre, valider
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory
from tests.indicateurs.test_declarations_pages import saisie, texte, url_saisie

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)
NOVEMBRE = datetime.date(2026, 11, 1)  # le mois en cours : les tests figent le 23 novembre 2026


@pytest.fixture
def habitude(lhss):
    """Trois mois validés à 40 personnes et 10 nouvelles : 0 ou 400 sortent de l'habitude du dispositif."""
    for mois in (7, 8, 9):
        declaration = DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, mois, 1))
        ValeurFactory(declaration=declaration, valeur=40)
        ValeurFactory(
            declaration=declaration, indicateur=Indicateur.objects.get(code="nouvelles_personnes"), valeur=10
        )


class TestLaVraieErreur:
    def test_plus_de_nouvelles_personnes_que_la_file_active_reste_dit_meme_si_la_valeur_est_inhabituelle(
        self, lhss, habitude
    ):
        with pytest.raises(ValidationError) as refus:
            enregistrer_declaration(
                dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(40), "nouvelles_personnes": D(100)}
            )

        erreurs = refus.value.error_dict["nouvelles_personnes"]
        assert [e.code for e in erreurs] == ["incoherente"]
        assert "ne peuvent pas être plus nombreuses" in erreurs[0].message

    def test_une_valeur_negative_reste_dite_meme_si_elle_est_inhabituelle(self, lhss, habitude):
        with pytest.raises(ValidationError) as refus:
            enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(-5)})

        assert refus.value.message_dict["file_active"] == ["Une valeur ne peut pas être négative."]

    def test_un_commentaire_ne_fait_pas_passer_une_valeur_fausse(self, lhss, habitude):
        with pytest.raises(ValidationError) as refus:
            enregistrer_declaration(
                dispositif=lhss,
                mois=OCTOBRE,
                valeurs={"file_active": D(-5)},
                commentaires={"file_active": "Plan grand froid."},
            )

        assert refus.value.message_dict["file_active"] == ["Une valeur ne peut pas être négative."]
        assert not Declaration.objects.filter(mois=OCTOBRE).exists()

    def test_chaque_erreur_d_un_indicateur_est_dite(self, lhss):
        with pytest.raises(ValidationError) as refus:
            enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"bilans_sante": D("-1.5")})

        assert [e.code for e in refus.value.error_dict["bilans_sante"]] == ["incoherente", "entier_attendu"]

    def test_la_page_montre_la_vraie_erreur_sur_son_champ(self, client, operateur, lhss, habitude):
        client.force_login(operateur)

        reponse = client.post(url_saisie(lhss), saisie(file_active=40, nouvelles_personnes=100))

        assert reponse.status_code == 400
        assert reponse.context["form"].errors["nouvelles_personnes"] == [
            "Les nouvelles personnes font partie de la file active : elles ne peuvent pas être plus nombreuses."
        ]


class TestLeMoisEnCours:
    def test_le_mois_en_cours_s_enregistre_mais_ne_se_transmet_pas(self, lhss):
        declaration = enregistrer_declaration(dispositif=lhss, mois=NOVEMBRE, valeurs={"file_active": D(20)})

        with pytest.raises(ValidationError) as refus:
            transmettre(declaration=declaration)
        transmettre(declaration=declaration, aujourd_hui=datetime.date(2026, 12, 1))  # le mois est fini

        assert refus.value.code == "mois_en_cours"
        assert refus.value.messages == [
            "Le mois de 11/2026 n'est pas terminé : enregistrez-le en brouillon ; il se transmettra à partir du "
            "01/12/2026."
        ]
        assert Declaration.objects.get().statut == StatutDeclaration.TRANSMISE

    def test_la_page_du_mois_en_cours_n_offre_pas_de_transmettre_et_dit_pourquoi(self, client, operateur, lhss):
        client.force_login(operateur)

        page = texte(client.get(url_saisie(lhss, "2026-11")))
        octobre = texte(client.get(url_saisie(lhss, "2026-10")))

        assert "Transmettre à l'ARS" not in page and "Enregistrer le brouillon" in page
        assert "n'est pas terminé : enregistrez-le en brouillon" in page
        assert "Transmettre à l'ARS" in octobre

    def test_transmettre_le_mois_en_cours_par_la_page_est_refuse_sans_rien_enregistrer(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = client.post(url_saisie(lhss, "2026-11"), saisie(file_active=20) | {"transmettre": ""})

        assert reponse.status_code == 400
        assert "Le mois de 11/2026 n'est pas terminé" in texte(reponse)
        assert not Declaration.objects.exists()


@pytest.fixture
def validee(lhss, instructeur, django_capture_on_commit_callbacks):
    """Octobre transmis puis validé, agrégats calculés (le worker tourne sur place dans les tests)."""
    declaration = enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)})
    with django_capture_on_commit_callbacks(execute=True):
        valider(declaration=transmettre(declaration=declaration), user=instructeur)
    return Declaration.objects.get(pk=declaration.pk)


def agregats_qui_la_comptent():
    return Agregat.objects.filter(granularite=Granularite.MOIS, periode=OCTOBRE, nb_declarations__gt=0)


class TestRouvrir:
    def test_rouvrir_la_rend_a_l_operateur_change_sa_version_recalcule_et_previent(
        self, validee, operateur, django_capture_on_commit_callbacks
    ):
        assert agregats_qui_la_comptent().exists()
        version_vue = validee.version

        with django_capture_on_commit_callbacks(execute=True):
            rouvrir(declaration=validee, motif="  Les journées incluent septembre.  ", version_lue=version_vue)

        declaration = Declaration.objects.get(pk=validee.pk)
        assert declaration.statut == StatutDeclaration.RENVOYEE and declaration.est_modifiable
        assert (declaration.version, declaration.motif_renvoi) == (
            version_vue + 1,
            "Les journées incluent septembre.",
        )
        assert (declaration.validee_le, declaration.validee_par) == (None, None)
        assert not agregats_qui_la_comptent().exists()  # recalculé sans elle, comme après une validation
        assert [m.to for m in mail.outbox] == [[operateur.email]]
        assert "rouverte" in mail.outbox[0].subject and "Les journées incluent septembre." in mail.outbox[0].body

    def test_l_operateur_la_corrige_et_la_transmet_a_nouveau(self, validee):
        rouvrir(declaration=validee, motif="À revoir", version_lue=validee.version)
        declaration = Declaration.objects.get(pk=validee.pk)

        corrigee = enregistrer_declaration(
            dispositif=declaration.dispositif,
            mois=OCTOBRE,
            valeurs={"file_active": D(18)},
            version_lue=declaration.version,
        )
        transmettre(declaration=corrigee)

        assert Declaration.objects.get().statut == StatutDeclaration.TRANSMISE
        assert Valeur.objects.get(declaration=corrigee).valeur == 18

    def test_sans_motif_rien_ne_change(self, validee):
        with pytest.raises(ValidationError) as refus:
            rouvrir(declaration=validee, motif=" ", version_lue=validee.version)

        assert refus.value.error_dict["motif"][0].code == "requis"
        assert Declaration.objects.get().statut == StatutDeclaration.VALIDEE

    def test_une_version_perimee_recoit_un_conflit(self, validee):
        with pytest.raises(Conflit):
            rouvrir(declaration=validee, motif="À revoir", version_lue=validee.version - 1)

        assert Declaration.objects.get().statut == StatutDeclaration.VALIDEE

    def test_seule_une_declaration_validee_se_rouvre(self, lhss):
        transmise = DeclarationFactory(dispositif=lhss, statut=StatutDeclaration.TRANSMISE)

        with pytest.raises(ValidationError) as refus:
            rouvrir(declaration=transmise, motif="À revoir", version_lue=transmise.version)

        assert refus.value.code == "statut_change"
        assert Declaration.objects.get().statut == StatutDeclaration.TRANSMISE

    def test_l_agent_rouvre_depuis_la_page_de_la_declaration(
        self, client, instructeur, validee, django_capture_on_commit_callbacks
    ):
        client.force_login(instructeur)
        url = reverse("indicateurs:validation_declaration", args=[validee.pk])

        page = client.get(url)
        assert "Rouvrir la déclaration" in texte(page)
        version = page.context["reouverture"]["version"].value()
        with django_capture_on_commit_callbacks(execute=True):
            reponse = client.post(
                url, {"action": "rouvrir", "motif": "Erreur de mois", "version": version}, follow=True
            )

        assert "Déclaration rouverte : l'opérateur est prévenu par courriel" in texte(reponse)
        assert Declaration.objects.get().statut == StatutDeclaration.RENVOYEE
        assert "Rouvrir la déclaration" not in texte(reponse)

    def test_la_page_refuse_sans_motif_ou_sur_une_version_perimee(self, client, instructeur, validee):
        client.force_login(instructeur)
        url = reverse("indicateurs:validation_declaration", args=[validee.pk])

        sans_motif = client.post(url, {"action": "rouvrir", "motif": "", "version": validee.version})
        perimee = client.post(
            url, {"action": "rouvrir", "motif": "À revoir", "version": validee.version - 1}, follow=True
        )

        assert sans_motif.status_code == 400
        assert "Ce champ est obligatoire." in texte(sans_motif)
        assert "a changé depuis que vous l'avez ouverte" in texte(perimee)
        assert Declaration.objects.get().statut == StatutDeclaration.VALIDEE

    def test_un_mois_verrouille_rouvert_invite_a_une_derogation(self, client, instructeur, lhss):
        aout = DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, 8, 1), validee_par=instructeur)
        client.force_login(instructeur)
        url = reverse("indicateurs:validation_declaration", args=[aout.pk])

        reponse = client.post(url, {"action": "rouvrir", "motif": "À revoir", "version": aout.version}, follow=True)

        assert "Le mois est verrouillé : accordez-lui une dérogation" in texte(reponse)
        assert "Rouvrir ce mois après son verrouillage (dérogation)" in texte(reponse)


class TestDerogationSurUnMoisValide:
    def test_elle_est_refusee_avec_le_chemin_a_suivre(self, client, instructeur, lhss):
        aout = DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, 8, 1))
        client.force_login(instructeur)
        url = reverse("indicateurs:derogation")
        parametres = {"dispositif": lhss.pk, "mois": "2026-08"}

        page = client.get(url, parametres)
        reponse = client.post(url, parametres | {"jusqu_au": "2026-12-15", "motif": "Correction"})

        assert "La déclaration de ce mois est validée" in texte(page)
        assert reverse("indicateurs:validation_declaration", args=[aout.pk]) in page.content.decode()
        assert reponse.status_code == 400
        assert "La déclaration de 08/2026 est validée : une dérogation ne la rendrait pas modifiable." in texte(
            reponse
        )
        assert not Derogation.objects.exists()

    def test_une_fois_rouverte_la_derogation_s_accorde(self, client, instructeur, lhss):
        aout = DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, 8, 1))
        rouvrir(declaration=aout, motif="À revoir", version_lue=aout.version)
        client.force_login(instructeur)

        reponse = client.post(
            reverse("indicateurs:derogation"),
            {"dispositif": lhss.pk, "mois": "2026-08", "jusqu_au": "2026-12-15", "motif": "Correction"},
        )

        assert reponse.status_code == 302
        assert Derogation.objects.get().jusqu_au == datetime.date(2026, 12, 15)
