"""Le contrôle d'un PDF reçu d'un utilisateur : n'accepter qu'un document simple, et n'en garder qu'une copie
réécrite par qpdf (pikepdf).

Deux défenses, parce que chacune seule laisse passer quelque chose :
- **refuser**, avec un message qui dit quoi faire, ce qui n'est pas un simple document : JavaScript, actions
  (lancer un programme, envoyer des données, ouvrir un autre fichier…), actions automatiques, fichiers
  incorporés, chiffrement, données après la fin du PDF (un ZIP collé derrière : fichier « polyglotte »),
  fichier abîmé. L'opérateur sait pourquoi et corrige (« Exporter en PDF » depuis son traitement de texte).
- **réécrire** ce qui est accepté : la copie ne contient que ce que qpdf a lu et contrôlé, ni les octets hors
  des objets, ni les objets orphelins, ni l'historique des mises à jour incrémentales. Un lecteur PDF qui
  comprendrait autrement le fichier reçu (réparation d'une table des objets, autre version cachée derrière)
  ne trouve rien d'autre dans la copie que ce qui a été contrôlé. C'est elle qu'on garde et que lisent les
  instructeurs ; l'empreinte SHA-256 reste celle du fichier reçu, preuve de ce que l'opérateur a envoyé.
  Rançon : une signature électronique incorporée au PDF ne se vérifie plus sur la copie.

L'analyse tourne dans un processus à part, borné par le noyau en mémoire et en temps de calcul : les limites de
qpdf bornent la décompression et la profondeur, pas tout (un tableau de cinq millions d'entiers, 10 Mo, lui
coûte 700 Mo), et un PDF hostile ne doit coûter au serveur que ce qu'on lui accorde. Lancé comme programme, ce
module est ce processus : le PDF sur l'entrée standard, le verdict puis la copie sur la sortie standard.
"""

import hashlib
import io
import json
import logging
import resource
import subprocess
import sys
from dataclasses import dataclass

from django.core.exceptions import ValidationError

TAILLE_MAX = 10 * 1024 * 1024
# Le processus d'analyse : espace d'adressage (Python et pikepdf chargés en prennent ~40 Mo), secondes de calcul,
# et secondes d'horloge au-delà desquelles on le tue (la machine peut être chargée ; le calcul est borné à part).
MEMOIRE_MAX = 512 * 1024 * 1024
CALCUL_MAX = 5
DUREE_MAX = 30
# Les limites de qpdf, dans le processus d'analyse : décompression des flux d'objets et des tables (un PDF
# ordinaire en décompresse quelques Mo), et nombre d'avertissements (un seul suffit à refuser : inutile qu'il
# en accumule des milliers).
LIMITES_QPDF = {
    "flate_max_memory": 64 * 1024 * 1024,
    "png_max_memory": 64 * 1024 * 1024,
    "run_length_max_memory": 64 * 1024 * 1024,
    "doc_max_warnings": 20,
}
# Après le dernier %%EOF, seuls des blancs : au-delà, un autre fichier est collé derrière le PDF.
BLANCS = b" \t\r\n\f\x00"
# Les types d'action qui font autre chose qu'aller à une page, ouvrir un lien ou suivre un signet.
ACTIONS_REFUSEES = {
    "/JavaScript": "javascript",
    "/Launch": "action",
    "/SubmitForm": "action",
    "/ImportData": "action",
    "/GoToR": "action",
    "/GoToE": "action",
    "/Rendition": "action",
    "/Movie": "action",
    "/Sound": "action",
    "/RichMediaExecute": "action",
}
# Un lien ne mène qu'au web ou à une adresse de courriel : « file:// » ou « \\serveur\partage » ouvriraient un
# fichier du poste ou d'un partage réseau (Windows y envoie l'empreinte du mot de passe de l'agent).
LIENS_PERMIS = ("http://", "https://", "mailto:")
REFAIRE = "enregistrez-le à nouveau au format PDF (« Exporter en PDF » ou « Imprimer en PDF ») et joignez-le"
MESSAGES = {
    "pas_un_pdf": "Ce fichier n'est pas un PDF : seul le format PDF est accepté.",
    "incomplet": "Ce PDF est incomplet (sa fin manque : envoi interrompu ?) : joignez-le à nouveau.",
    "donnees_apres_la_fin": f"Des données suivent la fin de ce PDF (un autre fichier y est collé) : {REFAIRE}.",
    "illisible": f"Ce fichier n'est pas un PDF lisible ou il est abîmé : {REFAIRE}.",
    "chiffre": "Ce PDF est protégé (mot de passe ou chiffrement) : enregistrez-le sans protection et joignez-le "
    "à nouveau.",
    "javascript": f"Ce PDF contient du JavaScript : seul un document simple est accepté ; {REFAIRE}.",
    "action": "Ce PDF contient une action (lancer un programme, envoyer des données, ouvrir un autre fichier ou "
    f"un média) : seul un document simple est accepté ; {REFAIRE}.",
    "action_automatique": "Ce PDF déclenche des actions de lui-même (à l'ouverture ou au passage sur une page) : "
    f"seul un document simple est accepté ; {REFAIRE}.",
    "fichier_incorpore": "Ce PDF contient des fichiers incorporés : joignez chaque document séparément, en PDF.",
    "sans_page": "Ce PDF n'a aucune page.",
    "trop_complexe": f"Ce PDF est trop complexe pour être contrôlé (mémoire ou temps de calcul dépassés) : {REFAIRE}.",
}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfControle:
    copie: bytes  # la copie réécrite : ce qu'on garde
    pages: int
    empreinte: str  # SHA-256 du fichier reçu


def refus(code: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code)


def verifier_taille(taille: int):
    """Avant de lire le fichier en mémoire : 10 Mo au plus."""
    if taille > TAILLE_MAX:
        raise ValidationError(f"Le fichier dépasse 10 Mo ({taille / 1024 / 1024:.1f} Mo).", code="trop_lourd")


def verifier_signature(debut: bytes):
    """La signature %PDF- en tête du fichier : un PDF par son contenu, pas seulement par son extension."""
    if not debut.startswith(b"%PDF-"):
        raise refus("pas_un_pdf")


def controler(recu: bytes) -> PdfControle:
    """Le PDF reçu, contrôlé et réécrit ; ValidationError (message en français, code stable) sinon."""
    verifier_taille(len(recu))
    verifier_signature(recu[:5])
    fin = recu.rfind(b"%%EOF")
    if fin < 0:
        raise refus("incomplet")
    if recu[fin + len(b"%%EOF") :].strip(BLANCS):
        raise refus("donnees_apres_la_fin")
    verdict, copie = _analyser_a_part(recu)
    if "refus" in verdict:
        raise refus(verdict["refus"])
    return PdfControle(copie=copie, pages=verdict["pages"], empreinte=hashlib.sha256(recu).hexdigest())


def controler_fichier(fichier) -> PdfControle:
    """Un fichier envoyé (UploadedFile) : sa taille vérifiée avant de le lire en mémoire, puis `controler`."""
    verifier_taille(fichier.size)
    fichier.seek(0)
    return controler(fichier.read())


def _analyser_a_part(recu: bytes) -> tuple[dict, bytes]:
    """Lance ce module comme programme, borné (voir `_borner`), et lit son verdict : une ligne JSON, puis la copie.
    Un processus tué (mémoire, calcul, durée) ou une sortie illisible est un refus."""
    commande = [sys.executable, "-I", __file__, str(MEMOIRE_MAX), str(CALCUL_MAX)]
    try:
        fini = subprocess.run(commande, input=recu, capture_output=True, timeout=DUREE_MAX, check=False)
    except subprocess.TimeoutExpired:
        logger.warning("Analyse d'un PDF reçu interrompue après %s s.", DUREE_MAX)
        return {"refus": "trop_complexe"}, b""
    ligne, _, copie = fini.stdout.partition(b"\n")
    try:
        if fini.returncode == 0:
            return json.loads(ligne), copie
    except ValueError:
        pass
    logger.warning("Analyse d'un PDF reçu arrêtée (code %s) : %s", fini.returncode, fini.stderr[-500:])
    return {"refus": "trop_complexe"}, b""


def _borner(memoire: int, calcul: int):
    resource.setrlimit(resource.RLIMIT_AS, (memoire, memoire))
    resource.setrlimit(resource.RLIMIT_CPU, (calcul, calcul + 1))  # au-delà de la limite douce : SIGXCPU


def analyser(recu: bytes) -> tuple[dict, bytes]:
    """Dans le processus d'analyse : ouvre sans réparer (un fichier abîmé est refusé, pas deviné), compte les
    pages, cherche le contenu actif, réécrit. Tout avertissement de qpdf vaut refus."""
    import pikepdf

    pikepdf.settings.set_qpdf_limits(**LIMITES_QPDF)
    try:
        with pikepdf.open(io.BytesIO(recu), attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                return {"refus": "chiffre"}, b""
            pages = len(pdf.pages)  # qpdf refuse un arbre des pages qui boucle ou cite deux fois un nœud
            if code := contenu_actif(pdf):
                return {"refus": code}, b""
            copie = io.BytesIO()
            # Les flux sont recopiés tels quels, sans être décodés : la réécriture reste linéaire en la taille.
            pdf.save(copie, stream_decode_level=pikepdf.StreamDecodeLevel.none, deterministic_id=True)
            if avertissements := pdf.get_warnings():
                # qpdf change un manque de mémoire (la limite du noyau ou la sienne pour décompresser) en
                # avertissement, l'objet devenant nul : c'est une borne qui a joué, pas un fichier abîmé.
                manque = any(trace in a for a in avertissements for trace in ("bad_alloc", "memory limit"))
                return {"refus": "trop_complexe" if manque else "illisible"}, b""
    except pikepdf.PasswordError:
        return {"refus": "chiffre"}, b""
    except MemoryError:
        return {"refus": "trop_complexe"}, b""
    except (pikepdf.PdfError, RuntimeError, ValueError, TypeError, KeyError):
        return {"refus": "illisible"}, b""
    if pages == 0:
        return {"refus": "sans_page"}, b""
    return {"pages": pages}, copie.getvalue()


def contenu_actif(pdf) -> str:
    """Le code du premier contenu actif trouvé, "" s'il n'y en a pas. Parcourt chaque dictionnaire du fichier,
    joignable ou non : une action peut se cacher dans une annotation, un champ, un signet, un arbre de noms."""
    from pikepdf import Dictionary

    ouverture = pdf.Root.get("/OpenAction")
    for dictionnaire in _dictionnaires(pdf):
        action = str(dictionnaire.get("/S", ""))
        if "/JS" in dictionnaire or action in ACTIONS_REFUSEES:
            return ACTIONS_REFUSEES.get(action, "javascript")
        if action == "/URI" and not str(dictionnaire.get("/URI", "")).strip().lower().startswith(LIENS_PERMIS):
            return "action"
        if "/AA" in dictionnaire:
            return "action_automatique"
        if "/EF" in dictionnaire or str(dictionnaire.get("/Type", "")) == "/EmbeddedFile":
            return "fichier_incorpore"
        if "/XFA" in dictionnaire:  # formulaire dynamique : des scripts, hors de portée de ce contrôle
            return "javascript"
    noms = pdf.Root.get("/Names")
    if isinstance(noms, Dictionary) and "/JavaScript" in noms:
        return "javascript"
    if isinstance(noms, Dictionary) and "/EmbeddedFiles" in noms:
        return "fichier_incorpore"
    # À l'ouverture, seul « aller à une page » (une destination, ou l'action GoTo) : un lien ouvert tout seul
    # signalerait au passage quand et d'où le document est lu.
    if isinstance(ouverture, Dictionary) and str(ouverture.get("/S", "")) != "/GoTo":
        return "action_automatique"
    return ""


def _dictionnaires(pdf):
    """Chaque dictionnaire du fichier, une fois : les objets indirects et les dictionnaires directs qu'ils
    contiennent, à toute profondeur (pile explicite ; qpdf borne déjà l'imbrication)."""
    from pikepdf import Array, Dictionary, Object, Stream

    pile = list(pdf.objects)
    while pile:
        objet = pile.pop()
        if isinstance(objet, Stream):
            objet = objet.stream_dict
        if isinstance(objet, Dictionary):
            yield objet
            enfants = objet.values()
        elif isinstance(objet, Array):
            enfants = objet
        else:
            continue
        pile.extend(e for e in enfants if isinstance(e, Object) and not e.is_indirect)


if __name__ == "__main__":
    _borner(int(sys.argv[1]), int(sys.argv[2]))
    verdict, copie = analyser(sys.stdin.buffer.read())
    sys.stdout.buffer.write(json.dumps(verdict).encode() + b"\n" + copie)
