import datetime
import html
import io
import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from appels.lettre import OBLIGATOIRES_AU_DEPOT, empreinte
from appels.models import Candidature, Depot, PieceJointe, StatutCandidature
from appels.services import candidatures
from appels.tasks import generer_accuse
from dispositifs.models import TypeDispositif
from tests.appels.factories import AppelFactory, lettre_complete, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def appel(region_hdf):
    appel = AppelFactory(reference="ami-essai", types_cibles=[TypeDispositif.objects.get(code="LHSS-MOBILE")])
    appel.types_exclus.set([TypeDispositif.objects.get(code="EMPP")])
    return appel


@pytest.fixture
def candidature(appel, organisme):
    return Candidature.objects.create(appel=appel, organisme=organisme)


def enregistrer(client, appel, donnees, version=0):
    return client.post(
        f"/appels/{appel.reference}/lettre/brouillon/",
        {**donnees, "version_brouillon": version},
        headers={"Accept": "application/json"},
    )


def deposer(client, appel, donnees, version, cle="cle-unique-1"):
    """Le bouton « Déposer » : ce qui est à l'écran (version lue comprise, sauf None) et la clé du formulaire."""
    envoi = {**donnees, "cle_depot": cle} | ({} if version is None else {"version_brouillon": version})
    return client.post(f"/appels/{appel.reference}/lettre/deposer/", envoi)


def test_le_brouillon_garde_tout_meme_incomplet_et_ne_se_voit_pas_comme_depose(client, operateur, appel):
    client.force_login(operateur)

    reponse = enregistrer(client, appel, {"experience": "Maraudes", "file_active": "beaucoup"})

    assert reponse.status_code == 200 and reponse.json()["version"] == 1
    candidature = Candidature.objects.get()
    assert candidature.brouillon["file_active"] == ["beaucoup"]  # rien n'est perdu, même invalide
    assert candidature.statut == StatutCandidature.BROUILLON and not candidature.depots.exists()
    page = client.get(f"/appels/{appel.reference}/lettre/").content.decode()
    assert "non déposée" in page and "Maraudes" in page


def test_deux_onglets_ne_s_ecrasent_pas_et_le_second_recoit_409(client, operateur, appel):
    client.force_login(operateur)
    enregistrer(client, appel, {"experience": "Premier onglet"}, version=0)

    reponse = enregistrer(client, appel, {"experience": "Second onglet"}, version=0)

    assert reponse.status_code == 409
    assert "enregistré ailleurs" in reponse.json()["erreur"]
    assert Candidature.objects.get().brouillon["experience"] == ["Premier onglet"]


def test_un_depot_recoit_numero_horodatage_empreinte_puis_son_accuse_par_courriel(
    client, operateur, appel, django_capture_on_commit_callbacks
):
    client.force_login(operateur)

    with django_capture_on_commit_callbacks(execute=True):  # l'accusé part après la validation du dépôt
        reponse = deposer(client, appel, lettre_complete(appel), version=0)

    depot = Depot.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == f"/candidatures/depots/{depot.numero}/"
    assert depot.numero.startswith("AMI-") and depot.numero.endswith("-00001")
    assert depot.empreinte == empreinte(depot.contenu)
    assert depot.contenu["lettre"]["equipe"][0]["etp"] == "1.5"  # « 1,5 » saisi à la française
    with depot.accuse.open("rb") as fichier:
        texte = "".join(page.extract_text() for page in PdfReader(fichier).pages)
    assert depot.numero in texte and depot.empreinte[:32] in texte.replace("\n", "")
    (courriel,) = mail.outbox
    assert courriel.to == [operateur.email] and courriel.attachments[0][0] == f"accuse-{depot.numero}.pdf"
    assert client.get(f"/candidatures/depots/{depot.numero}/accuse.pdf")["Content-Type"] == "application/pdf"


def test_un_depot_est_accepte_juste_avant_la_date_limite_et_refuse_a_l_instant_meme(operateur, candidature, appel):
    candidature.brouillon = {k: v if isinstance(v, list) else [v] for k, v in lettre_complete(appel).items()}
    candidature.save()

    with pytest.raises(ValidationError) as refus:
        candidatures.deposer(candidature=candidature, user=operateur, cle="a-l-heure", maintenant=appel.cloture)
    depot = candidatures.deposer(
        candidature=candidature,
        user=operateur,
        cle="juste-avant",
        maintenant=appel.cloture - datetime.timedelta(microseconds=1),
    )

    (message,) = refus.value.messages
    assert message.startswith("Dépôt refusé : la date limite était le") and "(heure de Paris)" in message
    assert refus.value.code == "hors_delai"
    assert Depot.objects.get() == depot


def test_un_depot_hors_delai_est_refuse_par_la_page_avec_un_message_clair(client, operateur, appel):
    client.force_login(operateur)
    enregistrer(client, appel, lettre_complete(appel))
    appel.cloture = timezone.now() - datetime.timedelta(seconds=1)
    appel.ouverture = appel.cloture - datetime.timedelta(days=30)
    appel.save()

    reponse = deposer(client, appel, {}, version=None)

    assert reponse.status_code == 400
    assert "Dépôt refusé : la date limite était le" in reponse.content.decode()
    assert not Depot.objects.exists()


def test_une_equipe_sans_professionnel_de_sante_ne_peut_pas_deposer(client, operateur, appel):
    client.force_login(operateur)
    donnees = lettre_complete(appel)
    del donnees["equipe-0-professionnel_sante"]

    reponse = deposer(client, appel, donnees, version=0)

    assert reponse.status_code == 400
    assert "L&#x27;équipe prévue doit compter au moins un professionnel de santé." in reponse.content.decode()
    assert not Depot.objects.exists()
    assert Candidature.objects.get().brouillon["equipe-0-profession"] == ["Infirmière"]  # la saisie est gardée


def test_un_type_exclu_de_l_appel_est_refuse_en_francais(client, operateur, appel):
    client.force_login(operateur)

    reponse = deposer(client, appel, lettre_complete(appel, dispositif_envisage="EMPP"), version=0)

    assert "n&#x27;est pas éligible à cet appel" in reponse.content.decode()
    assert not Depot.objects.exists()


def test_les_champs_manquants_sont_nommes(client, operateur, appel):
    client.force_login(operateur)

    contenu = deposer(client, appel, lettre_complete(appel, budget_demande="", publics=[]), version=0).content.decode()

    assert "Indiquez le budget demandé." in contenu and "Indiquez les publics concernés." in contenu


def test_un_double_clic_ne_cree_qu_un_depot(client, operateur, appel):
    client.force_login(operateur)
    deposer(client, appel, lettre_complete(appel), version=0, cle="meme-cle")

    second = deposer(client, appel, lettre_complete(appel), version=1, cle="meme-cle")

    assert second.status_code == 302
    assert Depot.objects.count() == 1


def test_les_modifications_restent_a_part_jusqu_au_nouveau_depot(client, operateur, appel):
    client.force_login(operateur)
    deposer(client, appel, lettre_complete(appel), version=0, cle="v1")
    premier = Depot.objects.get()

    enregistrer(client, appel, lettre_complete(appel, budget_demande="300000"), version=1)
    assert Candidature.objects.get().depot_courant.contenu["lettre"]["budget_demande"] == "250000"
    assert Candidature.objects.get().brouillon_modifie_depuis_depot
    deposer(client, appel, lettre_complete(appel, budget_demande="300000"), version=2, cle="v2")

    versions = [(d.version, d.contenu["lettre"]["budget_demande"]) for d in Depot.objects.order_by("version")]
    assert versions == [(1, "250000"), (2, "300000")]
    premier.refresh_from_db()
    assert premier.contenu["lettre"]["budget_demande"] == "250000"


def test_un_faux_pdf_est_refuse(client, operateur, appel):
    client.force_login(operateur)
    faux = SimpleUploadedFile("lettre.pdf", b"\x89PNG\r\n\x1a\n pas un pdf", content_type="application/pdf")

    reponse = client.post(
        f"/appels/{appel.reference}/lettre/pieces/", {"nature": "lettre", "fichier": faux}, follow=True
    )

    assert "Ce fichier n&#x27;est pas un PDF" in reponse.content.decode()
    assert not PieceJointe.objects.exists()
    assert not Candidature.objects.exists()  # un envoi refusé n'écrit rien, pas même la candidature


def test_une_lettre_de_plus_de_quatre_pages_est_refusee(client, operateur, appel):
    client.force_login(operateur)
    longue = SimpleUploadedFile("lettre.pdf", pdf(pages=5), content_type="application/pdf")
    courte = SimpleUploadedFile("lettre.pdf", pdf(pages=4), content_type="application/pdf")

    refus = client.post(
        f"/appels/{appel.reference}/lettre/pieces/", {"nature": "lettre", "fichier": longue}, follow=True
    )
    client.post(f"/appels/{appel.reference}/lettre/pieces/", {"nature": "lettre", "fichier": courte})

    message = "La pièce « Lettre d&#x27;intention (4 pages au plus) » fait 5 pages : 4 au plus."
    assert message in refus.content.decode()
    assert list(Candidature.objects.get().pieces.values_list("pages", flat=True)) == [4]


def test_un_operateur_ne_lit_pas_le_depot_d_un_autre_organisme(client, operateur, operateur_autre, appel):
    client.force_login(operateur)
    deposer(client, appel, lettre_complete(appel), version=0)
    numero = Depot.objects.get().numero

    client.force_login(operateur_autre)

    assert client.get(f"/candidatures/depots/{numero}/").status_code == 404
    assert client.get(f"/candidatures/depots/{numero}/accuse.pdf").status_code == 404  # refusé avant tout fichier
    organisme_du_premier = operateur.organismes.get().pk
    assert client.get(f"/appels/{appel.reference}/lettre/?organisme={organisme_du_premier}").status_code == 404


def test_l_instructeur_de_la_region_lit_le_depot_mais_pas_la_dreets_sans_co_instruction(
    client, operateur, instructeur, dreets, appel
):
    client.force_login(operateur)
    deposer(client, appel, lettre_complete(appel), version=0)
    numero = Depot.objects.get().numero

    client.force_login(instructeur)
    assert client.get(f"/candidatures/depots/{numero}/").status_code == 200
    client.force_login(dreets)
    assert client.get(f"/candidatures/depots/{numero}/").status_code == 404
    appel.co_instruction_dreets = True
    appel.save()
    assert client.get(f"/candidatures/depots/{numero}/").status_code == 200


def test_mes_candidatures_se_lisent_en_quatre_requetes_quel_que_soit_leur_nombre(
    client, operateur, django_assert_num_queries
):
    client.force_login(operateur)
    Candidature.objects.create(appel=AppelFactory(), organisme=operateur.organismes.get())
    # session, utilisateur, candidatures avec appel et organisme, leurs dépôts
    with django_assert_num_queries(4):
        client.get("/candidatures/")
    for _ in range(20):
        Candidature.objects.create(appel=AppelFactory(), organisme=operateur.organismes.get())
    with django_assert_num_queries(4):
        assert len(client.get("/candidatures/").context["candidatures"]) == 21


def test_l_accuse_se_lit_comme_un_pdf(client, operateur, appel):
    client.force_login(operateur)
    deposer(client, appel, lettre_complete(appel), version=0)
    depot = Depot.objects.get()

    contenu = client.get(f"/candidatures/depots/{depot.numero}/accuse.pdf").content

    assert len(PdfReader(io.BytesIO(contenu)).pages) == 1


def test_une_ligne_de_partenariat_laissee_blanche_ne_bloque_pas_le_depot(client, operateur, appel):
    client.force_login(operateur)
    donnees = lettre_complete(appel)
    donnees.update({"partenariats-TOTAL_FORMS": "2", "partenariats-1-nom": "", "partenariats-1-etat": ""})

    assert deposer(client, appel, donnees, version=0).status_code == 302
    assert len(Depot.objects.get().contenu["lettre"]["partenariats"]) == 1


def test_la_version_du_brouillon_reste_lisible_au_dela_de_mille(client, operateur, candidature):
    Candidature.objects.filter(pk=candidature.pk).update(version_brouillon=1000)
    client.force_login(operateur)

    contenu = client.get(f"/appels/{candidature.appel.reference}/lettre/").content.decode()

    assert 'name="version_brouillon" value="1000"' in contenu


def test_un_double_clic_renvoie_au_depot_meme_quand_le_brouillon_a_deja_avance(client, operateur, appel):
    # Le premier clic a enregistré le brouillon (version 1) et déposé ; le second envoie la même page
    # (version 0, même clé) : il doit retrouver le dépôt, pas afficher une erreur.
    client.force_login(operateur)
    premier = deposer(client, appel, lettre_complete(appel), version=0, cle="double")

    second = deposer(client, appel, lettre_complete(appel), version=0, cle="double")

    assert second.status_code == 302 and second["Location"] == premier["Location"]
    assert Depot.objects.count() == 1


def test_apres_la_date_limite_le_refus_dit_la_date_limite_et_un_rejeu_retrouve_son_depot(client, operateur, appel):
    client.force_login(operateur)
    accepte = deposer(client, appel, lettre_complete(appel), version=0, cle="avant")
    appel.cloture = timezone.now() - datetime.timedelta(seconds=1)
    appel.ouverture = appel.cloture - datetime.timedelta(days=30)
    appel.save()

    rejeu = deposer(client, appel, lettre_complete(appel), version=1, cle="avant")
    tardif = deposer(client, appel, lettre_complete(appel, budget_demande="1"), version=1, cle="apres")

    assert rejeu["Location"] == accepte["Location"]
    contenu = tardif.content.decode()
    assert tardif.status_code == 400 and "Dépôt refusé : la date limite était le" in contenu
    assert "corrigez puis déposez à nouveau" not in contenu


class TestLireNEcritRien:
    def test_ouvrir_la_lettre_n_ecrit_rien_et_le_premier_enregistrement_cree_la_candidature(
        self, client, operateur, appel
    ):
        client.force_login(operateur)

        page = client.get(f"/appels/{appel.reference}/lettre/")

        assert page.status_code == 200 and not Candidature.objects.exists()
        contenu = page.content.decode()
        assert "non déposée" in contenu and 'name="version_brouillon" value="0"' in contenu
        assert enregistrer(client, appel, {"experience": "Maraudes"}).json()["version"] == 1
        assert Candidature.objects.get().brouillon["experience"] == ["Maraudes"]

    def test_un_depot_refuse_sans_brouillon_n_ecrit_rien(self, client, operateur, appel):
        client.force_login(operateur)

        reponse = deposer(client, appel, {}, version=None)

        assert reponse.status_code == 400 and "Indiquez le budget demandé." in reponse.content.decode()
        assert not Candidature.objects.exists() and not Depot.objects.exists()

    def test_l_accuse_servi_avant_la_tache_est_rendu_sans_etre_enregistre_ni_envoye(self, client, operateur, appel):
        client.force_login(operateur)
        deposer(client, appel, lettre_complete(appel), version=0)  # la tâche de l'accusé n'a pas encore tourné
        depot = Depot.objects.get()

        reponse = client.get(f"/candidatures/depots/{depot.numero}/accuse.pdf")

        rendu = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reponse.content)).pages)
        assert reponse.status_code == 200 and depot.numero in rendu
        depot.refresh_from_db()
        assert not depot.accuse and mail.outbox == []
        generer_accuse.apply(args=[depot.pk])
        depot.refresh_from_db()
        with depot.accuse.open("rb") as fichier:
            enregistre = "".join(page.extract_text() for page in PdfReader(fichier).pages)
        assert enregistre == rendu  # le même accusé, rendu du seul contenu figé du dépôt
        assert len(mail.outbox) == 1

    def test_un_brouillon_envoye_apres_la_date_limite_recoit_409_et_la_date_limite(self, client, operateur, appel):
        client.force_login(operateur)
        appel.cloture = timezone.now() - datetime.timedelta(seconds=1)
        appel.ouverture = appel.cloture - datetime.timedelta(days=30)
        appel.save()

        reponse = enregistrer(client, appel, {"experience": "Trop tard"})

        assert reponse.status_code == 409
        assert reponse.json()["erreur"].startswith("L'appel est fermé depuis le")
        assert not Candidature.objects.exists()


class TestFormulaireDeLaLettre:
    """Ce que la page de la lettre montre : types éligibles seulement, unité de la capacité, champs obligatoires
    marqués, un nom accessible par champ, et l'état du dépôt après chaque enregistrement automatique."""

    def page(self, client, operateur, appel) -> str:
        client.force_login(operateur)
        return client.get(f"/appels/{appel.reference}/lettre/").content.decode()

    def test_un_type_exclu_de_l_appel_n_est_pas_propose(self, client, operateur, appel):
        page = self.page(client, operateur, appel)

        assert 'value="LHSS-MOBILE"' in page
        assert 'value="EMPP"' not in page

    def test_la_capacite_demandee_dit_son_unite(self, client, operateur, appel):
        unite = TypeDispositif.objects.get(code="LHSS-MOBILE").get_unite_display()

        page = self.page(client, operateur, appel)

        assert re.search(r"Capacité demandée\s*<span[^>]*>En " + unite + r"\.</span>", page)

    def test_les_champs_exiges_au_depot_sont_marques_obligatoires(self, client, operateur, appel):
        page = self.page(client, operateur, appel)

        marques = re.findall(r'<label[^>]*for="id_([a-z_]+)"[^>]*>\s*[^<]*<span class="fr-required-marker"', page)
        assert set(OBLIGATOIRES_AU_DEPOT) - {"publics", "territoires"} <= set(marques)
        assert "agrements" not in marques  # facultatif
        assert re.search(r'<input[^>]*name="statut_organisme"[^>]*aria-required="true"', page)
        assert "Les champs marqués d'un astérisque (*) sont obligatoires pour déposer" in html.unescape(page)

    def test_un_brouillon_incomplet_se_recharge_sans_erreur_affichee(self, client, operateur, appel, candidature):
        candidature.brouillon = {"experience": ["Maraudes"]}
        candidature.save()

        page = self.page(client, operateur, appel)

        assert "Maraudes" in page and "fr-error-text" not in page

    def test_chaque_champ_a_son_propre_nom_meme_dans_les_lignes_repetees(self, client, operateur, appel, candidature):
        candidature.brouillon = {
            "equipe-TOTAL_FORMS": ["2"],
            "equipe-INITIAL_FORMS": ["0"],
            "equipe-0-profession": ["Infirmière"],
            "equipe-1-profession": ["Médiatrice"],
            "partenariats-TOTAL_FORMS": ["2"],
            "partenariats-INITIAL_FORMS": ["0"],
        }
        candidature.save()

        page = self.page(client, operateur, appel)

        formulaire = re.sub(r"<template>.*?</template>", "", page[page.index('id="lettre"') :], flags=re.S)
        libelles = [
            " ".join(html.unescape(t).split())
            for t in re.findall(r'<label[^>]*class="fr-label"[^>]*>(.*?)(?:<span|</label>)', formulaire, re.S)
        ]
        assert "Profession, membre 1" in libelles and "Profession, membre 2" in libelles
        assert "Partenaire, partenariat 2" in libelles and "Supprimer, membre 2" in libelles
        assert [libelle for libelle in libelles if libelles.count(libelle) > 1] == []
        assert "Profession, membre __numero__" in html.unescape(page)  # la ligne modèle, numérotée par le script

    def test_apres_un_depot_l_enregistrement_automatique_ne_dit_plus_non_deposee(self, client, operateur, appel):
        client.force_login(operateur)
        assert deposer(client, appel, lettre_complete(appel), version=0).status_code == 302
        version = Candidature.objects.get().version_brouillon

        reponse = enregistrer(client, appel, lettre_complete(appel, experience="Vingt ans."), version=version)

        etat = reponse.json()["etat"]
        depot = Depot.objects.get()
        assert "déposée le" in etat and f"(n° {depot.numero})" in etat
        assert "modifications enregistrées mais non déposées" in etat
        assert "non déposée :" not in etat


def test_la_page_du_depot_et_l_accuse_ecrivent_les_nombres_a_la_francaise(client, operateur, appel):
    client.force_login(operateur)
    lettre = lettre_complete(appel, budget_demande="320000", capacite_demandee="3,42")
    deposer(client, appel, lettre, version=0)
    depot = Depot.objects.get()

    page = client.get(f"/candidatures/depots/{depot.numero}/").content.decode()
    accuse = client.get(f"/candidatures/depots/{depot.numero}/accuse.pdf").content
    texte_accuse = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(accuse)).pages)

    assert "320\xa0000" in page and "3,42" in page and "1,5 ETP" in page
    assert "320000" not in page and "3.42" not in page and "1.5 ETP" not in page
    assert "320 000 €" in texte_accuse.replace("\xa0", " ") and "320000" not in texte_accuse


class TestLeDepotEnNombreDeRequetes:
    """Le dépôt d'une nouvelle version, cas de la ruée à la date limite (make load-depot) : chaque aller-retour
    compte, et tous les dépôts de l'appel attendent le verrou de l'appel."""

    def test_une_nouvelle_version_se_depose_en_vingt_deux_requetes(self, client, operateur, appel):
        client.force_login(operateur)
        deposer(client, appel, lettre_complete(appel), version=0, cle="v1")
        organisme = operateur.organismes.get()
        envoi = {**lettre_complete(appel, budget_demande="300000"), "organisme": organisme.pk}

        # session, utilisateur, appel, candidature et son organisme, clé déjà servie ; le brouillon (point de
        # sauvegarde, UPDATE, fin) ; le dépôt : point de sauvegarde, candidature verrouillée avec appel, région et
        # organisme, clé sous le verrou, types éligibles, territoires, conventions, pièces, nombre de versions,
        # drapeau « modifié depuis le dépôt », appel verrouillé, numéro, INSERT du dépôt et de son entrée du
        # journal, fin.
        with CaptureQueriesContext(connection) as requetes:
            reponse = deposer(client, appel, envoi, version=1, cle="v2")

        assert reponse.status_code == 302
        assert len(requetes) == 22, "\n".join(r["sql"][:120] for r in requetes)
        assert [d.version for d in Depot.objects.order_by("version")] == [1, 2]

    def test_le_statut_deposee_est_journalise_une_fois_et_le_drapeau_remis_a_zero_a_chaque_depot(
        self, client, operateur, appel
    ):
        client.force_login(operateur)
        deposer(client, appel, lettre_complete(appel), version=0, cle="v1")
        enregistrer(client, appel, lettre_complete(appel, budget_demande="300000"), version=1)
        assert Candidature.objects.get().brouillon_modifie_depuis_depot

        deposer(client, appel, lettre_complete(appel, budget_demande="300000"), version=2, cle="v2")

        candidature = Candidature.objects.get()
        assert candidature.statut == StatutCandidature.DEPOSEE and not candidature.brouillon_modifie_depuis_depot
        changements = [
            e.changes_dict.get("statut") for e in LogEntry.objects.get_for_object(candidature).order_by("pk")
        ]
        # La création (brouillon), puis le passage à « déposée » une seule fois : le second dépôt n'a rien à dire.
        assert [c for c in changements if c] == [["None", "brouillon"], ["brouillon", "deposee"]]
        assert LogEntry.objects.get_for_model(Depot).count() == 2

    def test_une_cle_servie_par_un_autre_organisme_est_refusee_sous_le_verrou(self, operateur, operateur_autre, appel):
        brouillon = {k: v if isinstance(v, list) else [v] for k, v in lettre_complete(appel).items()}
        a, b = (
            Candidature.objects.create(appel=appel, organisme=u.organismes.get(), brouillon=brouillon)
            for u in (operateur, operateur_autre)
        )
        premier = candidatures.deposer(candidature=a, user=operateur, cle="partagee")

        with pytest.raises(ValidationError) as refus:
            candidatures.deposer(candidature=b, user=operateur_autre, cle="partagee")

        assert refus.value.code == "cle_reprise"
        assert candidatures.deposer(candidature=a, user=operateur, cle="partagee") == premier
        assert Depot.objects.count() == 1 and not b.depots.exists()
