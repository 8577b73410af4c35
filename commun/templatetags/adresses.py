"""`{% adresse 'planification:historique' ligne.cible_id %}` : la même adresse que `{% url %}` pour des arguments
entiers, sans refaire `reverse` à chaque ligne d'un tableau (~50 µs l'un : 900 par page sur le tableau national).

L'adresse est calculée une fois par nom de vue, préfixe de script et URLconf, avec des entiers témoins à la place
des arguments ; chaque ligne n'y remplace plus que ces témoins. Tout autre argument (texte, slug) passe par
`reverse`, comme `{% url %}`.
"""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# Des entiers qu'aucune adresse ne contient d'elle-même : chacun doit y apparaître exactement une fois.
_TEMOINS = (987654301, 987654302, 987654303)


@functools.lru_cache(maxsize=256)
def _modele(nom: str, arite: int, prefixe: str, urlconf) -> tuple[str, ...] | None:
    """Les morceaux de l'adresse entre les arguments, ou None si les témoins ne s'y retrouvent pas tels quels."""
    adresse = reverse(nom, args=_TEMOINS[:arite], urlconf=urlconf)
    morceaux = []
    for temoin in map(str, _TEMOINS[:arite]):
        if adresse.count(temoin) != 1:
            return None
        avant, _, adresse = adresse.partition(temoin)
        morceaux.append(avant)
    return (*morceaux, adresse)


@register.simple_tag
def adresse(nom: str, *args) -> str:
    modele = None
    if 0 < len(args) <= len(_TEMOINS) and all(type(a) is int and a >= 0 for a in args):
        modele = _modele(nom, len(args), get_script_prefix(), get_urlconf())
    if modele is None:
        return reverse(nom, args=args)
    return "".join(m + str(a) for m, a in zip(modele, args, strict=False)) + modele[-1]
