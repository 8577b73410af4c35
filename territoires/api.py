import django_filters
from rest_framework import serializers, viewsets

from commun.filtres import FiltresAPI, IdentifiantFilter, PaginationSansCompteInutile
from config.policy import Regle
from territoires.models import Niveau, Territoire, code_region

# Les colonnes que l'API lit par `.values()`, sans instancier de territoire : la liste entière tient sur une page, et
# le profil montrait l'instanciation et le ModelSerializer champ par champ devant la requête elle-même.
LECTURE_TERRITOIRES = [
    "id",
    "niveau",
    "code",
    "nom",
    "parent_id",
    "chemin",
    "population",
    "millesime_population",
    "source_population",
    "note",
]


# Les champs déclarés disent le schéma (drf-spectacular) ; `to_representation` rend une ligne de
# `.values(*LECTURE_TERRITOIRES)` comme le ModelSerializer rendrait le territoire (tests/territoires/test_api.py).
# Pas de docstring : elle deviendrait la description du schéma.
class TerritoireSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="code_region", read_only=True, allow_null=True)

    class Meta:
        model = Territoire
        fields = [
            "id",
            "niveau",
            "code",
            "nom",
            "parent",
            "region",
            "population",
            "millesime_population",
            "source_population",
            "note",
        ]

    def to_representation(self, ligne):
        return {
            "id": ligne["id"],
            "niveau": ligne["niveau"],
            "code": ligne["code"],
            "nom": ligne["nom"],
            "parent": ligne["parent_id"],
            "region": code_region(ligne["chemin"], ligne["niveau"]),
            "population": ligne["population"],
            "millesime_population": ligne["millesime_population"],
            "source_population": ligne["source_population"],
            "note": ligne["note"],
        }


class TerritoireFilter(FiltresAPI):
    niveau = django_filters.ChoiceFilter(choices=Niveau.choices, help_text="Niveau du territoire.")
    region = django_filters.CharFilter(
        method="filtrer_region", help_text="Code INSEE d'une région : la région et tout ce qu'elle contient."
    )
    parent = IdentifiantFilter(field_name="parent", help_text="Identifiant du territoire parent.")
    code = django_filters.CharFilter(help_text="Code exact (INSEE pour régions et départements).")

    class Meta:
        model = Territoire
        fields = ["niveau", "region", "parent", "code"]

    def filtrer_region(self, queryset, name, value):
        region = Territoire.objects.regions().filter(code=value).first()
        if region is None:
            return queryset.none()
        return queryset.descendants(region, inclus=True)


class PaginationReferentiel(PaginationSansCompteInutile):
    """Le référentiel entier (126 territoires) tient sur une page : son total se lit sans COUNT."""

    page_size = 200


class TerritoireViewSet(viewsets.ReadOnlyModelViewSet):
    """Le référentiel des territoires (France, régions, départements, territoires de santé), public."""

    regle_acces = Regle.PUBLIC
    queryset = Territoire.objects.values(*LECTURE_TERRITOIRES)
    serializer_class = TerritoireSerializer
    filterset_class = TerritoireFilter
    pagination_class = PaginationReferentiel
