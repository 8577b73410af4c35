"""`GET/POST /api/v1/dispositifs/{id}/evenements/` : le registre des arrêtés d'un dispositif. Lecture pour qui voit
le dispositif (`dispositifs_visibles`), écriture pour qui le gère (`dispositifs_geres`, 403 pour celui d'une autre
région) ; l'écriture passe par le service de la page (`dispositifs.registre.enregistrer_evenement`)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from config.policy import Regle, dispositifs_geres, dispositifs_visibles
from dispositifs.models import Dispositif, EvenementCapacite, Organisme
from dispositifs.registre import NATURES_SAISIES, enregistrer_evenement


class EvenementSerializer(serializers.ModelSerializer):
    """Un événement du registre, tel qu'il est lu (toutes natures, le financement compris)."""

    capacite = serializers.DecimalField(
        source="quantite", max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True
    )
    saisi_par = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = EvenementCapacite
        fields = [
            "id",
            "nature",
            "date",
            "capacite",
            "reference",
            "commentaire",
            "duree_annees",
            "visite_conformite",
            "vers_organisme",
            "saisi_par",
            "created_at",
        ]
        read_only_fields = fields


class SaisieEvenementSerializer(serializers.Serializer):
    """Un arrêté à enregistrer ; les règles (capacité, ordre des dates, état du dispositif) sont celles du registre."""

    nature = serializers.ChoiceField(choices=[(n.value, n.label) for n in NATURES_SAISIES])
    date = serializers.DateField(help_text="Date d'effet de l'arrêté (AAAA-MM-JJ).")
    capacite = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Dans l'unité du type ; entière sauf en ETP. Fermeture et transfert : facultative, c'est la "
        "capacité autorisée restante.",
    )
    reference = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    commentaire = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    duree_annees = serializers.IntegerField(
        min_value=1,
        max_value=99,
        required=False,
        allow_null=True,
        help_text="Autorisation : 15 ans par défaut pour un établissement social ou médico-social (CASF, L313-1).",
    )
    visite_conformite = serializers.DateField(
        required=False, allow_null=True, help_text="Installation : date de la visite de conformité."
    )
    vers_organisme = serializers.PrimaryKeyRelatedField(
        queryset=Organisme.objects.all(),
        required=False,
        allow_null=True,
        help_text="Transfert : identifiant de l'organisme qui reprend l'autorisation.",
    )


@extend_schema_view(
    get=extend_schema(summary="Le registre des arrêtés d'un dispositif, dans l'ordre des dates."),
    post=extend_schema(
        summary="Enregistrer un arrêté au registre du dispositif.",
        request=SaisieEvenementSerializer,
        description="Refus (400) en français par champ, avec les règles du registre : installer plus que l'autorisé, "
        "fermer deux fois, un arrêté daté avant l'autorisation, une capacité non entière pour un type compté en "
        "places, lits ou équipes… ; 403 pour le dispositif d'une autre région.",
        responses={201: EvenementSerializer},
    ),
)
class EvenementsView(generics.ListCreateAPIView):
    regle_acces = Regle.CONSULTER_OFFRE
    regle_ecriture = Regle.GERER_OFFRE
    serializer_class = EvenementSerializer
    pagination_class = None  # le registre d'un dispositif : quelques arrêtés

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # le schéma lit le modèle sans dispositif désigné
            return EvenementCapacite.objects.none()
        dispositif = get_object_or_404(dispositifs_visibles(self.request.user), pk=self.kwargs["pk"])
        return dispositif.evenements.select_related("saisi_par").order_by("date", "pk")

    def create(self, request, *args, **kwargs):
        dispositif = get_object_or_404(Dispositif, pk=self.kwargs["pk"])
        if not dispositifs_geres(request.user).filter(pk=dispositif.pk).exists():
            raise PermissionDenied("Vous n'enregistrez les arrêtés que des dispositifs de votre région.")
        saisie = SaisieEvenementSerializer(data=request.data)
        saisie.is_valid(raise_exception=True)
        evenement = enregistrer_evenement(dispositif, **saisie.validated_data, user=request.user)
        return Response(EvenementSerializer(evenement).data, status=status.HTTP_201_CREATED)
