"""Horizon et Cible quittent l'application dispositifs pour planification, sans perdre une ligne.

Les tables existent déjà (dispositifs_horizon, dispositifs_cible) : l'état les reprend telles quelles, puis
elles sont renommées, et leurs types de contenu changent d'application pour que le journal d'audit
(django-auditlog) et les permissions les suivent.
"""

import django.db.models.deletion
from django.db import migrations, models


def deplacer_types_de_contenu(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for modele in ("horizon", "cible"):
        if not ContentType.objects.filter(app_label="planification", model=modele).exists():
            ContentType.objects.filter(app_label="dispositifs", model=modele).update(app_label="planification")


def rendre_types_de_contenu(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="planification", model__in=["horizon", "cible"]).update(
        app_label="dispositifs"
    )


class Migration(migrations.Migration):
    initial = True

    # Après toute migration qui crée une clé vers ces tables sous leur ancien nom (appels.Appel.horizon).
    dependencies = [
        ("appels", "0005_projet_de_la_decision"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dispositifs", "0002_catalogue"),
        ("territoires", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Horizon",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("slug", models.SlugField(unique=True, verbose_name="identifiant")),
                        ("libelle", models.CharField(max_length=100, verbose_name="libellé")),
                        ("debut", models.DateField(verbose_name="début")),
                        ("fin", models.DateField(verbose_name="fin")),
                    ],
                    options={
                        "verbose_name": "horizon de programmation",
                        "verbose_name_plural": "horizons de programmation",
                        "ordering": ["-fin", "libelle"],
                        "db_table": "dispositifs_horizon",
                    },
                ),
                migrations.CreateModel(
                    name="Cible",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("valeur", models.DecimalField(decimal_places=2, max_digits=8, verbose_name="cible")),
                        (
                            "version",
                            models.PositiveIntegerField(
                                default=1, help_text="Incrémentée à chaque modification.", verbose_name="version"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifiée le")),
                        (
                            "territoire",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cibles",
                                to="territoires.territoire",
                                verbose_name="territoire",
                            ),
                        ),
                        (
                            "horizon",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cibles",
                                to="planification.horizon",
                                verbose_name="horizon",
                            ),
                        ),
                        (
                            "type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="cibles",
                                to="dispositifs.typedispositif",
                                verbose_name="type",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "cible",
                        "ordering": ["horizon", "type__ordre", "territoire__chemin"],
                        "db_table": "dispositifs_cible",
                        "constraints": [
                            models.UniqueConstraint(fields=("type", "territoire", "horizon"), name="une_cible_par_case"),
                            models.CheckConstraint(condition=models.Q(("valeur__gte", 0)), name="cible_positive"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="horizon", table=None),
        migrations.AlterModelTable(name="cible", table=None),
        migrations.RunPython(deplacer_types_de_contenu, rendre_types_de_contenu),
    ]
