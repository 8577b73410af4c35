"""L'écriture des nombres à l'écran et dans les PDF, une seule fois pour toute l'application : « 320 000 € »,
« 3,42 », « 12,5 places ». Les exports CSV et XLSX, eux, gardent les nombres tels quels (format machine).

Filtres de gabarit chargés d'office (réglage TEMPLATES « builtins ») : `{{ valeur|nombre }}`,
`{{ valeur|nombre:1 }}`, `{{ montant|euros }}` ; le code Python appelle les mêmes fonctions. Une année n'est
pas une quantité : elle s'écrit sans séparateur, `{{ millesime|annee }}`.

Les pages chiffrées (planification, budget) appellent ces filtres des milliers de fois par requête : le résultat
est celui de `django.utils.formats.number_format` (séparateurs de la langue active), mais les séparateurs sont lus
une fois par langue et les milliers groupés par `format(…, ",")` au lieu de la boucle chiffre par chiffre de Django.
Les cas rares (groupement non uniforme, nombre de plus de 200 chiffres) passent encore par Django.

Les séparateurs sont ceux de LANGUAGE_CODE (« fr-fr ») : l'application n'a qu'une langue (ni LocaleMiddleware ni
translation.activate), et lire la langue active (get_language, un asgiref.Local) coûtait à lui seul près de la
moitié d'un appel.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import formats, translation

register = template.Library()

# Assez de chiffres pour les montants courants ; au-delà, un contexte à la mesure du nombre (voir _arrondi).
_PRECISION = 40
_CONTEXTE = Context(prec=_PRECISION)
_PAS = {decimales: Decimal(1).scaleb(-decimales) for decimales in range(10)}
_UN = Decimal(1)
# Au-delà, Django écrit le nombre en notation scientifique : on le laisse faire (numberformat.format).
_CHIFFRES_MAX = 200

# Par langue : (séparateur décimal, groupement, séparateur de milliers), tels que Django les lit pour elle.
_separateurs: dict[str | None, tuple] = {}


@receiver(setting_changed)
def _oublier_les_separateurs(**kwargs):
    """Un test qui change LANGUAGE_CODE ou FORMAT_MODULE_PATH retrouve les séparateurs qu'il attend."""
    _separateurs.clear()


def _separateurs_de(langue):
    try:
        return _separateurs[langue]
    except KeyError:
        trio = tuple(
            formats.get_format(nom, langue, use_l10n=True)
            for nom in ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
        )
        _separateurs[langue] = trio
        return trio


def _decimal(valeur) -> Decimal | None:
    """Le nombre que porte `valeur` (nombre, ou son texte : les contenus JSON gardent « 0.50 »), sinon None."""
    if valeur is None or isinstance(valeur, bool):
        return None
    if type(valeur) is Decimal:  # str() puis Decimal() le rendrait à l'identique
        decimal = valeur
    else:
        try:
            decimal = Decimal(str(valeur).strip())
        except InvalidOperation:
            return None
    return decimal if decimal.is_finite() else None


def _arrondi(decimal: Decimal, decimales: int) -> Decimal:
    """Arrondi au plus proche (half-up) à `decimales` décimales, sans zéro inutile ni exposant positif."""
    precision = decimal.adjusted() + decimales + 2
    # La précision ne fait qu'éviter InvalidOperation (1E+30 dépasse les 28 chiffres du contexte par défaut) :
    # le nombre arrondi a toujours moins de chiffres qu'elle, rien n'est arrondi une seconde fois.
    contexte = _CONTEXTE if precision <= _PRECISION else Context(prec=precision)
    pas = _PAS.get(decimales) or _UN.scaleb(-decimales)
    arrondi = decimal.quantize(pas, rounding=ROUND_HALF_UP, context=contexte).normalize(contexte)
    if arrondi.as_tuple().exponent > 0:  # 3.2E+5 après normalize : on veut les chiffres
        arrondi = arrondi.quantize(_UN, context=contexte)
    return arrondi


def _ecrire(arrondi: Decimal) -> str:
    """Ce qu'écrirait formats.number_format(arrondi, use_l10n=True, force_grouping=True) dans la langue du site."""
    langue = settings.LANGUAGE_CODE
    decimale, groupement, milliers = _separateurs_de(langue)
    texte = f"{arrondi:f}"
    if type(groupement) is not int or groupement <= 0 or len(texte) > _CHIFFRES_MAX:
        with translation.override(langue):
            return formats.number_format(arrondi, use_l10n=True, force_grouping=True)
    signe = ""
    if texte[0] == "-":
        signe, texte = "-", texte[1:]
    entier, _, fraction = texte.partition(".")
    if groupement == 3:
        entier = f"{int(entier):,}".replace(",", milliers)
    else:
        groupes = []
        while len(entier) > groupement:
            groupes.append(entier[-groupement:])
            entier = entier[:-groupement]
        entier = milliers.join([entier, *reversed(groupes)])
    return f"{signe}{entier}{decimale}{fraction}" if fraction else signe + entier


@register.filter
def nombre(valeur, decimales: int = 2) -> str:
    """« 320 000 », « 3,42 », « 0,5 » : séparateur de milliers, virgule, au plus `decimales` décimales (arrondi
    au plus proche) et aucun zéro inutile. Rend tel quel ce qui n'est pas un nombre, une chaîne vide pour None."""
    decimal = _decimal(valeur)
    if decimal is None:
        return "" if valeur is None else str(valeur)
    return _ecrire(_arrondi(decimal, int(decimales)))


@register.filter
def euros(valeur) -> str:
    """« 320 000 € » (à l'euro près) ; ce qui n'est pas un nombre (« — ») reste tel quel, sans symbole."""
    decimal = _decimal(valeur)
    if decimal is None:
        return "" if valeur is None else str(valeur)
    return f"{_ecrire(_arrondi(decimal, 0))}\u00a0€"


@register.filter
def annee(valeur) -> str:
    """« 2023 » : une année (un millésime) n'est pas une quantité, elle s'écrit sans séparateur de milliers."""
    return "" if valeur is None else str(valeur)
