"""Le secret statistique entre granularités : quand un trimestre ou une année se publie à côté de ses mois.

Les chiffres publics d'un mois sont figés dans l'édition de sa région, sous secret primaire et secondaire
(indicateurs/secret.py, indicateurs/publication.py). Publier en plus le trimestre ou l'année d'une case ouvre une
autre soustraction : trimestre − mois publiés = le mois masqué. Et quand deux mois sont masqués, leur somme
publiée resserre l'intervalle que l'audit du mois avait garanti (deux cases de 0 à 20 dont on apprend la somme,
5, ne valent plus chacune que de 0 à 5).

La règle, une seule : une période plus longue que le mois (trimestre, année) n'est publiée que si chacun de ses
mois est publié (son édition existe) et qu'aucun n'est masqué pour cette case. Sa valeur se calcule alors depuis
des valeurs déjà publiques et n'apprend rien de plus ; sinon elle est publiée « secret » (tous les mois publiés,
l'un masqué) ou pas du tout (un mois pas encore publié : la période n'est pas close). Une année publiée a donc ses
quatre trimestres publiés, et un trimestre masqué rend son année masquée : l'année moins les autres trimestres ne
livre rien non plus.
"""

from enum import StrEnum


class Etat(StrEnum):
    """L'état d'une case pour un mois : publiée (valeur ou vide, connue de tous), masquée, ou mois non publié."""

    PUBLIE = "publie"
    MASQUE = "masque"
    NON_PUBLIE = "non_publie"


class Publication(StrEnum):
    VALEUR = "valeur"  # publiée avec sa valeur
    SECRET = "secret"  # publiée « secret »
    AUCUNE = "aucune"  # pas encore publiée


def publication_de_la_periode(etats_des_mois: list[Etat]) -> Publication:
    """Ce qu'on publie d'une période (trimestre, année) d'après l'état de chacun de ses mois, dans l'ordre."""
    if Etat.NON_PUBLIE in etats_des_mois or not etats_des_mois:
        return Publication.AUCUNE
    if Etat.MASQUE in etats_des_mois:
        return Publication.SECRET
    return Publication.VALEUR
