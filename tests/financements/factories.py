import factory

from financements.models import Credit, Enveloppe, Source
from tests.dispositifs.factories import DispositifFactory
from tests.territoires.factories import RegionFactory


class EnveloppeFactory(factory.django.DjangoModelFactory):
    """Une enveloppe FIR 2026 de tous types, dans les Hauts-de-France."""

    class Meta:
        model = Enveloppe

    region = factory.SubFactory(RegionFactory)
    annee = 2026
    source = Source.FIR
    montant = 100_000


class CreditFactory(factory.django.DjangoModelFactory):
    """Un crédit FIR 2026 reconductible, à un dispositif des Hauts-de-France."""

    class Meta:
        model = Credit

    dispositif = factory.SubFactory(DispositifFactory)
    annee = 2026
    source = Source.FIR
    montant = 10_000
    reference = factory.Sequence(lambda n: f"Notification fictive n° {n}")
