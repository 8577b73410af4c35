"""Application Celery : Redis pour la file et les résultats, réglages dans config/settings.py."""

import os

from celery import Celery, Task
from django.db.utils import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class TachePraps(Task):
    """Nos tâches par défaut : rejouées avec un délai croissant si un service manque un instant.

    Elles doivent être idempotentes (acks_late peut les faire rejouer après une coupure du worker).
    """

    autoretry_for = (ConnectionError, TimeoutError, OperationalError, InterfaceError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("config", task_cls=TachePraps)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
