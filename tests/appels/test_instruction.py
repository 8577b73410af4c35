import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appels.exports import COLONNES_INSTRUCTION, COLONNES_NOTES
from appels.models import Avis, Candidature, Decision, DemandeComplement, Nature, StatutCandidature
from appels.services import candidatures, instruction
from appels.views import instruction as vues_instruction
from dispositifs.models import TypeDispositif
from tests.appels.factories import AppelFactory, CritereFactory, lettre_complete, pdf
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import OrganismeFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def appel(region_hdf):
    """Un AAP des Hauts-de-France, enveloppe de 500 000 €, grille 40 / 35 / 25."""
    appel = AppelFactory(
        reference="aap-instruction",
        nature=Nature.AAP,
        enveloppe=Decimal(500_000),
        types_cibles=[TypeDispositif.objects.get(code="LHSS-MOBILE"), TypeDispositif.objects.get(code="ACT-HLM")],
    )
    for libelle, poids in (("Besoins du territoire", 40), ("Projet de soins", 35), ("Coût", 25)):
        CritereFactory(appel=appel, libelle=libelle, poids=poids)
    return appel


def deposer(appel, organisme, user, **lettre) -> Candidature:
    """Un dépôt fait par le service, une heure avant la date limite."""
    candidature, _ = Candidature.objects.get_or_create(appel=appel, organisme=organisme)
    brouillon = lettre_complete(appel, **lettre)
    candidature.brouillon = {cle: v if isinstance(v, list) else [v] for cle, v in brouillon.items()}
    candidature.save()
    candidatures.deposer(
        candidature=candidature,
        user=user,
        cle=f"cle-{candidature.pk}",
        maintenant=appel.cloture - datetime.timedelta(hours=1),
    )
    candidature.refresh_from_db()
    return candidature


def clore(appel):
    appel.cloture = timezone.now() - datetime.timedelta(minutes=1)
    appel.save()


@pytest.fixture
def candidature(appel, organisme, operateur):
    candidature = deposer(appel, organisme, operateur, dispositif_envisage="LHSS-MOBILE")
    clore(appel)
    return candidature


def notes(appel, *valeurs) -> dict:
    return {f"note_{c.pk}": v for c, v in zip(appel.criteres.all(), valeurs, strict=True)}


def poster_avis(client, candidature, *valeurs, version=0, **champs):
    donnees = {"action": "avis", "version_lue": version, **notes(candidature.appel, *valeurs), **champs}
    return client.post(f"/instruction/candidatures/{candidature.pk}/", donnees)


def poster_decision(client, candidature, nature, version=0, **champs):
    donnees = {"action": "decision", "nature": nature, "version_lue": version, **champs}
    return client.post(f"/instruction/candidatures/{candidature.pk}/", donnees)


class TestNotation:
    def test_le_total_pondere_est_sur_100_et_n_existe_qu_une_fois_tout_note(self, appel):
        criteres = list(appel.criteres.all())
        toutes = {str(c.pk): n for c, n in zip(criteres, (8, 5, 10), strict=True)}

        # (8 × 40 + 5 × 35 + 10 × 25) / 100 × 10
        assert Avis.total_sur_100(toutes, criteres) == Decimal("74.50")
        assert Avis.total_sur_100({str(criteres[0].pk): 8}, criteres) is None

    def test_l_avis_enregistre_son_total_et_met_la_candidature_en_instruction(self, client, instructeur, candidature):
        client.force_login(instructeur)

        reponse = poster_avis(client, candidature, 8, 5, 10, commentaire="Solide.", annotation_privee="À revoir")

        assert reponse.status_code == 302
        avis = Avis.objects.get()
        assert (avis.total, avis.complet, avis.version) == (Decimal("74.50"), True, 1)
        candidature.refresh_from_db()
        assert candidature.statut == StatutCandidature.EN_INSTRUCTION
        page = client.get(f"/instruction/candidatures/{candidature.pk}/").content.decode()
        assert "74,5 / 100" in page and 'data-poids="40"' in page and "js/notation.js" in page

    def test_un_avis_incomplet_est_garde_sans_total_ni_compter_dans_l_avancement(
        self, client, instructeur, candidature
    ):
        client.force_login(instructeur)

        poster_avis(client, candidature, 8, "", "")

        assert Avis.objects.get().total is None
        assert "0/1 avis" in client.get("/instruction/aap-instruction/").content.decode()

    def test_une_note_hors_de_0_a_10_est_refusee(self, client, instructeur, candidature):
        client.force_login(instructeur)

        reponse = poster_avis(client, candidature, 8, 11, 10)

        assert reponse.status_code == 400
        assert not Avis.objects.exists()

    def test_ni_avis_ni_decision_avant_la_date_limite(self, client, instructeur, appel, organisme, operateur):
        candidature = deposer(appel, organisme, operateur)
        client.force_login(instructeur)

        avis = poster_avis(client, candidature, 8, 5, 10)
        decision = poster_decision(client, candidature, "retenue")

        assert avis.status_code == decision.status_code == 400
        assert "l&#x27;instruction commence après" in avis.content.decode()
        assert not Avis.objects.exists() and not Decision.objects.exists()


class TestVerrouOptimiste:
    def test_deux_onglets_du_meme_avis_ne_s_ecrasent_pas(self, client, instructeur, candidature):
        client.force_login(instructeur)
        poster_avis(client, candidature, 8, 5, 10, commentaire="Premier onglet")

        reponse = poster_avis(client, candidature, 1, 1, 1, commentaire="Second onglet", version=0)

        assert reponse.status_code == 409
        page = reponse.content.decode()
        assert str(instructeur) in page and "74,5 / 100" in page and "« Premier onglet »" in page
        assert 'value="1"' in page  # la version enregistrée : un nouvel envoi, lu le conflit, l'emportera
        avis = Avis.objects.get()
        assert (avis.commentaire, avis.total, avis.version) == ("Premier onglet", Decimal("74.50"), 1)

    def test_chaque_evaluateur_a_son_avis_et_son_annotation_reste_privee(
        self, client, instructeur, planificateur, candidature
    ):
        client.force_login(instructeur)
        poster_avis(client, candidature, 8, 5, 10, commentaire="Avis partagé", annotation_privee="Note secrète")
        client.force_login(planificateur)

        reponse = poster_avis(client, candidature, 2, 2, 2, version=0)

        assert reponse.status_code == 302
        assert Avis.objects.count() == 2
        page = client.get(f"/instruction/candidatures/{candidature.pk}/").content.decode()
        assert "Avis partagé" in page and "Note secrète" not in page

    def test_deux_instructeurs_qui_decident_en_meme_temps_ne_s_ecrasent_pas(
        self, client, instructeur, planificateur, candidature
    ):
        client.force_login(planificateur)
        poster_decision(client, candidature, "retenue", montant_retenu="200 000", motif="Projet prioritaire")
        client.force_login(instructeur)

        reponse = poster_decision(client, candidature, "non_retenue", version=0, motif="Budget insuffisant")

        assert reponse.status_code == 409
        page = reponse.content.decode()
        assert f"{planificateur} a enregistré une décision" in page
        assert "Retenue, montant retenu 200\xa0000\xa0€, motif « Projet prioritaire »" in page
        assert "Budget insuffisant" in page  # la saisie refusée reste à l'écran
        decision = Decision.objects.get()
        assert (decision.nature, decision.decide_par, decision.version) == ("retenue", planificateur, 1)
        candidature.refresh_from_db()
        assert candidature.statut == StatutCandidature.RETENUE

    def test_une_decision_relue_se_revise(self, client, instructeur, candidature):
        client.force_login(instructeur)
        poster_decision(client, candidature, "retenue")

        reponse = poster_decision(client, candidature, "non_retenue", version=1, motif="Après comité")

        assert reponse.status_code == 302
        assert (Decision.objects.get().nature, Decision.objects.get().version) == ("non_retenue", 2)


class TestAcces:
    def test_la_dreets_ne_voit_la_file_qu_en_co_instruction(self, client, dreets, candidature, appel):
        client.force_login(dreets)

        assert client.get("/instruction/aap-instruction/").status_code == 404
        assert client.get(f"/instruction/candidatures/{candidature.pk}/").status_code == 404
        assert "aap-instruction" not in client.get("/instruction/").content.decode()
        appel.co_instruction_dreets = True
        appel.save()
        assert client.get("/instruction/aap-instruction/").status_code == 200
        assert client.get(f"/instruction/candidatures/{candidature.pk}/").status_code == 200
        assert "aap-instruction" in client.get("/instruction/").content.decode()

    def test_la_dreets_co_instruit_sans_decider_sur_la_page(self, client, dreets, candidature, appel):
        appel.co_instruction_dreets = True
        appel.save()
        client.force_login(dreets)

        page = client.get(f"/instruction/candidatures/{candidature.pk}/").content.decode()
        reponse = poster_decision(client, candidature, "retenue", montant_retenu="200 000", motif="Prioritaire")

        assert "La décision de financement revient à l&#x27;ARS" in page
        assert 'name="action" value="decision"' not in page and 'name="action" value="avis"' in page
        assert reponse.status_code == 403
        assert not Decision.objects.exists()
        candidature.refresh_from_db()
        assert candidature.statut == StatutCandidature.DEPOSEE
        assert poster_avis(client, candidature, 8, 7, 6).status_code == 302  # son avis, elle le donne

    @pytest.mark.parametrize("role", ["planificateur", "instructeur", "administrateur"])
    def test_l_ars_decide_par_la_page(self, client, role, request, candidature):
        client.force_login(request.getfixturevalue(role))

        page = client.get(f"/instruction/candidatures/{candidature.pk}/").content.decode()
        reponse = poster_decision(client, candidature, "retenue", montant_retenu="200 000")

        assert 'name="action" value="decision"' in page
        assert reponse.status_code == 302
        assert Decision.objects.get().decide_par == request.getfixturevalue(role)

    def test_le_service_refuse_la_decision_a_la_dreets_quel_que_soit_l_appelant(self, dreets, candidature, appel):
        appel.co_instruction_dreets = True
        appel.save()

        with pytest.raises(PermissionDenied, match="revient à l'ARS"):
            instruction.decider(candidature=candidature, user=dreets, nature="retenue", version_lue=0)

        assert not Decision.objects.exists()
        candidature.refresh_from_db()
        assert candidature.statut == StatutCandidature.DEPOSEE

    def test_un_operateur_n_atteint_aucune_page_d_instruction(self, client, operateur_autre, candidature):
        demande = DemandeComplement.objects.create(
            candidature=candidature, demandee_par=UtilisateurFactory(instructeur=True), message="Budget détaillé"
        )
        client.force_login(operateur_autre)
        pages_ars = [
            "/instruction/",
            "/instruction/aap-instruction/",
            "/instruction/aap-instruction/classement/",
            "/instruction/aap-instruction/export.csv",
            "/instruction/aap-instruction/export.xlsx",
            "/instruction/aap-instruction/pieces.zip",
            f"/instruction/candidatures/{candidature.pk}/",
        ]

        assert {client.get(url).status_code for url in pages_ars} == {403}
        assert poster_decision(client, candidature, "retenue").status_code == 403
        assert client.get(f"/instruction/complements/{demande.pk}/repondre/").status_code == 404
        assert client.get(f"/instruction/candidatures/{candidature.pk}/complement/").status_code == 404
        assert not Decision.objects.exists()

    def test_l_instructeur_d_une_autre_region_recoit_404(self, client, candidature):
        client.force_login(UtilisateurFactory(instructeur=True, region=RegionFactory(code="11", nom="Île-de-France")))

        assert client.get("/instruction/aap-instruction/").status_code == 404
        assert client.get(f"/instruction/candidatures/{candidature.pk}/").status_code == 404


def test_la_decision_previent_l_operateur_et_parait_dans_mes_candidatures(
    client, instructeur, operateur, candidature, django_capture_on_commit_callbacks
):
    client.force_login(instructeur)

    with django_capture_on_commit_callbacks(execute=True):
        reponse = poster_decision(
            client,
            candidature,
            "reorientee",
            type_propose=TypeDispositif.objects.get(code="ACT-HLM").pk,
            motif="Le projet relève plutôt d'ACT hors les murs.",
            montant_retenu="180000",
        )

    assert reponse.status_code == 302
    (courriel,) = mail.outbox
    assert courriel.to == [operateur.email]
    assert "décision" in courriel.subject and "Réorientée vers un autre type" in courriel.body
    assert "relève plutôt d'ACT" in courriel.body  # texte brut : pas d'apostrophe échappée
    client.force_login(operateur)
    page = client.get("/candidatures/").content.decode()
    assert "Réorientée vers un autre type" in page and "ACT hors les murs" in page
    assert "180\xa0000\xa0€ retenus" in page


def test_une_reorientation_exige_le_type_propose_et_un_motif(client, instructeur, candidature):
    client.force_login(instructeur)

    reponse = poster_decision(client, candidature, "reorientee")

    assert reponse.status_code == 400
    page = reponse.content.decode()
    assert "Indiquez le type de dispositif" in page and "Donnez le motif" in page
    assert not Decision.objects.exists()


def test_complement_demande_repondu_confirme_puis_instruction_reprise(
    client, instructeur, operateur, candidature, django_capture_on_commit_callbacks
):
    client.force_login(instructeur)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/instruction/candidatures/{candidature.pk}/",
            {"action": "complement", "message": "Joignez le budget détaillé par poste."},
        )
    candidature.refresh_from_db()
    assert candidature.statut == StatutCandidature.A_COMPLETER
    assert mail.outbox[0].to == [operateur.email] and "à compléter" in mail.outbox[0].subject
    assert poster_decision(client, candidature, "retenue").status_code == 400  # on décide après la réponse

    client.force_login(operateur)
    assert "Compléter le dossier" in client.get("/candidatures/").content.decode()
    lien = client.get(f"/instruction/candidatures/{candidature.pk}/complement/")
    demande = DemandeComplement.objects.get()
    assert lien["Location"] == f"/instruction/complements/{demande.pk}/repondre/"
    sans_confirmation = client.post(lien["Location"], {"reponse": "Budget : 120 000 € de personnel."})
    with django_capture_on_commit_callbacks(execute=True):
        confirmee = client.post(lien["Location"], {"reponse": "Budget : 120 000 € de personnel.", "confirmee": "on"})

    assert sans_confirmation.status_code == 400 and "Cochez la case" in sans_confirmation.content.decode()
    assert confirmee.status_code == 302
    demande.refresh_from_db()
    candidature.refresh_from_db()
    assert demande.confirmee and demande.repondu_par == operateur
    assert candidature.statut == StatutCandidature.EN_INSTRUCTION
    assert mail.outbox[-1].to == [instructeur.email] and "120 000 €" in mail.outbox[-1].body
    assert client.post(lien["Location"], {"reponse": "Autre", "confirmee": "on"}).status_code == 400
    client.force_login(instructeur)
    assert (
        "Budget : 120 000 € de personnel."
        in client.get(f"/instruction/candidatures/{candidature.pk}/").content.decode()
    )


@pytest.fixture
def instruite(client, instructeur, planificateur, candidature):
    """Deux avis complets (74,5 et 50) et une décision retenue à 200 000 €."""
    client.force_login(planificateur)
    poster_avis(client, candidature, 5, 5, 5, commentaire="Correct.", annotation_privee="Confidentiel")
    client.force_login(instructeur)
    poster_avis(client, candidature, 8, 5, 10, commentaire="Solide.")
    poster_decision(
        client, candidature, "retenue", montant_retenu="200000", capacite_retenue="12", motif="Prioritaire"
    )
    return candidature


class TestExports:
    def test_le_csv_a_ses_colonnes_francaises_stables_et_une_ligne_par_candidature(self, client, instruite):
        contenu = client.get("/instruction/aap-instruction/export.csv").content.decode("utf-8-sig")

        entete, ligne = csv.reader(io.StringIO(contenu), delimiter=";")
        assert entete[:5] == ["Numéro de dépôt", "Version", "Déposé le", "Organisme", "Statut"]
        assert entete[-len(COLONNES_INSTRUCTION) :] == COLONNES_INSTRUCTION
        assert "Budget annuel demandé (€)" in entete and "Dispositif envisagé" in entete
        valeurs = dict(zip(entete, ligne, strict=True))
        assert valeurs["Organisme"] == instruite.organisme.nom and valeurs["Statut"] == "Retenue"
        assert valeurs["Note moyenne /100"] == "62,25" and valeurs["Avis complets"] == "2"
        assert valeurs["Décision"] == "Retenue" and valeurs["Montant retenu (€)"] == "200000"
        assert "Solide." in valeurs["Commentaires partagés"] and "Confidentiel" not in contenu

    def test_le_csv_dit_l_etat_d_un_partenariat_en_francais_et_pas_son_code(self, client, instruite):
        contenu = client.get("/instruction/aap-instruction/export.csv").content.decode("utf-8-sig")

        entete, ligne = csv.reader(io.StringIO(contenu), delimiter=";")
        valeurs = dict(zip(entete, ligne, strict=True))
        assert valeurs["Partenariats"] == "PASS du centre hospitalier (Acté (accord écrit))"
        assert valeurs["Budget annuel demandé (€)"] == "250000"  # le CSV garde le format machine

    def test_le_xlsx_a_les_memes_colonnes_et_une_feuille_des_notes(self, client, instruite):
        from openpyxl import load_workbook

        reponse = client.get("/instruction/aap-instruction/export.xlsx")
        classeur = load_workbook(io.BytesIO(reponse.content))

        assert classeur.sheetnames == ["Candidatures", "Notes"]
        entete = [c.value for c in classeur["Candidatures"][1]]
        contenu = client.get("/instruction/aap-instruction/export.csv").content.decode("utf-8-sig")
        assert entete == next(csv.reader(io.StringIO(contenu), delimiter=";"))
        notes = list(classeur["Notes"].values)
        assert list(notes[0]) == COLONNES_NOTES and len(notes) == 1 + 2 * 3  # deux avis × trois critères
        assert classeur["Candidatures"].max_row == 2

    def test_les_textes_de_l_operateur_ne_deviennent_jamais_des_formules(
        self, client, instructeur, appel, organisme, operateur
    ):
        from openpyxl import load_workbook

        lien = '=HYPERLINK("http://pirate.example","Voir")'
        candidature = deposer(appel, organisme, operateur, experience=lien, nature_proposition="-2+3")
        clore(appel)
        client.force_login(instructeur)
        poster_avis(client, candidature, 5, 5, 5, commentaire="Correct.")

        contenu = client.get("/instruction/aap-instruction/export.csv").content.decode("utf-8-sig")
        classeur = load_workbook(io.BytesIO(client.get("/instruction/aap-instruction/export.xlsx").content))

        cellules_csv = [c for ligne in csv.reader(io.StringIO(contenu), delimiter=";") for c in ligne]
        assert "'" + lien in cellules_csv and "'-2+3" in cellules_csv
        assert not [c for c in cellules_csv if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        cellules = [c for feuille in classeur for ligne in feuille.iter_rows() for c in ligne]
        assert not [c.coordinate for c in cellules if c.data_type == "f"]
        assert {lien, "-2+3"} <= {c.value for c in cellules if c.quotePrefix}

    def test_le_zip_contient_l_accuse_et_les_pieces_du_depot_instruit_sans_rien_ecrire(
        self, client, instructeur, appel, organisme, operateur
    ):
        candidature = Candidature.objects.create(appel=appel, organisme=organisme)
        fichier = SimpleUploadedFile("lettre.pdf", pdf(pages=2), content_type="application/pdf")
        candidatures.ajouter_piece(candidature=candidature, fichier=fichier, nature="lettre")
        deposer(appel, organisme, operateur)
        clore(appel)
        numero = candidature.depot_courant.numero
        client.force_login(instructeur)

        reponse = client.get("/instruction/aap-instruction/pieces.zip")

        assert reponse["Content-Type"] == "application/zip"
        noms = zipfile.ZipFile(io.BytesIO(reponse.content)).namelist()
        dossier = f"{numero}-{organisme.nom.lower().replace(' ', '-').replace('(', '').replace(')', '')}"
        assert noms == [f"{dossier}/accuse-{numero}.pdf", f"{dossier}/pieces/01-lettre.pdf"]
        # L'accusé, pas encore produit par sa tâche, est rendu pour l'archive sans être enregistré ni envoyé.
        assert not candidature.depot_courant.accuse and mail.outbox == []


def test_la_file_se_filtre_par_statut_type_et_territoire(client, instructeur, appel, operateur):
    nord = TerritoireFactory(code="59", nom="Nord", parent=appel.region)
    somme = TerritoireFactory(code="80", nom="Somme", parent=appel.region)
    lhss = deposer(
        appel, OrganismeFactory(nom="LHSS Nord"), operateur, dispositif_envisage="LHSS-MOBILE", territoires=["59"]
    )
    act = deposer(
        appel, OrganismeFactory(nom="ACT Somme"), operateur, dispositif_envisage="ACT-HLM", territoires=["80"]
    )
    clore(appel)
    client.force_login(instructeur)
    poster_decision(client, act, "retenue")

    def organismes(requete):
        reponse = client.get(f"/instruction/aap-instruction/?{requete}")
        return [d.candidature.organisme.nom for d in reponse.context["dossiers"]]

    assert organismes("") == ["ACT Somme", "LHSS Nord"]
    assert organismes("type=ACT-HLM") == ["ACT Somme"]
    assert organismes("territoire=59") == ["LHSS Nord"]
    assert organismes("statut=retenue") == ["ACT Somme"]
    assert organismes("statut=retenue&territoire=59") == []
    page = client.get("/instruction/aap-instruction/").content.decode()
    assert "Somme</option>" in page and "ACT hors les murs</option>" in page
    assert lhss.pk and nord.pk and somme.pk


def test_la_file_est_paginee_et_ses_liens_gardent_les_filtres(
    client, instructeur, appel, operateur, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(vues_instruction, "DOSSIERS_PAR_PAGE", 2)
    TerritoireFactory(code="59", nom="Nord", parent=appel.region)
    TerritoireFactory(code="80", nom="Somme", parent=appel.region)
    for nom in ("A", "B", "C"):
        deposer(appel, OrganismeFactory(nom=f"{nom} Nord"), operateur, territoires=["59"])
    deposer(appel, OrganismeFactory(nom="D Somme"), operateur, territoires=["80"])
    clore(appel)
    client.force_login(instructeur)

    def page(requete):
        with django_assert_num_queries(8):
            reponse = client.get(f"/instruction/aap-instruction/?{requete}")
        return reponse, [d.candidature.organisme.nom for d in reponse.context["dossiers"]]

    premiere, noms_1 = page("territoire=59")
    seconde, noms_2 = page("territoire=59&page=2")
    _, toute_la_file = page("page=2")

    assert len(noms_1) == 2 and len(noms_2) == 1
    assert sorted(noms_1 + noms_2) == ["A Nord", "B Nord", "C Nord"]
    assert len(toute_la_file) == 2  # le numéro de page seul ne filtre rien : 4 candidatures, 2 par page
    contenu = premiere.content.decode()
    assert "Candidatures déposées (3 sur 4), 1 à 2" in contenu
    assert "territoire=59&amp;page=2" in contenu  # le filtre suit dans les liens de pagination
    assert "Candidatures déposées (3 sur 4), 3 à 3" in seconde.content.decode()


class TestClassementEtBudget:
    def test_le_classement_suit_la_moyenne_et_le_budget_les_decisions(self, client, instructeur, appel, operateur):
        fortes = deposer(
            appel,
            OrganismeFactory(nom="B forte"),
            operateur,
            dispositif_envisage="LHSS-MOBILE",
            budget_demande="300000",
        )
        faible = deposer(
            appel,
            OrganismeFactory(nom="A faible"),
            operateur,
            dispositif_envisage="LHSS-MOBILE",
            budget_demande="250000",
        )
        sans_avis = deposer(appel, OrganismeFactory(nom="C sans avis"), operateur, dispositif_envisage="ACT-HLM")
        clore(appel)
        client.force_login(instructeur)
        poster_avis(client, fortes, 10, 10, 10)
        poster_avis(client, faible, 2, 2, 2)
        poster_decision(client, fortes, "retenue", montant_retenu="280000")
        poster_decision(
            client,
            faible,
            "reorientee",
            type_propose=TypeDispositif.objects.get(code="ACT-HLM").pk,
            motif="Mieux en ACT",
            montant_retenu="110000",
        )

        reponse = client.get("/instruction/aap-instruction/classement/")

        organismes = [ligne["dossier"].candidature.organisme.nom for ligne in reponse.context["lignes"]]
        assert organismes == ["B forte", "A faible", "C sans avis"]
        assert [ligne["depasse"] for ligne in reponse.context["lignes"]] == [False, True, True]
        budget = reponse.context["budget"]
        assert (budget.total.demande, budget.total.retenu, budget.reste) == (800_000, 390_000, 110_000)
        par_type = {ligne.libelle: ligne for ligne in budget.par_type}
        assert (par_type["LHSS mobile"].demande, par_type["LHSS mobile"].retenu) == (550_000, 280_000)
        assert (par_type["ACT hors les murs"].demande, par_type["ACT hors les murs"].retenu) == (250_000, 110_000)
        assert par_type["ACT hors les murs"].financable == 10  # 110 000 € restants à 11 000 € l'unité
        assert sans_avis.pk


def remplir(appel, operateur, instructeur, nombre):
    """`nombre` candidatures notées et décidées, pour compter les requêtes."""
    for rang in range(nombre):
        candidature = deposer(appel, OrganismeFactory(), operateur)
        Avis.objects.create(candidature=candidature, evaluateur=instructeur, notes={}, total=Decimal(50), complet=True)
        Decision.objects.create(
            candidature=candidature,
            nature="retenue",
            decide_par=instructeur,
            decide_le=timezone.now(),
            montant_retenu=rang,
        )


@pytest.mark.parametrize("page", ["", "classement/"])
def test_la_file_et_le_classement_se_lisent_en_huit_requetes_quel_que_soit_le_nombre_de_dossiers(
    client, instructeur, operateur, appel, django_assert_num_queries, page
):
    remplir(appel, operateur, instructeur, 1)
    clore(appel)
    client.force_login(instructeur)
    # session, utilisateur, appel avec sa région, types de dispositifs, candidatures (organisme, décision,
    # dernier dépôt, avis complets et moyenne), noms des territoires, évaluateurs attendus, région de
    # l'utilisateur pour l'en-tête
    attendu = 8
    with django_assert_num_queries(attendu):
        assert (
            len(client.get(f"/instruction/aap-instruction/{page}").context["dossiers" if not page else "lignes"]) == 1
        )
    remplir(appel, operateur, instructeur, 19)
    with django_assert_num_queries(attendu):
        assert (
            len(client.get(f"/instruction/aap-instruction/{page}").context["dossiers" if not page else "lignes"]) == 20
        )


def test_une_candidature_retenue_devient_une_perspective_du_tableau_de_planification(
    client, instructeur, planificateur, candidature
):
    from dispositifs.models import Dispositif, Statut
    from tests.planification.factories import HorizonFactory

    appel = candidature.appel
    appel.horizon = HorizonFactory()
    appel.save()
    client.force_login(instructeur)

    poster_decision(client, candidature, "retenue", capacite_retenue="12", montant_retenu="150000")

    projet = Dispositif.objects.get(decision__candidature=candidature)
    assert (projet.statut, projet.type.code, projet.capacite_prevue, projet.horizon) == (
        Statut.PROJET,
        "LHSS-MOBILE",
        12,
        appel.horizon,
    )
    client.force_login(planificateur)
    lignes = client.get(f"/api/v1/planification/?region=32&horizon={appel.horizon.slug}&type=LHSS-MOBILE").json()
    assert next(ligne for ligne in lignes["lignes"] if ligne["niveau"] == "region")["perspectives"] == 12

    client.force_login(instructeur)
    poster_decision(client, candidature, "non_retenue", version=1, motif="Revu après audition.")
    assert not Dispositif.objects.filter(pk=projet.pk).exists()  # le projet jamais autorisé disparaît


def test_l_accueil_compte_les_candidatures_deposees_a_completer_et_decidees(client, instructeur, appel, operateur):
    retenue = deposer(appel, OrganismeFactory(nom="Retenue"), operateur)
    a_completer = deposer(appel, OrganismeFactory(nom="À compléter"), operateur)
    deposer(appel, OrganismeFactory(nom="Déposée"), operateur)
    Candidature.objects.create(appel=appel, organisme=OrganismeFactory(nom="Brouillon"))  # jamais déposée
    clore(appel)
    client.force_login(instructeur)
    poster_decision(client, retenue, "retenue")
    client.post(f"/instruction/candidatures/{a_completer.pk}/", {"action": "complement", "message": "Budget"})

    (lu,) = client.get("/instruction/").context["appels"]

    assert (lu.nb_deposees, lu.nb_a_completer, lu.nb_decidees) == (3, 1, 1)
