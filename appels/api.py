import django_filters
from rest_framework import serializers, viewsets

from appels.models import Appel, Candidature, Critere, Depot, Nature, StatutAppel, StatutCandidature
from config.policy import Regle, appels_visibles, candidatures_visibles


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
    est_ouvert = serializers.BooleanField(read_only=True)

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
        return (
            appels_visibles(self.request.user)
            .select_related("region", "horizon", "appel_precedent")
            .prefetch_related("types_cibles", "types_exclus", "territoires", "criteres")
        )


class DepotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Depot
        fields = ["numero", "version", "depose_le", "empreinte", "contenu"]


class CandidatureSerializer(serializers.ModelSerializer):
    appel = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    organisme_nom = serializers.CharField(source="organisme.nom", read_only=True)
    depot_courant = serializers.SerializerMethodField()

    class Meta:
        model = Candidature
        fields = ["id", "appel", "organisme", "organisme_nom", "statut", "depot_courant"]

    def get_depot_courant(self, candidature) -> dict | None:
        """La dernière version déposée, celle qu'instruit l'ARS ; le brouillon n'est jamais exposé."""
        depots = list(candidature.depots.all())  # préchargés, du plus récent au plus ancien
        return DepotSerializer(depots[0]).data if depots else None


class CandidatureFilter(django_filters.FilterSet):
    appel = django_filters.CharFilter(field_name="appel__reference", help_text="Référence de l'appel.")
    statut = django_filters.ChoiceFilter(choices=StatutCandidature.choices)

    class Meta:
        model = Candidature
        fields = ["appel", "statut"]


class CandidatureViewSet(viewsets.ReadOnlyModelViewSet):
    """Les candidatures : les siennes pour un opérateur ; celles des appels de sa région pour l'ARS, et pour
    la DREETS quand l'appel prévoit sa co-instruction ; toutes pour un administrateur."""

    regle_acces = Regle.CONNECTE
    serializer_class = CandidatureSerializer
    filterset_class = CandidatureFilter

    def get_queryset(self):
        return candidatures_visibles(self.request.user, Candidature.objects.avec_depots())
