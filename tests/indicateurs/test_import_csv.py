"""L'import CSV : tout ou rien (une ligne refusée et rien n'est écrit, le compte rendu disant chaque ligne
fautive), les bornes d'une valeur communes à la page, à l'API et à l'import, un contenu qui n'est pas du CSV refusé
avec un message, l'essai à blanc qui n'écrit rien, et jamais le dispositif d'un autre organisme."""

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
    def test_une_ligne_refusee_et_rien_n_est_enregistre(self, operateur, lhss, lhss_autre, organisme, type_lhss):
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
        assert not compte_rendu.enregistre
        assert [ligne.statut for ligne in compte_rendu.acceptees] == ["correcte, non enregistrée"] * 2
        assert not Declaration.objects.exists() and not Valeur.objects.exists()

    def test_sans_ligne_refusee_tout_est_enregistre(self, operateur, lhss, organisme, type_lhss):
        from tests.dispositifs.factories import DispositifFactory

        second = DispositifFactory(organisme=organisme, type=type_lhss, finess="990000037")
        texte = "finess;mois;file_active\n990000011;2026-10;20\n990000037;2026-10;10\n990000011;2026-09;8\n"

        compte_rendu = importer(operateur, texte)

        assert compte_rendu.enregistre
        assert [ligne.statut for ligne in compte_rendu.lignes] == ["est enregistrée en brouillon"] * 3
        assert set(Declaration.objects.values_list("dispositif", "mois")) == {
            (lhss.pk, OCTOBRE),
            (second.pk, OCTOBRE),
            (lhss.pk, datetime.date(2026, 9, 1)),
        }

    @pytest.mark.parametrize("hors_bornes", ["1e30", "1e20", "10000000000", "-1e15", "2,555"])
    def test_une_bonne_ligne_puis_une_valeur_hors_bornes_n_enregistre_rien(self, operateur, lhss, hors_bornes):
        texte = f"finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-09;{hors_bornes}\n"

        compte_rendu = importer(operateur, texte)

        assert [ligne.numero for ligne in compte_rendu.refusees] == [3]
        assert compte_rendu.refusees[0].erreurs[0][0] == "file_active"
        assert not Declaration.objects.exists() and not Valeur.objects.exists()

    def test_les_memes_bornes_pour_la_page_l_api_et_l_import(self, client, operateur, lhss):
        """Une seule définition (indicateurs.regles) : la plus grande valeur passe, une unité de plus est refusée
        partout, sans rien écrire."""
        from rest_framework.test import APIClient

        from indicateurs.regles import VALEUR_MAX

        plus_grand = VALEUR_MAX // 1  # la file active est un entier
        trop = plus_grand + 1
        client.force_login(operateur)
        api = APIClient()
        api.force_authenticate(operateur)
        url_page = reverse("indicateurs:saisie", args=[lhss.pk, "2026-10"])
        donnees_api = {"dispositif": lhss.pk, "mois": "2026-10", "valeurs": {"file_active": str(trop)}}

        page = client.post(url_page, {"version": 0, "file_active": str(trop), "action": "enregistrer"})
        reponse_api = api.post("/api/v1/declarations/", donnees_api, format="json")
        compte_rendu = importer(operateur, f"finess;mois;file_active\n990000011;2026-10;{trop}\n")

        assert page.status_code == 400 and "file_active" in page.context["form"].errors
        assert reponse_api.status_code == 400 and "file_active" in str(reponse_api.json())
        assert compte_rendu.refusees[0].erreurs[0][0] == "file_active"
        assert not Valeur.objects.exists()
        assert importer(operateur, f"finess;mois;file_active\n990000011;2026-10;{plus_grand}\n").enregistre
        assert Valeur.objects.get().valeur == plus_grand

    def test_le_service_refuse_une_valeur_hors_bornes_pour_tout_appelant(self, lhss):
        from django.core.exceptions import ValidationError

        from indicateurs.services import enregistrer_declaration

        with pytest.raises(ValidationError) as refus:
            enregistrer_declaration(
                dispositif=lhss,
                mois=OCTOBRE,
                valeurs={"file_active": D("1e20")},
                aujourd_hui=datetime.date(2026, 11, 3),
            )

        assert refus.value.message_dict == {
            "file_active": ["Valeur trop grande : 10 chiffres au plus avant la virgule."]
        }
        assert not Declaration.objects.exists()

    def test_un_commentaire_trop_long_est_refuse_et_non_tronque(self, operateur, lhss):
        texte = f"finess;mois;file_active;commentaire_file_active\n990000011;2026-10;20;{'é' * 301}\n"

        compte_rendu = importer(operateur, texte)

        assert compte_rendu.refusees[0].erreurs == [
            (
                "commentaire_file_active",
                "Cellule trop longue : 300 caractères au plus (la plus longue, un commentaire).",
            )
        ]
        assert not Valeur.objects.exists()

    @pytest.mark.parametrize(
        "contenu, nature",
        [
            (b"PK\x03\x04\x14\x00\x06\x00", "un classeur Excel ou OpenDocument (.xlsx, .ods)"),
            (b"%PDF-1.7\n%\xe2\xe3\n", "un PDF"),
            (b"finess;mois\n\x00\x01\x02;2026-10\n", "il contient des données binaires"),
        ],
    )
    def test_un_contenu_qui_n_est_pas_du_csv_est_refuse_avec_un_message(self, operateur, lhss, contenu, nature):
        compte_rendu = import_csv.importer(contenu=contenu, dispositifs=dispositifs_declarants(operateur), essai=False)

        assert compte_rendu.erreurs_fichier == [
            f"Ce fichier n'est pas un CSV : {nature}. Depuis votre tableur, « Enregistrer sous » au format CSV."
        ]
        assert not Declaration.objects.exists()

    def test_une_cellule_geante_refuse_le_fichier_sans_planter(self, operateur, lhss):
        texte = 'finess;mois;file_active\n990000011;2026-10;"' + "1" * 200_000 + "\n"

        compte_rendu = importer(operateur, texte)

        assert compte_rendu.erreurs_fichier == ["Fichier illisible en CSV à la ligne 2 : guillemet non refermé ?"]
        assert not Declaration.objects.exists()

    def test_au_dela_du_nombre_maximal_de_lignes_le_fichier_est_refuse_avec_le_maximum_et_la_ligne(
        self, operateur, lhss, monkeypatch
    ):
        monkeypatch.setattr(import_csv, "LIGNES_MAX", 3)
        texte = "finess;mois;file_active\n" + "990000011;2026-10;20\n\n" * 4  # lignes vides non comptées

        compte_rendu = importer(operateur, texte)

        assert compte_rendu.erreurs_fichier == [
            "Le fichier a plus de 3 lignes de données (la ligne 8 dépasse) : 3 au plus par import, découpez-le en "
            "plusieurs imports."
        ]
        assert not Declaration.objects.exists()

    def test_le_nombre_maximal_de_lignes_est_accepte(self, monkeypatch):
        monkeypatch.setattr(import_csv, "LIGNES_MAX", 2)

        assert len(import_csv.lire("finess;mois\n1;2026-10\n2;2026-10\n\n")) == 4

    def test_le_maximum_s_ecrit_en_francais(self):
        with pytest.raises(ValueError, match="plus de 1\xa0000 lignes de données \\(la ligne 1002 dépasse\\)"):
            import_csv.lire("finess;mois\n" + "1;2026-10\n" * 1001)

    def test_l_essai_a_blanc_n_ecrit_rien_et_dit_ce_qui_serait_fait(self, operateur, lhss):
        compte_rendu = importer(
            operateur, "finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-08;20\n", essai=True
        )

        assert not Declaration.objects.exists()
        assert compte_rendu.lignes[0].statut == "correcte, non enregistrée"  # l'autre ligne est refusée
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
        assert not Valeur.objects.exists()


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
        assert "1 ligne correcte, 1 refusée." in page
        assert "Ligne 3, colonne finess : Dispositif « 999999999 » inconnu ou d'un autre organisme." in page
        assert not Declaration.objects.exists()

    def test_l_import_reel_refuse_tout_et_dit_chaque_ligne_fautive(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = self.envoyer(
            client, "finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-13;3\n990000011;2026-09;1e30\n"
        )

        page = texte(reponse)
        assert "Import refusé : rien n'a été enregistré" in page
        assert "1 ligne correcte, 2 refusées." in page
        assert "Ligne 3, colonne mois : « 2026-13 » : mois attendu sous la forme AAAA-MM." in page
        assert "Ligne 4, colonne file_active : Valeur trop grande : 10 chiffres au plus avant la virgule." in page
        assert not Declaration.objects.exists()

    def test_l_import_reel_sans_erreur_enregistre_tout(self, client, operateur, lhss):
        client.force_login(operateur)

        reponse = self.envoyer(client, "finess;mois;file_active\n990000011;2026-10;20\n990000011;2026-09;3\n")

        assert "Compte rendu de l'import" in texte(reponse)
        assert "2 lignes importées, 0 refusées." in texte(reponse)
        assert set(Declaration.objects.values_list("mois", flat=True)) == {OCTOBRE, datetime.date(2026, 9, 1)}

    def test_un_classeur_excel_est_refuse_avec_un_message(self, client, operateur, lhss):
        client.force_login(operateur)
        fichier = SimpleUploadedFile("declarations.xlsx", b"PK\x03\x04" + bytes(100), content_type="text/csv")

        reponse = client.post(reverse("indicateurs:import"), {"fichier": fichier})

        assert "Ce fichier n'est pas un CSV : un classeur Excel ou OpenDocument (.xlsx, .ods)." in texte(reponse)

    def test_un_envoi_de_plus_de_5_mo_est_refuse_avant_d_etre_lu(self, client, operateur, lhss):
        """Le corps annonce 6 Mo mais n'en contient que quelques octets : lire au-delà ferait échouer le client de
        test (FakePayload). Le refus vient donc de la taille annoncée, sans rien lire."""
        client.force_login(operateur)

        reponse = client.post(reverse("indicateurs:import"), {"essai": "on"}, CONTENT_LENGTH=str(6 * 1024 * 1024))

        assert reponse.status_code == 413
        assert "Le fichier dépasse 5 Mo : découpez-le en plusieurs imports." in texte(reponse)
        assert "Import refusé : rien n'a été enregistré" in texte(reponse)

    def test_un_fichier_de_plus_de_5_mo_est_refuse(self, client, operateur, lhss):
        client.force_login(operateur)
        gros = "finess;mois;file_active\n" + "990000011;2026-10;20\n" * 260_000  # 5,2 Mo

        reponse = self.envoyer(client, gros)

        assert reponse.status_code == 413
        assert "Le fichier dépasse 5 Mo" in texte(reponse)
        assert not Declaration.objects.exists()

    def test_l_import_reste_protege_contre_la_falsification_de_requete(self, operateur, lhss):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(operateur)

        reponse = self.envoyer(client, "finess;mois;file_active\n990000011;2026-10;20\n")

        assert reponse.status_code == 403
        assert not Declaration.objects.exists()

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


def test_un_grand_nombre_s_ecrit_en_chiffres_sans_planter():
    """Le filtre des pages arrondissait dans le contexte par défaut (28 chiffres) : 1E+30 levait InvalidOperation."""
    from commun.nombres import nombre

    assert nombre(D("1e30")).replace("\xa0", " ") == "1" + " 000" * 10
    assert nombre(D("2.345")) == "2,35"
