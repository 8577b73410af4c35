import django_filters
from django.db import models
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from commun.erreurs import Conflit
from commun.filtres import CodesFilter, FiltresAPI, IdentifiantFilter
from config.policy import Regle, dispositifs_geres, dispositifs_visibles, organismes_geres, organismes_visibles
from dispositifs.fiches import creer_dispositif, modifier_dispositif
from dispositifs.forms import DateBorneeField
from dispositifs.models import Dispositif, Organisme, Statut, TypeDispositif
from dispositifs.organismes import CHAMPS_SAISIS, creer_organisme, modifier_organisme
from dispositifs.validators import valider_finess, valider_siren
from planification.models import Horizon
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


class Texte(serializers.CharField):
    """Un texte, et seulement un texte : DRF convertirait en silence un nombre (0 → « 0 ») que le schéma refuse."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class OrganismeSerializer(serializers.ModelSerializer):
    """Identité, adresse et contacts ; `version` est la version lue, exigée pour modifier (verrou optimiste)."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.CharField: Texte}
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="Version lue ; obligatoire pour modifier (verrou optimiste)."
    )
    nb_dispositifs = serializers.IntegerField(
        read_only=True, help_text="Nombre de ses dispositifs que vous voyez (votre région, vos organismes)."
    )

    class Meta:
        model = Organisme
        fields = ["id", *CHAMPS_SAISIS, "fictif", "nb_dispositifs", "version"]
        read_only_fields = ["fictif"]
        # Le service refuse les doublons en nommant l'organisme existant : pas de validateur d'unicité muet ici.
        extra_kwargs = {"siren": {"validators": [valider_siren]}, "finess_juridique": {"validators": [valider_finess]}}


class OrganismeFilter(FiltresAPI):
    class Meta:
        model = Organisme
        fields = ["siren", "finess_juridique", "fictif"]


class OrganismeViewSet(viewsets.ModelViewSet):
    """Les organismes gestionnaires : un opérateur lit les siens, un agent tous (avec le nombre de leurs dispositifs
    dans sa région) ; le planificateur crée, et modifie ceux de sa région, avec les mêmes services que la page
    /organismes/. Une modification envoie la `version` lue : si l'organisme a changé depuis, 409 avec ses valeurs
    actuelles, rien n'est écrasé. Un SIREN ou un FINESS juridique déjà pris : 400 qui nomme l'organisme existant."""

    regle_acces = Regle.CONSULTER_OFFRE
    regle_ecriture = Regle.GERER_OFFRE
    queryset = Organisme.objects.all()  # le nom des routes (organisme-list) ; get_queryset restreint
    serializer_class = OrganismeSerializer
    filterset_class = OrganismeFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        user = self.request.user
        return organismes_visibles(user).with_nb_dispositifs(dispositifs_visibles(user)).order_by("nom", "pk")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        valeurs = {k: v for k, v in serializer.validated_data.items() if k != "version"}
        organisme = creer_organisme(valeurs=valeurs)
        return Response(self.relu(organisme), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        organisme = self.get_object()
        if not organismes_geres(request.user).filter(pk=organisme.pk).exists():
            raise PermissionDenied(
                "Cet organisme n'a de dispositif que dans d'autres régions : vous ne le modifiez pas."
            )
        serializer = self.get_serializer(organisme, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        valeurs = dict(serializer.validated_data)
        if "version" not in valeurs:
            raise ValidationError({"version": ["Indiquez la version lue de l'organisme (verrou optimiste)."]})
        version_lue = valeurs.pop("version")
        organisme = modifier_organisme(organisme=organisme, valeurs=valeurs, version_lue=version_lue)
        return Response(self.relu(organisme))

    def relu(self, organisme) -> dict:
        """L'organisme tel que la liste le rend, avec le nombre de ses dispositifs."""
        return self.get_serializer(self.get_queryset().get(pk=organisme.pk)).data


# Une date entre 1900 et 2999 (DateBorneeField) : le motif le dit au schéma, que « format: date » seul ne borne pas.
@extend_schema_field({"type": "string", "format": "date", "pattern": r"^(19\d\d|2\d\d\d)-\d\d-\d\d$"})
class DateBorneeFilter(django_filters.DateFilter):
    field_class = DateBorneeField


class DispositifSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", queryset=TypeDispositif.objects.all())
    horizon = serializers.SlugRelatedField(
        slug_field="slug", queryset=Horizon.objects.all(), required=False, allow_null=True
    )
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
    version = serializers.IntegerField(
        min_value=0, required=False, help_text="Version lue ; obligatoire pour modifier (verrou optimiste)."
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
            "finess_porteur",
            "statut",
            "horizon",
            "capacite_prevue",
            "capacite_autorisee",
            "capacite_installee",
            "capacite_financee",
            "commune",
            "fictif",
            "version",
        ]
        # Le statut suit le registre des arrêtés ; les numéros, leur clé et leur unicité sont vérifiés par le
        # service (dispositifs/fiches.py), le même que pour la page.
        read_only_fields = ["statut", "fictif"]
        extra_kwargs = {"finess": {"validators": []}, "finess_porteur": {"validators": []}}


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
    date = DateBorneeFilter(
        method="capacites_a_la_date",
        help_text="Date des capacités (AAAA-MM-JJ, entre 1900 et 2999) ; aujourd'hui par défaut.",
    )

    class Meta:
        model = Dispositif
        fields = ["type", "territoire", "statut", "organisme", "finess", "horizon", "date"]

    def filtrer_territoire(self, queryset, name, identifiant):
        territoire = Territoire.objects.filter(pk=identifiant).first()
        return queryset.dans(territoire) if territoire else queryset.none()

    def capacites_a_la_date(self, queryset, name, date):
        return queryset  # ce n'est pas un filtre : la vue calcule les capacités à cette date


class DispositifViewSet(viewsets.ModelViewSet):
    """Les dispositifs et projets, avec leurs capacités calculées depuis le registre, à la date `date` (aujourd'hui
    par défaut) ; lecture publique (la cartographie publique la lit).

    Les planificateurs créent (POST) et modifient (PATCH) ceux de leur région : le statut n'y est pas, il suit le
    registre des arrêtés. Une modification envoie la `version` lue ; si le dispositif a changé depuis, la réponse
    est 409 avec le nom de qui l'a modifié et ses valeurs, et rien n'est écrasé. Un dispositif d'une autre région :
    403.
    """

    regle_acces = Regle.PUBLIC
    regle_ecriture = Regle.GERER_OFFRE
    # with_capacites agrège (GROUP BY) : l'ordre du modèle n'y vaut plus, on le redonne explicitement.
    queryset = Dispositif.objects.select_related("type", "organisme", "territoire", "horizon").order_by(
        "type__ordre", "nom", "pk"
    )
    serializer_class = DispositifSerializer
    filterset_class = DispositifFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def date_des_capacites(self):
        """La date du filtre `date` (aujourd'hui sans date) ; une date illisible a déjà reçu 400 du filtre."""
        return DispositifFilter.base_filters["date"].field.clean(self.request.query_params.get("date") or None)

    def filter_queryset(self, queryset):
        """Les dispositifs filtrés, avec leurs capacités à la date demandée ; la liste ne les calcule que pour sa page
        (paginate_queryset)."""
        dispositifs = super().filter_queryset(queryset)
        return dispositifs if self.action == "list" else dispositifs.with_capacites(self.date_des_capacites())

    def paginate_queryset(self, queryset):
        """Trie et coupe sur les identifiants, puis calcule les capacités des seuls dispositifs de la page : annoter
        avant de couper obligeait la base à les calculer pour tous les dispositifs filtrés (make bench, 8 700
        dispositifs : moins de 2 pages de 50 par seconde)."""
        identifiants = super().paginate_queryset(queryset.values_list("pk", flat=True))
        return queryset.with_capacites(self.date_des_capacites()).dans_l_ordre_de(identifiants)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        valeurs = {nom: valeur for nom, valeur in serializer.validated_data.items() if nom != "version"}
        dispositif = creer_dispositif(valeurs=valeurs, user=request.user)
        return Response(self.relire(dispositif), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        dispositif = self.get_object()
        if not dispositifs_geres(request.user).filter(pk=dispositif.pk).exists():
            raise PermissionDenied("Ce dispositif n'est pas dans votre région : vous ne pouvez pas le modifier.")
        serializer = self.get_serializer(dispositif, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        valeurs = dict(serializer.validated_data)
        if "version" not in valeurs:
            raise ValidationError({"version": ["Indiquez la version lue du dispositif (verrou optimiste)."]})
        version_lue = valeurs.pop("version")
        try:
            dispositif = modifier_dispositif(
                dispositif=dispositif, valeurs=valeurs, version_lue=version_lue, user=request.user
            )
        except Conflit as conflit:
            if conflit.actuel is not None:  # la réponse 409 le donne avec ses capacités, comme la lecture
                conflit.actuel = Dispositif.objects.for_liste().get(pk=conflit.actuel.pk)
            raise
        return Response(self.relire(dispositif))

    def relire(self, dispositif) -> dict:
        """Le dispositif écrit, tel que la lecture le donne (capacités du jour comprises)."""
        return self.get_serializer(Dispositif.objects.for_liste().get(pk=dispositif.pk)).data
