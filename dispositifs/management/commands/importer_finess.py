from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dispositifs.services import importer_finess


class Command(BaseCommand):
    help = (
        "Importe l'extraction FINESS des établissements (etalab-cs1100507-stock-*.csv de data.gouv.fr) : "
        "crée ou met à jour organismes et dispositifs des catégories nommées dans le catalogue des types. "
        "Exemple fictif : dispositifs/donnees/etalab-cs1100507-stock-exemple.csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="Chemin de l'extraction FINESS (Latin-1, séparateur « ; »).")

    def handle(self, *args, fichier: Path, **options):
        try:
            rapport = importer_finess(fichier=fichier)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        except FileNotFoundError as erreur:
            raise CommandError(f"Fichier introuvable : {fichier}.") from erreur
        except OSError as erreur:
            raise CommandError(f"Lecture impossible de {fichier} : {erreur.strerror}.") from erreur
        if rapport.categories:
            self.stdout.write(f"Catégories FINESS retenues : {', '.join(rapport.categories)}.")
        else:
            self.stdout.write(
                self.style.WARNING("Aucun type du catalogue n'indique de catégorie FINESS : tout est hors périmètre.")
            )
        for ligne in rapport.lignes():
            self.stdout.write(ligne)
        for rejet in rapport.rejets:
            self.stdout.write(self.style.WARNING(f"  ligne {rejet.ligne} : {rejet.raison}"))
