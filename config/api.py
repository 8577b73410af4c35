"""Racine de l'API v1 : routeur, jeton d'authentification et schéma OpenAPI."""

from csp.decorators import csp_update
from django.contrib.auth import authenticate
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.routers import APIRootView, DefaultRouter
from rest_framework.views import APIView

from appels.api import AppelViewSet, CandidatureViewSet
from config.policy import Regle
from dispositifs import api as dispositifs_api
from indicateurs.api import AgregatViewSet, DeclarationViewSet, IndicateurViewSet, RapportViewSet
from planification import api as planification_api
from territoires.api import TerritoireViewSet


class RacineAPI(APIRootView):
    regle_acces = Regle.PUBLIC


class Routeur(DefaultRouter):
    APIRootView = RacineAPI


router = Routeur()
router.register("territoires", TerritoireViewSet)
router.register("types-dispositifs", dispositifs_api.TypeDispositifViewSet)
router.register("organismes", dispositifs_api.OrganismeViewSet)
router.register("dispositifs", dispositifs_api.DispositifViewSet)
router.register("cibles", planification_api.CibleViewSet, basename="cible")
router.register("appels", AppelViewSet, basename="appel")
router.register("candidatures", CandidatureViewSet, basename="candidature")
router.register("indicateurs", IndicateurViewSet)
router.register("agregats", AgregatViewSet, basename="agregat")
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("rapports", RapportViewSet, basename="rapport")


class DemandeJetonSerializer(serializers.Serializer):
    email = serializers.EmailField(label="Courriel")
    password = serializers.CharField(label="Mot de passe", style={"input_type": "password"}, trim_whitespace=False)


class JetonView(APIView):
    """Échange un courriel et un mot de passe contre un jeton, à envoyer ensuite dans l'en-tête
    `Authorization: Token <jeton>`."""

    regle_acces = regle_ecriture = Regle.PUBLIC
    authentication_classes = []
    throttle_scope = "jeton"

    @extend_schema(
        request=DemandeJetonSerializer,
        responses={200: inline_serializer("Jeton", {"token": serializers.CharField()})},
    )
    def post(self, request):
        demande = DemandeJetonSerializer(data=request.data)
        demande.is_valid(raise_exception=True)
        # Un compte suspendu par django-axes reçoit ici None ; son intergiciel répond alors 429.
        user = authenticate(
            request._request,
            username=demande.validated_data["email"],
            password=demande.validated_data["password"],
        )
        if user is None:
            return Response({"detail": "Courriel ou mot de passe incorrect."}, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class SchemaView(SpectacularAPIView):
    regle_acces = Regle.PUBLIC


# Swagger UI pose des styles en ligne : seule cette page les admet, et aucun script en ligne.
@method_decorator(csp_update({"style-src": ["'unsafe-inline'"]}), name="dispatch")
class DocumentationView(SpectacularSwaggerSplitView):
    regle_acces = Regle.PUBLIC
