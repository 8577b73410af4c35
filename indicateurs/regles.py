"""Les contrôles d'une déclaration mensuelle : incohérences et valeurs inhabituelles.

Fonctions pures (sans base) : la même règle sert la saisie, l'API, l'import CSV et la page de validation. Le
cumul d'une période (flux, stocks, taux) est celui de l'agrégation, en SQL (indicateurs/agregation.py).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Les bornes d'une valeur et d'un commentaire : celles des colonnes de Valeur (numeric(12, 2), 300 caractères),
# une seule définition que la page, l'API et l'import CSV relisent (le service les vérifie pour tous).
VALEUR_CHIFFRES = 12
VALEUR_DECIMALES = 2
VALEUR_MAX = Decimal(10) ** (VALEUR_CHIFFRES - VALEUR_DECIMALES) - Decimal(1).scaleb(-VALEUR_DECIMALES)
COMMENTAIRE_MAX = 300


def erreur_de_borne(valeur: Decimal) -> str | None:
    """Pourquoi `valeur` ne tient pas dans sa colonne (trop grande, trop de décimales, pas un nombre), sinon None."""
    try:
        nombre = None if isinstance(valeur, bool) else Decimal(str(valeur))
    except InvalidOperation:
        nombre = None
    if nombre is None or not nombre.is_finite():
        return "Saisissez un nombre (ex. 12 ou 2,5)."
    if abs(nombre) > VALEUR_MAX:
        return f"Valeur trop grande : {VALEUR_CHIFFRES - VALEUR_DECIMALES} chiffres au plus avant la virgule."
    if nombre != nombre.quantize(Decimal(1).scaleb(-VALEUR_DECIMALES)):
        return f"{VALEUR_DECIMALES} décimales au plus."
    return None


def erreur_de_commentaire(commentaire: str) -> str | None:
    if len(commentaire) > COMMENTAIRE_MAX:
        return f"Commentaire trop long : {COMMENTAIRE_MAX} caractères au plus (il en a {len(commentaire)})."
    if "\x00" in commentaire:
        return "Le commentaire contient un caractère nul : retirez-le."
    return None


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
