"""Intégration : un vrai worker Celery, sur le Redis de REDIS_URL, exécute une de nos tâches."""

from datetime import timedelta

import pytest
import redis
from celery.contrib.testing import tasks as taches_de_test  # noqa: F401 — enregistre celery.ping
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from config.comptes.tasks import supprimer_sessions_expirees
from tests.conftest import exige_service


def redis_repond(url: str) -> bool:
    try:
        return bool(url) and redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def worker_celery(settings):
    exige_service(redis_repond(settings.REDIS_URL), "Redis injoignable (REDIS_URL) : pas de worker Celery")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=True, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


@pytest.mark.celery_worker
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_vrai_worker_purge_les_sessions_expirees(worker_celery):
    hier = timezone.now() - timedelta(days=1)
    Session.objects.create(session_key="expiree", session_data="", expire_date=hier)
    Session.objects.create(session_key="valide", session_data="", expire_date=timezone.now() + timedelta(days=1))

    resultat = supprimer_sessions_expirees.delay()

    assert resultat.get(timeout=30) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["valide"]
