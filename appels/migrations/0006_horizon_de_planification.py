"""L'horizon d'un appel est désormais celui de l'application planification (même table, renommée)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appels", "0005_projet_de_la_decision"),
        ("planification", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appel",
                    name="horizon",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Les projets retenus y deviennent des perspectives du tableau de planification.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appels",
                        to="planification.horizon",
                        verbose_name="horizon de programmation",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
