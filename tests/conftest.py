"""Le casting commun des tests : un compte par rôle, et l'anonyme (None)."""

import os
from contextlib import contextmanager

import pytest
import redis

from comptes.models import Role
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import OrganismeFactory
from tests.territoires.factories import RegionFactory

# Les tests les plus longs de la suite, du plus long au moins long (de quelques secondes à quelques minutes
# chacun) : valeurs hostiles et parcours de chaque URL par rôle, contrat de l'API, audits hypothesis…
LENTS = (
    # Les deux plus longs de la suite (mesuré seuls sous PostgreSQL : 189 et 172 s sur 650 pour les sept rôles).
    "tests/test_entrees_hostiles.py::test_aucune_valeur_hostile_ne_donne_de_5xx[administrateur]",
    "tests/test_entrees_hostiles.py::test_aucune_valeur_hostile_ne_donne_de_5xx[planificateur]",
    "tests/test_entrees_hostiles.py::test_aucune_valeur_hostile_ne_donne_de_5xx",
    "tests/test_acces.py::test_chaque_url_repond_selon_sa_regle_pour_chaque_role",
    "tests/test_contrat_api.py::test_schemathesis",
    "tests/test_demonstration.py",
    "tests/indicateurs/test_secret.py::TestProprietes",
    "tests/donnees/test_secret_granularites.py",
    "tests/commun/test_tableur.py",
    "tests/indicateurs/test_ventilations.py",
    "tests/indicateurs/test_verifier_agregats.py",
    "tests/appels/test_pieces.py",
    "tests/test_sqlite_concurrent.py",
    "tests/test_navigateur.py",
    "tests/indicateurs/test_worker.py",
    "tests/test_celery.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Les tests longs d'abord. pytest-django vient de ranger les tests sur base de données, puis les
    transactionnels (qui vident la base en partant : aucun test sur base ne doit les suivre), puis ceux sans base.
    pytest-xdist distribue les tests dans l'ordre de la liste : un test de plusieurs minutes tiré en dernier
    laissait l'autre processus inoccupé jusqu'à la fin. Les longs passent donc en tête de leur groupe, et les longs
    sans base en tête de toute la suite (l'état de la base ne les concerne pas) ; les courts comblent les écarts."""
    from django.test import TransactionTestCase

    def groupe(item) -> int:
        if isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, TransactionTestCase):
            return 0  # rangés par pytest-django selon leur classe ; aucun dans cette suite
        marqueur = item.get_closest_marker("django_db")
        transactionnel = bool(
            marqueur and (marqueur.kwargs.get("transaction") or marqueur.kwargs.get("reset_sequences"))
        )
        fixtures = getattr(item, "fixturenames", ())
        if transactionnel or "transactional_db" in fixtures or "live_server" in fixtures:
            return 1
        return 0 if marqueur or "db" in fixtures else 2

    groupes = {id(item): groupe(item) for item in items}
    assert list(groupes.values()) == sorted(groupes.values()), "l'ordre de pytest-django a changé : revoir groupe()"
    rang = {id(item): position for position, item in enumerate(items)}

    def priorite(item) -> int:
        return next((i for i, prefixe in enumerate(LENTS) if item.nodeid.startswith(prefixe)), len(LENTS))

    def cle(item):
        bloc, priorite_ = groupes[id(item)], priorite(item)
        if bloc == 2 and priorite_ < len(LENTS):
            bloc = 0  # long et sans base : en tête
        return bloc, priorite_, rang[id(item)]

    items.sort(key=cle)


@contextmanager
def donnees_du_module(django_db_blocker):
    """Pour une fixture de portée module : ce qu'elle crée l'est une fois, dans une transaction annulée après le
    dernier test du module. Chaque test tourne dans un point de sauvegarde à l'intérieur (pytest-django), annulé
    lui aussi : il voit ces données, jamais celles d'un autre test. Les rappels `on_commit` ne partent pas, comme
    dans tout test non transactionnel. Pour des données longues à créer (la démonstration : vingt secondes)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def exige_service(disponible: bool, message: str):
    """Un service manque : échec en CI (CI=true), test sauté sur un poste sans ce service."""
    if disponible:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{message} (obligatoire en CI)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def tableaux_de_bord_perimes():
    """Un tableau de bord gardé en cache par un test ne sert pas au suivant (sans vider le cache : sous Redis, il
    partage sa base avec la file de Celery)."""
    from indicateurs.agregation import nouvelle_version_des_agregats

    nouvelle_version_des_agregats()


@pytest.fixture(autouse=True)
def compteur_de_jetons_a_zero():
    """Le client de test parle toujours depuis 127.0.0.1 : chaque test part d'un compteur de demandes de jeton à
    zéro (config/limites.py), sans vider le cache."""
    from config.limites import oublier

    oublier(portee="jeton", ident="127.0.0.1")


def taches_en_file(rappels: list) -> list:
    """Les rappels `on_commit` capturés, sans le chaînage du journal (journal/services.py) que toute écriture
    journalisée ajoute : ceux qui mettent une tâche en file."""
    from journal.services import EntreesAChainer

    return [rappel for rappel in rappels if not isinstance(getattr(rappel, "__self__", None), EntreesAChainer)]


def redis_repond(url: str) -> bool:
    try:
        return bool(url) and redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def worker_celery(settings):
    """Un vrai worker Celery (fil « solo ») sur le Redis de REDIS_URL, pour la durée du test."""
    from celery.contrib.testing import tasks as taches_de_test  # noqa: F401 — enregistre celery.ping
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    exige_service(redis_repond(settings.REDIS_URL), "Redis injoignable (REDIS_URL) : pas de worker Celery")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.fixture
def region_hdf(db):
    return RegionFactory()


@pytest.fixture
def region_idf(db):
    return RegionFactory(code="11", nom="Île-de-France", population=12_270_000)


@pytest.fixture
def organisme(db):
    return OrganismeFactory(nom="Association Exemple Nord (fictive)")


@pytest.fixture
def organisme_autre(db):
    return OrganismeFactory(nom="Association Autre Somme (fictive)")


@pytest.fixture
def planificateur(region_hdf):
    return UtilisateurFactory(planificateur=True, email="planificateur@exemple.test")


@pytest.fixture
def instructeur(region_hdf):
    return UtilisateurFactory(instructeur=True, email="instructeur@exemple.test")


@pytest.fixture
def dreets(region_hdf):
    return UtilisateurFactory(dreets=True, email="dreets@exemple.test")


@pytest.fixture
def operateur(organisme):
    return UtilisateurFactory(operateur=True, email="operateur@exemple.test", organismes=[organisme])


@pytest.fixture
def operateur_autre(organisme_autre):
    return UtilisateurFactory(operateur=True, email="operateur2@exemple.test", organismes=[organisme_autre])


@pytest.fixture
def national(db):
    return UtilisateurFactory(national=True, email="national@exemple.test")


@pytest.fixture
def administrateur(db):
    return UtilisateurFactory(administrateur=True, email="admin@exemple.test")


@pytest.fixture
def casting(planificateur, instructeur, dreets, operateur, national, administrateur):
    """Un utilisateur par rôle ; la clé None représente le visiteur anonyme."""
    return {
        None: None,
        Role.PLANIFICATEUR: planificateur,
        Role.INSTRUCTEUR: instructeur,
        Role.DREETS: dreets,
        Role.OPERATEUR: operateur,
        Role.NATIONAL: national,
        Role.ADMINISTRATEUR: administrateur,
    }


@pytest.fixture(autouse=True)
def media_temporaire(settings, tmp_path):
    """Les fichiers déposés pendant un test vont dans un dossier jetable, jamais dans ./media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Les catalogues semés par migration, rechargés à chaque session : une base gardée (--reuse-db) a pu être
    vidée par les tests transactionnels de la session précédente. La base est ensuite sérialisée à nouveau, pour
    que `serialized_rollback` rende aux tests transactionnels une base avec ses catalogues."""
    from django.db import connections

    from dispositifs.services import charger_catalogue
    from indicateurs.services import charger_indicateurs

    with django_db_blocker.unblock():
        charger_catalogue()
        charger_indicateurs()
        for connexion in connections.all():
            if hasattr(connexion, "_test_serialized_contents"):
                connexion._test_serialized_contents = connexion.creation.serialize_db_to_string()


@pytest.fixture(scope="session")
def serveur_oidc():
    """Le fournisseur OpenID local (tests/comptes/fournisseur_oidc.py), démarré une fois pour la session."""
    import oidc_provider_mock
    import requests

    from tests.comptes.fournisseur_oidc import FournisseurOidc

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # il parle HTTP, sur cette machine seulement
    with oidc_provider_mock.run_server_in_thread() as serveur:
        url = f"http://localhost:{serveur.server_port}"
        decouverte = requests.get(f"{url}/.well-known/openid-configuration", timeout=5).json()
        yield FournisseurOidc(url=url, decouverte=decouverte)


@pytest.fixture
def proconnect(settings, serveur_oidc):
    """ProConnect ouvert sur ce site, branché sur le fournisseur local."""
    from tests.comptes.fournisseur_oidc import brancher

    brancher(settings, serveur_oidc)
    return serveur_oidc
