# Charge l'application Celery avec Django, pour que @shared_task s'y rattache.
from config.celery import app as celery_app

__all__ = ["celery_app"]
