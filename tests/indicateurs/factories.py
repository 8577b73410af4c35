import datetime
import hashlib

import factory
from django.utils import timezone

from indicateurs.models import (
    Agregat,
    Declaration,
    Granularite,
    Indicateur,
    StatutDeclaration,
    Valeur,
    VersionRapport,
)
from tests.dispositifs.factories import DispositifFactory, TypeDispositifFactory
from tests.territoires.factories import TerritoireFactory


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    dispositif = factory.SubFactory(DispositifFactory)
    mois = datetime.date(2026, 10, 1)
    statut = StatutDeclaration.VALIDEE


class ValeurFactory(factory.django.DjangoModelFactory):
    """Une valeur d'un indicateur du catalogue semé (file active par défaut)."""

    class Meta:
        model = Valeur

    declaration = factory.SubFactory(DeclarationFactory)
    indicateur = factory.LazyFunction(lambda: Indicateur.objects.get(code="file_active"))
    valeur = 20


class AgregatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agregat

    indicateur = factory.LazyFunction(lambda: Indicateur.objects.get(code="file_active"))
    type = factory.SubFactory(TypeDispositifFactory)
    territoire = factory.SubFactory(TerritoireFactory)
    granularite = Granularite.MOIS
    periode = datetime.date(2026, 10, 1)
    valeur = 20
    nb_dispositifs = 3
    nb_declarations = 3
    nb_attendues = 4
    calcule_le = factory.LazyFunction(timezone.now)


PDF_EXEMPLE = b"%PDF-1.4\n% rapport d'exemple\n%%EOF\n"


class RapportFactory(factory.django.DjangoModelFactory):
    """Un rapport interne prêt, avec un petit PDF ; `public=True` pour la version publique."""

    class Meta:
        model = "indicateurs.Rapport"
        django_get_or_create = ["territoire", "mois", "public"]
        skip_postgeneration_save = True

    territoire = factory.SubFactory("tests.territoires.factories.RegionFactory")
    mois = datetime.date(2026, 10, 1)
    public = False
    statut = "pret"
    fichier = factory.django.FileField(data=PDF_EXEMPLE, filename="rapport-exemple.pdf")
    empreinte = factory.LazyFunction(lambda: hashlib.sha256(PDF_EXEMPLE).hexdigest())
    taille = len(PDF_EXEMPLE)
    genere_le = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def versions(rapport, create, extracted, **kwargs):
        """Un rapport produit a sa version 1 (le même fichier), comme après services.publier."""
        if create and rapport.fichier:
            VersionRapport.objects.get_or_create(
                rapport=rapport,
                numero=1,
                defaults={
                    "fichier": rapport.fichier.name,
                    "empreinte": rapport.empreinte,
                    "taille": rapport.taille,
                    "genere_le": rapport.genere_le,
                    "motif": "Rapport mensuel du 1er du mois.",
                },
            )
