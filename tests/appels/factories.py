import datetime

import factory
from django.utils import timezone

from appels.models import Appel, Critere, Nature, StatutAppel
from tests.territoires.factories import RegionFactory


class AppelFactory(factory.django.DjangoModelFactory):
    """Un AMI publié, ouvert depuis dix jours et pour vingt jours encore, dans les Hauts-de-France."""

    class Meta:
        model = Appel
        skip_postgeneration_save = True

    nature = Nature.AMI
    titre = factory.Sequence(lambda n: f"Appel fictif n° {n}")
    reference = factory.Sequence(lambda n: f"appel-fictif-{n}")
    region = factory.SubFactory(RegionFactory)
    description = "Appel inventé pour les tests."
    ouverture = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    cloture = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    statut = StatutAppel.PUBLIE
    fictif = True

    class Params:
        brouillon = factory.Trait(statut=StatutAppel.BROUILLON)
        clos = factory.Trait(
            statut=StatutAppel.CLOS,
            ouverture=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=60)),
            cloture=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def types_cibles(self, create, extracted, **kwargs):
        if create and extracted:
            self.types_cibles.set(extracted)


class CritereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Critere

    appel = factory.SubFactory(AppelFactory)
    libelle = factory.Sequence(lambda n: f"Critère {n}")
    poids = 25


def pdf(pages=1) -> bytes:
    """Un vrai PDF de `pages` pages blanches."""
    import io

    from pypdf import PdfWriter

    ecrivain = PdfWriter()
    for _ in range(pages):
        ecrivain.add_blank_page(width=595, height=842)
    tampon = io.BytesIO()
    ecrivain.write(tampon)
    return tampon.getvalue()


def lettre_complete(appel, **remplacements) -> dict:
    """Les données d'un formulaire de lettre prête à déposer (une infirmière dans l'équipe)."""
    territoire = appel.region.enfants.first() or appel.region
    donnees = {
        "statut_organisme": "Association loi 1901",
        "experience": "Quinze ans de maraudes sanitaires.",
        "dispositif_envisage": "indetermine",
        "projet_existant": "non",
        "publics": ["rue", "campements"],
        "territoires": [territoire.code],
        "nature_proposition": "Consultations de rue et accompagnement vers le droit commun.",
        "file_active": "120",
        "budget_demande": "250000",
        "equipe-TOTAL_FORMS": "2",
        "equipe-INITIAL_FORMS": "0",
        "equipe-0-profession": "Infirmière",
        "equipe-0-etp": "1,5",
        "equipe-0-professionnel_sante": "on",
        "equipe-1-profession": "Travailleur social",
        "equipe-1-etp": "1",
        "partenariats-TOTAL_FORMS": "1",
        "partenariats-INITIAL_FORMS": "0",
        "partenariats-0-nom": "PASS du centre hospitalier",
        "partenariats-0-nature": "Consultations et bilans",
        "partenariats-0-etat": "acte",
    }
    donnees.update(remplacements)
    return donnees
