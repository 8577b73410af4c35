import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from commun.filtres import FiltresAPI, IdentifiantFilter
from comptes.models import Role
from config.policy import Regle, peut_modifier_cible, territoires_des_cibles_lisibles
from config.schema import CORPS_DETAIL, SchemaAPI
from dispositifs.models import TypeDispositif
from planification.calcul import Ligne, Total, nombre
from planification.forms import filtres_planification
from planification.models import Cible, Horizon, valider_valeur_de_cible
from planification.nationale import LigneNationale
from planification.services import modifier_cible
from territoires.models import Niveau, Territoire


class CibleSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", queryset=TypeDispositif.objects.all())
    horizon = serializers.SlugRelatedField(slug_field="slug", queryset=Horizon.objects.all())
    territoire = serializers.PrimaryKeyRelatedField(queryset=Territoire.objects.all())
    version = serializers.IntegerField(
        min_value=0, required=False, help_text="Version lue ; obligatoire pour modifier (verrou optimiste)."
    )
    motif = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=100)

    class Meta:
        model = Cible
        fields = ["id", "type", "territoire", "horizon", "valeur", "version", "motif", "updated_at"]
        read_only_fields = ["updated_at"]
        validators = []  # l'unicité de la case est gérée par le verrou optimiste du service

    def validate_valeur(self, valeur):
        valider_valeur_de_cible(valeur)
        return valeur

    def validate(self, attrs):
        """La cible dans l'unité de son type : entière sauf en postes (ETP)."""
        try:
            valider_valeur_de_cible(attrs["valeur"], attrs["type"])
        except DjangoValidationError as refus:
            raise ValidationError({"valeur": refus.messages}) from None
        return attrs


class HorizonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Horizon
        fields = ["slug", "libelle", "debut", "fin", "description"]


class HorizonViewSet(viewsets.ReadOnlyModelViewSet):
    """Les horizons de programmation, publics comme les appels et les dispositifs qui les nomment."""

    regle_acces = Regle.PUBLIC
    queryset = Horizon.objects.all()
    serializer_class = HorizonSerializer
    lookup_field = "slug"
    pagination_class = None  # quelques programmes


class CibleFilter(FiltresAPI):
    horizon = django_filters.CharFilter(field_name="horizon__slug", help_text="Identifiant de l'horizon.")
    type = django_filters.CharFilter(field_name="type__code", help_text="Code du type.")
    territoire = IdentifiantFilter(field_name="territoire", help_text="Identifiant du territoire.")
    territoire_code = django_filters.CharFilter(
        field_name="territoire__code",
        help_text="Code du territoire, à tout niveau : FR (cibles nationales), 32, 59, 32-nord-hainaut… Une région et "
        "un département peuvent partager un code (32 : Hauts-de-France et Gers) : précisez alors territoire_niveau.",
    )
    territoire_niveau = django_filters.ChoiceFilter(
        field_name="territoire__niveau", choices=Niveau.choices, help_text="Niveau du territoire."
    )

    class Meta:
        model = Cible
        fields = ["horizon", "type", "territoire", "territoire_code", "territoire_niveau"]


class CibleViewSet(viewsets.ModelViewSet):
    """Les cibles : lecture pour les agents ARS et DREETS de la région (et les cibles nationales, cadre commun),
    écriture pour ses planificateurs ; le niveau national lit tout et n'écrit que les cibles du pays (code FR).

    Une modification envoie la `version` lue ; si la cible a changé depuis, la réponse est 409 avec la
    valeur actuelle et rien n'est écrasé.
    """

    regle_acces = Regle.CONSULTER_PLANIFICATION
    regle_ecriture = Regle.PLANIFIER
    serializer_class = CibleSerializer
    filterset_class = CibleFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        """Les cibles que l'utilisateur lit (config.policy) : écrire une cible nationale sans en avoir le droit répond
        donc 403, pas 404."""
        territoires = territoires_des_cibles_lisibles(self.request.user)
        return Cible.objects.filter(territoire__in=territoires).with_type_territoire_horizon()

    def create(self, request, *args, **kwargs):
        return self.enregistrer(request, version_par_defaut=0, statut=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        cible = self.get_object()
        donnees = {"type": cible.type.code, "territoire": cible.territoire_id, "horizon": cible.horizon.slug}
        # Un corps en formulaire (QueryDict) donne une valeur par champ, comme un corps JSON.
        corps = request.data.dict() if hasattr(request.data, "dict") else request.data
        if not isinstance(corps, dict):
            raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: ["Corps attendu : un objet JSON."]})
        donnees.update(corps)
        if "version" not in corps:
            raise ValidationError({"version": ["Indiquez la version lue de la cible (verrou optimiste)."]})
        return self.enregistrer(request, donnees=donnees, statut=status.HTTP_200_OK)

    def enregistrer(self, request, *, donnees=None, version_par_defaut=None, statut):
        serializer = self.get_serializer(data=donnees or request.data)
        serializer.is_valid(raise_exception=True)
        valeurs = serializer.validated_data
        if not peut_modifier_cible(request.user, valeurs["territoire"]):
            raise PermissionDenied(refus_de_cible(request.user))
        cible = modifier_cible(
            type=valeurs["type"],
            territoire=valeurs["territoire"],
            horizon=valeurs["horizon"],
            valeur=valeurs["valeur"],
            version_lue=valeurs.get("version", version_par_defaut),
            motif=valeurs.get("motif", ""),
        )
        return Response(self.get_serializer(cible).data, status=statut)


def refus_de_cible(user) -> str:
    if user.role == Role.NATIONAL:
        return "Le niveau national ne modifie que les cibles nationales (territoire FR), jamais celles d'une région."
    if user.role == Role.PLANIFICATEUR:
        return "Vous ne pouvez modifier que les cibles des territoires de votre région, pas les cibles nationales."
    return "Vous ne pouvez pas modifier cette cible."


CHAMPS_LIGNE_PLANIFICATION = {
    "type": serializers.CharField(),
    "territoire": serializers.CharField(),
    "nom": serializers.CharField(),
    "niveau": serializers.CharField(),
    "unite": serializers.CharField(),
    "autorises": serializers.FloatField(),
    "installes": serializers.FloatField(),
    "finances": serializers.FloatField(),
    "perspectives": serializers.FloatField(),
    "projets": serializers.IntegerField(),
    "cible": serializers.FloatField(allow_null=True),
    "ecart": serializers.FloatField(allow_null=True),
    "taux_pour_100k": serializers.FloatField(allow_null=True),
    "cible_pour_100k": serializers.FloatField(allow_null=True),
    # Tableau national (region=FR) seulement : parts en pourcentage ; la part de population est une référence.
    "part_population": serializers.FloatField(allow_null=True, required=False),
    "part_cibles_regionales": serializers.FloatField(allow_null=True, required=False),
    "part_cible_nationale": serializers.FloatField(allow_null=True, required=False),
    "cibles_regionales": serializers.FloatField(allow_null=True, required=False),
}


class SchemaPlanification(SchemaAPI):
    """Les valeurs admises des filtres de la planification viennent du référentiel : le schéma les énumère, pour
    qu'un client sache lesquelles existent (une région qu'il ne voit pas répond 403, un territoire hors de la
    région 404)."""

    def reponses_d_erreur(self, operation):
        introuvable = ("Aucun territoire de ce code dans la région.", CORPS_DETAIL)
        return super().reponses_d_erreur(operation) | {"404": introuvable}

    def get_override_parameters(self):
        def codes(lignes):
            return list(lignes) or None  # OpenAPI refuse une énumération vide

        regions = codes(Territoire.objects.regions().values_list("code", flat=True))
        horizons = codes(Horizon.objects.values_list("slug", flat=True))
        types = codes(TypeDispositif.objects.values_list("code", flat=True))
        return [
            OpenApiParameter(
                "region", str, enum=regions, description="Code INSEE de la région ; par défaut la vôtre."
            ),
            OpenApiParameter(
                "horizon", str, enum=horizons, description="Identifiant de l'horizon ; par défaut celui des écarts."
            ),
            OpenApiParameter("type", str, many=True, enum=types, description="Codes de types (répétable)."),
            OpenApiParameter("territoire", str, description="Code d'un territoire de la région."),
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                description="Date des capacités (AAAA-MM-JJ) ; par défaut aujourd'hui. Un projet de l'horizon compte "
                "en perspectives tant qu'il n'a pas d'autorisation datée au plus tard à cette date.",
            ),
        ]


class PlanificationView(APIView):
    """Le tableau de planification d'une région pour un horizon (mêmes chiffres que la page)."""

    regle_acces = Regle.CONSULTER_PLANIFICATION
    schema = SchemaPlanification()

    @extend_schema(
        responses=inline_serializer(
            "Planification",
            {
                "region": serializers.CharField(),
                "horizon": serializers.CharField(),
                "date": serializers.DateField(),
                "lignes": inline_serializer("LignePlanification", CHAMPS_LIGNE_PLANIFICATION, many=True),
                "totaux": inline_serializer(
                    "TotalPlanification",
                    {
                        "unite": serializers.CharField(),
                        "types": serializers.ListField(child=serializers.CharField()),
                        "autorises": serializers.FloatField(),
                        "installes": serializers.FloatField(),
                        "finances": serializers.FloatField(),
                        "perspectives": serializers.FloatField(),
                        "cible": serializers.FloatField(),
                        "ecart": serializers.FloatField(),
                        "cibles_regionales": serializers.FloatField(required=False),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        form = filtres_planification(request.query_params, request.user)
        if request.query_params.get("date") == "":
            # La page envoie « date= » pour « aujourd'hui » ; l'API, comme son schéma, veut une date ou rien.
            form.add_error("date", forms.ValidationError(form.fields["date"].error_messages["invalid"], "invalid"))
        if not form.is_valid():
            return refus_des_filtres(form)
        planification = form.calculer()
        return Response(
            {
                "region": planification.region.code,
                "horizon": planification.horizon.slug,
                "date": planification.date,
                "lignes": [ligne_json(ligne) for ligne in planification.lignes],
                "totaux": [total_json(total) for total in planification.totaux],
            }
        )


def refus_des_filtres(form) -> Response:
    """400 pour une valeur que le schéma refuse ; 403 pour une région qui existe mais que l'utilisateur ne voit
    pas ; 404 pour un territoire qui n'est pas dans la région."""
    erreurs = form.errors.as_data()
    code = form.data.get("region")
    if "region" in erreurs and Territoire.objects.pays_et_regions().filter(code=code).exists():
        if code == "FR":
            raise PermissionDenied("Le tableau national (FR) est réservé au niveau national.")
        raise PermissionDenied(f"Vous ne voyez pas la planification de la région {code}.")
    if set(erreurs) == {"territoire"} and erreurs["territoire"][0].code == "hors_region":
        raise NotFound(erreurs["territoire"][0].message)
    return Response(form.errors.get_json_data(), status=status.HTTP_400_BAD_REQUEST)


def ligne_json(ligne: Ligne) -> dict:
    """Une ligne du tableau telle que l'API la donne (CHAMPS_LIGNE_PLANIFICATION)."""
    return {
        "type": ligne.type.code,
        "territoire": ligne.territoire.code,
        "nom": ligne.territoire.nom,
        "niveau": ligne.territoire.niveau,
        "unite": ligne.unite,
        "autorises": nombre(ligne.autorises),
        "installes": nombre(ligne.installes),
        "finances": nombre(ligne.finances),
        "perspectives": nombre(ligne.perspectives),
        "projets": ligne.projets,
        "cible": nombre(ligne.cible),
        "ecart": nombre(ligne.ecart),
        "taux_pour_100k": nombre(ligne.taux_pour_100k),
        "cible_pour_100k": nombre(ligne.cible_pour_100k),
    } | (parts_json(ligne) if isinstance(ligne, LigneNationale) else {})


def parts_json(ligne: LigneNationale) -> dict:
    return {
        "part_population": nombre(ligne.part_population),
        "part_cibles_regionales": nombre(ligne.part_cibles_regionales),
        "part_cible_nationale": nombre(ligne.part_cible_nationale),
        "cibles_regionales": nombre(ligne.cibles_regionales),
    }


def total_json(total: Total) -> dict:
    return {
        "unite": total.unite,
        "types": list(total.types),
        "autorises": nombre(total.autorises),
        "installes": nombre(total.installes),
        "finances": nombre(total.finances),
        "perspectives": nombre(total.perspectives),
        "cible": nombre(total.cible),
        "ecart": nombre(total.ecart),
    } | ({} if total.cibles_regionales is None else {"cibles_regionales": nombre(total.cibles_regionales)})
