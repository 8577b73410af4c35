"""L'API des conventions, en lecture : les mêmes lignes que la page (`conventions_visibles`), la même requête
(`pour_liste`). Les écritures passent par les pages (PDF joint, contrôlé)."""

import django_filters
from rest_framework import serializers, viewsets

from commun.filtres import FiltresAPI, IdentifiantFilter
from config.policy import Regle, conventions_visibles
from partenariats.models import CategoriePartenaire, Convention, StatutConvention


class ConventionSerializer(serializers.ModelSerializer):
    type_dispositif = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code du type.")
    territoire = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code INSEE du territoire.")
    a_un_pdf = serializers.SerializerMethodField(help_text="Vrai quand le PDF signé est joint.")

    class Meta:
        model = Convention
        fields = [
            "id",
            "organisme",
            "type_dispositif",
            "dispositif",
            "territoire",
            "partenaire_nom",
            "partenaire_categorie",
            "objet",
            "statut",
            "signee_le",
            "a_un_pdf",
            "pdf_empreinte",
            "fictif",
            "version",
            "updated_at",
        ]

    def get_a_un_pdf(self, convention) -> bool:
        return bool(convention.pdf)


class ConventionFilter(FiltresAPI):
    statut = django_filters.ChoiceFilter(choices=StatutConvention.choices, help_text="Actée ou prévue.")
    partenaire_categorie = django_filters.ChoiceFilter(
        choices=CategoriePartenaire.choices, help_text="Catégorie du partenaire."
    )
    organisme = IdentifiantFilter(field_name="organisme", help_text="Identifiant de l'organisme signataire.")
    dispositif = IdentifiantFilter(field_name="dispositif", help_text="Identifiant du dispositif.")

    class Meta:
        model = Convention
        fields = ["statut", "partenaire_categorie", "organisme", "dispositif"]


class ConventionViewSet(viewsets.ReadOnlyModelViewSet):
    """Les conventions entre un dispositif et ses partenaires : l'opérateur lit celles de ses organismes, un agent
    celles de sa région, le niveau national toutes."""

    regle_acces = Regle.CONSULTER_CONVENTIONS
    serializer_class = ConventionSerializer
    filterset_class = ConventionFilter

    def get_queryset(self):
        return conventions_visibles(self.request.user).pour_liste()
