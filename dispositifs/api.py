import django_filters
from rest_framework import serializers, viewsets

from commun.filtres import CodesFilter, FiltresAPI, IdentifiantFilter
from config.policy import Regle
from dispositifs.models import Dispositif, Organisme, Statut, TypeDispositif
from territoires.models import Territoire


class TypeDispositifSerializer(serializers.ModelSerializer):
    type_parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TypeDispositif
        exclude = ["id", "ordre"]


class TypeDispositifViewSet(viewsets.ReadOnlyModelViewSet):
    """Le catalogue des types de dispositifs, public."""

    regle_acces = Regle.PUBLIC
    queryset = TypeDispositif.objects.select_related("type_parent")
    serializer_class = TypeDispositifSerializer
    lookup_field = "code"
    pagination_class = None  # une douzaine de types


class OrganismeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisme
        fields = ["id", "nom", "statut_juridique", "siren", "finess_juridique", "code_postal", "commune", "fictif"]


class OrganismeFilter(FiltresAPI):
    class Meta:
        model = Organisme
        fields = ["siren", "finess_juridique", "fictif"]


class OrganismeViewSet(viewsets.ReadOnlyModelViewSet):
    """Les organismes gestionnaires (sans leurs contacts, visibles dans l'administration)."""

    regle_acces = Regle.CONNECTE
    queryset = Organisme.objects.all()
    serializer_class = OrganismeSerializer
    filterset_class = OrganismeFilter


class DispositifSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    horizon = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    territoire_code = serializers.CharField(source="territoire.code", read_only=True)
    organisme_nom = serializers.CharField(source="organisme.nom", read_only=True)
    capacite_autorisee = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, coerce_to_string=False
    )
    capacite_installee = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, coerce_to_string=False
    )
    capacite_financee = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, coerce_to_string=False
    )

    class Meta:
        model = Dispositif
        fields = [
            "id",
            "finess",
            "nom",
            "type",
            "organisme",
            "organisme_nom",
            "territoire",
            "territoire_code",
            "parent",
            "statut",
            "horizon",
            "capacite_prevue",
            "capacite_autorisee",
            "capacite_installee",
            "capacite_financee",
            "commune",
            "fictif",
        ]


class DispositifFilter(FiltresAPI):
    type = CodesFilter(field_name="type__code", help_text="Code du type (répétable).")
    territoire = IdentifiantFilter(
        method="filtrer_territoire",
        help_text="Identifiant d'un territoire : ses dispositifs et ceux de tout ce qu'il contient.",
    )
    statut = django_filters.ChoiceFilter(choices=Statut.choices)
    organisme = IdentifiantFilter(field_name="organisme", help_text="Identifiant de l'organisme.")
    finess = django_filters.CharFilter(help_text="Numéro FINESS de l'établissement (9 caractères).")
    horizon = django_filters.CharFilter(
        field_name="horizon__slug", help_text="Identifiant de l'horizon auquel un projet est inscrit."
    )

    class Meta:
        model = Dispositif
        fields = ["type", "territoire", "statut", "organisme", "finess", "horizon"]

    def filtrer_territoire(self, queryset, name, identifiant):
        territoire = Territoire.objects.filter(pk=identifiant).first()
        return queryset.dans(territoire) if territoire else queryset.none()


class DispositifViewSet(viewsets.ReadOnlyModelViewSet):
    """Les dispositifs et projets, avec leurs capacités du jour calculées depuis le registre ; public."""

    regle_acces = Regle.PUBLIC
    # with_capacites agrège (GROUP BY) : l'ordre du modèle n'y vaut plus, on le redonne explicitement.
    queryset = Dispositif.objects.for_liste().order_by("type__ordre", "nom", "pk")
    serializer_class = DispositifSerializer
    filterset_class = DispositifFilter
