import factory

from programme.models import Action, Axe, FeuilleDeRoute, Genre, Jalon, RevueAnnuelle
from tests.territoires.factories import RegionFactory


class FeuilleDeRouteFactory(factory.django.DjangoModelFactory):
    """Un programme régional des Hauts-de-France ; `territoriale=True` pour la feuille de route d'un territoire."""

    class Meta:
        model = FeuilleDeRoute

    slug = factory.Sequence(lambda n: f"feuille-fictive-{n}")
    region = factory.SubFactory(RegionFactory)
    genre = Genre.PROGRAMME_REGIONAL
    titre = factory.Sequence(lambda n: f"Feuille de route fictive n° {n}")
    periode = "2018-2022"
    source = "Fictive (tests)"

    class Params:
        territoriale = factory.Trait(genre=Genre.TERRITORIALE)


class AxeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axe

    feuille_de_route = factory.SubFactory(FeuilleDeRouteFactory)
    intitule = factory.Sequence(lambda n: f"Axe fictif n° {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    """Une action sous un axe de sa feuille de route ; `types=[…]`, `territoires=[…]`, `cibles=[…]` les relient."""

    class Meta:
        model = Action
        skip_postgeneration_save = True

    axe = factory.SubFactory(AxeFactory)
    feuille_de_route = factory.SelfAttribute("axe.feuille_de_route")
    code = factory.Sequence(lambda n: f"action-{n}")
    intitule = factory.Sequence(lambda n: f"Action fictive n° {n}")
    objectif = "Objectif fictif."

    @factory.post_generation
    def types(self, create, extracted, **kwargs):
        if create and extracted:
            self.types.set(extracted)

    @factory.post_generation
    def territoires(self, create, extracted, **kwargs):
        if create and extracted:
            self.territoires.set(extracted)

    @factory.post_generation
    def cibles(self, create, extracted, **kwargs):
        if create and extracted:
            self.cibles.set(extracted)


class JalonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jalon

    action = factory.SubFactory(ActionFactory)
    echeance = "2020"
    libelle = factory.Sequence(lambda n: f"Jalon fictif n° {n}")


class RevueAnnuelleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RevueAnnuelle

    feuille_de_route = factory.SubFactory(FeuilleDeRouteFactory)
    annee = 2025
    instance = "Réunion fictive"
