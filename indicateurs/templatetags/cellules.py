"""L'écriture d'une cellule du tableau de bord, partagée par les pages et le rapport PDF."""

from django import template
from django.utils.safestring import mark_safe

from commun.nombres import nombre

register = template.Library()

SECRET = mark_safe('<abbr class="tableau-secret" title="Valeur masquée par le secret statistique">secret</abbr>')


@register.filter
def cellule(cellule):
    """« secret » si la cellule est masquée, « — » sans donnée, sinon la valeur à la française (deux décimales au
    plus). Un filtre plutôt qu'un gabarit inclus : il sert des centaines de cellules par page."""
    if cellule.secret:
        return SECRET
    if cellule.valeur is None:
        return "—"
    return nombre(cellule.valeur)
