import django_filters
from rest_framework import serializers, viewsets

from appels.models import (
    Appel,
    Avis,
    Candidature,
    Critere,
    Decision,
    DemandeComplement,
    Depot,
    Nature,
    NatureDecision,
    StatutAppel,
    StatutCandidature,
)
from commun.filtres import FiltresAPI, IdentifiantFilter
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


class AppelFilter(FiltresAPI):
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


class CandidatureFilter(FiltresAPI):
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
        if getattr(self, "swagger_fake_view", False):  # le schéma se construit sans utilisateur
            return Candidature.objects.none()
        return candidatures_visibles(self.request.user, Candidature.objects.avec_depots())


# Instruction : avis, décisions, demandes de complément (appels/services/instruction.py) ---------------------------


class FiltresInstruction(FiltresAPI):
    """Les filtres communs aux lectures de l'instruction : la candidature, ou toutes celles d'un appel."""

    candidature = IdentifiantFilter(field_name="candidature", help_text="Identifiant de la candidature.")
    appel = django_filters.CharFilter(field_name="candidature__appel__reference", help_text="Référence de l'appel.")


class LectureInstruction(viewsets.ReadOnlyModelViewSet):
    """Une lecture de l'instruction : les objets des candidatures que l'utilisateur voit (config.policy :
    les siennes pour un opérateur, celles des appels qu'il instruit pour un agent)."""

    def get_queryset(self):
        modele = self.serializer_class.Meta.model
        if getattr(self, "swagger_fake_view", False):  # le schéma se construit sans utilisateur
            return modele.objects.none()
        visibles = candidatures_visibles(self.request.user, Candidature.objects.all())
        return modele.objects.filter(candidature__in=visibles).select_related("candidature__appel").order_by("pk")


class AvisSerializer(serializers.ModelSerializer):
    appel = serializers.CharField(source="candidature.appel.reference", read_only=True)

    class Meta:
        model = Avis
        # Jamais annotation_privee : son auteur seul la lit, sur la page du dossier.
        fields = ["id", "candidature", "appel", "evaluateur", "notes", "total", "complet", "commentaire", "version"]


class AvisViewSet(LectureInstruction):
    """Les avis des évaluateurs sur les candidatures qu'on instruit, comme la page d'un dossier les montre aux
    autres évaluateurs, sans l'annotation privée. Un opérateur ne lit pas les avis."""

    regle_acces = Regle.INSTRUIRE
    serializer_class = AvisSerializer
    filterset_class = FiltresInstruction


class DecisionSerializer(serializers.ModelSerializer):
    appel = serializers.CharField(source="candidature.appel.reference", read_only=True)
    type_propose = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "candidature",
            "appel",
            "nature",
            "type_propose",
            "motif",
            "montant_retenu",
            "capacite_retenue",
            "decide_le",
            "dispositif",
            "version",
        ]


class DecisionFilter(FiltresInstruction):
    nature = django_filters.ChoiceFilter(choices=NatureDecision.choices, help_text="Nature de la décision.")


class DecisionViewSet(LectureInstruction):
    """Les décisions : celles de ses candidatures pour un opérateur (comme « Mes candidatures »), celles des appels
    qu'il instruit pour un agent."""

    regle_acces = Regle.CONNECTE
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return super().get_queryset().select_related("type_propose")


class DemandeComplementSerializer(serializers.ModelSerializer):
    appel = serializers.CharField(source="candidature.appel.reference", read_only=True)

    class Meta:
        model = DemandeComplement
        fields = ["id", "candidature", "appel", "message", "demandee_le", "reponse", "repondue_le", "confirmee"]


class DemandeComplementViewSet(LectureInstruction):
    """Les demandes de complément : celles de ses candidatures pour un opérateur (il y répond sur sa page), celles
    des appels qu'il instruit pour un agent."""

    regle_acces = Regle.CONNECTE
    serializer_class = DemandeComplementSerializer
    filterset_class = FiltresInstruction
