"""L'import CSV des déclarations, pour les opérateurs qui ont beaucoup de dispositifs.

Colonnes : `finess` (ou `dispositif`, l'identifiant), `mois` (AAAA-MM), une colonne par code d'indicateur et,
au besoin, `commentaire_<code>`. Chaque ligne passe par le même service que la page (mêmes bornes, mêmes
contrôles) ; l'import est tout ou rien : une seule ligne refusée, et rien n'est enregistré, le compte rendu
disant chaque ligne fautive. L'essai à blanc fait exactement le même travail, puis l'annule.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from commun.mois import lire_mois
from commun.nombres import nombre
from indicateurs.models import Indicateur
from indicateurs.regles import COMMENTAIRE_MAX
from indicateurs.services import enregistrer_declaration, enregistrer_et_transmettre

COLONNES_DISPOSITIF = ("finess", "dispositif")
PREFIXE_COMMENTAIRE = "commentaire_"
ESPACES = (" ", "\xa0", "\u202f")
CELLULE_MAX = COMMENTAIRE_MAX
# Bornes techniques d'un import, pas des règles métier : chaque ligne passe par le service de la saisie (une
# dizaine de requêtes) dans une seule requête HTTP, qui doit finir avant d'être coupée. Mille lignes, c'est
# quatre-vingts dispositifs sur douze mois ; au-delà, on découpe le fichier.
TAILLE_MAX = 5 * 1024 * 1024
LIGNES_MAX = 1000
TROP_VOLUMINEUX = "Le fichier dépasse 5 Mo : découpez-le en plusieurs imports."
TROP_DE_LIGNES = (
    "Le fichier a plus de {maximum} lignes de données (la ligne {ligne} dépasse) : {maximum} au plus par import, "
    "découpez-le en plusieurs imports."
)


@dataclass
class Ligne:
    numero: int  # numéro de la ligne dans le fichier, en-tête compris (la première ligne de données est la 2)
    cle: str = ""
    dispositif: object = None
    mois: object = None
    valeurs: dict = field(default_factory=dict)
    commentaires: dict = field(default_factory=dict)
    erreurs: list[tuple[str, str]] = field(default_factory=list)  # (colonne, raison)
    statut: str = ""  # ce qui a été (ou serait) fait

    @property
    def acceptee(self) -> bool:
        return not self.erreurs


@dataclass
class CompteRendu:
    essai: bool
    erreurs_fichier: list[str] = field(default_factory=list)
    lignes: list[Ligne] = field(default_factory=list)

    @property
    def enregistre(self) -> bool:
        """Vrai si l'import a été écrit : ni essai, ni fichier refusé, ni ligne refusée (tout ou rien)."""
        return not (self.essai or self.erreurs_fichier or self.refusees)

    @property
    def acceptees(self):
        return [ligne for ligne in self.lignes if ligne.acceptee]

    @property
    def refusees(self):
        return [ligne for ligne in self.lignes if not ligne.acceptee]


# Lecture (fonctions pures)


# Ce que les tableurs et formats courants écrivent au début d'un fichier qui n'est pas du texte.
SIGNATURES = {b"PK\x03\x04": "un classeur Excel ou OpenDocument (.xlsx, .ods)", b"%PDF": "un PDF"}
NON_CSV = "Ce fichier n'est pas un CSV : {nature}. Depuis votre tableur, « Enregistrer sous » au format CSV."


def erreur_de_contenu(contenu: bytes) -> str | None:
    """Pourquoi `contenu` n'est pas un fichier texte CSV (classeur, PDF, binaire), sinon None."""
    for signature, nature in SIGNATURES.items():
        if contenu.startswith(signature):
            return NON_CSV.format(nature=nature)
    if b"\x00" in contenu:  # aucun texte UTF-8 ou Windows-1252 n'en contient
        return NON_CSV.format(nature="il contient des données binaires")
    return None


def decoder(contenu: bytes) -> str:
    """UTF-8 (avec ou sans BOM), sinon Latin-1 (Windows-1252), l'encodage des tableurs français."""
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        return contenu.decode("cp1252", errors="replace")


# Une cellule d'import tient en quelques caractères ; au-delà de 128 Ko (la limite par défaut du module csv, que
# n'importe quelle bibliothèque du processus peut relever : elle est globale), c'est un guillemet jamais refermé.
CELLULE_LISIBLE_MAX = 131_072


def lire(texte: str) -> list[list[str]]:
    """Les lignes du fichier ; le séparateur est celui, de « ; » ou « , », le plus présent dans l'en-tête. Au-delà
    de LIGNES_MAX lignes de données (lignes vides non comptées), la lecture s'arrête : ValueError."""
    premiere = texte.split("\n", 1)[0]
    separateur = ";" if premiere.count(";") >= premiere.count(",") else ","
    lecteur = csv.reader(io.StringIO(texte), delimiter=separateur)
    rangees, remplies = [], 0
    try:
        for rangee in lecteur:
            if any(len(cellule) > CELLULE_LISIBLE_MAX for cellule in rangee):
                raise csv.Error("cellule trop longue")
            remplies += bool(rangees) and any(cellule.strip() for cellule in rangee)
            if remplies > LIGNES_MAX:
                raise ValueError(TROP_DE_LIGNES.format(maximum=nombre(LIGNES_MAX), ligne=lecteur.line_num))
            rangees.append(rangee)
    except csv.Error:  # cellule de plus de 128 Ko (guillemet jamais refermé…)
        raise ValueError(f"Fichier illisible en CSV à la ligne {lecteur.line_num} : guillemet non refermé ?") from None
    return rangees


def corps_trop_volumineux(content_length: str | None) -> bool:
    """La requête annonce plus que le fichier permis et les autres champs du formulaire (séparateurs, cases à
    cocher, jeton) : refusée sur son en-tête, avant que Django n'en lise le corps."""
    try:
        return int(content_length or 0) > TAILLE_MAX + 64 * 1024
    except ValueError:
        return False


def erreurs_d_entete(entetes: list[str], codes: set[str]) -> list[str]:
    """Un en-tête incomplet ou inconnu refuse tout le fichier : une colonne mal nommée perdrait ses valeurs."""
    erreurs = []
    if not any(c in entetes for c in COLONNES_DISPOSITIF):
        erreurs.append("Colonne « finess » (ou « dispositif ») manquante.")
    if "mois" not in entetes:
        erreurs.append("Colonne « mois » manquante.")
    connues = {*COLONNES_DISPOSITIF, "mois", *codes, *(PREFIXE_COMMENTAIRE + c for c in codes)}
    erreurs += [f"Colonne inconnue : « {c} »." for c in entetes if c and c not in connues]
    doubles = sorted({c for c in entetes if c and entetes.count(c) > 1})
    erreurs += [f"Colonne en double : « {c} »." for c in doubles]
    return erreurs


def lire_nombre(texte: str) -> Decimal:
    """« 12 », « 2,5 », « 1 200 » ; une ValueError en français sinon."""
    for espace in ESPACES:
        texte = texte.replace(espace, "")
    try:
        nombre = Decimal(texte.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"« {texte} » n'est pas un nombre.") from None
    if not nombre.is_finite():
        raise ValueError(f"« {texte} » n'est pas un nombre.")
    return nombre


def analyser(numero: int, cellules: dict[str, str], dispositifs: dict[str, object], codes: set[str]) -> Ligne:
    """Une ligne du fichier → dispositif, mois, valeurs et commentaires, ou ses erreurs de forme.

    `dispositifs` : ceux de l'opérateur, par FINESS et par identifiant ; une cellule vide ne change rien.
    """
    ligne = Ligne(numero=numero)
    if trop_longues := [colonne for colonne, texte in cellules.items() if len(texte or "") > CELLULE_MAX]:
        message = f"Cellule trop longue : {CELLULE_MAX} caractères au plus (la plus longue, un commentaire)."
        ligne.erreurs = [(colonne, message) for colonne in trop_longues]
        return ligne
    ligne.cle = (cellules.get("finess") or cellules.get("dispositif") or "").strip()
    ligne.dispositif = dispositifs.get(ligne.cle)
    if ligne.dispositif is None:
        colonne = "finess" if "finess" in cellules else "dispositif"
        ligne.erreurs.append((colonne, f"Dispositif « {ligne.cle} » inconnu ou d'un autre organisme."))
    ligne.mois = lire_mois(cellules.get("mois", ""))
    if ligne.mois is None:
        ligne.erreurs.append(("mois", f"« {cellules.get('mois', '')} » : mois attendu sous la forme AAAA-MM."))
    for code in codes:
        texte = (cellules.get(code) or "").strip()
        if texte:
            try:
                ligne.valeurs[code] = lire_nombre(texte)
            except ValueError as erreur:
                ligne.erreurs.append((code, str(erreur)))
        if commentaire := (cellules.get(PREFIXE_COMMENTAIRE + code) or "").strip():
            ligne.commentaires[code] = commentaire  # sa longueur est vérifiée par le service, jamais tronquée
    if not ligne.erreurs and not ligne.valeurs:
        ligne.erreurs.append(("—", "Aucune valeur sur cette ligne."))
    return ligne


def analyser_fichier(texte: str, dispositifs: dict[str, object], codes: set[str]) -> CompteRendu:
    """Lit et contrôle la forme de chaque ligne ; rien n'est encore enregistré."""
    compte_rendu = CompteRendu(essai=True)
    try:
        rangees = lire(texte)
    except ValueError as erreur:
        compte_rendu.erreurs_fichier.append(str(erreur))
        return compte_rendu
    if not rangees:
        compte_rendu.erreurs_fichier.append("Le fichier est vide.")
        return compte_rendu
    entetes = [e.strip().lower() for e in rangees[0]]
    compte_rendu.erreurs_fichier = erreurs_d_entete(entetes, codes)
    if compte_rendu.erreurs_fichier:
        return compte_rendu
    vues = {}
    for numero, rangee in enumerate(rangees[1:], start=2):
        if not any(cellule.strip() for cellule in rangee):
            continue  # ligne vide, souvent la dernière
        ligne = analyser(numero, dict(zip(entetes, rangee, strict=False)), dispositifs, codes)
        cle = (ligne.dispositif, ligne.mois)
        if ligne.acceptee and cle in vues:
            ligne.erreurs.append(("mois", f"Ce dispositif et ce mois figurent déjà ligne {vues[cle]}."))
        vues.setdefault(cle, numero)
        compte_rendu.lignes.append(ligne)
    return compte_rendu


# Enregistrement


class _Annulation(Exception):
    """Défait l'import entier : essai à blanc, ou une ligne refusée (tout ou rien)."""


def importer(*, contenu: bytes, dispositifs, essai: bool, transmettre: bool = False, aujourd_hui=None) -> CompteRendu:
    """Le service de l'import : `dispositifs`, ceux que l'utilisateur déclare (dispositifs_declarants). Toutes les
    lignes passent par le service dans une seule transaction, annulée si l'une d'elles est refusée."""
    if erreur := erreur_de_contenu(contenu):
        return CompteRendu(essai=essai, erreurs_fichier=[erreur])
    par_cle = {}
    for dispositif in dispositifs.select_related("type"):
        par_cle[str(dispositif.pk)] = dispositif
        if dispositif.finess:
            par_cle[dispositif.finess] = dispositif
    codes = set(Indicateur.objects.saisis().values_list("code", flat=True))
    compte_rendu = analyser_fichier(decoder(contenu), par_cle, codes)
    compte_rendu.essai = essai
    if compte_rendu.erreurs_fichier:
        return compte_rendu
    try:
        with transaction.atomic():
            for ligne in compte_rendu.acceptees:
                enregistrer_ligne(ligne, transmettre=transmettre, aujourd_hui=aujourd_hui)
            if not compte_rendu.enregistre:
                raise _Annulation
    except _Annulation:
        pass
    for ligne in compte_rendu.acceptees:
        ligne.statut = statut(compte_rendu, transmettre)
    return compte_rendu


def enregistrer_ligne(ligne: Ligne, *, transmettre: bool, aujourd_hui):
    """La ligne dans un point de sauvegarde : son refus est noté, et les lignes suivantes sont encore contrôlées
    (le compte rendu les dit toutes)."""
    service = enregistrer_et_transmettre if transmettre else enregistrer_declaration
    try:
        with transaction.atomic():
            service(
                dispositif=ligne.dispositif,
                mois=ligne.mois,
                valeurs=ligne.valeurs,
                commentaires=ligne.commentaires,
                aujourd_hui=aujourd_hui,
            )
    except ValidationError as refus:
        ligne.erreurs += erreurs_par_colonne(refus)


def statut(compte_rendu: CompteRendu, transmettre: bool) -> str:
    """Ce qui arrive à une ligne correcte : faite, à faire (essai) ou pas faite (une autre ligne est refusée)."""
    if compte_rendu.refusees:
        return "correcte, non enregistrée"
    verbe = "serait" if compte_rendu.essai else "est"
    return f"{verbe} transmise à l'ARS" if transmettre else f"{verbe} enregistrée en brouillon"


def erreurs_par_colonne(refus: ValidationError) -> list[tuple[str, str]]:
    """(colonne, raison) pour chaque message du service : le code de l'indicateur, ou « — » pour la ligne."""
    par_code = refus.message_dict if hasattr(refus, "error_dict") else {NON_FIELD_ERRORS: refus.messages}
    return [("—" if code == NON_FIELD_ERRORS else code, m) for code, messages in par_code.items() for m in messages]


def modele(dispositifs, codes: list[str], mois) -> tuple[list[str], list[list]]:
    """Le modèle à remplir : l'en-tête attendu et une ligne par dispositif pour le mois proposé."""
    lignes = [[dispositif.finess or dispositif.pk, f"{mois:%Y-%m}", *[""] * len(codes)] for dispositif in dispositifs]
    return ["finess", "mois", *codes], lignes
