"""Le journal infalsifiable : chaque entrée reçoit, après la validation de sa transaction, un maillon qui porte
l'empreinte du précédent ; `manage.py verifier_journal` recalcule la chaîne et nomme la première entrée cassée
(modifiée, supprimée, insérée), code de sortie 1."""

import json
import threading

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection, transaction

from journal.models import EMPREINTE_INITIALE, Maillon, TeteJournal, empreinte
from journal.verification import verifier_chaine
from tests.conftest import exige_service
from tests.journal.conftest import poser_cible

pytestmark = pytest.mark.django_db


@pytest.fixture
def journal_chaine(planificateur, region_hdf, horizon, django_capture_on_commit_callbacks):
    """Cinq entrées chaînées : trois cibles posées (trois transactions), puis deux modifiées en une transaction."""
    with django_capture_on_commit_callbacks(execute=True):
        for code in ("LHSS", "LAM", "ACT"):
            poser_cible(planificateur, region_hdf, horizon, 10, code=code)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        poser_cible(planificateur, region_hdf, horizon, 20, version_lue=1, code="LHSS")
        poser_cible(planificateur, region_hdf, horizon, 20, version_lue=1, code="LAM")
    return list(LogEntry.objects.order_by("pk"))


def verifier_par_la_commande() -> tuple[int, dict]:
    sortie = []
    try:
        call_command("verifier_journal", stdout=type("S", (), {"write": lambda _, t: sortie.append(t)})())
        code = 0
    except SystemExit as fin:
        code = fin.code
    return code, json.loads("".join(sortie).strip().splitlines()[-1])


def test_chaque_entree_porte_l_empreinte_de_la_precedente(journal_chaine):
    maillons = list(Maillon.objects.order_by("rang"))

    assert [m.entree_id for m in maillons] == [e.pk for e in journal_chaine] and len(maillons) == 5
    assert [m.rang for m in maillons] == [1, 2, 3, 4, 5]
    assert maillons[0].precedente == EMPREINTE_INITIALE
    for precedent, maillon, entree in zip([None, *maillons], maillons, journal_chaine, strict=False):
        attendue = precedent.empreinte if precedent else EMPREINTE_INITIALE
        assert maillon.precedente == attendue and maillon.empreinte == empreinte(attendue, entree)
    tete = TeteJournal.objects.get()
    assert (tete.rang, tete.empreinte) == (5, maillons[-1].empreinte)
    assert verifier_par_la_commande() == (
        0,
        {
            "maillons_verifies": 5,
            "entrees_hors_chaine": 0,
            "premiere_cassee": None,
            "derniere_empreinte": maillons[-1].empreinte,
            "ruptures": 0,
        },
    )


def test_une_entree_modifiee_en_base_est_nommee(journal_chaine):
    troisieme = journal_chaine[2]
    LogEntry.objects.filter(pk=troisieme.pk).update(changes_text="rien à voir")  # en base, sans l'application

    code, resultat = verifier_par_la_commande()

    assert code == 1
    assert resultat["premiere_cassee"] == {"entree": troisieme.pk, "rang": 3, "raison": "entrée modifiée"}
    assert resultat["ruptures"] == 1


@pytest.mark.parametrize("champ, valeur", [("actor_id", None), ("timestamp", "2020-01-01T00:00:00+00:00")])
def test_changer_l_auteur_ou_l_heure_casse_aussi_la_chaine(journal_chaine, champ, valeur):
    LogEntry.objects.filter(pk=journal_chaine[1].pk).update(**{champ: valeur})

    assert verifier_chaine().premiere_cassee["entree"] == journal_chaine[1].pk


def test_une_entree_supprimee_est_nommee(journal_chaine):
    LogEntry.objects.filter(pk=journal_chaine[1].pk).delete()

    code, resultat = verifier_par_la_commande()

    assert code == 1
    assert resultat["premiere_cassee"] == {"entree": journal_chaine[1].pk, "rang": 2, "raison": "entrée supprimée"}


def test_une_entree_supprimee_avec_son_maillon_laisse_un_trou_nomme(journal_chaine):
    Maillon.objects.filter(entree_id=journal_chaine[1].pk).delete()
    LogEntry.objects.filter(pk=journal_chaine[1].pk).delete()

    resultat = verifier_chaine()

    raison = "maillon précédent (rang 1) supprimé ou remplacé"
    assert resultat.premiere_cassee == {"entree": journal_chaine[2].pk, "rang": 3, "raison": raison}


def test_la_fin_de_la_chaine_supprimee_est_vue_par_la_tete(journal_chaine):
    Maillon.objects.filter(rang__gte=4).delete()
    LogEntry.objects.filter(pk__in=[e.pk for e in journal_chaine[3:]]).delete()

    resultat = verifier_chaine()

    assert resultat.premiere_cassee["rang"] == 4 and "fin supprimée" in resultat.premiere_cassee["raison"]


def test_une_entree_inseree_en_base_est_nommee(journal_chaine):
    modele = journal_chaine[0]
    # bulk_create : aucun signal, comme un INSERT écrit directement en base.
    (inseree,) = LogEntry.objects.bulk_create(
        [LogEntry(content_type=modele.content_type, object_pk="1", object_repr="faux", action=1, changes={})]
    )

    code, resultat = verifier_par_la_commande()

    assert code == 1 and resultat["entrees_hors_chaine"] == 1
    raison = "entrée sans maillon : insérée hors de l'application"
    assert resultat["premiere_cassee"] == {"entree": inseree.pk, "rang": None, "raison": raison}


def test_une_entree_annulee_avec_sa_transaction_n_entre_pas_dans_la_chaine(
    planificateur, region_hdf, horizon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        poser_cible(planificateur, region_hdf, horizon, 10, code="LHSS")
        try:
            with transaction.atomic():
                poser_cible(planificateur, region_hdf, horizon, 10, code="LAM")
                raise RuntimeError("annulée")
        except RuntimeError:
            pass

    assert LogEntry.objects.count() == Maillon.objects.count() == 1
    assert verifier_chaine().ruptures == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_des_ecritures_simultanees_ne_font_jamais_deux_maillons_sur_le_meme_precedent(
    planificateur, region_hdf, horizon
):
    """Sur PostgreSQL (la tête verrouillée) ; SQLite fichier : tests/test_sqlite_concurrent.py."""
    exige_service(connection.vendor == "postgresql", "PostgreSQL requis : la base des tests SQLite est en mémoire")
    codes = ("LHSS", "LAM", "ACT", "EMPP", "PASS", "LHSS-MOBILE", "ACT-HLM", "SSIAD-PRECARITE")
    depart, erreurs = threading.Barrier(len(codes)), []

    def poser(code):
        try:
            depart.wait()
            poser_cible(planificateur, region_hdf, horizon, 10, code=code)
        except Exception as erreur:  # noqa: BLE001 — rapportée par l'assertion
            erreurs.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=poser, args=(code,)) for code in codes]
    for un_fil in fils:
        un_fil.start()
    for un_fil in fils:
        un_fil.join()

    assert erreurs == []
    assert Maillon.objects.count() == LogEntry.objects.count() >= len(codes)
    assert verifier_chaine().ruptures == 0
