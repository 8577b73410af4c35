"""Les rapports PDF mensuels : génération, stockage sûr, secret statistique, demandes et tâches."""

import datetime
import hashlib
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from config.celery import app as celery
from indicateurs.models import Rapport, StatutRapport
from indicateurs.rapports import ETAPES
from indicateurs.services import demander_rapport, generer_rapport
from indicateurs.tasks import generer_rapport as tache_generer_rapport
from indicateurs.tasks import generer_rapports_du_mois
from tests.conftest import taches_en_file
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import RapportFactory
from tests.territoires.factories import TerritoireFactory

OCTOBRE = datetime.date(2026, 10, 1)
# pygal (graphiques) ajoute à son chargement un chercheur d'imports à l'ancienne : Python le signale à chaque import
# d'un module absent (sondes des formats régionaux de Django). Sans effet ; à reporter dans pyproject.toml.


def texte_du_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


def lire(rapport) -> bytes:
    with rapport.fichier.open("rb") as fichier:
        return fichier.read()


def nouveau_rapport(territoire, *, public=False) -> Rapport:
    return Rapport.objects.create(territoire=territoire, mois=OCTOBRE, public=public)


class TestGeneration:
    def test_le_pdf_est_enregistre_avec_l_empreinte_sha256_de_ses_octets(self, agregats, region_hdf):
        rapport = generer_rapport(rapport=nouveau_rapport(region_hdf))

        rapport.refresh_from_db()
        contenu = lire(rapport)
        assert contenu.startswith(b"%PDF")
        assert rapport.statut == StatutRapport.PRET
        assert rapport.empreinte == hashlib.sha256(contenu).hexdigest()
        assert rapport.taille == len(contenu)
        assert rapport.genere_le is not None and rapport.etape == ""

    def test_le_pdf_interne_contient_les_chiffres(self, agregats, region_hdf):
        rapport = generer_rapport(rapport=nouveau_rapport(region_hdf))

        texte = texte_du_pdf(lire(rapport)).replace("\u202f", " ").replace("\xa0", " ")
        assert "Hauts-de-France" in texte and "octobre 2026" in texte
        assert "Nord (59) 1 234 7 1 241" in texte
        assert "document généré automatiquement" in texte.lower().replace("\n", " ")
        assert "Version interne" in texte

    def test_le_pdf_public_ne_contient_jamais_une_valeur_masquee(self, agregats, region_hdf, publier):
        publier(region_hdf, OCTOBRE)
        rapport = generer_rapport(rapport=nouveau_rapport(region_hdf, public=True))

        texte = texte_du_pdf(lire(rapport)).replace("\u202f", " ").replace("\xa0", " ")
        assert "Version publique" in texte
        # 7 personnes en LAM : secret primaire ; la case LHSS se masque alors aussi, sinon le total la trahirait.
        assert "Nord (59) secret secret 1 241" in texte
        assert "1 234" not in texte
        assert "Nord (59) 86" in texte  # les sorties, publiables, restent affichées

    def test_une_regeneration_ajoute_une_version_et_garde_l_ancien_fichier(
        self, agregats, region_hdf, planificateur, django_capture_on_commit_callbacks
    ):
        rapport = generer_rapport(rapport=nouveau_rapport(region_hdf))
        ancien = rapport.fichier.name

        with django_capture_on_commit_callbacks(execute=True):  # demande, puis la tâche
            demander_rapport(
                territoire=region_hdf, mois=OCTOBRE, public=False, user=planificateur, motif="Déclaration corrigée"
            )
        rapport.refresh_from_db()

        premiere, seconde = rapport.versions.order_by("numero")
        assert (premiere.numero, seconde.numero) == (1, 2)
        assert premiere.fichier.name == ancien
        assert rapport.fichier.storage.exists(ancien)  # gardé, téléchargeable
        assert rapport.fichier.name == seconde.fichier.name != ancien
        assert (seconde.motif, seconde.demande_par) == ("Déclaration corrigée", planificateur)
        for version in (premiere, seconde):
            with version.fichier.open("rb") as fichier:
                assert version.empreinte == hashlib.sha256(fichier.read()).hexdigest()
        assert rapport.empreinte == seconde.empreinte

    def test_une_regeneration_qui_echoue_garde_le_pdf_precedent(self, agregats, region_hdf, settings, tmp_path):
        rapport = generer_rapport(rapport=nouveau_rapport(region_hdf))
        avant = Rapport.objects.get(pk=rapport.pk)
        media = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = tmp_path / "disque-plein"
        settings.MEDIA_ROOT.write_bytes(b"")  # un fichier à la place du dossier : le disque refuse d'écrire

        Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_ATTENTE)
        with pytest.raises(OSError):
            generer_rapport(rapport=Rapport.objects.get(pk=rapport.pk))
        settings.MEDIA_ROOT = media

        apres = Rapport.objects.get(pk=rapport.pk)
        assert apres.statut == StatutRapport.ECHEC
        assert "Error" in apres.erreur and "disque-plein" in apres.erreur
        for champ in ("fichier", "empreinte", "taille", "genere_le"):
            assert getattr(apres, champ) == getattr(avant, champ)
        assert hashlib.sha256(lire(apres)).hexdigest() == avant.empreinte
        assert len(list(apres.fichier.storage.listdir("rapports")[1])) == 1  # aucun fichier à moitié écrit laissé


class TestDemande:
    def test_une_seconde_demande_en_attente_ne_met_pas_deux_fois_en_file(
        self, region_hdf, planificateur, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as mises_en_file:
            premier = demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False, user=planificateur)
            second = demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False)

        assert premier.pk == second.pk
        assert len(taches_en_file(mises_en_file)) == 1
        assert second.statut == StatutRapport.EN_ATTENTE and second.demande_par == planificateur

    def test_un_rapport_pret_se_remet_en_file_et_garde_son_fichier(
        self, region_hdf, django_capture_on_commit_callbacks
    ):
        pret = RapportFactory(territoire=region_hdf)
        with django_capture_on_commit_callbacks() as mises_en_file:
            rapport = demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False, motif="Correction")

        assert len(mises_en_file) == 1
        assert rapport.statut == StatutRapport.EN_ATTENTE
        assert rapport.fichier.name == pret.fichier.name  # toujours servi pendant la régénération

    def test_une_demande_perdue_par_un_worker_arrete_se_relance(self, region_hdf, django_capture_on_commit_callbacks):
        perdu = RapportFactory(territoire=region_hdf, statut=StatutRapport.EN_COURS, etape="Mise en page du PDF")
        Rapport.objects.filter(pk=perdu.pk).update(demande_le=timezone.now() - datetime.timedelta(hours=1))
        with django_capture_on_commit_callbacks() as mises_en_file:
            demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False, motif="Worker arrêté")
        assert len(mises_en_file) == 1


class TestTaches:
    def test_la_tache_genere_le_rapport_puis_ne_refait_rien_quand_elle_est_rejouee(self, agregats, region_hdf):
        rapport = nouveau_rapport(region_hdf)

        assert tache_generer_rapport.apply(args=[rapport.pk]).get() == StatutRapport.PRET
        rapport.refresh_from_db()
        premier = rapport.fichier.name
        tache_generer_rapport.apply(args=[rapport.pk]).get()  # rejouée (acks_late) : déjà faite
        rapport.refresh_from_db()
        assert rapport.fichier.name == premier

    def test_la_generation_ecrit_chaque_etape_avant_de_la_commencer(self, agregats, region_hdf):
        with CaptureQueriesContext(connection) as requetes:
            generer_rapport(rapport=nouveau_rapport(region_hdf))

        # Ce que la page de suivi lit pendant la génération : les étapes écrites dans la ligne, une à une.
        ecritures = [r["sql"] for r in requetes.captured_queries if r["sql"].startswith("UPDATE")]
        etapes = [etape for sql in ecritures if "en_cours" in sql for etape in ETAPES if f"'{etape}'" in sql]
        assert etapes == ETAPES

    def test_le_beat_du_mois_demande_le_mois_ecoule_de_la_france_et_de_chaque_region_et_departement_actif(
        self, region_hdf, region_idf, nord, django_capture_on_commit_callbacks
    ):
        # Le calendrier des tests est figé au 23 novembre 2026 (tests/indicateurs/conftest.py) : octobre est écoulé.
        TerritoireFactory(code="80", nom="Somme", parent=region_hdf)  # aucun dispositif : pas de rapport
        DispositifFactory(territoire=nord)
        DispositifFactory(territoire=TerritoireFactory(code="75", parent=region_idf), projet=True)  # projet : non

        with django_capture_on_commit_callbacks() as mises_en_file:
            assert generer_rapports_du_mois.apply().get() == 3

        # Pas de version publique : octobre n'est pas publié (il le sera une fois verrouillé, publier_mois_clos).
        demandes = set(Rapport.objects.values_list("territoire__code", "mois", "public", "statut"))
        assert demandes == {
            ("FR", OCTOBRE, False, StatutRapport.EN_ATTENTE),  # le rapport national, par le même beat
            ("32", OCTOBRE, False, StatutRapport.EN_ATTENTE),
            ("59", OCTOBRE, False, StatutRapport.EN_ATTENTE),
        }
        assert len(mises_en_file) == 3

    def test_chaque_tache_du_calendrier_des_indicateurs_existe(self, settings):
        taches = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].startswith("indicateurs.")]

        assert len(taches) == 4
        assert all(tache in celery.tasks for tache in taches)


class TestAdministration:
    def test_l_action_regenerer_remet_en_file_les_rapports_choisis(
        self, client, administrateur, region_hdf, django_capture_on_commit_callbacks
    ):
        rapport = RapportFactory(territoire=region_hdf)
        client.force_login(administrateur)
        with django_capture_on_commit_callbacks() as mises_en_file:
            reponse = client.post(
                reverse("admin:indicateurs_rapport_changelist"),
                {"action": "regenerer", "_selected_action": [rapport.pk]},
            )
        assert reponse.status_code == 302
        assert len(mises_en_file) == 1
        rapport.refresh_from_db()
        assert rapport.statut == StatutRapport.EN_ATTENTE and rapport.demande_par == administrateur
