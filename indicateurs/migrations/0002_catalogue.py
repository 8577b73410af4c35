from django.db import migrations

from indicateurs.services import charger_indicateurs


def charger(apps, schema_editor):
    charger_indicateurs(
        modele=apps.get_model("indicateurs", "Indicateur"), modele_type=apps.get_model("dispositifs", "TypeDispositif")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicateurs", "0001_initial"),
        ("dispositifs", "0002_catalogue"),
    ]

    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
