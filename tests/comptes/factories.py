import factory

from comptes.models import Role, Utilisateur
from tests.territoires.factories import RegionFactory

MOT_DE_PASSE = "mot-de-passe-des-tests"


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Testeur {n}")
    role = Role.OPERATEUR
    password = factory.django.Password(MOT_DE_PASSE)

    class Params:
        region_hdf = factory.LazyFunction(lambda: RegionFactory())
        planificateur = factory.Trait(role=Role.PLANIFICATEUR, region=factory.SelfAttribute("region_hdf"))
        instructeur = factory.Trait(role=Role.INSTRUCTEUR, region=factory.SelfAttribute("region_hdf"))
        dreets = factory.Trait(role=Role.DREETS, region=factory.SelfAttribute("region_hdf"))
        operateur = factory.Trait(role=Role.OPERATEUR)
        administrateur = factory.Trait(role=Role.ADMINISTRATEUR, is_staff=True, is_superuser=True)

    @factory.post_generation
    def organismes(self, create, extracted, **kwargs):
        if create and extracted:
            self.organismes.set(extracted)
