"""Les règles des indicateurs : contrôles d'une déclaration mensuelle et cumul d'une période.

Fonctions pures (sans base) : la même règle sert la saisie, l'import CSV et l'agrégation.
"""

from decimal import ROUND_HALF_UP, Decimal

from indicateurs.models import Agregation

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


def cumuler(agregation: str, mensuelles: list[Decimal | None]) -> Decimal | None:
    """La valeur d'une période à partir de ses valeurs mensuelles, dans l'ordre des mois.

    Flux : somme. Stock : moyenne des mois renseignés, ou dernière valeur renseignée — jamais la somme.
    Les taux ne passent pas ici : voir `taux`.
    """
    connues = [v for v in mensuelles if v is not None]
    if not connues:
        return None
    if agregation == Agregation.SOMME:
        return sum(connues)
    if agregation == Agregation.MOYENNE:
        return arrondi(sum(connues) / len(connues))
    if agregation == Agregation.DERNIERE:
        return connues[-1]
    raise ValueError(f"Un taux se recalcule avec taux(), pas avec la règle « {agregation} ».")


def taux(numerateurs: list[Decimal | None], denominateurs: list[Decimal | None]) -> Decimal | None:
    """Σ numérateurs / Σ dénominateurs × 100, sur les mois où les deux sont connus ; jamais une moyenne de taux."""
    paires = [(n, d) for n, d in zip(numerateurs, denominateurs, strict=True) if n is not None and d is not None]
    total = sum(d for _, d in paires)
    return arrondi(sum(n for n, _ in paires) * 100 / total) if total else None


def arrondi(valeur: Decimal) -> Decimal:
    return Decimal(valeur).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
