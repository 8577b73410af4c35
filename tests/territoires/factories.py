import factory

from territoires.models import Niveau, Territoire


class FranceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territoire
        django_get_or_create = ["niveau", "code"]

    niveau = Niveau.PAYS
    code = "FR"
    nom = "France"
    parent = None
    population = 68_350_798
    millesime_population = 2023


class RegionFactory(FranceFactory):
    """Par défaut les Hauts-de-France (région 32)."""

    niveau = Niveau.REGION
    code = "32"
    nom = "Hauts-de-France"
    parent = factory.SubFactory(FranceFactory)
    population = 5_980_000


class TerritoireFactory(FranceFactory):
    """Un département des Hauts-de-France ; `territoire_sante=True` pour un territoire de santé."""

    niveau = Niveau.DEPARTEMENT
    code = factory.Sequence(lambda n: f"D{n:03d}")
    nom = factory.Sequence(lambda n: f"Département {n}")
    parent = factory.SubFactory(RegionFactory)
    population = 500_000

    class Params:
        territoire_sante = factory.Trait(niveau=Niveau.TERRITOIRE_SANTE, population=None, millesime_population=None)
