"""Lecture de l'extraction FINESS des établissements publiée sur data.gouv.fr (`etalab-cs1100507-stock-*.csv`).

Le format est décrit dans donnees/etalab_cs1100507_format.csv : séparateur « ; », pas de ligne d'en-tête de
colonnes, une 1re ligne technique « finess;etalab;<n>;<date> », puis une ligne « structureet » par
établissement et des lignes « geolocalisation », que nous n'utilisons pas.

Seuls les établissements d'une catégorie FINESS nommée dans le catalogue (`TypeDispositif.categories_finess`)
deviennent des dispositifs, rattachés à l'organisme de leur FINESS juridique. Les PASS, EMPP et EMSP n'ont pas
de catégorie propre : saisies à la main avec le FINESS de leur établissement porteur, l'import ne les touche pas.

Ce module ne fait que lire : il rend les établissements retenus, le nombre de lignes hors périmètre et les lignes
rejetées ; dispositifs.services.importer_finess les écrit.
"""

import csv
import io
import re
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError

from dispositifs.models import Statut
from dispositifs.validators import finess_valide

# Positions des champs d'une ligne « structureet » (à partir de 0 ; voir donnees/etalab_cs1100507_format.csv).
SECTION, NOFINESSET, NOFINESSEJ, RS, RSLONGUE = 0, 1, 2, 3, 4
DEPARTEMENT, LIGNEACHEMINEMENT, CATEGETAB, DATEOUV = 13, 15, 18, 28
NB_CHAMPS = 31
# Le département est codé sur 2 caractères dans FINESS : l'outre-mer y a ses propres codes (extractions de 2026).
DEPARTEMENTS_OUTRE_MER = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9F": "976"}
MARQUE_FICTIF = "(FICTIF)"
REGLE_FINESS = "9 caractères dont le dernier est une clé de contrôle"
FORMAT_ATTENDU = (
    "une extraction FINESS des établissements (etalab-cs1100507-stock-*.csv de data.gouv.fr) : "
    "séparateur « ; », encodage Latin-1, sans ligne d'en-tête de colonnes, "
    "1re ligne « finess;etalab;<n>;<date> » puis des lignes « structureet » et « geolocalisation »"
)


def ligne_rejetee(raison: str) -> ValidationError:
    """Une ligne inutilisable : la lecture la note avec sa raison dans les rejets et passe à la suivante."""
    return ValidationError(raison, code="ligne_rejetee")


@dataclass(frozen=True)
class Etablissement:
    """Une ligne « structureet » retenue, déjà validée."""

    ligne: int
    finess: str
    finess_juridique: str
    categorie: str
    nom: str
    departement: str
    commune: str
    statut: str
    fictif: bool


@dataclass(frozen=True)
class Rejet:
    ligne: int
    raison: str


@dataclass
class Lecture:
    """Ce que la lecture retient de l'extraction."""

    etablissements: list[Etablissement] = field(default_factory=list)
    hors_perimetre: int = 0
    rejets: list[Rejet] = field(default_factory=list)


def ouvrir_extraction(fichier: Path):
    """Un lecteur CSV placé après la ligne technique, qui est vérifiée : un fichier d'un autre format est refusé
    (ValidationError au code « format_invalide »), avant toute écriture.

    L'extraction est en Latin-1 ; une copie réenregistrée en UTF-8 est lue aussi, sans accents abîmés (un texte
    Latin-1 accentué n'est presque jamais de l'UTF-8 valide).
    """
    contenu = fichier.read_bytes()
    encodage = "utf-8-sig" if _est_utf8(contenu) else "latin-1"
    # Décodé au fil de la lecture : un StringIO du fichier entier coûterait quatre octets par caractère.
    # newline="" : seuls \n et \r terminent une ligne (pas \x85, qu'un décodage Latin-1 peut produire).
    lecteur = csv.reader(io.TextIOWrapper(io.BytesIO(contenu), encoding=encodage, newline=""), delimiter=";")
    try:
        premiere = next(lecteur, [])
    except csv.Error:
        premiere = []
    if premiere[:2] != ["finess", "etalab"]:
        lue = contenu.partition(b"\n")[0][:60].decode(encodage, errors="replace")
        lue = "".join(c if c.isprintable() else "?" for c in lue)
        raise ValidationError(
            f"Format non reconnu : le fichier doit être {FORMAT_ATTENDU}. 1re ligne lue : « {lue} ».",
            code="format_invalide",
        )
    return lecteur


def _est_utf8(contenu: bytes) -> bool:
    try:
        contenu.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def lire_etablissements(lecteur, *, categories: Container[str], departements: Container[str]) -> Lecture:
    """Les établissements des `categories` retenues, situés dans des `departements` connus (codes INSEE) ; compte
    au passage les hors-périmètre et note les rejets."""
    lecture, retenus = Lecture(), {}
    for numero, champs in _rangees(lecteur):
        if champs and champs[SECTION] == "geolocalisation":
            continue
        try:
            if _categorie(champs) not in categories:
                lecture.hors_perimetre += 1
                continue
            etablissement = _lire_etablissement(numero, champs, departements)
            if premier := retenus.get(etablissement.finess):
                raise ligne_rejetee(f"FINESS établissement {etablissement.finess} déjà lu ligne {premier.ligne}")
        except ValidationError as rejet:  # la ligne est notée avec sa raison, la lecture passe à la suivante
            lecture.rejets.append(Rejet(numero, rejet.message))
            continue
        retenus[etablissement.finess] = etablissement
    lecture.etablissements = list(retenus.values())
    return lecture


def _rangees(lecteur):
    """(numéro de ligne, champs) ; champs vaut None pour une ligne que le module csv ne sait pas lire."""
    while True:
        try:
            champs = next(lecteur)
        except StopIteration:
            return
        except csv.Error:
            yield lecteur.line_num, None
            continue
        if champs:
            yield lecteur.line_num, champs


def _categorie(champs: list[str] | None) -> str:
    """La catégorie d'une ligne « structureet » bien formée ; toute autre ligne est rejetée."""
    if champs is None:
        raise ligne_rejetee("ligne illisible (guillemet non refermé ou champ démesuré)")
    if champs[SECTION] != "structureet":
        raise ligne_rejetee(f"type de ligne « {champs[SECTION][:30]} » inconnu (structureet ou geolocalisation)")
    # Les extractions réelles finissent chaque ligne par « ; » (champ numuai, souvent vide) : 32 champs lus.
    if not NB_CHAMPS <= len(champs) <= NB_CHAMPS + 1:
        raise ligne_rejetee(f"ligne mal formée : {NB_CHAMPS} champs attendus, {len(champs)} lus")
    return champs[CATEGETAB].strip()


def _lire_etablissement(numero: int, champs: list[str], departements: Container[str]) -> Etablissement:
    finess, finess_juridique = champs[NOFINESSET].strip(), champs[NOFINESSEJ].strip()
    if not finess_valide(finess):
        raise ligne_rejetee(f"FINESS établissement « {finess} » invalide ({REGLE_FINESS})")
    if not finess_valide(finess_juridique):
        raise ligne_rejetee(f"FINESS juridique « {finess_juridique} » invalide ({REGLE_FINESS})")
    departement = champs[DEPARTEMENT].strip()
    if DEPARTEMENTS_OUTRE_MER.get(departement, departement) not in departements:
        raise ligne_rejetee(f"département « {departement} » inconnu")
    nom = " ".join((champs[RSLONGUE] or champs[RS]).split())
    if not nom:
        raise ligne_rejetee("raison sociale vide")
    return Etablissement(
        ligne=numero,
        finess=finess,
        finess_juridique=finess_juridique,
        categorie=champs[CATEGETAB].strip(),
        nom=nom[:200],
        departement=DEPARTEMENTS_OUTRE_MER.get(departement, departement),
        commune=_commune(champs[LIGNEACHEMINEMENT]),
        statut=Statut.INSTALLE if champs[DATEOUV].strip() else Statut.AUTORISE,
        fictif=MARQUE_FICTIF in nom,
    )


def _commune(ligne_acheminement: str) -> str:
    """« 59037 LILLE CEDEX 2 » → « LILLE » : FINESS ne donne le nom de la commune que dans l'acheminement."""
    code_postal, _, libelle = ligne_acheminement.strip().partition(" ")
    libelle = libelle if code_postal.isdigit() else ligne_acheminement
    return re.sub(r"\s+CEDEX(\s+\d+)?$", "", libelle.strip())[:100]
