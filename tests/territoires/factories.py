import factory

from territoires.models import Niveau, Territoire


class TerritoireFactory(factory.django.DjangoModelFactory):
    """Par défaut un département de la région Hauts-de-France ; `region=True` pour une région."""

    class Meta:
        model = Territoire
        django_get_or_create = ["niveau", "code"]

    niveau = Niveau.DEPARTEMENT
    code = factory.Sequence(lambda n: f"{n + 1:02d}")
    nom = factory.Sequence(lambda n: f"Département {n + 1}")
    population = 500_000
    millesime_population = 2023
    parent = factory.LazyAttribute(
        lambda o: TerritoireFactory(
            niveau=Niveau.REGION, code="32", nom="Hauts-de-France", population=5_980_000
        )
    )

    class Params:
        france = factory.Trait(
            niveau=Niveau.PAYS, code="FR", nom="France", parent=None, population=68_350_798
        )
        region = factory.Trait(
            niveau=Niveau.REGION,
            parent=factory.LazyFunction(lambda: TerritoireFactory(france=True)),
        )
        territoire_sante = factory.Trait(
            niveau=Niveau.TERRITOIRE_SANTE, population=None, millesime_population=None
        )
