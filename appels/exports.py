"""Les documents qui sortent d'un appel : l'accusé de dépôt (PDF) ; et, pour un appel en instruction, un tableau
(CSV, XLSX) des lettres, notes, avis et décisions et une archive ZIP des PDF (accusés de dépôt et pièces jointes
des dépôts instruits).

Les colonnes sont fixes et dans le même ordre d'un export à l'autre ; l'annotation privée n'en sort jamais.
"""

import zipfile
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from appels.forms.lettre import lignes_lisibles, valeurs_lisibles
from appels.lettre import EtatPartenariat
from appels.models import Avis, DemandeComplement, Depot, PieceJointe
from commun import tableur
from commun.pdf import render_pdf

COLONNES_DEPOT = ["Numéro de dépôt", "Version", "Déposé le", "Organisme", "Statut"]
COLONNES_INSTRUCTION = [
    "Équipe prévue",
    "Partenariats",
    "Pièces jointes",
    "Avis complets",
    "Note moyenne /100",
    "Totaux par évaluateur",
    "Moyennes par critère /10",
    "Commentaires partagés",
    "Compléments demandés",
    "Décision",
    "Type proposé",
    "Montant retenu (€)",
    "Capacité retenue",
    "Motif de la décision",
    "Décidée le",
    "Décidée par",
]
COLONNES_NOTES = ["Numéro de dépôt", "Organisme", "Évaluateur", "Critère", "Poids", "Note /10", "Total de l'avis /100"]


def accuse_pdf(depot: Depot) -> bytes:
    """L'accusé de dépôt, rendu du seul contenu figé du dépôt : le même PDF à chaque fois. La tâche qui suit le
    dépôt l'enregistre et l'envoie ; une page qui le sert avant elle le rend sans rien écrire."""
    return render_pdf("appels/pdf/accuse.html", {"depot": depot, "resume": _resume(depot)})


def _resume(depot) -> dict:
    """Les quelques champs que l'accusé reprend, lisibles, même si la lettre déposée en omet."""
    lignes = dict(valeurs_lisibles(depot.lettre, depot.candidature.appel))
    return {
        "dispositif": lignes.get("Dispositif envisagé", "—"),
        "budget": lignes.get("Budget annuel demandé (€)", "—"),  # un Decimal, que le gabarit écrit en euros
        "pieces": depot.contenu.get("pieces", []),
    }


def contenu_de_l_accuse(depot: Depot) -> bytes:
    """Le PDF enregistré s'il existe (quelques kilo-octets, lus d'un coup), sinon le même rendu sur place."""
    if not depot.accuse:
        return accuse_pdf(depot)
    with depot.accuse.open("rb") as fichier:
        return fichier.read()


def colonnes(appel) -> list[str]:
    """Les libellés de la lettre viennent de son formulaire : les mêmes pour tous les appels."""
    return COLONNES_DEPOT + [libelle for libelle, _ in lignes_lisibles({}, appel)] + COLONNES_INSTRUCTION


def depots_instruits(dossiers) -> dict:
    """Le dépôt instruit (le dernier) de chaque candidature, par identifiant de candidature."""
    numeros = [d.candidature.numero_depot for d in dossiers]
    return {depot.candidature_id: depot for depot in Depot.objects.filter(numero__in=numeros)}


def avis_par_candidature(appel) -> dict:
    avis = Avis.objects.filter(candidature__appel=appel).select_related("evaluateur").order_by("created_at", "pk")
    resultat = defaultdict(list)
    for un_avis in avis:
        resultat[un_avis.candidature_id].append(un_avis)
    return resultat


def lignes(appel, dossiers, criteres):
    """Une ligne par candidature, dans l'ordre des colonnes."""
    depots = depots_instruits(dossiers)
    avis = avis_par_candidature(appel)
    complements = defaultdict(list)
    for demande in DemandeComplement.objects.filter(candidature__appel=appel):
        complements[demande.candidature_id].append(demande)
    for dossier in dossiers:
        candidature = dossier.candidature
        depot = depots[candidature.pk]
        yield [
            depot.numero,
            depot.version,
            timezone.localtime(depot.depose_le).replace(tzinfo=None),
            candidature.organisme.nom,
            candidature.get_statut_display(),
            *[valeur for _, valeur in valeurs_lisibles(dossier.lettre, appel)],
            *_instruction(dossier, depot, avis[candidature.pk], criteres, complements[candidature.pk]),
        ]


def _instruction(dossier, depot, avis, criteres, complements) -> list:
    lettre, decision, candidature = dossier.lettre, dossier.decision, dossier.candidature
    complets = [a for a in avis if a.complet]
    return [
        " ; ".join(f"{m['profession']} {m['etp']} ETP" for m in lettre.get("equipe", [])),
        " ; ".join(f"{p['nom']} ({_etat(p)})" for p in lettre.get("partenariats", [])),
        " ; ".join(p["nom"] for p in depot.contenu.get("pieces", [])),
        len(complets),
        round(candidature.moyenne, 2) if candidature.moyenne is not None else None,
        " ; ".join(f"{a.evaluateur} : {_nombre(a.total)}" for a in complets),
        " ; ".join(f"{c.libelle} (poids {c.poids}) : {_nombre(_moyenne(complets, c))}" for c in criteres),
        " | ".join(f"{a.evaluateur} : {a.commentaire}" for a in avis if a.commentaire),
        " | ".join(f"{d.message} → {d.reponse or 'sans réponse'}" for d in complements),
        decision.get_nature_display() if decision else "",
        decision.type_propose.sigle if decision and decision.type_propose else "",
        decision.montant_retenu if decision else None,
        decision.capacite_retenue if decision else None,
        decision.motif if decision else "",
        timezone.localtime(decision.decide_le).replace(tzinfo=None) if decision else None,
        str(decision.decide_par) if decision else "",
    ]


def _etat(partenariat) -> str:
    """« Acté (accord écrit) », jamais le code interne « acte »."""
    etat = partenariat.get("etat", "")
    return EtatPartenariat(etat).label if etat in EtatPartenariat.values else etat or "état non précisé"


def _moyenne(avis, critere) -> Decimal | None:
    notes = [a.notes[str(critere.pk)] for a in avis if str(critere.pk) in a.notes]
    return (Decimal(sum(notes)) / len(notes)).quantize(Decimal("0.01")) if notes else None


def _nombre(valeur) -> str:
    return tableur.cellule_csv(valeur) or "—"


def ecrire_csv(sortie, appel, dossiers, criteres):
    tableur.ecrire_csv(sortie, colonnes(appel), lignes(appel, dossiers, criteres))


def ecrire_xlsx(sortie, appel, dossiers, criteres):
    """Deux feuilles : les candidatures (mêmes colonnes que le CSV) et les notes, une ligne par avis et critère."""
    from openpyxl import Workbook  # chargé seulement pour cet export

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Candidatures"
    tableur.ecrire_feuille(feuille, [colonnes(appel), *lignes(appel, dossiers, criteres)])
    notes = classeur.create_sheet("Notes")
    tableur.ecrire_feuille(notes, [COLONNES_NOTES, *lignes_des_notes(appel, dossiers, criteres)])
    classeur.save(sortie)


def lignes_des_notes(appel, dossiers, criteres):
    avis = avis_par_candidature(appel)
    for dossier in dossiers:
        candidature = dossier.candidature
        for un_avis in avis[candidature.pk]:
            for critere in criteres:
                note = un_avis.notes.get(str(critere.pk))
                yield [
                    candidature.numero_depot,
                    candidature.organisme.nom,
                    str(un_avis.evaluateur),
                    critere.libelle,
                    critere.poids,
                    note,
                    un_avis.total,
                ]


def archive_pieces(sortie, appel, dossiers):
    """Le ZIP écrit dans `sortie` : un dossier par candidature, son accusé de dépôt et les pièces de son dépôt,
    chacune dans sa copie contrôlée et réécrite à l'envoi (commun.pdf_recu), jamais le fichier reçu."""
    depots = depots_instruits(dossiers)
    pieces = {(p.candidature_id, p.empreinte): p for p in PieceJointe.objects.filter(candidature__appel=appel)}
    with zipfile.ZipFile(sortie, "w", zipfile.ZIP_DEFLATED) as archive:
        for dossier in dossiers:
            depot = depots[dossier.candidature.pk]
            dossier_zip = f"{depot.numero}-{slugify(dossier.candidature.organisme.nom)[:60]}"
            archive.writestr(f"{dossier_zip}/accuse-{depot.numero}.pdf", contenu_de_l_accuse(depot))
            for rang, decrite in enumerate(depot.contenu.get("pieces", []), start=1):
                piece = pieces.get((depot.candidature_id, decrite["empreinte"]))
                if piece is not None:
                    _ajouter(archive, piece.fichier, f"{dossier_zip}/pieces/{rang:02d}-{decrite['nom']}")


def _ajouter(archive, champ_fichier, nom):
    with champ_fichier.open("rb") as source:
        archive.writestr(nom, source.read())
