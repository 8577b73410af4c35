"""/api/v1/journal/ : le journal d'audit de la région, comme la page /journal/ (mêmes filtres, même périmètre)."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets

from config.policy import Regle, journal_visible
from journal.forms import FiltreJournal, FiltreJournalAPI
from journal.models import ACTIONS, OBJETS, SYSTEME


class ValeursChangees(serializers.DictField):
    child = serializers.CharField(allow_null=True)


class EntreeJournalSerializer(serializers.Serializer):
    date = serializers.DateTimeField(source="timestamp", read_only=True)
    auteur = serializers.CharField(read_only=True, help_text=f"Courriel de qui a agi, ou « {SYSTEME} ».")
    action = serializers.ChoiceField(
        source="code_action", choices=[code for code, _ in ACTIONS.values()], read_only=True
    )
    objet = serializers.ChoiceField(
        choices=[objet.code for objet in OBJETS], read_only=True, help_text="Le type de l'objet changé."
    )
    objet_id = serializers.IntegerField(source="object_id", read_only=True)
    avant = ValeursChangees(
        read_only=True, help_text="Champ → valeur d'avant (texte, null si vide) ; {} à la création."
    )
    apres = ValeursChangees(read_only=True, help_text="Champ → nouvelle valeur ; {} à la suppression.")


def refus(nom: str, description: str) -> OpenApiResponse:
    return OpenApiResponse(inline_serializer(nom, {"detail": serializers.CharField()}), description=description)


FILTRES_INVALIDES = OpenApiResponse(
    inline_serializer(
        "FiltresJournalInvalides",
        {
            champ: serializers.ListField(child=serializers.CharField(), required=False)
            for champ in FiltreJournal.base_filters
        },
    ),
    description="Un filtre mal écrit : les messages, par filtre.",
)


def filtre(nom: str, schema: dict) -> OpenApiParameter:
    """Un filtre de l'API : présent, il a une valeur (commun.filtres.FiltresAPI refuse `?objet=`)."""
    return OpenApiParameter(nom, schema, description=str(FiltreJournal.base_filters[nom].extra["help_text"]))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            filtre("objet", {"type": "string", "enum": [objet.code for objet in OBJETS]}),
            filtre("date_debut", {"type": "string", "format": "date"}),
            filtre("date_fin", {"type": "string", "format": "date"}),
        ],
        responses={
            200: EntreeJournalSerializer(many=True),
            400: FILTRES_INVALIDES,
            401: refus("RefusJournalSansJeton", "Sans jeton ni session."),
            403: refus("RefusJournal", "Rôle sans accès au journal (seuls les planificateurs et l'administration)."),
            404: refus("PageJournalIntrouvable", "Numéro de page au-delà de la dernière."),
        },
    )
)
class JournalViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Les changements d'état de la région, les plus récents d'abord : qui, quand, quoi, avant → après. Les
    champs exclus du journal (annotation privée d'un avis, brouillon d'une lettre) n'y figurent jamais."""

    regle_acces = Regle.CONSULTER_JOURNAL
    serializer_class = EntreeJournalSerializer
    filterset_class = FiltreJournalAPI

    def get_queryset(self):
        return journal_visible(self.request.user).pour_la_liste()
