"""Chaque rapport déjà produit devient sa version 1 : même fichier, même empreinte, même date ; il reste
téléchargeable quand une régénération en ajoute une autre. Provisoire s'il a été produit avant l'échéance des
déclarations de son mois (la règle de indicateurs.rapports.est_provisoire) ; sa complétude n'avait pas été
notée : elle reste vide plutôt qu'inventée."""

from django.db import migrations
from django.utils import timezone

from indicateurs.calendrier import echeance

MOTIF = "Version produite avant l'archivage des versions."


def versions_des_rapports_existants(apps, schema_editor):
    Rapport = apps.get_model("indicateurs", "Rapport")
    VersionRapport = apps.get_model("indicateurs", "VersionRapport")
    for rapport in Rapport.objects.exclude(fichier="").exclude(genere_le=None).iterator():
        provisoire = timezone.localdate(rapport.genere_le) <= echeance(rapport.mois)
        VersionRapport.objects.create(
            rapport=rapport,
            numero=1,
            fichier=rapport.fichier.name,
            empreinte=rapport.empreinte,
            taille=rapport.taille or 0,
            genere_le=rapport.genere_le,
            motif=MOTIF,
            demande_par_id=rapport.demande_par_id,
            provisoire=provisoire,
        )
        Rapport.objects.filter(pk=rapport.pk).update(provisoire=provisoire)


def effacer_les_versions(apps, schema_editor):
    """Le retour arrière garde les fichiers : la ligne du rapport désigne toujours celui qu'elle servait."""
    apps.get_model("indicateurs", "VersionRapport").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("indicateurs", "0005_versions_des_rapports")]

    operations = [migrations.RunPython(versions_des_rapports_existants, effacer_les_versions)]
