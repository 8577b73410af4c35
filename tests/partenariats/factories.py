import datetime

import factory

from partenariats.models import (
    CategoriePartenaire,
    Contact,
    Convention,
    Niveau,
    RencontreBilaterale,
    StatutConvention,
    Structure,
)
from tests.dispositifs.factories import OrganismeFactory, TypeDispositifFactory
from tests.territoires.factories import TerritoireFactory


class ConventionFactory(factory.django.DjangoModelFactory):
    """Une convention PASS actée avec une structure sociale, dans un département des Hauts-de-France ; `prevue=True`
    pour une convention pas encore signée."""

    class Meta:
        model = Convention

    organisme = factory.SubFactory(OrganismeFactory)
    type_dispositif = factory.SubFactory(TypeDispositifFactory, code="PASS")
    territoire = factory.SubFactory(TerritoireFactory)
    partenaire_nom = factory.Sequence(lambda n: f"Structure sociale fictive n° {n}")
    partenaire_categorie = CategoriePartenaire.STRUCTURE_SOCIALE
    objet = "Organisation des entrées et sorties (fictif)."
    statut = StatutConvention.ACTEE
    signee_le = datetime.date(2025, 3, 1)
    fictif = True

    class Params:
        prevue = factory.Trait(statut=StatutConvention.PREVUE, signee_le=None)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    territoire = factory.SubFactory(TerritoireFactory)
    structure = Structure.DDETS
    service = ""
    fonction = "Correspondant départemental"
    courriel = factory.Sequence(lambda n: f"correspondant-{n}@demo.example")
    fictif = True


class RencontreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RencontreBilaterale

    territoire = factory.SubFactory(TerritoireFactory)
    date = datetime.date(2025, 6, 1)
    niveau = Niveau.DEPARTEMENTAL
    services_presents = "ARS : délégation départementale ; DDETS(PP)"
    decisions = "Décision fictive."
    fictif = True
