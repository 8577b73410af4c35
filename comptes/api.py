"""L'API des comptes : échanger son courriel et son mot de passe (et, pour un rôle soumis à la double
authentification, le code de son application) contre un jeton."""

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from comptes.services import verifier_code
from config.policy import Regle, exige_double_authentification

CODE_REQUIS = (
    "Votre rôle exige la double authentification : ajoutez « code », les six chiffres que votre application "
    "affiche (ou un code de secours)."
)


class DemandeJetonSerializer(serializers.Serializer):
    email = serializers.EmailField(label="Courriel")
    password = serializers.CharField(label="Mot de passe", style={"input_type": "password"}, trim_whitespace=False)
    code = serializers.CharField(
        label="Code de double authentification",
        required=False,
        max_length=32,
        help_text="Planificateur, instructeur, administrateur (hors démonstration) : les six chiffres de "
        "l'application, ou un code de secours.",
    )


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
        # premier_facteur : le mot de passe d'un rôle soumis à la double authentification est accepté ici comme à
        # la page de connexion, et le code est exigé juste après.
        user = authenticate(
            request._request,
            username=demande.validated_data["email"],
            password=demande.validated_data["password"],
            premier_facteur=True,
        )
        if user is None:
            return Response({"detail": "Courriel ou mot de passe incorrect."}, status=status.HTTP_400_BAD_REQUEST)
        if exige_double_authentification(user):
            code = demande.validated_data.get("code", "")
            if not code:
                return Response({"code": [CODE_REQUIS]}, status=status.HTTP_400_BAD_REQUEST)
            try:
                verifier_code(user=user, code=code)
            except ValidationError as refus:
                return Response({"code": refus.messages}, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
