"""La lettre d'intention, telle que la décrit l'annexe 1 de l'AMI d'Île-de-France : le vocabulaire de ses
champs, les exigences du dépôt et la forme figée du contenu déposé. Ses formulaires sont dans forms/lettre.py.

Le brouillon garde tout ce qui est saisi, même incomplet ou invalide : rien n'est perdu. Les exigences
(champs obligatoires, professionnel de santé dans l'équipe, type éligible à l'appel) ne s'appliquent
qu'au dépôt, par les formulaires de la lettre et `erreurs_de_depot`, qui les disent en français.
"""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict

INDETERMINE = "indetermine"  # le dispositif envisagé, quand l'opérateur ne le connaît pas encore
# Les champs du formulaire qui ne sont pas la lettre : ils n'entrent pas dans le brouillon.
CHAMPS_TECHNIQUES = {"csrfmiddlewaretoken", "version_brouillon", "cle_depot"}


class Public(models.TextChoices):
    RUE = "rue", "Personnes à la rue"
    CAMPEMENTS = "campements", "Campements et bidonvilles"
    HEBERGEMENT_URGENCE = "hebergement_urgence", "Hébergement d'urgence et d'insertion"
    HEBERGEMENT_ASILE = "hebergement_asile", "Hébergement des demandeurs d'asile"
    FOYERS_MIGRANTS = "foyers_migrants", "Foyers de travailleurs migrants"
    AUTRE = "autre", "Autre public (préciser)"


class FinancementExistant(models.TextChoices):
    FIR = "fir", "FIR"
    CNR = "cnr", "CNR"
    AUTRE = "autre", "Autre financement"


class Evolution(models.TextChoices):
    PERENNISATION = "perennisation", "Pérennisation"
    EXTENSION_GEOGRAPHIQUE = "extension_geographique", "Extension géographique"
    EXTENSION_METHODOLOGIQUE = "extension_methodologique", "Extension méthodologique"
    INFLEXION = "inflexion", "Inflexion"


class OuiNon(models.TextChoices):
    OUI = "oui", "Oui"
    NON = "non", "Non"


class EtatPartenariat(models.TextChoices):
    ACTE = "acte", "Acté (accord écrit)"
    ENVISAGE = "envisage", "Envisagé"


# Champs à remplir pour déposer, avec le libellé qu'on cite dans le message d'erreur.
OBLIGATOIRES_AU_DEPOT = {
    "statut_organisme": "le statut de l'organisme",
    "experience": "l'expérience auprès des plus démunis",
    "dispositif_envisage": "le dispositif envisagé",
    "projet_existant": "s'il s'agit d'un projet existant",
    "publics": "les publics concernés",
    "territoires": "les territoires concernés",
    "nature_proposition": "la nature de la proposition",
    "file_active": "l'estimation de la file active",
    "budget_demande": "le budget demandé",
}


def brouillon_de(donnees: QueryDict) -> dict:
    """Ce qui est saisi, champ par champ (listes de valeurs), tel que le brouillon le garde."""
    return {champ: donnees.getlist(champ) for champ in donnees if champ not in CHAMPS_TECHNIQUES}


def en_querydict(brouillon: dict) -> QueryDict:
    """Le brouillon enregistré (listes de valeurs par champ) redevient des données de formulaire."""
    donnees = QueryDict(mutable=True)
    for champ, valeurs in brouillon.items():
        donnees.setlist(champ, valeurs if isinstance(valeurs, list) else [valeurs])
    return donnees


def erreurs_de_depot(contenu: dict, appel) -> dict[str, ValidationError]:
    """Les règles d'éligibilité vérifiées au dépôt, par champ."""
    erreurs = {
        champ: ValidationError(f"Indiquez {libelle}.", code="obligatoire")
        for champ, libelle in OBLIGATOIRES_AU_DEPOT.items()
        if contenu.get(champ) in (None, "", [])
    }
    if not any(membre["professionnel_sante"] for membre in contenu["equipe"]):
        erreurs["equipe"] = ValidationError(
            "L'équipe prévue doit compter au moins un professionnel de santé.", code="sans_professionnel_de_sante"
        )
    if Public.AUTRE in contenu.get("publics", []) and not contenu.get("publics_autre"):
        erreurs["publics_autre"] = ValidationError("Précisez l'autre public concerné.", code="obligatoire")
    return erreurs


def serialiser(donnees: dict) -> dict:
    """Décimaux en texte (JSON exact), le reste tel quel ; la case DELETE des formsets est ôtée."""
    return {
        champ: str(valeur) if hasattr(valeur, "as_tuple") else valeur
        for champ, valeur in donnees.items()
        if champ != "DELETE"
    }


def empreinte(contenu: dict) -> str:
    """SHA-256 du contenu déposé, sérialisé de façon canonique (clés triées) : recalculable par tous."""
    return hashlib.sha256(json.dumps(contenu, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
