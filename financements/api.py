"""L'API des financements : les crédits notifiés aux dispositifs et les enveloppes régionales, avec leur engagé et
leur disponible. Les écritures passent par les services (financements/services.py), comme les pages."""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from commun.filtres import FiltresAPI, IdentifiantFilter
from config.policy import Regle, dispositifs_visibles, regions_visibles
from dispositifs.models import Dispositif, TypeDispositif
from financements.models import Credit, Enveloppe, Source
from financements.services import enregistrer_credit, enregistrer_enveloppe
from territoires.models import Territoire

ANNEE_MAX = 32767  # PositiveSmallIntegerField
AIDE_VERSION = "Version lue ; obligatoire pour modifier (verrou optimiste : 409 si l'objet a changé depuis)."


class CreditSerializer(serializers.ModelSerializer):
    dispositif = serializers.PrimaryKeyRelatedField(queryset=Dispositif.objects.all(), help_text="Identifiant.")
    source = serializers.ChoiceField(choices=Source.choices)
    montant = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="En euros, au plus 2 décimales.")
    reconductible = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Absent : oui, sauf pour un CNR."
    )
    version = serializers.IntegerField(min_value=0, required=False, help_text=AIDE_VERSION)
    confirmer_depassement = serializers.BooleanField(
        write_only=True,
        default=False,
        help_text="Vrai pour engager au-delà de l'enveloppe (sans quoi le crédit est refusé, 400).",
    )

    class Meta:
        model = Credit
        fields = [
            "id",
            "dispositif",
            "annee",
            "source",
            "montant",
            "reconductible",
            "reference",
            "commentaire",
            "version",
            "confirmer_depassement",
        ]


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ANNEE_MAX})
class FiltreAnnee(IdentifiantFilter):
    """Une année : un entier de 1 à ANNEE_MAX (ce que la base range)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_value", ANNEE_MAX)
        super().__init__(*args, **kwargs)


class CreditFilter(FiltresAPI):
    annee = FiltreAnnee(field_name="annee", help_text="Année des crédits.")
    source = django_filters.ChoiceFilter(choices=Source.choices, help_text="Source des crédits.")
    dispositif = IdentifiantFilter(field_name="dispositif", help_text="Identifiant du dispositif.")
    region = django_filters.CharFilter(
        method="filtrer_region", help_text="Code de la région (ex. 32) : les crédits de ses dispositifs."
    )

    class Meta:
        model = Credit
        fields = ["annee", "source", "dispositif", "region"]

    def filtrer_region(self, queryset, name, code):
        region = Territoire.objects.regions().filter(code=code).first()
        return queryset.dans(region) if region else queryset.none()


def corps_objet(request) -> dict:
    """Le corps d'une écriture : un objet (un formulaire donne une valeur par champ, comme un objet JSON)."""
    corps = request.data.dict() if hasattr(request.data, "dict") else request.data
    if not isinstance(corps, dict):
        raise ValidationError({api_settings.NON_FIELD_ERRORS_KEY: ["Corps attendu : un objet JSON."]})
    return corps


class EcrituresParServices(viewsets.ModelViewSet):
    """Lecture filtrée par le périmètre de l'utilisateur ; création et modification (PATCH, avec la `version` lue)
    par le service de la vue (`enregistrer`) ; pas de suppression."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        return self.ecrire(request, donnees=corps_objet(request), objet=None, statut=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        objet = self.get_object()
        corps = corps_objet(request)
        if "version" not in corps:
            raise ValidationError({"version": ["Indiquez la version lue (verrou optimiste)."]})
        donnees = {**self.get_serializer(objet).data, **corps}
        return self.ecrire(request, donnees=donnees, objet=objet, statut=status.HTTP_200_OK)

    def ecrire(self, request, *, donnees, objet, statut):
        serializer = self.get_serializer(data=donnees)
        serializer.is_valid(raise_exception=True)
        objet = self.enregistrer(request.user, objet, serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=objet.pk)).data, status=statut)


class CreditViewSet(EcrituresParServices):
    """Les crédits notifiés aux dispositifs : un opérateur lit ceux de ses organismes, un agent ceux de sa région ;
    un planificateur enregistre ceux des dispositifs de sa région (403 ailleurs).

    Refus (400, par champ) : montant négatif ou à plus de 2 décimales, année hors de portée, source que le type du
    dispositif n'admet pas, CNR reconductible, engagement au-delà de l'enveloppe sans `confirmer_depassement`.
    """

    regle_acces = Regle.CONSULTER_OFFRE
    regle_ecriture = Regle.GERER_OFFRE
    serializer_class = CreditSerializer
    filterset_class = CreditFilter

    def get_queryset(self):
        credits = Credit.objects.filter(dispositif__in=dispositifs_visibles(self.request.user))
        return credits.order_by("-annee", "dispositif__nom", "source", "pk")

    def enregistrer(self, user, credit, valeurs):
        return enregistrer_credit(user=user, credit=credit, **valeurs)


class EnveloppeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Territoire.objects.regions(), help_text="Code de la région (ex. 32)."
    )
    source = serializers.ChoiceField(choices=Source.choices)
    type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=TypeDispositif.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Code du type ; null : tous les types de la source.",
    )
    montant = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="En euros, au plus 2 décimales.")
    engage = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="Somme des crédits que l'enveloppe couvre."
    )
    disponible = serializers.DecimalField(
        max_digits=15, decimal_places=2, read_only=True, help_text="Montant − engagé ; négatif au-delà."
    )
    version = serializers.IntegerField(min_value=0, required=False, help_text=AIDE_VERSION)

    class Meta:
        model = Enveloppe
        fields = ["id", "region", "annee", "source", "type", "montant", "engage", "disponible", "reference", "version"]
        validators = []  # l'unicité est un refus du service, en français


class EnveloppeFilter(FiltresAPI):
    annee = FiltreAnnee(field_name="annee", help_text="Année de l'enveloppe.")
    source = django_filters.ChoiceFilter(choices=Source.choices, help_text="Source des crédits.")
    region = django_filters.CharFilter(field_name="region__code", help_text="Code de la région (ex. 32).")
    type = django_filters.CharFilter(
        method="filtrer_type", help_text="Code du type ; « tous » : les enveloppes de tous les types."
    )

    class Meta:
        model = Enveloppe
        fields = ["annee", "source", "region", "type"]

    def filtrer_type(self, queryset, name, code):
        return queryset.filter(Q(type__isnull=True) if code == "tous" else Q(type__code=code))


class EnveloppeViewSet(EcrituresParServices):
    """Les enveloppes régionales par année et source (et type quand l'ARS la répartit), avec leur engagé et leur
    disponible : les agents de la région les lisent, ses planificateurs les enregistrent."""

    regle_acces = Regle.CONSULTER_FINANCEMENTS
    regle_ecriture = Regle.GERER_OFFRE
    serializer_class = EnveloppeSerializer
    filterset_class = EnveloppeFilter

    def get_queryset(self):
        enveloppes = Enveloppe.objects.filter(region__in=regions_visibles(self.request.user))
        return enveloppes.with_engage().select_related("region", "type").order_by("region__code", "-annee", "pk")

    def enregistrer(self, user, enveloppe, valeurs):
        return enregistrer_enveloppe(user=user, enveloppe=enveloppe, **valeurs)
