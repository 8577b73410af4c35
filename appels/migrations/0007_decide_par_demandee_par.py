from django.db import migrations


class Migration(migrations.Migration):
    """Qui a fait un acte se nomme <participe>_par, à côté de <participe>_le : decide_par, demandee_par."""

    dependencies = [
        ("appels", "0006_horizon_de_planification"),
    ]

    operations = [
        migrations.RenameField(model_name="decision", old_name="auteur", new_name="decide_par"),
        migrations.RenameField(model_name="demandecomplement", old_name="auteur", new_name="demandee_par"),
    ]
