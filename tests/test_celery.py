"""Intégration : un vrai worker Celery, sur le Redis de REDIS_URL, exécute une de nos tâches."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from comptes.tasks import supprimer_sessions_expirees


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
