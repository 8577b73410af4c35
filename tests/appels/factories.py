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
