"""Les nombres écrits dans les graphiques et sur la carte : à la française, entiers sans décimales."""

from decimal import Decimal

from django.utils.formats import number_format


def nombre(valeur) -> str:
    """« 1 234 », « 87,5 » ; « — » pour une absence."""
    if valeur is None:
        return "—"
    valeur = Decimal(str(valeur))
    decimales = 0 if valeur == valeur.to_integral_value() else 2
    texte = number_format(valeur, decimal_pos=decimales, force_grouping=True)
    return texte.rstrip("0").rstrip(",") if decimales else texte
