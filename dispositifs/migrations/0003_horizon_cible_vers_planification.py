"""Horizon et Cible sont passés dans l'application planification (voir planification/0001_initial).

L'historique des cibles n'a plus qu'une bibliothèque : django-auditlog, qui suivait déjà chaque changement.
Le motif saisi, que seul django-simple-history gardait, rejoint l'entrée du journal correspondante
(additional_data) avant que la table de simple-history ne soit supprimée.
"""

import django.db.models.deletion
from django.db import migrations, models


def reporter_les_motifs(apps, schema_editor):
    """Chaque motif rejoint l'entrée du journal du même changement, reconnue à la version qu'elle a posée (chaque
    enregistrement d'une cible l'incrémente) ; un motif sans entrée en reçoit une, datée et attribuée comme sa
    version : aucun motif n'est perdu."""
    HistoricalCible = apps.get_model("dispositifs", "HistoricalCible")
    LogEntry = apps.get_model("auditlog", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    type_cible = ContentType.objects.filter(app_label="planification", model="cible").first()
    if type_cible is None:
        return
    versions = HistoricalCible.objects.exclude(history_change_reason__isnull=True).exclude(history_change_reason="")
    for version in versions.order_by("history_date", "history_id"):
        entree = entrees_par_version(LogEntry, type_cible, version.id).get(str(version.version))
        entree = entree or nouvelle_entree(LogEntry, type_cible, version)
        entree.additional_data = {**(entree.additional_data or {}), "motif": version.history_change_reason}
        entree.save()


def entrees_par_version(LogEntry, type_cible, id_cible: int) -> dict:
    """Les entrées du journal d'une cible, par la version qu'elles ont posée (« 1 » à la création)."""
    entrees = LogEntry.objects.filter(content_type=type_cible, object_pk=str(id_cible))
    return {str((e.changes or {}).get("version", [None, None])[1]): e for e in entrees}


def nouvelle_entree(LogEntry, type_cible, version):
    """L'entrée que django-auditlog aurait écrite pour cette version (création ou modification de la valeur)."""
    precedente = (
        type(version)
        .objects.filter(id=version.id, history_date__lt=version.history_date)
        .order_by("-history_date", "-history_id")
        .first()
    )
    avant = "None" if precedente is None else str(precedente.valeur)
    return LogEntry(
        content_type=type_cible,
        object_pk=str(version.id),
        object_id=version.id,
        object_repr=f"cible {version.id}",
        action=0 if precedente is None else 1,
        changes={
            "valeur": [avant, str(version.valeur)],
            "version": ["None" if precedente is None else str(precedente.version), str(version.version)],
        },
        actor_id=version.history_user_id,
        timestamp=version.history_date,
    )


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
