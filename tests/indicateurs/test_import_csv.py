"""L'import CSV : chaque ligne dans sa transaction, les bonnes importées malgré les mauvaises, l'essai à blanc
qui n'écrit rien, et jamais le dispositif d'un autre organisme."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from config.policy import dispositifs_declarants
from indicateurs import import_csv
from indicateurs.models import Declaration, StatutDeclaration, Valeur
from tests.indicateurs.test_declarations_pages import texte

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)


def importer(operateur, texte, *, essai=False, transmettre=False, encodage="utf-8"):
    return import_csv.importer(
        contenu=texte.encode(encodage),
        dispositifs=dispositifs_declarants(operateur),
        essai=essai,
        transmettre=transmettre,
    )


class TestLecture:
    def test_utf8_avec_bom_et_latin1_se_lisent(self):
        assert import_csv.decoder("\ufeffmois;file_active\n".encode()) == "mois;file_active\n"
        assert import_csv.decoder("commentaire_file_active\nFermé\n".encode("cp1252")).endswith("Fermé\n")

    def test_le_separateur_est_devine(self):
        assert import_csv.lire("finess;mois\n1;2026-10\n") == [["finess", "mois"], ["1", "2026-10"]]
        assert import_csv.lire("finess,mois\n1,2026-10\n") == [["finess", "mois"], ["1", "2026-10"]]

    def test_les_nombres_a_la_francaise(self):
        assert import_csv.lire_nombre("2,5") == D("2.5")
        assert import_csv.lire_nombre("1 200") == D(1200)
        with pytest.raises(ValueError, match="« douze » n'est pas un nombre."):
            import_csv.lire_nombre("douze")

    def test_un_en_tete_incomplet_ou_inconnu_refuse_le_fichier(self):
        erreurs = import_csv.erreurs_d_entete(["finess", "file_activ"], {"file_active"})

        assert erreurs == ["Colonne « mois » manquante.", "Colonne inconnue : « file_activ »."]

    def test_une_ligne_mal_formee_dit_sa_colonne_et_sa_raison(self):
        ligne = import_csv.analyser(4, {"finess": "123", "mois": "10/2026", "file_active": "x"}, {}, {"file_active"})

        assert ligne.erreurs == [
            ("finess", "Dispositif « 123 » inconnu ou d'un autre organisme."),
            ("mois", "« 10/2026 » : mois attendu sous la forme AAAA-MM."),
            ("file_active", "« x » n'est pas un nombre."),
        ]


class TestImport:
    def test_une_mauvaise_ligne_n_empeche_pas_les_bonnes(self, operateur, lhss, lhss_autre, organisme, type_lhss):
        from tests.dispositifs.factories import DispositifFactory

        second = DispositifFactory(organisme=organisme, type=type_lhss, finess="990000037")
        texte = (
            "finess;mois;file_active;nouvelles_personnes\n"
            "990000011;2026-10;20;4\n"
            "990000037;2026-10;10;12\n"  # plus de nouvelles personnes que de file active
            "990000029;2026-10;5;1\n"  # le LHSS d'un autre organisme
            f"{second.pk};2026-09;8;2\n"  # l'identifiant marche aussi
        )

        compte_rendu = importer(operateur, texte)

        assert [ligne.numero for ligne in compte_rendu.acceptees] == [2, 5]
        assert [(ligne.numero, ligne.erreurs) for ligne in compte_rendu.refusees] == [
            (
                3,
                [
                    (
                        "nouvelles_personnes",
                        "Les nouvelles personnes font partie de la file active : elles ne peuvent pas être plus "
                        "nombreuses.",
                    )
                ],
            ),
            (4, [("finess", "Dispositif « 990000029 » inconnu ou d'un autre organisme.")]),
        ]
        assert set(Declaration.objects.values_list("dispositif__finess", "mois")) == {
            ("990000011", OCTOBRE),
            ("990000037", datetime.date(2026, 9, 1)),
        }
        assert not Declaration.objects.filter(dispositif=lhss_autre).exists()

    def test_l_essai_a_blanc_n_ecrit_rien_et_dit_ce_qui_serait_fait(self, operateur, lhss):
        compte_rendu = importer(
            operateur, "finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-08;20\n", essai=True
        )

        assert not Declaration.objects.exists()
        assert compte_rendu.lignes[0].statut == "serait enregistrée en brouillon"
        assert "verrouillé" in compte_rendu.lignes[1].erreurs[0][1]  # le calendrier s'applique aussi à l'essai

    def test_l_import_peut_transmettre_directement(self, operateur, lhss):
        importer(operateur, "finess,mois,file_active\n990000011,2026-10,20\n", transmettre=True)

        assert Declaration.objects.get().statut == StatutDeclaration.TRANSMISE

    def test_latin1_et_commentaires(self, operateur, lhss):
        texte = "finess;mois;file_active;commentaire_file_active\n990000011;2026-10;20;Fermé 3 jours\n"

        importer(operateur, texte, encodage="cp1252")

        assert Valeur.objects.get().commentaire == "Fermé 3 jours"

    def test_une_ligne_en_double_est_refusee(self, operateur, lhss):
        compte_rendu = importer(operateur, "finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-10;21\n")

        assert compte_rendu.refusees[0].erreurs == [("mois", "Ce dispositif et ce mois figurent déjà ligne 2.")]
        assert Valeur.objects.get().valeur == 20


class TestPageImport:
    def envoyer(self, client, texte, **options):
        fichier = SimpleUploadedFile("declarations.csv", texte.encode(), content_type="text/csv")
        return client.post(reverse("indicateurs:import"), {"fichier": fichier, **options})

    def test_l_essai_a_blanc_montre_le_numero_de_ligne_et_la_raison(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = self.envoyer(
            client, "finess;mois;file_active\n990000011;2026-10;20\n999999999;2026-10;3\n", essai="on"
        )

        page = texte(reponse)
        assert "Essai à blanc : rien n'a été enregistré" in page
        assert "1 ligne serait importée, 1 refusée" in page
        assert "Ligne 3, colonne finess : Dispositif « 999999999 » inconnu ou d'un autre organisme." in page
        assert not Declaration.objects.exists()

    def test_l_import_reel_enregistre_les_bonnes_lignes(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = self.envoyer(client, "finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-13;3\n")

        assert "Compte rendu de l'import" in texte(reponse)
        assert "Ligne 3, colonne mois : « 2026-13 » : mois attendu sous la forme AAAA-MM." in texte(reponse)
        assert Declaration.objects.get().mois == OCTOBRE

    def test_le_modele_liste_les_dispositifs_de_l_operateur_seulement(self, client, operateur, lhss, lhss_autre):
        client.force_login(operateur)

        contenu = client.get(reverse("indicateurs:modele_csv")).content.decode()

        entete, *lignes = contenu.lstrip("\ufeff").splitlines()
        assert entete.startswith("finess;mois;file_active;nouvelles_personnes")
        assert lignes == [f"990000011;2026-10{';' * (entete.count(';') - 1)}"]

    def test_la_page_garde_un_nombre_de_requetes_constant(self, client, operateur, lhss, django_assert_num_queries):
        client.force_login(operateur)

        # Session, utilisateur, indicateurs, leurs types.
        with django_assert_num_queries(4):
            assert client.get(reverse("indicateurs:import")).status_code == 200
