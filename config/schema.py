"""Le schéma OpenAPI de l'API (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]) : ce que chaque opération admet et répond,
déduit des règles de l'application plutôt que répété sur chaque vue. Module à part de config/api.py : les vues
décorées par @extend_schema lisent cette classe dès leur import, avant que le routeur n'existe."""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from config.policy import Regle

CORPS_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
CORPS_REFUS = {
    "type": "object",
    "description": "Messages en français par champ ; ceux de la demande entière sous « non_field_errors ».",
    "additionalProperties": {},
}
CORPS_CONFLIT = {**CORPS_DETAIL, "additionalProperties": {}}


class SchemaAPI(AutoSchema):
    """Le schéma de chaque opération, déduit une fois pour toutes des règles de l'application plutôt que répété
    sur chaque vue : qui peut l'appeler sans compte (config/policy.py), quels refus elle peut répondre
    (commun/erreurs.py) et quels champs peuvent valoir null."""

    def regle(self) -> Regle | None:
        attribut = "regle_acces" if self.method in SAFE_METHODS else "regle_ecriture"
        return getattr(self.view, attribut, None)

    def get_auth(self):
        """Une opération publique admet aussi l'appel sans jeton (l'exigence vide {} d'OpenAPI)."""
        auths = super().get_auth()
        if self.regle() == Regle.PUBLIC and {} not in auths:
            auths.append({})
        return auths

    def _get_serializer_field_meta(self, field, direction):
        """Un champ lu à travers une clé étrangère facultative (l'horizon d'un dispositif, l'appel précédent)
        vaut null quand elle est vide : DRF le rend ainsi, le schéma le dit."""
        meta = super()._get_serializer_field_meta(field, direction)
        if field.read_only and champ_du_modele_facultatif(field):
            meta["nullable"] = True
        return meta

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        """Un décimal écrit en chaîne : le motif de drf-spectacular admet "", "." et "-", que DRF refuse ; on exige
        au moins un chiffre."""
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.DecimalField) and "pattern" in schema:
            schema["pattern"] = motif_decimal(field.max_digits, field.decimal_places)
        return schema

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            for parametre in operation.get("parameters", []):
                texte_sans_nul(parametre["schema"])
            for code, (description, corps) in self.reponses_d_erreur(operation).items():
                reponse = {"description": description, "content": {"application/json": {"schema": corps}}}
                operation["responses"].setdefault(code, reponse)
        return operation

    def reponses_d_erreur(self, operation) -> dict:
        """Les refus qu'une opération peut répondre, selon ce qu'elle reçoit et qui peut l'appeler."""
        parametres = operation.get("parameters", [])
        chemin = any(parametre["in"] == "path" for parametre in parametres)
        requete = {parametre["name"] for parametre in parametres if parametre["in"] == "query"}
        ecriture = self.method not in SAFE_METHODS
        reponses = {}
        # La page seule ne donne jamais 400 : une page invalide est introuvable (404).
        if "requestBody" in operation or requete - {"page"}:
            reponses["400"] = ("Demande refusée : un champ ou un filtre invalide, et pourquoi.", CORPS_REFUS)
        if self.view.get_authenticators():
            reponses["401"] = ("Jeton absent (opération réservée) ou invalide.", CORPS_DETAIL)
        if self.regle() != Regle.PUBLIC:
            reponses["403"] = ("Votre rôle ne donne pas accès à cette opération ou à cet objet.", CORPS_DETAIL)
        if chemin or "page" in requete:
            reponses["404"] = (
                "Objet introuvable ou invisible pour vous, ou page au-delà de la dernière.",
                CORPS_DETAIL,
            )
        if ecriture and self.regle() != Regle.PUBLIC:
            reponses["409"] = ("Modification concurrente ou objet déjà existant : rien n'a été écrit.", CORPS_CONFLIT)
        # Toutes les vues ont la limite par portée (config/limites.py) ; seules celles qui déclarent une portée
        # sont limitées.
        if getattr(self.view, "throttle_scope", None):
            reponses["429"] = ("Trop de demandes : réessayez plus tard.", CORPS_DETAIL)
        return reponses


def champ_du_modele_facultatif(field) -> bool:
    """Le champ de modèle que lit un champ de sérialiseur (en suivant `source`, « horizon » ou « region.code »)
    admet-il null en chemin ?"""
    parent = getattr(field, "parent", None)
    modele = getattr(getattr(parent, "Meta", None), "model", None)
    if modele is None or field.source == "*":
        return False
    for nom in field.source_attrs:
        try:
            champ = modele._meta.get_field(nom)
        except FieldDoesNotExist:
            return False
        if getattr(champ, "null", False):
            return True
        modele = champ.related_model
        if modele is None:
            return False
    return False


def motif_decimal(chiffres: int | None, decimales: int) -> str:
    """Le motif d'un décimal écrit en chaîne, tel que DRF l'accepte : « 12 », « 12.5 », « .5 », jamais « » ni « . »."""
    entiers = rf"\d{{1,{chiffres - decimales}}}" if chiffres else r"\d+"
    if not decimales:
        return rf"^-?{entiers}$"
    return rf"^-?(?:{entiers}(?:\.\d{{0,{decimales}}})?|\.\d{{1,{decimales}}})$"


def texte_sans_nul(schema: dict) -> None:
    """Un texte libre passé en paramètre ne contient pas le caractère nul : Django le refuse (400), PostgreSQL ne
    saurait pas le comparer. Le schéma le dit, pour les valeurs seules comme pour celles d'une liste."""
    if schema.get("type") == "array":
        texte_sans_nul(schema.get("items", {}))
    elif schema.get("type") == "string" and not ({"enum", "format", "pattern"} & set(schema)):
        schema["pattern"] = "^[^\\x00]*$"
