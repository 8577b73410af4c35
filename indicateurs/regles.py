"""Les contrôles d'une déclaration mensuelle : incohérences et valeurs inhabituelles.

Fonctions pures (sans base) : la même règle sert la saisie, l'API, l'import CSV et la page de validation. Le
cumul d'une période (flux, stocks, taux) est celui de l'agrégation, en SQL (indicateurs/agregation.py).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from commun.nombres import nombre
from indicateurs.catalogue import CATALOGUE, VENTILATIONS

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
    for total, categories in VENTILATIONS.items():
        if message := erreur_de_ventilation(valeurs, total, categories):
            erreurs.setdefault(total, message)
    return erreurs


LIBELLES = {fiche["code"]: fiche["libelle"] for fiche in CATALOGUE}


def erreur_de_ventilation(valeurs: dict[str, Decimal], total: str, categories: list[str]) -> str | None:
    """Une ventilation se saisit entière ou pas du tout : dès qu'une catégorie est remplie, le total et toutes
    les catégories le sont, et leur somme égale le total. Le message nomme les champs et donne les deux sommes."""
    if all(valeurs.get(code) is None for code in categories):
        return None
    if manquants := [code for code in [total, *categories] if valeurs.get(code) is None]:
        noms = ", ".join(f"« {LIBELLES[code]} »" for code in manquants)
        return f"Ventilation incomplète : remplissez aussi {noms} (0 si aucune)."
    somme = sum(valeurs[code] for code in categories)
    if somme == valeurs[total]:
        return None
    detail = " + ".join(f"« {LIBELLES[code]} » {nombre(valeurs[code])}" for code in categories)
    return (
        f"La somme des catégories ({detail} = {nombre(somme)}) doit égaler « {LIBELLES[total]} » "
        f"({nombre(valeurs[total])})."
    )


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
