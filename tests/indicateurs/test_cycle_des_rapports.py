"""Le cycle de vie d'un rapport (issue 11, points 2 et 5) : chaque génération ajoute une version gardée et
téléchargeable (date, SHA-256, motif) ; statut.json dit l'étape réelle ; un rapport produit avant l'échéance des
déclarations du mois est provisoire et donne la complétude du mois, le définitif est produit après par beat."""

import datetime
import importlib
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from indicateurs.models import Rapport, StatutRapport, VersionRapport
from indicateurs.services import demander_rapport, finaliser_rapports, generer_rapport
from indicateurs.tasks import finaliser_rapports as tache_finaliser
from tests.comptes.factories import UtilisateurFactory
from tests.indicateurs.factories import PDF_EXEMPLE, RapportFactory
from tests.indicateurs.test_rapports import OCTOBRE

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
LE_5_NOVEMBRE = datetime.datetime(2026, 11, 5, 5, 0, tzinfo=PARIS)  # avant l'échéance d'octobre (10 novembre)
LE_11_NOVEMBRE = datetime.datetime(2026, 11, 11, 5, 30, tzinfo=PARIS)  # après


def texte_du_pdf(fichier) -> str:
    with fichier.open("rb") as pdf:
        texte = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
    return " ".join(texte.replace("\u202f", " ").replace("\xa0", " ").split())


@pytest.fixture
def horloge(monkeypatch):
    """Fixe l'heure du serveur (timezone.now) : la date de génération décide de « provisoire »."""

    def regler(instant):
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return regler


def produire(rapport_id):
    return generer_rapport(rapport=Rapport.objects.select_related("territoire").get(pk=rapport_id))


@pytest.fixture
def declarations_d_octobre(nord):
    """Dans le Nord en octobre : 5 LHSS en service dont 4 ont une déclaration validée, 4 LAM toutes validées ;
    la complétude se compte sur ces dispositifs et leurs déclarations."""
    from dispositifs.models import TypeDispositif
    from tests.dispositifs.factories import DispositifFactory
    from tests.indicateurs.factories import DeclarationFactory

    for code, en_service, validees in (("LHSS", 5, 4), ("LAM", 4, 4)):
        type_ = TypeDispositif.objects.get(code=code)
        for rang in range(en_service):
            dispositif = DispositifFactory(type=type_, territoire=nord)
            if rang < validees:
                DeclarationFactory(dispositif=dispositif, mois=OCTOBRE)


class TestProvisoireEtDefinitif:
    def test_avant_l_echeance_le_rapport_est_provisoire_et_donne_la_completude(
        self, agregats, declarations_d_octobre, region_hdf, horloge, client, planificateur
    ):
        horloge(LE_5_NOVEMBRE)
        rapport = produire(Rapport.objects.create(territoire=region_hdf, mois=OCTOBRE).pk)

        version = rapport.versions.get()
        assert rapport.provisoire and version.provisoire
        # La ligne « Total » de la complétude du tableau de bord : LHSS 4 validées / 5 attendues, LAM 4 / 4.
        assert (version.declarations_validees, version.declarations_attendues) == (8, 9)
        assert version.completude == Decimal("88.9")
        texte = texte_du_pdf(rapport.fichier)
        assert "Rapport provisoire : produit le 5 novembre 2026, avant l'échéance des déclarations du mois" in texte
        assert "(8 déclarations validées sur 9 attendues)" in texte
        client.force_login(planificateur)
        suivi = client.get(reverse("indicateurs:rapports:suivi", args=[rapport.pk])).content.decode()
        assert "Provisoire" in suivi and "le rapport définitif sera produit après" in suivi
        assert "Provisoire" in client.get(reverse("indicateurs:rapports:liste")).content.decode()

    def test_apres_l_echeance_beat_produit_le_definitif_une_seule_fois(
        self, agregats, region_hdf, horloge, django_capture_on_commit_callbacks
    ):
        horloge(LE_5_NOVEMBRE)
        rapport = produire(Rapport.objects.create(territoire=region_hdf, mois=OCTOBRE).pk)

        le_jour_de_l_echeance = finaliser_rapports(aujourd_hui=datetime.date(2026, 11, 10))
        horloge(LE_11_NOVEMBRE)
        with django_capture_on_commit_callbacks(execute=True):  # la demande, puis la génération
            apres = finaliser_rapports(aujourd_hui=datetime.date(2026, 11, 11))
        encore = finaliser_rapports(aujourd_hui=datetime.date(2026, 11, 12))

        assert (le_jour_de_l_echeance, apres, encore) == (0, 1, 0)
        rapport.refresh_from_db()
        provisoire, definitive = rapport.versions.order_by("numero")
        assert provisoire.provisoire and not definitive.provisoire and not rapport.provisoire
        assert definitive.motif == "Version définitive, après l'échéance des déclarations du 10/11/2026."
        assert "Rapport provisoire" not in texte_du_pdf(definitive.fichier)
        assert "Rapport provisoire" in texte_du_pdf(provisoire.fichier)  # gardée telle qu'elle était

    def test_la_tache_de_beat_ne_redemande_pas_une_generation_en_cours(
        self, region_hdf, django_capture_on_commit_callbacks
    ):
        RapportFactory(territoire=region_hdf, provisoire=True)  # octobre, échéance passée (le 23 novembre)

        with django_capture_on_commit_callbacks() as mises_en_file:
            premiere = tache_finaliser.apply().get()
            seconde = tache_finaliser.apply().get()

        assert (premiere, seconde) == (1, 1)  # toujours provisoire tant que le définitif n'est pas servi…
        assert len(mises_en_file) == 1  # … mais une seule génération en file
        assert Rapport.objects.get().statut == StatutRapport.EN_ATTENTE


class TestVersions:
    def test_regenerer_un_rapport_produit_exige_un_motif(self, region_hdf):
        RapportFactory(territoire=region_hdf)

        with pytest.raises(Exception) as refus:
            demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False, motif="  ")

        assert refus.value.message_dict == {
            "motif": ["Dites pourquoi ce rapport est régénéré : le motif accompagne la nouvelle version."]
        }
        assert Rapport.objects.get().statut == StatutRapport.PRET

    def test_la_page_demande_le_motif_d_une_regeneration(
        self, client, planificateur, region_hdf, django_capture_on_commit_callbacks
    ):
        RapportFactory(territoire=region_hdf)
        client.force_login(planificateur)
        url = reverse("indicateurs:rapports:demander")
        donnees = {"territoire": region_hdf.pk, "mois": "2026-10"}

        sans_motif = client.post(url, donnees)
        with django_capture_on_commit_callbacks() as mises_en_file:
            avec_motif = client.post(url, donnees | {"motif": "Déclaration du Nord corrigée"})

        assert sans_motif.status_code == 400
        assert "Dites pourquoi ce rapport est régénéré" in sans_motif.content.decode()
        assert avec_motif.status_code == 302 and len(mises_en_file) == 1
        assert Rapport.objects.get().motif == "Déclaration du Nord corrigée"

    def test_chaque_version_se_telecharge_depuis_le_suivi(self, client, planificateur, region_hdf):
        rapport = RapportFactory(territoire=region_hdf)
        VersionRapport.objects.create(
            rapport=rapport,
            numero=2,
            fichier=rapport.fichier.name,
            empreinte="b" * 64,
            taille=3,
            genere_le=timezone.now(),
            motif="Correction",
        )
        client.force_login(planificateur)

        suivi = client.get(reverse("indicateurs:rapports:suivi", args=[rapport.pk])).content.decode()
        premiere = client.get(reverse("indicateurs:rapports:telecharger_version", args=[rapport.pk, 1]))

        assert "Versions (2)" in suivi and "Correction" in suivi and "b" * 64 in suivi
        for numero in (1, 2):
            assert reverse("indicateurs:rapports:telecharger_version", args=[rapport.pk, numero]) in suivi
        assert premiere.status_code == 200
        assert premiere.content == PDF_EXEMPLE
        assert premiere["Content-Disposition"].endswith('-interne-v1.pdf"')
        assert client.get(reverse("indicateurs:rapports:telecharger_version", args=[rapport.pk, 3])).status_code == 404

    def test_l_anonyme_telecharge_les_versions_precedentes_d_un_rapport_public_depuis_la_liste(
        self, client, region_hdf
    ):
        publique = RapportFactory(territoire=region_hdf, public=True)
        interne = RapportFactory(territoire=region_hdf)
        for rapport in (publique, interne):
            VersionRapport.objects.create(
                rapport=rapport,
                numero=2,
                fichier="rapports/version-2.pdf",
                empreinte="d" * 64,
                taille=3,
                genere_le=timezone.now(),
            )
            Rapport.objects.filter(pk=rapport.pk).update(fichier="rapports/version-2.pdf")

        liste = client.get(reverse("indicateurs:rapports:liste")).content.decode()
        url = "indicateurs:rapports:telecharger_version"

        assert "Versions précédentes" in liste
        assert reverse(url, args=[publique.pk, 1]) in liste
        assert reverse(url, args=[publique.pk, 2]) not in liste  # la version servie a son propre lien
        assert reverse(url, args=[interne.pk, 1]) not in liste
        assert client.get(reverse(url, args=[publique.pk, 1])).content == PDF_EXEMPLE

    def test_une_version_interne_reste_introuvable_hors_de_la_region(self, client, region_hdf, region_idf):
        interne = RapportFactory(territoire=region_hdf)
        publique = RapportFactory(territoire=region_hdf, public=True)
        url = "indicateurs:rapports:telecharger_version"

        assert client.get(reverse(url, args=[interne.pk, 1])).status_code == 404  # anonyme
        assert client.get(reverse(url, args=[publique.pk, 1])).status_code == 200
        client.force_login(UtilisateurFactory(planificateur=True, region=region_idf))
        assert client.get(reverse(url, args=[interne.pk, 1])).status_code == 404

    @pytest.mark.parametrize("nombre", [1, 12])
    def test_le_suivi_garde_un_nombre_de_requetes_constant(
        self, client, planificateur, region_hdf, nombre, django_assert_num_queries
    ):
        rapport = RapportFactory(territoire=region_hdf)
        for numero in range(2, nombre + 1):
            VersionRapport.objects.create(
                rapport=rapport,
                numero=numero,
                fichier=rapport.fichier.name,
                empreinte="c" * 64,
                taille=3,
                genere_le=timezone.now(),
                demande_par=planificateur,
            )
        client.force_login(planificateur)

        # Session, utilisateur, rapport (avec périmètre et demandeur), région de l'en-tête, versions (avec leur
        # demandeur).
        with django_assert_num_queries(5):
            page = client.get(reverse("indicateurs:rapports:suivi", args=[rapport.pk]))
        assert f"Versions ({nombre})" in page.content.decode()


class TestStatutJson:
    @pytest.mark.parametrize(
        ("statut", "etape", "attendu"),
        [
            (StatutRapport.EN_ATTENTE, "", ("En file d'attente", True)),
            (StatutRapport.EN_COURS, "Mise en page du PDF", ("Mise en page du PDF", True)),
            (StatutRapport.PRET, "", ("Rapport produit", False)),
            (StatutRapport.ECHEC, "", ("Échec de la génération", False)),
        ],
    )
    def test_statut_json_dit_l_etape_reelle(self, client, planificateur, region_hdf, statut, etape, attendu):
        rapport = RapportFactory(territoire=region_hdf, statut=statut, etape=etape, erreur="OSError : disque plein")
        client.force_login(planificateur)

        etat = client.get(reverse("indicateurs:rapports:statut", args=[rapport.pk])).json()

        assert (etat["etape"], etat["en_travail"]) == attendu
        assert etat["statut"] == statut
        assert etat["erreur"] == ("OSError : disque plein" if statut == StatutRapport.ECHEC else "")
        assert etat["provisoire"] is False


def test_la_migration_fait_de_chaque_rapport_existant_sa_version_1(region_hdf, region_idf):
    migration = importlib.import_module("indicateurs.migrations.0006_versions_des_rapports_existants")
    avant_l_echeance = RapportFactory(territoire=region_hdf, genere_le=LE_5_NOVEMBRE)
    apres = RapportFactory(territoire=region_idf, genere_le=LE_11_NOVEMBRE)
    jamais_produit = Rapport.objects.create(territoire=region_hdf, mois=OCTOBRE, public=True)
    VersionRapport.objects.all().delete()  # l'état d'avant : des rapports sans version

    migration.versions_des_rapports_existants(apps, None)

    for rapport, provisoire in ((avant_l_echeance, True), (apres, False)):
        version = VersionRapport.objects.get(rapport=rapport)
        assert (version.numero, version.fichier.name, version.empreinte) == (
            1,
            rapport.fichier.name,
            rapport.empreinte,
        )
        assert (version.genere_le, version.provisoire, version.completude) == (rapport.genere_le, provisoire, None)
        assert version.motif == "Version produite avant l'archivage des versions."
        assert Rapport.objects.get(pk=rapport.pk).provisoire is provisoire
    assert not VersionRapport.objects.filter(rapport=jamais_produit).exists()
