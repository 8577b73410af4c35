from rest_framework import serializers, viewsets

from config.policy import Regle
from indicateurs.models import Indicateur


class IndicateurSerializer(serializers.ModelSerializer):
    numerateur = serializers.SlugRelatedField(slug_field="code", read_only=True)
    denominateur = serializers.SlugRelatedField(slug_field="code", read_only=True)
    types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicateur
        fields = [
            "code",
            "libelle",
            "definition",
            "unite",
            "nature_valeur",
            "agregation",
            "numerateur",
            "denominateur",
            "types",
        ]


class IndicateurViewSet(viewsets.ReadOnlyModelViewSet):
    """Le catalogue des indicateurs communs et leurs règles d'agrégation ; public."""

    regle_acces = Regle.PUBLIC
    queryset = (
        Indicateur.objects.filter(actif=True).select_related("numerateur", "denominateur").prefetch_related("types")
    )
    serializer_class = IndicateurSerializer
    lookup_field = "code"
    pagination_class = None  # une quinzaine d'indicateurs
