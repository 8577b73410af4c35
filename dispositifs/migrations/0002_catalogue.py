from django.db import migrations

from dispositifs.catalogue import charger_catalogue


def charger(apps, schema_editor):
    charger_catalogue(apps.get_model("dispositifs", "TypeDispositif"))


class Migration(migrations.Migration):
    dependencies = [
        ("dispositifs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(charger, migrations.RunPython.noop),
    ]
