import django.db.models.deletion
from django.db import migrations, models

from indicateurs.services import charger_indicateurs


def charger(apps, schema_editor):
    """Les indicateurs des sources (issue 13, point 5) et les catégories de leurs ventilations."""
    charger_indicateurs(
        modele=apps.get_model("indicateurs", "Indicateur"), modele_type=apps.get_model("dispositifs", "TypeDispositif")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('indicateurs', '0007_editions_publiques'),
    ]

    operations = [
        migrations.AddField(
            model_name='indicateur',
            name='total',
            field=models.ForeignKey(blank=True, help_text="Pour une catégorie d'une ventilation : le total qu'elle décompose avec les autres catégories.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='categories', to='indicateurs.indicateur', verbose_name='total ventilé'),
        ),
        migrations.RunPython(charger, migrations.RunPython.noop),
    ]
