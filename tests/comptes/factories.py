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
        national = factory.Trait(role=Role.NATIONAL)
        administrateur = factory.Trait(role=Role.ADMINISTRATEUR, is_staff=True, is_superuser=True)

    @factory.post_generation
    def organismes(self, create, extracted, **kwargs):
        if create and extracted:
            self.organismes.set(extracted)


def appareil_totp(user):
    """L'application d'authentification du compte, déjà activée (la même d'un appel à l'autre)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    appareil, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "Application"})
    return appareil


def code_totp(appareil, decalage: int = 0) -> str:
    """Ce que l'application affiche maintenant (décalage : en pas de 30 secondes)."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(appareil.bin_key, appareil.step, appareil.t0, appareil.digits)
    totp.time = time.time() + decalage * appareil.step
    return f"{totp.token():06d}"
