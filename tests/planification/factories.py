import datetime

import factory

from planification.models import Cible, Horizon
from tests.dispositifs.factories import TypeDispositifFactory
from tests.territoires.factories import TerritoireFactory


class HorizonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Horizon
        django_get_or_create = ["slug"]

    slug = "cibles-2019-2023"
    libelle = "Cibles 2019-2023"
    debut = datetime.date(2019, 1, 1)
    fin = datetime.date(2023, 12, 31)


class CibleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cible

    type = factory.SubFactory(TypeDispositifFactory)
    territoire = factory.SubFactory(TerritoireFactory)
    horizon = factory.SubFactory(HorizonFactory)
    valeur = 50
