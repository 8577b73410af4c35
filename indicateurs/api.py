import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from commun.erreurs import Conflit, code_du_refus, messages_par_champ
from commun.filtres import BooleenFilter, FiltresAPI, IdentifiantFilter, PaginationSansCompteInutile
from commun.mois import lire_mois
from config.policy import (
    Regle,
    declarations_visibles,
    dispositifs_declarants,
    rapports_visibles,
    regions_visibles,
)
from indicateurs import services
from indicateurs.models import (
    Agregat,
    Declaration,
    Granularite,
    Indicateur,
    Rapport,
    StatutDeclaration,
    completude_en_pourcentage,
)
from indicateurs.regles import COMMENTAIRE_MAX, VALEUR_CHIFFRES, VALEUR_DECIMALES
from indicateurs.services import enregistrer_declaration, enregistrer_et_transmettre
from territoires.models import Niveau


class IndicateurSerializer(serializers.ModelSerializer):
    numerateur = serializers.SlugRelatedField(slug_field="code", read_only=True)
    denominateur = serializers.SlugRelatedField(slug_field="code", read_only=True)
    total = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="Pour une catégorie d'une ventilation : le total qu'elle décompose.",
    )
    types = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicateur
        fields = [
            "code",
            "libelle",
            "definition",
            "unite",
            "nature_valeur",
            "agregation",
            "numerateur",
            "denominateur",
            "total",
            "types",
        ]


class IndicateurViewSet(viewsets.ReadOnlyModelViewSet):
    """Le catalogue des indicateurs communs et leurs règles d'agrégation ; public."""

    regle_acces = Regle.PUBLIC
    queryset = (
        Indicateur.objects.actifs().select_related("numerateur", "denominateur", "total").prefetch_related("types")
    )
    serializer_class = IndicateurSerializer
    lookup_field = "code"
    pagination_class = None  # une trentaine d'indicateurs


# Les colonnes que l'API des agrégats lit par `.values()` : les codes par jointure, sans instancier ni agrégat, ni
# indicateur, ni type, ni territoire (le profil de la liste y passait plus d'un tiers de son temps).
LECTURE_AGREGATS = [
    "indicateur__code",
    "type__code",
    "territoire__code",
    "territoire__niveau",
    "granularite",
    "periode",
    "valeur",
    "numerateur",
    "denominateur",
    "nb_dispositifs",
    "nb_declarations",
    "nb_attendues",
    "calcule_le",
]
DECIMAL_AGREGAT = serializers.DecimalField(max_digits=14, decimal_places=2)
HORODATAGE = serializers.DateTimeField()


# Les champs déclarés disent le schéma (drf-spectacular) ; `to_representation` rend une ligne de
# `.values(*LECTURE_AGREGATS)` comme le ModelSerializer rendrait l'agrégat (tests/indicateurs/test_api_agregats.py),
# en une passe au lieu d'un champ DRF à la fois. Pas de docstring : elle deviendrait la description du schéma.
class AgregatSerializer(serializers.ModelSerializer):
    indicateur = serializers.SlugRelatedField(slug_field="code", read_only=True)
    type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    territoire = serializers.SlugRelatedField(slug_field="code", read_only=True)
    niveau = serializers.CharField(source="territoire.niveau", read_only=True)
    completude = serializers.FloatField(read_only=True, allow_null=True, help_text="En % des déclarations attendues.")

    class Meta:
        model = Agregat
        fields = [
            "indicateur",
            "type",
            "territoire",
            "niveau",
            "granularite",
            "periode",
            "valeur",
            "numerateur",
            "denominateur",
            "nb_dispositifs",
            "nb_declarations",
            "nb_attendues",
            "completude",
            "calcule_le",
        ]

    def to_representation(self, ligne):
        completude = completude_en_pourcentage(ligne["nb_declarations"], ligne["nb_attendues"])
        return {
            "indicateur": ligne["indicateur__code"],
            "type": ligne["type__code"],
            "territoire": ligne["territoire__code"],
            "niveau": ligne["territoire__niveau"],
            "granularite": ligne["granularite"],
            "periode": ligne["periode"].isoformat(),
            "valeur": decimal_ou_null(ligne["valeur"]),
            "numerateur": decimal_ou_null(ligne["numerateur"]),
            "denominateur": decimal_ou_null(ligne["denominateur"]),
            "nb_dispositifs": ligne["nb_dispositifs"],
            "nb_declarations": ligne["nb_declarations"],
            "nb_attendues": ligne["nb_attendues"],
            "completude": None if completude is None else float(completude),
            "calcule_le": self.horodatage(ligne["calcule_le"]),
        }

    def horodatage(self, instant):
        """L'heure de calcul, écrite une fois par valeur distincte : les lignes d'un même recalcul la partagent, et
        la conversion de DRF (fuseau courant, puis ISO 8601) pesait la moitié de la sérialisation."""
        deja_ecrits = self.__dict__.setdefault("horodatages", {})
        if instant not in deja_ecrits:
            deja_ecrits[instant] = HORODATAGE.to_representation(instant)
        return deja_ecrits[instant]


def decimal_ou_null(valeur):
    return None if valeur is None else DECIMAL_AGREGAT.to_representation(valeur)


def filtre_mois(lookup_expr: str, aide: str):
    """Un mois écrit AAAA-MM (ou une date AAAA-MM-JJ), comparé au premier jour de la période."""
    return django_filters.DateFilter(
        field_name="periode", lookup_expr=lookup_expr, input_formats=["%Y-%m", "%Y-%m-%d"], help_text=aide
    )


class AgregatFilter(FiltresAPI):
    indicateur = django_filters.CharFilter(field_name="indicateur__code", help_text="Code de l'indicateur.")
    type = django_filters.CharFilter(field_name="type__code", help_text="Code du type de dispositif.")
    territoire = django_filters.CharFilter(
        field_name="territoire__code",
        help_text="Code du territoire (INSEE) ; avec `niveau` pour distinguer la région 32 du département 32.",
    )
    niveau = django_filters.ChoiceFilter(field_name="territoire__niveau", choices=Niveau.choices)
    granularite = django_filters.ChoiceFilter(choices=Granularite.choices)
    periode_debut = filtre_mois("gte", "Première période incluse, AAAA-MM.")
    periode_fin = filtre_mois("lte", "Dernière période incluse, AAAA-MM.")

    class Meta:
        model = Agregat
        fields = ["indicateur", "type", "territoire", "niveau", "granularite", "periode_debut", "periode_fin"]


class AgregatViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Les agrégats calculés par le worker (indicateur × type × territoire × période), sans secret statistique :
    réservés aux agents ARS et DREETS, pour la France et les territoires de leur région. Le public lit les
    mêmes chiffres, sous secret statistique, dans le tableau de bord public et ses exports.

    Liste seulement : un agrégat n'a pas d'identifiant stable (chaque recalcul remplace ses lignes), on le
    désigne par ses filtres."""

    regle_acces = Regle.CONSULTER_PLANIFICATION
    serializer_class = AgregatSerializer
    filterset_class = AgregatFilter
    pagination_class = PaginationSansCompteInutile

    def get_queryset(self):
        regions = regions_visibles(self.request.user).values_list("chemin", flat=True)
        visibles = Q(territoire__niveau=Niveau.PAYS)
        for chemin in regions:
            visibles |= Q(territoire__chemin__startswith=chemin)
        return (
            Agregat.objects.filter(visibles)
            .order_by("indicateur__ordre", "type__ordre", "territoire__chemin", "granularite", "periode")
            .values(*LECTURE_AGREGATS)
        )


# Déclarations mensuelles (indicateurs/services.py) ------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2026-10"})
class ChampMoisAPI(serializers.Field):
    """Un mois écrit « AAAA-MM » ; le modèle garde son premier jour."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"

    def to_internal_value(self, data):
        mois = lire_mois(str(data))
        if mois is None:
            raise serializers.ValidationError("Mois attendu sous la forme AAAA-MM, par exemple 2026-10.")
        return mois


class ValeursParCode(serializers.DictField):
    """{"code_indicateur": valeur}, lu dans les valeurs préchargées de la déclaration."""

    def get_attribute(self, declaration):
        return {v.indicateur.code: v.valeur for v in declaration.valeurs.all()}


class CommentairesParCode(serializers.DictField):
    def get_attribute(self, declaration):
        return {v.indicateur.code: v.commentaire for v in declaration.valeurs.all() if v.commentaire}


class DeclarationSerializer(serializers.ModelSerializer):
    mois = ChampMoisAPI()
    type = serializers.CharField(source="dispositif.type.code", read_only=True)
    valeurs = ValeursParCode(
        child=serializers.DecimalField(
            max_digits=VALEUR_CHIFFRES, decimal_places=VALEUR_DECIMALES, coerce_to_string=False, allow_null=True
        ),
        required=False,
        help_text="Valeur par code d'indicateur ; null efface une valeur. Les taux se calculent : ne les envoyez pas.",
    )
    commentaires = CommentairesParCode(
        child=serializers.CharField(max_length=COMMENTAIRE_MAX, allow_blank=True),
        required=False,
        help_text="Commentaire par code d'indicateur ; obligatoire pour une valeur inhabituelle.",
    )
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="La version lue ; obligatoire pour modifier (verrou optimiste)."
    )
    transmettre = serializers.BooleanField(
        write_only=True, default=False, help_text="Transmettre à l'ARS dans la foulée, tout ou rien."
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "dispositif",
            "type",
            "mois",
            "statut",
            "motif_renvoi",
            "transmise_le",
            "validee_le",
            "version",
            "valeurs",
            "commentaires",
            "transmettre",
        ]
        read_only_fields = ["statut", "motif_renvoi", "transmise_le", "validee_le"]
        validators = []  # un mois déjà déclaré reçoit un 409 qui dit comment le modifier (voir create)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        requete = self.context.get("request")
        if requete is not None:
            self.fields["dispositif"].queryset = dispositifs_declarants(requete.user)
            self.fields["dispositif"].error_messages["does_not_exist"] = (
                "Dispositif « {pk_value} » inconnu ou d'un autre organisme."
            )


class DeclarationFilter(FiltresAPI):
    dispositif = IdentifiantFilter(field_name="dispositif", help_text="Identifiant du dispositif.")
    mois = django_filters.CharFilter(method="filtrer_mois", help_text="Mois déclaré, AAAA-MM.")
    statut = django_filters.ChoiceFilter(choices=StatutDeclaration.choices, help_text="Statut de la déclaration.")
    type = django_filters.CharFilter(field_name="dispositif__type__code", help_text="Code du type, ex. LHSS.")

    class Meta:
        model = Declaration
        fields = ["dispositif", "mois", "statut", "type"]

    def filtrer_mois(self, declarations, nom, valeur):
        mois = lire_mois(valeur)
        return declarations.filter(mois=mois) if mois else declarations.none()


def refus_par_indicateur(refus: ValidationError) -> Response:
    """Le refus du service dans la forme de l'API des déclarations : les messages par code d'indicateur sous
    « valeurs », ceux de la déclaration entière sous « non_field_errors ». Le gestionnaire commun
    (commun.erreurs) les mettrait tous au premier niveau : la traduction est faite ici, à la main."""
    corps = {}
    for champ, messages in messages_par_champ(refus).items():
        if champ == api_settings.NON_FIELD_ERRORS_KEY:
            corps[champ] = messages
        else:
            corps.setdefault("valeurs", {})[champ] = messages
    return Response(corps, status=status.HTTP_400_BAD_REQUEST)


class MotifRenvoiSerializer(serializers.Serializer):
    motif = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Ce que l'opérateur doit corriger ; il le reçoit par courriel. Obligatoire (400 sinon).",
    )


class RefusMotifRenvoiSerializer(serializers.Serializer):
    """Le 400 de /renvoyer/ : le plus souvent le motif ; un corps qui n'est pas un objet JSON, ou illisible, est
    refusé par DRF sous « non_field_errors » ou « detail »."""

    motif = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Pourquoi le motif est refusé."
    )
    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)
    detail = serializers.CharField(required=False)


class DeclarationIntrouvableSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflitDeclarationSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Ce qui a changé, en français.")
    declaration = DeclarationSerializer(help_text="La déclaration telle qu'elle est maintenant.")


INTROUVABLE = OpenApiResponse(
    DeclarationIntrouvableSerializer, description="Déclaration inconnue ou hors de la région de l'agent."
)
ETAT_CHANGE = OpenApiResponse(
    ConflitDeclarationSerializer, description="La déclaration n'est plus transmise (déjà validée, renvoyée…)."
)


class DeclarationViewSet(viewsets.ModelViewSet):
    """Les déclarations mensuelles : lecture pour l'opérateur (ses dispositifs) et les agents (leur région) ;
    écriture pour l'opérateur, par le même service que la page (mêmes contrôles, échéance et verrouillage).

    POST crée le brouillon d'un mois ; PATCH le modifie avec la `version` lue (409 si elle a changé) ;
    `"transmettre": true` le transmet à l'ARS, tout ou rien.
    """

    regle_acces = Regle.CONNECTE
    regle_ecriture = Regle.DECLARER
    serializer_class = DeclarationSerializer
    filterset_class = DeclarationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        """Les déclarations visibles, avec type et valeurs préchargés : trois requêtes par page."""
        return declarations_visibles(self.request.user).avec_valeurs().order_by("-mois", "dispositif_id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        donnees = serializer.validated_data
        existante = Declaration.objects.filter(dispositif=donnees["dispositif"], mois=donnees["mois"]).first()
        if existante is not None:
            detail = (
                f"Une déclaration existe déjà pour ce dispositif et ce mois (n° {existante.pk}, version "
                f"{existante.version}) : modifiez-la avec PATCH et sa version."
            )
            return Response({"detail": detail, "id": existante.pk}, status=status.HTTP_409_CONFLICT)
        return self.enregistrer(donnees["dispositif"], donnees["mois"], donnees, 0, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        declaration = self.get_object()
        serializer = self.get_serializer(declaration, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "version" not in serializer.validated_data:
            raise serializers.ValidationError(
                {"version": ["Indiquez la version lue de la déclaration (verrou optimiste)."]}
            )
        donnees = serializer.validated_data
        return self.enregistrer(
            declaration.dispositif, declaration.mois, donnees, donnees["version"], status.HTTP_200_OK
        )

    def enregistrer(self, dispositif, mois, donnees, version_lue, statut):
        service = enregistrer_et_transmettre if donnees.get("transmettre") else enregistrer_declaration
        try:
            declaration = service(
                dispositif=dispositif,
                mois=mois,
                valeurs=donnees.get("valeurs", {}),
                commentaires=donnees.get("commentaires", {}),
                version_lue=version_lue,
            )
        except ValidationError as refus:
            return refus_par_indicateur(refus)
        return Response(self.get_serializer(self.get_queryset().get(pk=declaration.pk)).data, status=statut)

    # L'ARS valide ou renvoie par les services de la page (indicateurs/views/validation.py) : mêmes refus, mêmes
    # mots. Une déclaration qui n'est plus transmise répond 409, avec son état actuel, comme un conflit.

    @extend_schema(
        request=None,
        responses={200: DeclarationSerializer, 404: INTROUVABLE, 409: ETAT_CHANGE},
        description="Valide une déclaration transmise (agents ARS de la région) ; les agrégats sont recalculés.",
    )
    @action(detail=True, methods=["post"], regle_ecriture=Regle.VALIDER_DECLARATIONS)
    def valider(self, request, pk=None):
        declaration = self.get_object()
        return self.changer_etat(declaration, lambda: services.valider(declaration=declaration, user=request.user))

    @extend_schema(
        request=MotifRenvoiSerializer,
        responses={
            200: DeclarationSerializer,
            400: OpenApiResponse(RefusMotifRenvoiSerializer, description="Motif manquant ou trop long."),
            404: INTROUVABLE,
            409: ETAT_CHANGE,
        },
        description="Renvoie une déclaration transmise à l'opérateur avec un motif ; il est prévenu par courriel.",
    )
    @action(detail=True, methods=["post"], regle_ecriture=Regle.VALIDER_DECLARATIONS)
    def renvoyer(self, request, pk=None):
        declaration = self.get_object()
        motif = MotifRenvoiSerializer(data=request.data)
        motif.is_valid(raise_exception=True)
        return self.changer_etat(
            declaration, lambda: services.renvoyer(declaration=declaration, motif=motif.validated_data["motif"])
        )

    def changer_etat(self, declaration, service) -> Response:
        try:
            service()
        except ValidationError as refus:
            if code_du_refus(refus) != "statut_change":
                raise
            declaration = self.get_queryset().get(pk=declaration.pk)
            raise Conflit(refus.messages[0], actuel=declaration) from refus
        return Response(self.get_serializer(self.get_queryset().get(pk=declaration.pk)).data)


# Rapports PDF mensuels (indicateurs/services.py) ----------------------------------------------------------


class RapportSerializer(serializers.ModelSerializer):
    territoire = serializers.CharField(source="territoire.code", read_only=True, help_text="Code du périmètre.")
    niveau = serializers.CharField(source="territoire.niveau", read_only=True, help_text="region ou departement.")
    territoire_nom = serializers.CharField(source="territoire.nom", read_only=True)
    url = serializers.SerializerMethodField(help_text="Téléchargement du dernier PDF complet ; null avant le premier.")

    class Meta:
        model = Rapport
        fields = [
            "id",
            "territoire",
            "niveau",
            "territoire_nom",
            "mois",
            "public",
            "statut",
            "etape",
            "empreinte",
            "taille",
            "genere_le",
            "provisoire",
            "url",
        ]

    def get_url(self, rapport) -> str | None:
        if not rapport.fichier:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("indicateurs:rapports:telecharger", args=[rapport.pk])
        )


class RapportFilter(FiltresAPI):
    territoire = django_filters.CharFilter(field_name="territoire__code", help_text="Code INSEE du périmètre.")
    niveau = django_filters.ChoiceFilter(
        field_name="territoire__niveau",
        choices=[(niveau.value, niveau.label) for niveau in (Niveau.REGION, Niveau.DEPARTEMENT)],
        help_text="Lève l'ambiguïté d'un code partagé par une région et un département (32, 75…).",
    )
    mois = django_filters.DateFilter(help_text="Premier jour du mois couvert, AAAA-MM-JJ.")
    public = BooleenFilter(help_text="true : versions publiques ; false : versions internes.")

    class Meta:
        model = Rapport
        fields = ["territoire", "niveau", "mois", "public"]


class RapportViewSet(viewsets.ReadOnlyModelViewSet):
    """Les rapports PDF mensuels : versions publiques pour tous ; versions internes de leur région pour les agents
    ARS et DREETS ; tout pour un administrateur. Les mêmes que la page /rapports/."""

    regle_acces = Regle.PUBLIC
    serializer_class = RapportSerializer
    filterset_class = RapportFilter

    def get_queryset(self):
        return rapports_visibles(self.request.user).select_related("territoire").order_by(*Rapport._meta.ordering)
