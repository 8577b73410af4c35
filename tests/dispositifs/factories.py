import datetime

import factory

from dispositifs.models import (
    Dispositif,
    EvenementCapacite,
    Financement,
    Nature,
    Organisme,
    Secteur,
    Statut,
    TypeDispositif,
    Unite,
)
from tests.territoires.factories import TerritoireFactory


class OrganismeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisme

    nom = factory.Sequence(lambda n: f"Association fictive n° {n}")
    statut_juridique = "Association loi 1901"
    fictif = True


class TypeDispositifFactory(factory.django.DjangoModelFactory):
    """Par défaut le type LHSS (places, médico-social) ; get_or_create sur le code."""

    class Meta:
        model = TypeDispositif
        django_get_or_create = ["code"]

    code = "LHSS"
    sigle = factory.LazyAttribute(lambda o: o.code)
    libelle = factory.LazyAttribute(lambda o: f"Type {o.code}")
    secteur = Secteur.MEDICO_SOCIAL
    unite = Unite.PLACES
    financement = Financement.ONDAM_MS


class DispositifFactory(factory.django.DjangoModelFactory):
    """Un dispositif installé ; `projet=True` pour un projet inscrit à un horizon."""

    class Meta:
        model = Dispositif

    nom = factory.Sequence(lambda n: f"Dispositif fictif n° {n}")
    type = factory.SubFactory(TypeDispositifFactory)
    organisme = factory.SubFactory(OrganismeFactory)
    territoire = factory.SubFactory(TerritoireFactory)
    statut = Statut.INSTALLE
    fictif = True

    class Params:
        projet = factory.Trait(
            statut=Statut.PROJET,
            horizon=factory.SubFactory("tests.planification.factories.HorizonFactory"),
            capacite_prevue=10,
        )


class EvenementCapaciteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvenementCapacite

    dispositif = factory.SubFactory(DispositifFactory)
    date = datetime.date(2020, 1, 1)
    nature = Nature.AUTORISATION
    quantite = 10
    reference = factory.Sequence(lambda n: f"Arrêté fictif n° {n}")
