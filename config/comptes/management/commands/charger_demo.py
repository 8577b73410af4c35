from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appels.demo import creer_appels_demo
from config.comptes.demo import creer_comptes_demo
from dispositifs.demo import creer_planification_demo
from territoires.services import importer_territoires


class Command(BaseCommand):
    help = "Charge les territoires de référence et les données de démonstration (DEBUG seulement)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusé : les comptes de démonstration ont un mot de passe public. Activez DEBUG=1 "
                "(démonstration locale) pour les créer ; jamais en production."
            )
        for ligne in importer_territoires().lignes():
            self.stdout.write(ligne)
        comptes = creer_comptes_demo()
        planification = creer_planification_demo()
        self.stdout.write(
            f"Planification des Hauts-de-France : {planification['dispositifs']} dispositifs et projets fictifs, "
            f"{planification['cibles']} cibles."
        )
        for appel in creer_appels_demo():
            self.stdout.write(f"Appel {appel.reference} ({appel.get_statut_display().lower()})")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(comptes)} comptes de démonstration, mot de passe « {settings.MOT_DE_PASSE_DEMO} » :"
            )
        )
        for compte in comptes:
            self.stdout.write(f"  {compte.email:35} {compte.get_role_display()} — {compte.structure}")
