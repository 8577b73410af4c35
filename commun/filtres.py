"""Les filtres de l'API, une règle pour tous : une valeur que le schéma refuse est refusée (400, avec le champ et la
raison), jamais ignorée en silence ni passée telle quelle à la base ; une valeur que le schéma admet ne l'est
jamais (un code inconnu ne trouve rien). Chaque FilterSet de l'API hérite de `FiltresAPI`, qui refuse à sa
déclaration les filtres de django-filter trop permissifs (NumberFilter, BooleanFilter, ModelChoiceFilter…).
"""

import re

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django_filters.widgets import QueryArrayWidget
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

# La plus grande clé primaire que la base range (BigAutoField, DEFAULT_AUTO_FIELD) : au-delà, SQLite lève
# OverflowError et PostgreSQL « bigint out of range », deux 500 au lieu d'un refus.
IDENTIFIANT_MAX = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": IDENTIFIANT_MAX})
class IdentifiantFilter(django_filters.NumberFilter):
    """L'identifiant d'un objet : un entier de 1 à IDENTIFIANT_MAX (ni « 1.5 », ni « 1e3 », ni 10²⁰)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", IDENTIFIANT_MAX)
        super().__init__(*args, **kwargs)


class BooleenField(forms.NullBooleanField):
    """true ou false (ou vide : pas de filtre) ; « 28082 » est refusé au lieu de valoir « pas de filtre »."""

    VALEURS = {"true": True, "false": False}
    widget = forms.TextInput  # celui de NullBooleanField change toute valeur inconnue en None, sans erreur

    def to_python(self, value):
        if value in (None, ""):
            return None
        if str(value).lower() not in self.VALEURS:
            raise forms.ValidationError("Valeur attendue : true ou false.", code="invalid")
        return self.VALEURS[str(value).lower()]

    def validate(self, value):
        pass


class BooleenFilter(django_filters.BooleanFilter):
    field_class = BooleenField


class CodesField(forms.Field):
    widget = QueryArrayWidget

    def to_python(self, value):
        return [code for code in value or [] if code]

    def validate(self, value):
        """Comme un champ texte de Django : pas de caractère nul, que PostgreSQL refuserait (500)."""
        super().validate(value)
        for code in value:
            ProhibitNullCharactersValidator()(code)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class CodesFilter(django_filters.Filter):
    """Des codes (répétables : `type=LHSS&type=LAM`) ; un code inconnu ne trouve rien, comme tout filtre par code."""

    field_class = CodesField

    def filter(self, queryset, value):
        return queryset.filter(**{f"{self.field_name}__in": value}) if value else queryset


TEXTE = (django_filters.CharFilter, CodesFilter)
PERMIS = (IdentifiantFilter, BooleenFilter)
TROP_PERMISSIFS = (
    django_filters.NumberFilter,
    django_filters.BooleanFilter,
    django_filters.ModelChoiceFilter,
    django_filters.ModelMultipleChoiceFilter,
)


class FiltresAPI(django_filters.FilterSet):
    """La base des FilterSet de l'API : identifiants bornés et booléens stricts, y compris pour les filtres que
    `Meta.fields` engendre ; un filtre présent mais vide (`?statut=`, `?mois=`) est refusé, sauf s'il attend
    du texte (où la chaîne vide est une valeur)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BigAutoField: {"filter_class": IdentifiantFilter},
        models.ForeignKey: {"filter_class": IdentifiantFilter},
        models.BooleanField: {"filter_class": BooleenFilter},
    }

    @classmethod
    def get_filters(cls):
        filtres = super().get_filters()
        for nom, filtre in filtres.items():
            if isinstance(filtre, TROP_PERMISSIFS) and not isinstance(filtre, PERMIS):
                raise ImproperlyConfigured(
                    f"{cls.__name__}.{nom} : {type(filtre).__name__} laisse passer des valeurs que le schéma refuse ; "
                    "prenez un filtre de commun.filtres."
                )
        return filtres

    def is_valid(self):
        valide = super().is_valid()
        for nom, filtre in self.filters.items():
            if self.data.get(nom) == "" and not isinstance(filtre, TEXTE):
                self.form.add_error(nom, "Donnez une valeur à ce filtre, ou retirez-le.")
        return valide and not self.form.errors


class PaginationAPI(PageNumberPagination):
    """La pagination de l'API (REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]) : `?page=` vide est une page invalide
    (404, comme `?page=abc`), et non la première ; `?page_size=` choisit la taille d'une page, de 1 à 500 : une
    autre valeur est refusée (400), au lieu d'être remplacée en silence par la taille par défaut."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        texte = request.query_params.get(self.page_size_query_param)
        if texte is None:
            return self.page_size
        if not re.fullmatch(r"[0-9]{1,3}", texte) or not 1 <= int(texte) <= self.max_page_size:
            message = f"Taille de page invalide : un nombre entier de 1 à {self.max_page_size}."
            raise ValidationError({self.page_size_query_param: [message]})
        return int(texte)

    def get_schema_operation_parameters(self, view):
        parametres = super().get_schema_operation_parameters(view)
        for parametre in parametres:
            if parametre["name"] == self.page_size_query_param:
                parametre["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
        return parametres

    def get_page_number(self, request, paginator):
        return request.query_params.get(self.page_query_param, 1)


# Un OFFSET au-delà de bigint est une erreur de PostgreSQL : une telle page est laissée à Django, qui compte d'abord
# et la refuse (404) sans la lire.
OFFSET_MAX = 2**63 - 1


class PaginateurSansCompteInutile(Paginator):
    """Le paginateur de Django qui lit la page demandée avant de compter : une page entamée mais pas pleine (ou
    une première page vide) donne le total, les lignes des pages précédentes plus les siennes, sans COUNT. Seule
    une page pleine, ou vide au-delà de la première, envoie le COUNT, et tout se passe alors comme chez Django
    (mêmes pages, mêmes refus). Le total déduit est celui de la lecture même de la page."""

    def page(self, number):
        try:
            numero = int(number)
        except (TypeError, ValueError):
            numero = 0
        if numero < 1 or self.orphans or numero * self.per_page > OFFSET_MAX:
            return super().page(number)  # le refus de Django (404), ou les orphelines, qu'il sait gérer
        debut = (numero - 1) * self.per_page
        lignes = list(self.object_list[debut : debut + self.per_page])
        if len(lignes) < self.per_page and (lignes or numero == 1):
            self.__dict__["count"] = debut + len(lignes)  # `count` est une cached_property
        elif not lignes:
            return super().page(number)
        return self._get_page(lignes, self.validate_number(numero), self)


class PaginationSansCompteInutile(PaginationAPI):
    """PaginationAPI, même réponse (count, next, previous, results), sans le COUNT quand la page demandée suffit à
    le déduire : le cas courant d'une liste filtrée qui tient sur une page."""

    django_paginator_class = PaginateurSansCompteInutile
