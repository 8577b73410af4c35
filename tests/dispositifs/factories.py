import factory

from dispositifs.models import Organisme


class OrganismeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisme

    nom = factory.Sequence(lambda n: f"Association fictive n° {n}")
    statut_juridique = "Association loi 1901"
    fictif = True
