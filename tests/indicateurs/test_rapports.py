"""Les rapports PDF mensuels : génération, stockage sûr, secret statistique, demandes et tâches."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from indicateurs import rapports
from indicateurs.models import Indicateur, Rapport, StatutRapport
from indicateurs.tasks import generer_rapport, generer_rapports_du_mois
from tests.dispositifs.factories import DispositifFactory, TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory, RapportFactory
from tests.territoires.factories import TerritoireFactory

OCTOBRE = datetime.date(2026, 10, 1)
# pygal (graphiques) ajoute à son chargement un chercheur d'imports à l'ancienne : Python le signale à chaque import
# d'un module absent (sondes des formats régionaux de Django). Sans effet ; à reporter dans pyproject.toml.


def texte_du_pdf(contenu: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)


def lire(rapport) -> bytes:
    with rapport.fichier.open("rb") as fichier:
        return fichier.read()


@pytest.fixture
def nord(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def agregats(region_hdf, nord):
    """Octobre 2026 dans le Nord : une file active LHSS publiable, une file active LAM de 7 personnes (secret
    primaire), et des sorties LHSS publiables. Le tableau de bord lit les agrégats des départements."""
    lhss, lam = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="LAM")
    AgregatFactory(
        type=lhss, territoire=nord, valeur=Decimal("1234"), nb_dispositifs=5, nb_attendues=5, nb_declarations=4
    )
    AgregatFactory(type=lam, territoire=nord, valeur=Decimal("7"), nb_dispositifs=4, nb_attendues=4, nb_declarations=4)
    sorties = Indicateur.objects.get(code="sorties")
    AgregatFactory(indicateur=sorties, type=lhss, territoire=nord, valeur=Decimal("86"), nb_dispositifs=5)


def nouveau_rapport(territoire, *, public=False) -> Rapport:
    return Rapport.objects.create(territoire=territoire, mois=OCTOBRE, public=public)


class TestGeneration:
    def test_stores_the_pdf_with_the_sha256_of_its_bytes(self, agregats, region_hdf):
        rapport = rapports.generer_rapport(nouveau_rapport(region_hdf))

        rapport.refresh_from_db()
        contenu = lire(rapport)
        assert contenu.startswith(b"%PDF")
        assert rapport.statut == StatutRapport.PRET
        assert rapport.empreinte == hashlib.sha256(contenu).hexdigest()
        assert rapport.taille == len(contenu)
        assert rapport.genere_le is not None and rapport.etape == ""

    def test_internal_pdf_contains_the_figures(self, agregats, region_hdf):
        rapport = rapports.generer_rapport(nouveau_rapport(region_hdf))

        texte = texte_du_pdf(lire(rapport)).replace("\u202f", " ").replace("\xa0", " ")
        assert "Hauts-de-France" in texte and "octobre 2026" in texte
        assert "Nord (59) 1 234 7 1 241" in texte
        assert "document généré automatiquement" in texte.lower().replace("\n", " ")
        assert "Version interne" in texte

    def test_public_pdf_never_contains_a_masked_value(self, agregats, region_hdf):
        rapport = rapports.generer_rapport(nouveau_rapport(region_hdf, public=True))

        texte = texte_du_pdf(lire(rapport)).replace("\u202f", " ").replace("\xa0", " ")
        assert "Version publique" in texte
        # 7 personnes en LAM : secret primaire ; la case LHSS se masque alors aussi, sinon le total la trahirait.
        assert "Nord (59) secret secret 1 241" in texte
        assert "1 234" not in texte
        assert "Nord (59) 86" in texte  # les sorties, publiables, restent affichées

    def test_regeneration_replaces_the_file_and_deletes_the_old_one_after_commit(
        self, agregats, region_hdf, django_capture_on_commit_callbacks
    ):
        rapport = rapports.generer_rapport(nouveau_rapport(region_hdf))
        ancien = rapport.fichier.name

        with django_capture_on_commit_callbacks(execute=True):  # demande, tâche, puis effacement de l'ancien
            rapports.demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False)
        rapport.refresh_from_db()

        assert rapport.fichier.name != ancien
        assert not rapport.fichier.storage.exists(ancien)
        assert rapport.empreinte == hashlib.sha256(lire(rapport)).hexdigest()

    def test_failed_regeneration_keeps_the_previous_pdf(self, agregats, region_hdf, monkeypatch):
        rapport = rapports.generer_rapport(nouveau_rapport(region_hdf))
        avant = Rapport.objects.get(pk=rapport.pk)

        def panne(*args, **kwargs):
            raise RuntimeError("WeasyPrint a planté")

        monkeypatch.setattr(rapports, "render_pdf", panne)
        Rapport.objects.filter(pk=rapport.pk).update(statut=StatutRapport.EN_ATTENTE)
        with pytest.raises(RuntimeError):
            rapports.generer_rapport(Rapport.objects.get(pk=rapport.pk))

        apres = Rapport.objects.get(pk=rapport.pk)
        assert apres.statut == StatutRapport.ECHEC
        assert "WeasyPrint a planté" in apres.erreur
        for champ in ("fichier", "empreinte", "taille", "genere_le"):
            assert getattr(apres, champ) == getattr(avant, champ)
        assert hashlib.sha256(lire(apres)).hexdigest() == avant.empreinte
        assert len(list(apres.fichier.storage.listdir("rapports")[1])) == 1  # aucun fichier à moitié écrit laissé


class TestDemande:
    def test_a_second_request_while_pending_does_not_enqueue_twice(
        self, region_hdf, planificateur, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as mises_en_file:
            premier = rapports.demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False, par=planificateur)
            second = rapports.demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False)

        assert premier.pk == second.pk
        assert len(mises_en_file) == 1
        assert second.statut == StatutRapport.EN_ATTENTE and second.demande_par == planificateur

    def test_a_ready_report_is_requeued_and_keeps_its_file(self, region_hdf, django_capture_on_commit_callbacks):
        pret = RapportFactory(territoire=region_hdf)
        with django_capture_on_commit_callbacks() as mises_en_file:
            rapport = rapports.demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False)

        assert len(mises_en_file) == 1
        assert rapport.statut == StatutRapport.EN_ATTENTE
        assert rapport.fichier.name == pret.fichier.name  # toujours servi pendant la régénération

    def test_a_request_lost_by_a_stopped_worker_can_be_requeued(self, region_hdf, django_capture_on_commit_callbacks):
        perdu = RapportFactory(territoire=region_hdf, statut=StatutRapport.EN_COURS, etape="Mise en page du PDF")
        Rapport.objects.filter(pk=perdu.pk).update(demande_le=timezone.now() - datetime.timedelta(hours=1))
        with django_capture_on_commit_callbacks() as mises_en_file:
            rapports.demander_rapport(territoire=region_hdf, mois=OCTOBRE, public=False)
        assert len(mises_en_file) == 1


class TestTaches:
    def test_task_generates_the_report_then_does_nothing_when_replayed(self, agregats, region_hdf):
        rapport = nouveau_rapport(region_hdf)

        assert generer_rapport.apply(args=[rapport.pk]).get() == StatutRapport.PRET
        rapport.refresh_from_db()
        premier = rapport.fichier.name
        generer_rapport.apply(args=[rapport.pk]).get()  # rejouée (acks_late) : déjà faite
        rapport.refresh_from_db()
        assert rapport.fichier.name == premier

    def test_progress_goes_through_every_step(self, agregats, region_hdf, monkeypatch):
        vues = []
        noter = rapports.noter_etape

        def espion(rapport, etape):
            noter(rapport, etape)
            vues.append(Rapport.objects.values_list("statut", "etape").get(pk=rapport.pk))

        monkeypatch.setattr(rapports, "noter_etape", espion)
        rapports.generer_rapport(nouveau_rapport(region_hdf))

        assert vues == [(StatutRapport.EN_COURS, etape) for etape in rapports.ETAPES]

    def test_monthly_beat_requests_last_month_for_every_region_and_department_with_a_scheme(
        self, region_hdf, region_idf, nord, django_capture_on_commit_callbacks, monkeypatch
    ):
        monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2026, 11, 1))  # le 1er novembre
        TerritoireFactory(code="80", nom="Somme", parent=region_hdf)  # aucun dispositif : pas de rapport
        DispositifFactory(territoire=nord)
        DispositifFactory(territoire=TerritoireFactory(code="75", parent=region_idf), projet=True)  # projet : non

        with django_capture_on_commit_callbacks() as mises_en_file:
            assert generer_rapports_du_mois.apply().get() == 3

        # Version publique pour la région seulement : le secret statistique se calcule sur toute la région.
        demandes = set(Rapport.objects.values_list("territoire__code", "mois", "public", "statut"))
        assert demandes == {
            ("32", OCTOBRE, False, StatutRapport.EN_ATTENTE),
            ("32", OCTOBRE, True, StatutRapport.EN_ATTENTE),
            ("59", OCTOBRE, False, StatutRapport.EN_ATTENTE),
        }
        assert len(mises_en_file) == 3

    def test_beat_runs_on_the_first_of_the_month_early_morning(self, settings):
        entree = settings.CELERY_BEAT_SCHEDULE["rapports-du-mois"]
        assert entree["task"] == "indicateurs.tasks.generer_rapports_du_mois"
        assert entree["schedule"].day_of_month == {1} and entree["schedule"].hour == {5}


class TestAdministration:
    def test_regenerate_action_requeues_the_selected_reports(
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
