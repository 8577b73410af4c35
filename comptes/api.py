"""L'API des comptes : échanger son courriel et son mot de passe contre un jeton."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from config.policy import Regle


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
