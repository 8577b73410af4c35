"""L'écriture des nombres à l'écran et dans les PDF, une seule fois pour toute l'application : « 320 000 € »,
« 3,42 », « 12,5 places ». Les exports CSV et XLSX, eux, gardent les nombres tels quels (format machine).

Filtres de gabarit chargés d'office (réglage TEMPLATES « builtins ») : `{{ valeur|nombre }}`,
`{{ valeur|nombre:1 }}`, `{{ montant|euros }}` ; le code Python appelle les mêmes fonctions. Une année n'est
pas une quantité : elle s'écrit sans séparateur, `{{ millesime|annee }}`.
"""

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


def _decimal(valeur) -> Decimal | None:
    """Le nombre que porte `valeur` (nombre, ou son texte : les contenus JSON gardent « 0.50 »), sinon None."""
    if valeur is None or isinstance(valeur, bool):
        return None
    try:
        decimal = Decimal(str(valeur).strip())
    except InvalidOperation:
        return None
    return decimal if decimal.is_finite() else None


@register.filter
def nombre(valeur, decimales: int = 2) -> str:
    """« 320 000 », « 3,42 », « 0,5 » : séparateur de milliers, virgule, au plus `decimales` décimales (arrondi
    au plus proche) et aucun zéro inutile. Rend tel quel ce qui n'est pas un nombre, une chaîne vide pour None."""
    decimal = _decimal(valeur)
    if decimal is None:
        return "" if valeur is None else str(valeur)
    # Assez de chiffres pour tout nombre fini : 1E+30 dépasse les 28 du contexte par défaut (InvalidOperation).
    contexte = Context(prec=max(28, decimal.adjusted() + int(decimales) + 2))
    arrondi = decimal.quantize(Decimal(1).scaleb(-int(decimales)), rounding=ROUND_HALF_UP, context=contexte)
    arrondi = arrondi.normalize(contexte)
    if arrondi.as_tuple().exponent > 0:  # 3.2E+5 après normalize : on veut les chiffres
        arrondi = arrondi.quantize(Decimal(1), context=contexte)
    return formats.number_format(arrondi, use_l10n=True, force_grouping=True)


@register.filter
def euros(valeur) -> str:
    """« 320 000 € » (à l'euro près) ; ce qui n'est pas un nombre (« — ») reste tel quel, sans symbole."""
    texte = nombre(valeur, 0)
    return f"{texte}\u00a0€" if _decimal(valeur) is not None else texte


@register.filter
def annee(valeur) -> str:
    """« 2023 » : une année (un millésime) n'est pas une quantité, elle s'écrit sans séparateur de milliers."""
    return "" if valeur is None else str(valeur)
