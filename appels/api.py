import django_filters
from django.db.models import Q
from rest_framework import serializers, viewsets

from appels.models import Appel, Critere, Nature, StatutAppel
from config.comptes.models import Role
from config.policy import Regle


class CritereSerializer(serializers.ModelSerializer):
    class Meta:
        model = Critere
        fields = ["libelle", "poids"]


class AppelSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", read_only=True)
    horizon = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    types_cibles = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    types_exclus = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    territoires = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    appel_precedent = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    criteres = CritereSerializer(many=True, read_only=True)
    est_ouvert = serializers.SerializerMethodField()

    class Meta:
        model = Appel
        fields = [
            "reference",
            "nature",
            "titre",
            "region",
            "horizon",
            "description",
            "types_cibles",
            "types_exclus",
            "territoires",
            "enveloppe",
            "ouverture",
            "cloture",
            "est_ouvert",
            "regles_eligibilite",
            "co_instruction_dreets",
            "statut",
            "appel_precedent",
            "criteres",
            "fictif",
        ]

    def get_est_ouvert(self, appel) -> bool:
        return appel.est_ouvert()


class AppelFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", help_text="Code INSEE de la région.")
    nature = django_filters.ChoiceFilter(choices=Nature.choices)
    statut = django_filters.ChoiceFilter(choices=StatutAppel.choices)

    class Meta:
        model = Appel
        fields = ["region", "nature", "statut"]


class AppelViewSet(viewsets.ReadOnlyModelViewSet):
    """Les appels publiés, pour tous ; les brouillons, pour les planificateurs de leur région."""

    regle_acces = Regle.PUBLIC
    serializer_class = AppelSerializer
    filterset_class = AppelFilter
    lookup_field = "reference"

    def get_queryset(self):
        user = self.request.user
        visibles = ~Q(statut=StatutAppel.BROUILLON)
        if user.is_authenticated and user.role == Role.ADMINISTRATEUR:
            visibles = Q()
        elif user.is_authenticated and user.role == Role.PLANIFICATEUR:
            visibles |= Q(region=user.region)
        return (
            Appel.objects.filter(visibles)
            .select_related("region", "horizon", "appel_precedent")
            .prefetch_related("types_cibles", "types_exclus", "territoires", "criteres")
        )
