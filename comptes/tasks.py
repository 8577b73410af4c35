from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def supprimer_sessions_expirees() -> int:
    """Purge quotidienne (beat) des sessions expirées ; renvoie le nombre de sessions supprimées."""
    supprimees, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return supprimees
