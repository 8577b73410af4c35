from django.core.management.base import BaseCommand

from territoires.services import importer_territoires


class Command(BaseCommand):
    help = "Charge ou met à jour régions, départements, populations et territoires de santé livrés."

    def handle(self, *args, **options):
        rapport = importer_territoires()
        for ligne in rapport.lignes():
            self.stdout.write(ligne)
        if rapport.nb_changements:
            self.stdout.write(self.style.SUCCESS(f"{rapport.nb_changements} territoire(s) créé(s) ou modifié(s)."))
        else:
            self.stdout.write(self.style.SUCCESS("Aucun changement : les territoires étaient à jour."))
