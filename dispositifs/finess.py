"""Import de l'extraction FINESS des établissements publiée sur data.gouv.fr (`etalab-cs1100507-stock-*.csv`).

Le format est décrit dans donnees/etalab_cs1100507_format.csv : séparateur « ; », pas de ligne d'en-tête de
colonnes, une 1re ligne technique « finess;etalab;<n>;<date> », puis une ligne « structureet » par
établissement et des lignes « geolocalisation », que nous n'utilisons pas.

Seuls les établissements d'une catégorie FINESS nommée dans le catalogue (`TypeDispositif.categories_finess`)
deviennent des dispositifs, rattachés à l'organisme de leur FINESS juridique. Les PASS, EMPP et EMSP n'ont pas
de catégorie propre : saisies à la main avec le FINESS de leur établissement porteur, l'import ne les touche pas.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dispositifs.models import Dispositif, Organisme, Statut, TypeDispositif
from dispositifs.validators import finess_valide
from territoires.models import Territoire

# Positions des champs d'une ligne « structureet » (à partir de 0 ; voir donnees/etalab_cs1100507_format.csv).
SECTION, NOFINESSET, NOFINESSEJ, RS, RSLONGUE = 0, 1, 2, 3, 4
DEPARTEMENT, LIGNEACHEMINEMENT, CATEGETAB, DATEOUV = 13, 15, 18, 28
NB_CHAMPS = 31
# Le département est codé sur 2 caractères dans FINESS : l'outre-mer y a ses propres codes (extractions de 2026).
DEPARTEMENTS_OUTRE_MER = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9F": "976"}
EXEMPLE = Path(__file__).resolve().parent / "donnees" / "etalab-cs1100507-stock-exemple.csv"
MARQUE_FICTIF = "(FICTIF)"
NOM_PROVISOIRE = "Entité juridique FINESS {numero}"
REGLE_FINESS = "9 caractères dont le dernier est une clé de contrôle"
TAILLE_LOT = 1000
FORMAT_ATTENDU = (
    "une extraction FINESS des établissements (etalab-cs1100507-stock-*.csv de data.gouv.fr) : "
    "séparateur « ; », encodage Latin-1, sans ligne d'en-tête de colonnes, "
    "1re ligne « finess;etalab;<n>;<date> » puis des lignes « structureet » et « geolocalisation »"
)


class FormatInvalide(Exception):
    """Le fichier n'est pas une extraction FINESS : rien n'est importé."""


class LigneRejetee(Exception):
    """Une ligne inutilisable : elle est rapportée avec sa raison, l'import continue."""


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
class RapportFiness:
    categories: list[str] = field(default_factory=list)
    crees: int = 0
    modifies: int = 0
    inchanges: int = 0
    hors_perimetre: int = 0
    organismes_crees: int = 0
    organismes_completes: int = 0
    rejets: list[Rejet] = field(default_factory=list)

    def lignes(self) -> list[str]:
        return [
            f"Dispositifs : {self.crees} créé(s), {self.modifies} mis à jour, {self.inchanges} inchangé(s).",
            f"Organismes : {self.organismes_crees} créé(s) sous un nom provisoire, "
            f"{self.organismes_completes} complété(s) de leur FINESS juridique.",
            f"Hors périmètre : {self.hors_perimetre} établissement(s) d'une catégorie qu'aucun type ne retient.",
            f"Rejetées : {len(self.rejets)} ligne(s).",
        ]


def importer_finess(*, fichier: Path) -> RapportFiness:
    """Crée ou met à jour organismes et dispositifs d'après l'extraction FINESS `fichier`.

    Une ligne fautive est rejetée avec son numéro et sa raison sans empêcher les autres ; un fichier qui n'a pas
    le format attendu lève FormatInvalide avant toute écriture. Idempotent : un second import n'écrit rien.
    """
    lecteur = ouvrir_extraction(fichier)
    types = types_par_categorie()
    departements = {
        code: (pk, chemin)
        for code, pk, chemin in Territoire.objects.departements().values_list("code", "pk", "chemin")
    }
    rapport = RapportFiness(categories=sorted(types))
    etablissements = trier_lignes(lecteur, types=types, departements=departements, rapport=rapport)
    enregistrer(etablissements, types=types, departements=departements, rapport=rapport)
    return rapport


def ouvrir_extraction(fichier: Path):
    """Un lecteur CSV placé après la ligne technique, qui est vérifiée.

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
        raise FormatInvalide(f"Format non reconnu : le fichier doit être {FORMAT_ATTENDU}. 1re ligne lue : « {lue} ».")
    return lecteur


def _est_utf8(contenu: bytes) -> bool:
    try:
        contenu.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def types_par_categorie() -> dict[str, list[int]]:
    """Catégorie FINESS → types du catalogue qui la retiennent, un type sans parent en premier."""
    types = {}
    catalogue = TypeDispositif.objects.exclude(categories_finess="")
    for type_ in catalogue.order_by(F("type_parent_id").asc(nulls_first=True), "ordre", "sigle"):
        for categorie in type_.categories_finess.split(","):
            if categorie.strip():
                types.setdefault(categorie.strip(), []).append(type_.pk)
    return types


def trier_lignes(lecteur, *, types: dict, departements: dict, rapport: RapportFiness) -> list[Etablissement]:
    """Les établissements à importer ; compte au passage les hors-périmètre et note les rejets."""
    retenus = {}
    for numero, champs in _rangees(lecteur):
        if champs and champs[SECTION] == "geolocalisation":
            continue
        try:
            if _categorie(champs) not in types:
                rapport.hors_perimetre += 1
                continue
            etablissement = _lire_etablissement(numero, champs, departements)
            if premier := retenus.get(etablissement.finess):
                raise LigneRejetee(f"FINESS établissement {etablissement.finess} déjà lu ligne {premier.ligne}")
        except LigneRejetee as rejet:
            rapport.rejets.append(Rejet(numero, str(rejet)))
            continue
        retenus[etablissement.finess] = etablissement
    return list(retenus.values())


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
        raise LigneRejetee("ligne illisible (guillemet non refermé ou champ démesuré)")
    if champs[SECTION] != "structureet":
        raise LigneRejetee(f"type de ligne « {champs[SECTION][:30]} » inconnu (structureet ou geolocalisation)")
    # Les extractions réelles finissent chaque ligne par « ; » (champ numuai, souvent vide) : 32 champs lus.
    if not NB_CHAMPS <= len(champs) <= NB_CHAMPS + 1:
        raise LigneRejetee(f"ligne mal formée : {NB_CHAMPS} champs attendus, {len(champs)} lus")
    return champs[CATEGETAB].strip()


def _lire_etablissement(numero: int, champs: list[str], departements: dict) -> Etablissement:
    finess, finess_juridique = champs[NOFINESSET].strip(), champs[NOFINESSEJ].strip()
    if not finess_valide(finess):
        raise LigneRejetee(f"FINESS établissement « {finess} » invalide ({REGLE_FINESS})")
    if not finess_valide(finess_juridique):
        raise LigneRejetee(f"FINESS juridique « {finess_juridique} » invalide ({REGLE_FINESS})")
    departement = champs[DEPARTEMENT].strip()
    if DEPARTEMENTS_OUTRE_MER.get(departement, departement) not in departements:
        raise LigneRejetee(f"département « {departement} » inconnu")
    nom = " ".join((champs[RSLONGUE] or champs[RS]).split())
    if not nom:
        raise LigneRejetee("raison sociale vide")
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


@transaction.atomic
def enregistrer(etablissements: list[Etablissement], *, types: dict, departements: dict, rapport: RapportFiness):
    """Écrit par lots ce qui a changé : une requête charge l'existant, rien n'est réécrit à l'identique."""
    existants = {
        d.finess: d for d in Dispositif.objects.exclude(finess=None).select_related("organisme", "territoire")
    }
    organismes = _organismes(etablissements, existants, rapport)
    nouveaux, modifies, champs_modifies = [], [], set()
    for etablissement in etablissements:
        dispositif = existants.get(etablissement.finess)
        valeurs = _valeurs(etablissement, dispositif, types=types, departements=departements, organismes=organismes)
        if dispositif is None:
            nouveaux.append(Dispositif(finess=etablissement.finess, **valeurs))
        elif changes := _appliquer(dispositif, valeurs):
            modifies.append(dispositif)
            champs_modifies |= changes
        else:
            rapport.inchanges += 1
    Dispositif.objects.bulk_create(nouveaux, batch_size=TAILLE_LOT)
    # Seuls les champs qui ont changé quelque part : chacun coûte un CASE par ligne dans l'UPDATE groupé.
    Dispositif.objects.bulk_update(modifies, [*sorted(champs_modifies), "updated_at"], batch_size=TAILLE_LOT)
    rapport.crees, rapport.modifies = len(nouveaux), len(modifies)


def _organismes(etablissements: list[Etablissement], existants: dict, rapport: RapportFiness) -> dict[str, int]:
    """FINESS juridique → pk de l'organisme ; un organisme inconnu est créé sous un nom provisoire, car la ligne
    « structureet » ne donne pas le nom de l'entité juridique. Un organisme existant garde le sien."""
    connus = dict(Organisme.objects.exclude(finess_juridique=None).values_list("finess_juridique", "pk"))
    _completer_organismes(etablissements, existants, connus, rapport)
    premiers = {}
    for etablissement in etablissements:
        premiers.setdefault(etablissement.finess_juridique, etablissement)
    nouveaux = [
        Organisme(nom=NOM_PROVISOIRE.format(numero=numero), finess_juridique=numero, fictif=etablissement.fictif)
        for numero, etablissement in premiers.items()
        if numero not in connus
    ]
    Organisme.objects.bulk_create(nouveaux, batch_size=TAILLE_LOT)
    rapport.organismes_crees = len(nouveaux)
    return connus | {organisme.finess_juridique: organisme.pk for organisme in nouveaux}


def _completer_organismes(etablissements: list[Etablissement], existants: dict, connus: dict, rapport):
    """Un organisme saisi sans FINESS juridique reçoit celui de son dispositif plutôt qu'un doublon provisoire :
    ses utilisateurs gardent l'accès à leurs dispositifs."""
    completes = {}
    for etablissement in etablissements:
        dispositif = existants.get(etablissement.finess)
        organisme = dispositif.organisme if dispositif else None
        if organisme is None or organisme.finess_juridique or organisme.pk in completes:
            continue
        if etablissement.finess_juridique not in connus:
            organisme.finess_juridique, organisme.updated_at = etablissement.finess_juridique, timezone.now()
            connus[etablissement.finess_juridique] = organisme.pk
            completes[organisme.pk] = organisme
    Organisme.objects.bulk_update(completes.values(), ["finess_juridique", "updated_at"], batch_size=TAILLE_LOT)
    rapport.organismes_completes = len(completes)


def _valeurs(etablissement: Etablissement, dispositif, *, types, departements, organismes) -> dict:
    """Les champs dont FINESS fait foi, sans défaire ce qu'une personne a précisé à la main."""
    return {
        "nom": etablissement.nom,
        "type_id": _type_id(etablissement.categorie, dispositif, types),
        "organisme_id": organismes[etablissement.finess_juridique],
        "territoire_id": _territoire_id(etablissement.departement, dispositif, departements),
        "statut": etablissement.statut,
        "commune": etablissement.commune,
        "fictif": etablissement.fictif,
    }


def _type_id(categorie: str, dispositif, types: dict) -> int:
    """Le premier type de la catégorie, sauf pour un dispositif existant dont le type retient cette catégorie ou
    n'en retient aucune : c'est alors un classement plus fin, fait à la main, que FINESS ne distingue pas (LHSS
    mobile, ACT pédiatrique…). Un LHSS devenu LAM dans FINESS change bien de type."""
    possibles = types[categorie]
    if dispositif is None:
        return possibles[0]
    classe_par_finess = any(dispositif.type_id in pks for pks in types.values())
    return dispositif.type_id if dispositif.type_id in possibles or not classe_par_finess else possibles[0]


def _territoire_id(departement: str, dispositif, departements: dict) -> int:
    """Le département, sauf pour un dispositif déjà placé plus précisément dans ce département (territoire de
    santé) : il y reste."""
    departement_id, chemin = departements[departement]
    if dispositif is not None and dispositif.territoire.chemin.startswith(chemin):
        return dispositif.territoire_id
    return departement_id


def _appliquer(dispositif: Dispositif, valeurs: dict) -> set[str]:
    """Reporte les valeurs qui diffèrent et renvoie leurs noms ; bulk_update ne remplit pas updated_at : ici."""
    changes = {nom for nom, valeur in valeurs.items() if getattr(dispositif, nom) != valeur}
    for nom in changes:
        setattr(dispositif, nom, valeurs[nom])
    if changes:
        dispositif.updated_at = timezone.now()
    return changes
