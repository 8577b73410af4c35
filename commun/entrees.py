"""Ce que l'application accepte d'une requête, borné une fois pour toutes : une entrée malformée est un refus (400,
en français), jamais une exception qui remonte en 500.

- `JSONBorne`, le parseur JSON de toute l'API : un corps est un objet JSON, d'au plus PROFONDEUR_MAX niveaux
  et DATA_UPLOAD_MAX_MEMORY_SIZE octets, sans nombre infini (`1e999999`).
- `InBorne`, la recherche `__in` sur un entier : un identifiant illisible ou hors de ce que la base range ne
  désigne rien, comme Django le fait déjà pour `=`, `<`, `>` (IntegerFieldOverflow) — sans quoi SQLite lève
  OverflowError (un ModelMultipleChoiceField qui reçoit quarante chiffres) et l'autocomplétion de
  l'administration ValueError (« abc »).
- Les recherches sur un texte (`exact`, `iexact`, `contains`… et `in`) : un texte qui contient le caractère nul ne
  désigne rien — PostgreSQL ne peut pas en ranger, et refusait la requête (un 500 pour `?region=%00` d'une liste
  de choix, d'un SlugRelatedField de l'API, d'une recherche).
- `identifiant_ou_400`, pour une vue qui lit un identifiant hors formulaire : la borne des filtres de l'API ;
  sinon une `RequeteInvalide`, que la page 400 (`requete_invalide`, le handler400 du projet) explique.
"""

import json
import math
import re

from django.conf import settings
from django.core.exceptions import BadRequest, EmptyResultSet
from django.db.models import CharField, IntegerField, TextField, lookups
from django.db.models.lookups import In
from django.http import JsonResponse
from django.shortcuts import render
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from commun.filtres import IDENTIFIANT_MAX

# Aucun corps de l'API n'a plus de quelques niveaux (déclaration → valeurs → nombre) : 32 laisse de la marge
# et arrête bien avant la limite de récursion de Python (RecursionError, un 500).
PROFONDEUR_MAX = 32
CHAINE_JSON = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
OUVRANT_OU_FERMANT = re.compile(r"[\[\]{}]")


def profondeur(texte: str) -> int:
    """La plus grande imbrication de [ et { du texte JSON (hors chaînes), lue sans récursion ; s'arrête au-delà
    de PROFONDEUR_MAX."""
    niveau = maximum = 0
    for signe in OUVRANT_OU_FERMANT.finditer(CHAINE_JSON.sub('""', texte)):
        niveau += 1 if signe.group() in "[{" else -1
        maximum = max(maximum, niveau)
        if maximum > PROFONDEUR_MAX:
            break
    return maximum


def flottant_fini(texte: str) -> float:
    nombre = float(texte)
    if not math.isfinite(nombre):
        raise ParseError(f"JSON invalide : le nombre {texte[:20]} est hors de portée.")
    return nombre


class JSONBorne(JSONParser):
    """Le JSONParser de DRF, borné en taille, en profondeur et en nombres, et qui n'accepte qu'un objet."""

    def parse(self, stream, media_type=None, parser_context=None):
        limite = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        brut = stream.read(limite + 1) if stream is not None else b""
        if len(brut) > limite:
            raise ParseError(f"Corps de requête trop volumineux : {limite // 1024} Ko au plus.")
        try:
            texte = brut.decode((parser_context or {}).get("encoding", settings.DEFAULT_CHARSET))
        except UnicodeDecodeError:
            raise ParseError("JSON invalide : le corps n'est pas encodé en UTF-8.") from None
        if profondeur(texte) > PROFONDEUR_MAX:
            raise ParseError(f"JSON invalide : plus de {PROFONDEUR_MAX} niveaux d'imbrication.")
        try:
            donnees = json.loads(texte, parse_float=flottant_fini, parse_constant=self.refuser_constante)
        except ValueError as erreur:
            raise ParseError(f"JSON invalide : {erreur}") from None
        if not isinstance(donnees, dict):
            raise ParseError("Le corps de la requête doit être un objet JSON ({…}).")
        return donnees

    @staticmethod
    def refuser_constante(constante):
        raise ParseError(f"JSON invalide : {constante} n'est pas un nombre.")


@IntegerField.register_lookup
class InBorne(In):
    """`pk__in=[…]` : un membre qui n'est pas un entier (« abc », « 1.5 ») ou qui sort de la plage de la colonne
    ne trouve rien, au lieu de lever ValueError ou OverflowError. Ces listes viennent de la saisie : choix
    multiples des formulaires, et le widget d'autocomplétion de l'administration qui réaffiche un formulaire
    invalide avec les valeurs reçues."""

    def get_prep_lookup(self):
        if isinstance(self.rhs, list | tuple | set | frozenset) and self.prepare_rhs:
            self.rhs = [v for v in self.rhs if self.entier_lisible(v)]
        return super().get_prep_lookup()

    def entier_lisible(self, valeur) -> bool:
        if valeur is None or hasattr(valeur, "resolve_expression"):
            return True
        try:
            self.lhs.output_field.get_prep_value(valeur)
        except (TypeError, ValueError):
            return False
        return True

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            minimum, maximum = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            dans_la_plage = [
                v
                for v in self.rhs
                if not isinstance(v, int) or ((minimum is None or v >= minimum) and (maximum is None or v <= maximum))
            ]
            if not dans_la_plage:
                raise EmptyResultSet
            self.rhs = dans_la_plage
        return super().process_rhs(compiler, connection)


class RequeteInvalide(BadRequest):
    """Un paramètre illisible hors de tout formulaire à réafficher : 400, avec ce message en français."""


def requete_invalide(request, exception):
    """handler400 : le message d'une RequeteInvalide (les autres 400 de Django, en anglais et parfois techniques,
    restent génériques) ; en JSON sous /api/."""
    message = str(exception) if isinstance(exception, RequeteInvalide) else "La requête est mal formée."
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return render(request, "400.html", {"message": message}, status=400)


def contient_nul(valeur) -> bool:
    return isinstance(valeur, str) and "\x00" in valeur


class SansNul:
    """Une recherche de texte dont la valeur contient le caractère nul ne trouve rien (EmptyResultSet, comme
    IntegerFieldOverflow de Django pour un entier hors de la colonne)."""

    def process_rhs(self, compiler, connection):
        if contient_nul(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class InSansNul(In):
    def process_rhs(self, compiler, connection):
        if isinstance(self.rhs, list | tuple | set | frozenset):
            self.rhs = [valeur for valeur in self.rhs if not contient_nul(valeur)]
            if not self.rhs:
                raise EmptyResultSet
        return super().process_rhs(compiler, connection)


RECHERCHES_DE_TEXTE = [
    lookups.Exact,
    lookups.IExact,
    lookups.Contains,
    lookups.IContains,
    lookups.StartsWith,
    lookups.IStartsWith,
    lookups.EndsWith,
    lookups.IEndsWith,
]
for _champ in (CharField, TextField):
    for _recherche in RECHERCHES_DE_TEXTE:
        _champ.register_lookup(type(f"{_recherche.__name__}SansNul", (SansNul, _recherche), {}))
    _champ.register_lookup(InSansNul)


def identifiant_ou_400(texte, parametre: str) -> int:
    """L'identifiant lu dans le paramètre `parametre` ; RequeteInvalide (400) s'il n'en est pas un."""
    if (identifiant := lire_identifiant(texte)) is None:
        raise RequeteInvalide(f"« {parametre} » : un identifiant est attendu (un nombre entier positif).")
    return identifiant


def lire_identifiant(texte) -> int | None:
    """L'identifiant écrit dans `texte` (1 à IDENTIFIANT_MAX, chiffres seulement), sinon None."""
    texte = str(texte or "").strip()
    if not texte.isascii() or not texte.isdigit() or len(texte) > len(str(IDENTIFIANT_MAX)):
        return None
    identifiant = int(texte)
    return identifiant if 1 <= identifiant <= IDENTIFIANT_MAX else None
