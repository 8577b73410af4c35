import dataclasses
import json
import sys

from django.core.management.base import BaseCommand

from journal.verification import verifier_chaine


class Command(BaseCommand):
    help = (
        "Recalcule la chaîne du journal d'audit (chaque entrée porte l'empreinte de la précédente) et finit par une "
        "ligne JSON {maillons_verifies, entrees_hors_chaine, premiere_cassee, derniere_empreinte, ruptures} ; "
        "code de sortie 1 si une entrée a été modifiée, supprimée ou insérée."
    )

    def handle(self, *args, **options):
        verification = verifier_chaine()
        self.stdout.write(json.dumps(dataclasses.asdict(verification), ensure_ascii=False))
        if verification.ruptures:
            sys.exit(1)
