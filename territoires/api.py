import django_filters
from rest_framework import serializers, viewsets

from commun.filtres import FiltresAPI, IdentifiantFilter, PaginationAPI
from config.policy import Regle
from territoires.models import Niveau, Territoire


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


class PaginationReferentiel(PaginationAPI):
    """Le référentiel entier (126 territoires) tient sur une page."""

    page_size = 200


class TerritoireViewSet(viewsets.ReadOnlyModelViewSet):
    """Le référentiel des territoires (France, régions, départements, territoires de santé), public."""

    regle_acces = Regle.PUBLIC
    queryset = Territoire.objects.all()
    serializer_class = TerritoireSerializer
    filterset_class = TerritoireFilter
    pagination_class = PaginationReferentiel
