import json

from django.core.management.base import BaseCommand, CommandError

from commun.mois import lire_mois
from indicateurs import calendrier
from indicateurs.services import mois_publiables, publier_editions
from journal.contexte import au_nom_de
from territoires.models import Territoire


class Command(BaseCommand):
    help = (
        "Publie ou révise les chiffres publics, comme la tâche de nuit (sans attendre la nuit) : par défaut les mois "
        "verrouillés que la nuit publie, dans chaque région. Sans effet quand rien n'a changé depuis la dernière "
        'édition. Finit par une ligne JSON {"creees": [{region, mois, numero}], "inchangees": [{region, mois}]}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--mois", help="AAAA-MM : ce mois seul, s'il est verrouillé.")
        parser.add_argument("--territoire", help="Code INSEE de la région (ex. 32) : cette région seule.")

    def handle(self, *args, mois, territoire, **options):
        aujourd_hui = calendrier.aujourd_hui()
        with au_nom_de(None):  # le journal attribue les rapports demandés au « système », comme la nuit
            publiees = publier_editions(
                regions=self.regions(territoire), mois=self.mois(mois, aujourd_hui), aujourd_hui=aujourd_hui
            )
        creees = [
            {"region": r.code, "mois": f"{m:%Y-%m}", "numero": e.numero} for r, m, e in publiees if e is not None
        ]
        inchangees = [{"region": r.code, "mois": f"{m:%Y-%m}"} for r, m, e in publiees if e is None]
        self.stdout.write(json.dumps({"creees": creees, "inchangees": inchangees}, ensure_ascii=False))

    def regions(self, code):
        regions = Territoire.objects.regions().order_by("code")
        if code is None:
            return regions
        if not (choisies := list(regions.filter(code=code))):
            raise CommandError(f"Aucune région de code « {code} » : les chiffres publics se publient par région.")
        return choisies

    def mois(self, texte, aujourd_hui):
        if texte is None:
            return mois_publiables(aujourd_hui)
        if (mois := lire_mois(texte)) is None:
            raise CommandError(f"« {texte} » : mois attendu sous la forme AAAA-MM (ex. 2026-10).")
        if not calendrier.verrouille_sans_derogation(mois, aujourd_hui):
            date = calendrier.date_verrouillage(mois)
            raise CommandError(
                f"{texte} n'est pas encore verrouillé : ses chiffres publics se publient dès le {date:%d/%m/%Y}."
            )
        return [mois]
