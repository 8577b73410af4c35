"""Horizon et Cible sont passés dans l'application planification (voir planification/0001_initial).

L'historique des cibles n'a plus qu'une bibliothèque : django-auditlog, qui suivait déjà chaque changement.
Le motif saisi, que seul django-simple-history gardait, rejoint l'entrée du journal correspondante
(additional_data) avant que la table de simple-history ne soit supprimée.
"""

import datetime

import django.db.models.deletion
from django.db import migrations, models

ECART_MAX = datetime.timedelta(seconds=5)


def reporter_les_motifs(apps, schema_editor):
    HistoricalCible = apps.get_model("dispositifs", "HistoricalCible")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    type_cible = ContentType.objects.filter(app_label="planification", model="cible").first()
    if type_cible is None:
        return
    versions = HistoricalCible.objects.exclude(history_change_reason__isnull=True).exclude(history_change_reason="")
    for version in versions.iterator():
        entrees = LogEntry.objects.filter(
            content_type=type_cible,
            object_pk=str(version.id),
            timestamp__range=(version.history_date - ECART_MAX, version.history_date + ECART_MAX),
        )
        entree = min(entrees, key=lambda e: abs(e.timestamp - version.history_date), default=None)
        if entree is not None:
            entree.additional_data = {**(entree.additional_data or {}), "motif": version.history_change_reason}
            entree.save(update_fields=["additional_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
        ("dispositifs", "0002_catalogue"),
        ("planification", "0001_initial"),
        ("appels", "0006_horizon_de_planification"),
    ]

    operations = [
        migrations.RunPython(reporter_les_motifs, migrations.RunPython.noop),
        migrations.DeleteModel(name="HistoricalCible"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="dispositif",
                    name="horizon",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Pour un projet : le programme où il est inscrit (colonne « perspectives »).",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="projets",
                        to="planification.horizon",
                        verbose_name="horizon de programmation",
                    ),
                ),
                migrations.DeleteModel(name="Cible"),
                migrations.DeleteModel(name="Horizon"),
            ],
            database_operations=[],
        ),
    ]
