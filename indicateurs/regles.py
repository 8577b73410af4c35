"""Les contrôles d'une déclaration mensuelle : incohérences et valeurs inhabituelles.

Fonctions pures (sans base) : la même règle sert la saisie, l'API, l'import CSV et la page de validation. Le
cumul d'une période (flux, stocks, taux) est celui de l'agrégation, en SQL (indicateurs/agregation.py).
"""

from decimal import ROUND_HALF_UP, Decimal

# Au-delà de ce facteur par rapport à la moyenne des mois précédents du même dispositif, la valeur est
# signalée ; elle reste acceptée si l'opérateur la commente.
FACTEUR_INHABITUEL = Decimal(3)


def erreurs_de_coherence(valeurs: dict[str, Decimal]) -> dict[str, str]:
    """Les incohérences qui empêchent de transmettre, par code d'indicateur, en français."""
    erreurs = {}
    for code, valeur in valeurs.items():
        if valeur is not None and valeur < 0:
            erreurs[code] = "Une valeur ne peut pas être négative."
    if _depasse(valeurs, "nouvelles_personnes", "file_active"):
        erreurs["nouvelles_personnes"] = (
            "Les nouvelles personnes font partie de la file active : elles ne peuvent pas être plus nombreuses."
        )
    if _depasse(valeurs, "journees_realisees", "journees_theoriques"):
        erreurs["journees_realisees"] = "Les journées réalisées ne peuvent pas dépasser les journées théoriques."
    return erreurs


def _depasse(valeurs, partie, tout) -> bool:
    return valeurs.get(partie) is not None and valeurs.get(tout) is not None and valeurs[partie] > valeurs[tout]


def valeurs_inhabituelles(valeurs: dict[str, Decimal], historique: dict[str, list[Decimal]]) -> dict[str, str]:
    """Les valeurs très éloignées de l'habitude du dispositif (moyenne de ses mois validés) : à commenter."""
    alertes = {}
    for code, valeur in valeurs.items():
        passe = [v for v in historique.get(code, []) if v is not None]
        if valeur is None or len(passe) < 3:
            continue
        moyenne = sum(passe) / len(passe)
        if moyenne and (valeur > moyenne * FACTEUR_INHABITUEL or valeur < moyenne / FACTEUR_INHABITUEL):
            alertes[code] = (
                f"Valeur inhabituelle pour ce dispositif (moyenne des mois précédents : {arrondi(moyenne)}) : "
                "ajoutez un commentaire pour la transmettre."
            )
    return alertes


def arrondi(valeur: Decimal) -> Decimal:
    return Decimal(valeur).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
