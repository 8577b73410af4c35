"""GET /api/v1/donnees/ : le catalogue des données ouvertes, avec les adresses de chaque jeu."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from config.policy import Regle
from donnees.catalogue import JEUX
from donnees.jeu import LICENCE
from donnees.views import adresses

JEU_API = inline_serializer(
    "JeuDeDonnees",
    {
        "slug": serializers.CharField(),
        "titre": serializers.CharField(),
        "description": serializers.CharField(),
        "licence": inline_serializer(
            "Licence",
            {"name": serializers.CharField(), "title": serializers.CharField(), "path": serializers.URLField()},
        ),
        "mise_a_jour": serializers.DateField(allow_null=True),
        "champs": serializers.ListField(child=serializers.CharField()),
        "page": serializers.URLField(),
        "csv": serializers.URLField(),
        "json": serializers.URLField(),
        "schema": serializers.URLField(),
    },
    many=True,
)


class DonneesView(APIView):
    """Les jeux de données ouverts (Licence Ouverte / Etalab 2.0) : une requête par jeu, sa date de mise à jour."""

    regle_acces = Regle.PUBLIC

    @extend_schema(responses=JEU_API, summary="Catalogue des données ouvertes")
    def get(self, request, *args, **kwargs):
        return Response([decrire(request, jeu) for jeu in JEUX.values()])


def decrire(request, jeu) -> dict:
    mise_a_jour = jeu.mise_a_jour()
    return {
        "slug": jeu.slug,
        "titre": jeu.titre,
        "description": jeu.description,
        "licence": LICENCE,
        "mise_a_jour": mise_a_jour.isoformat() if mise_a_jour else None,
        "champs": jeu.entetes,
        **adresses(request, jeu),
    }
