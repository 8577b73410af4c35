from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "journal d'audit"

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import post_save

        from journal.services import entree_ecrite

        # Chaque entrée écrite reçoit son maillon après la validation de sa transaction (journal/services.py).
        post_save.connect(entree_ecrite, sender=LogEntry, dispatch_uid="journal.chainer")
