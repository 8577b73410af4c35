"""Les coûts de référence des documents sources (financements/donnees/couts_reference.json), et le coût annuel par
unité du catalogue des types qu'ils alimentent."""

from django.db import migrations


def charger(apps, schema_editor):
    from financements.references import charger_couts_reference

    charger_couts_reference(
        modele=apps.get_model("financements", "CoutReference"),
        modele_type=apps.get_model("dispositifs", "TypeDispositif"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dispositifs", "0002_catalogue"),
        ("financements", "0002_couts_reference"),
    ]

    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
