import dataclasses
import json
import sys

from django.core.management.base import BaseCommand

from indicateurs.agregation import verifier_agregats


class Command(BaseCommand):
    help = (
        "Recalcule tous les agrégats en mémoire (la requête de l'agrégation, sans rien écrire), les compare aux "
        "agrégats enregistrés et finit par une ligne JSON {lignes_comparees, differences, exemples} ; "
        "code de sortie 1 s'il y a une différence."
    )

    def add_arguments(self, parser):
        parser.add_argument("--exemples", type=int, default=5, help="Nombre de différences décrites (5 par défaut).")

    def handle(self, *args, exemples, **options):
        verification = verifier_agregats(nombre_exemples=exemples)
        self.stdout.write(json.dumps(dataclasses.asdict(verification), ensure_ascii=False))
        if verification.differences:
            sys.exit(1)
