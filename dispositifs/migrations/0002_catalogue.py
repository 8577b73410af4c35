from django.db import migrations

from dispositifs.services import charger_catalogue


def charger(apps, schema_editor):
    charger_catalogue(modele=apps.get_model("dispositifs", "TypeDispositif"))


class Migration(migrations.Migration):
    dependencies = [
        ("dispositifs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(charger, migrations.RunPython.noop),
    ]
