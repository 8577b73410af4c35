"""L'API du programme, en lecture : les actions (objectif, statut, territoires, types, feuille de route, jalons…)
et les feuilles de route d'une région. Les écritures passent par les pages (programme/views/saisie.py)."""

import django_filters
from rest_framework import serializers, viewsets

from commun.filtres import CodesFilter, FiltresAPI
from config.policy import Regle, feuilles_de_route_visibles
from planification.models import Cible
from programme.models import Action, FeuilleDeRoute, Genre, Jalon, Statut, chemins_ascendants
from territoires.models import Niveau, Territoire


class TerritoireResumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Territoire
        fields = ["code", "nom", "niveau"]


class FeuilleResumeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeuilleDeRoute
        fields = ["id", "slug", "titre", "genre"]


class JalonSerializer(serializers.ModelSerializer):
    atteint = serializers.BooleanField(allow_null=True, help_text="null : non renseigné.")

    class Meta:
        model = Jalon
        fields = ["echeance", "date", "libelle", "atteint"]


class CibleResumeSerializer(serializers.ModelSerializer):
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    territoire = serializers.SlugRelatedField(slug_field="code", read_only=True)
    horizon = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Cible
        fields = ["id", "type", "territoire", "horizon", "valeur"]


class ActionSerializer(serializers.ModelSerializer):
    feuille_de_route = FeuilleResumeSerializer(read_only=True)
    axe = serializers.CharField(source="axe.intitule", read_only=True)
    objectif = serializers.CharField(help_text="Tel que la source l'écrit ; vide : non précisé par la source.")
    cibles = CibleResumeSerializer(
        many=True, read_only=True, help_text="Les cibles du tableau qui chiffrent l'objectif."
    )
    porteur = serializers.CharField(help_text="Vide : non précisé par la source.")
    statut = serializers.ChoiceField(
        choices=Statut.choices, help_text="« non_renseigne » quand la source ne le dit pas."
    )
    statut_libelle = serializers.CharField(source="get_statut_display", read_only=True)
    territoires = TerritoireResumeSerializer(many=True, read_only=True)
    types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True, help_text="Codes des types.")
    jalons = JalonSerializer(many=True, read_only=True)
    appels = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)
    dispositifs = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "code",
            "intitule",
            "feuille_de_route",
            "axe",
            "objectif",
            "cibles",
            "porteur",
            "statut",
            "statut_libelle",
            "territoires",
            "types",
            "jalons",
            "appels",
            "dispositifs",
            "citation",
            "version",
        ]


class ActionFilter(FiltresAPI):
    region = django_filters.CharFilter(
        field_name="feuille_de_route__region__code", help_text="Code de la région (ex. 32)."
    )
    feuille_de_route = django_filters.CharFilter(
        field_name="feuille_de_route__slug", help_text="Identifiant (slug) de la feuille de route."
    )
    statut = django_filters.ChoiceFilter(choices=Statut.choices, help_text="Statut de l'action.")
    type = CodesFilter(method="filtrer_types", help_text="Code d'un type de dispositif (répétable).")
    territoire = django_filters.CharFilter(
        method="filtrer_territoire",
        help_text="Code d'un département ou d'un territoire de santé (ex. 59, 32-nord-metropole) : ses actions et "
        "celles posées sur sa région.",
    )

    class Meta:
        model = Action
        fields = ["region", "feuille_de_route", "statut", "type", "territoire"]

    def filtrer_types(self, queryset, name, codes):
        return queryset.filter(pk__in=Action.objects.filter(types__code__in=codes).values("pk")) if codes else queryset

    def filtrer_territoire(self, queryset, name, code):
        territoires = Territoire.objects.exclude(niveau__in=[Niveau.PAYS, Niveau.REGION]).filter(code=code)
        chemins = {chemin for t in territoires for chemin in chemins_ascendants(t.chemin)}
        liees = Action.territoires.through.objects.filter(territoire__chemin__in=chemins)
        return queryset.filter(pk__in=liees.values("action"))


class ActionViewSet(viewsets.ReadOnlyModelViewSet):
    """Les actions des feuilles de route que l'utilisateur lit (sa région ; toutes pour le national et
    l'administration) : objectif, cibles, porteur, statut, territoires, types, feuille de route, jalons, appels et
    dispositifs qui la portent."""

    regle_acces = Regle.CONSULTER_PLANIFICATION
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self):
        actions = Action.objects.filter(feuille_de_route__in=feuilles_de_route_visibles(self.request.user))
        return actions.with_details().order_by(
            "feuille_de_route__ordre", "feuille_de_route__pk", "axe__ordre", "ordre", "pk"
        )


class FeuilleDeRouteSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code de la région.")
    territoire = TerritoireResumeSerializer(read_only=True, allow_null=True, help_text="null : toute la région.")
    genre = serializers.ChoiceField(choices=Genre.choices)
    genre_libelle = serializers.CharField(source="get_genre_display", read_only=True)
    axes = serializers.SlugRelatedField(slug_field="intitule", many=True, read_only=True)
    nb_actions = serializers.IntegerField(read_only=True)

    class Meta:
        model = FeuilleDeRoute
        fields = [
            "id",
            "slug",
            "titre",
            "genre",
            "genre_libelle",
            "region",
            "territoire",
            "periode",
            "presentation",
            "source",
            "axes",
            "nb_actions",
        ]


class FeuilleDeRouteFilter(FiltresAPI):
    region = django_filters.CharFilter(field_name="region__code", help_text="Code de la région (ex. 32).")
    genre = django_filters.ChoiceFilter(choices=Genre.choices, help_text="Sorte de feuille de route.")

    class Meta:
        model = FeuilleDeRoute
        fields = ["region", "genre"]


class FeuilleDeRouteViewSet(viewsets.ReadOnlyModelViewSet):
    """Les feuilles de route des régions que l'utilisateur lit : le PRAPS, les feuilles de route territoriales et la
    feuille de route commune DREETS / ARS, avec leurs axes et leur nombre d'actions."""

    regle_acces = Regle.CONSULTER_PLANIFICATION
    serializer_class = FeuilleDeRouteSerializer
    filterset_class = FeuilleDeRouteFilter

    def get_queryset(self):
        feuilles = feuilles_de_route_visibles(self.request.user).with_nb_actions().prefetch_related("axes")
        return feuilles.order_by("region__code", "ordre", "pk")
