"""Écritures des candidatures : brouillon enregistré au fil de la saisie, pièces jointes, dépôt."""

import hashlib
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from appels import lettre
from appels.models import Appel, Candidature, Depot, NaturePiece, PieceJointe, StatutAppel, StatutCandidature
from appels.validators import valider_pdf

PAGES_MAX_LETTRE = 4
CHAMPS_TECHNIQUES = {"csrfmiddlewaretoken", "version_brouillon", "cle_depot"}


@dataclass
class Refus(Exception):
    """Ce qui empêche l'opération, en français ; rien n'a été écrit."""

    messages: list[str]

    def __str__(self):
        return " ".join(self.messages)


def date_limite(appel) -> str:
    return timezone.localtime(appel.cloture).strftime("%d/%m/%Y à %H h %M (heure de Paris)")


def candidature_pour(*, appel, organisme) -> Candidature:
    candidature, _ = Candidature.objects.get_or_create(appel=appel, organisme=organisme)
    return candidature


@transaction.atomic
def enregistrer_brouillon(*, candidature, donnees, version_lue: int, maintenant=None) -> Candidature:
    """Garde tout ce qui est saisi, même incomplet. Refuse si un autre onglet ou un collègue a enregistré
    entre-temps (la version ne correspond plus), ou si l'appel est fermé."""
    if not candidature.appel.est_ouvert(maintenant):
        raise Refus(
            [f"L'appel est fermé depuis le {date_limite(candidature.appel)} : le brouillon ne peut plus changer."]
        )
    brouillon = {champ: donnees.getlist(champ) for champ in donnees if champ not in CHAMPS_TECHNIQUES}
    if brouillon == candidature.brouillon:
        return candidature  # rien de neuf (double clic, onglet resté ouvert) : pas de conflit à signaler
    mises_a_jour = Candidature.objects.filter(pk=candidature.pk, version_brouillon=version_lue).update(
        brouillon=brouillon,
        version_brouillon=version_lue + 1,
        brouillon_enregistre_le=timezone.now(),
        brouillon_modifie_depuis_depot=candidature.depots.exists(),
    )
    if not mises_a_jour:
        candidature.refresh_from_db()
        if candidature.brouillon == brouillon:
            return candidature  # l'autre requête (double clic) a enregistré exactement la même saisie
        raise Refus(
            [
                "Ce brouillon a été enregistré ailleurs (autre onglet ou collègue) pendant votre saisie : "
                "rechargez la page pour voir sa dernière version avant de continuer. Votre saisie n'a pas été "
                "enregistrée."
            ]
        )
    candidature.refresh_from_db()
    return candidature


def ajouter_piece(*, candidature, fichier, nature) -> PieceJointe:
    """Un PDF vérifié par son contenu ; la lettre elle-même tient en 4 pages au plus."""
    if not candidature.appel.est_ouvert():
        raise Refus([f"L'appel est fermé depuis le {date_limite(candidature.appel)}."])
    try:
        valider_pdf(fichier)
        fichier.seek(0)
        pages = len(PdfReader(fichier).pages)
    except PdfReadError as erreur:
        raise Refus(["Ce fichier n'est pas un PDF lisible : enregistrez-le à nouveau au format PDF."]) from erreur
    except ValidationError as erreur:  # message de valider_pdf, déjà en français
        raise Refus(erreur.messages) from erreur
    if nature == NaturePiece.LETTRE and pages > PAGES_MAX_LETTRE:
        raise Refus([f"La lettre d'intention fait {pages} pages : {PAGES_MAX_LETTRE} au plus."])
    fichier.seek(0)
    empreinte = hashlib.sha256(fichier.read()).hexdigest()
    fichier.seek(0)
    return PieceJointe.objects.create(
        candidature=candidature, nature=nature, fichier=fichier, nom=fichier.name, pages=pages, empreinte=empreinte
    )


def deposer(*, candidature, user, cle: str, maintenant=None) -> Depot:
    """Dépose la version courante du brouillon : tout ou rien, un seul dépôt par clé (double clic, rejeu).

    L'heure est celle du serveur à l'instant du dépôt, comparée à la date limite de l'appel.
    """
    existant = Depot.objects.filter(cle_idempotence=cle).first()
    if existant:
        return _depot_de_la_meme_candidature(existant, candidature)
    try:
        depot = _deposer(candidature=candidature, user=user, cle=cle, maintenant=maintenant)
    except IntegrityError:  # la même clé enregistrée à l'instant par une requête concurrente
        return _depot_de_la_meme_candidature(Depot.objects.get(cle_idempotence=cle), candidature)
    from appels.tasks import generer_accuse

    transaction.on_commit(lambda: generer_accuse.delay(depot.pk))
    return depot


def _depot_de_la_meme_candidature(depot, candidature):
    if depot.candidature_id != candidature.pk:
        raise Refus(["Ce formulaire a déjà servi à un autre dépôt : rechargez la page."])
    return depot


@transaction.atomic
def _deposer(*, candidature, user, cle, maintenant) -> Depot:
    # Le verrou sur l'appel sérialise les dépôts d'un même appel : numéros sans trou ni doublon.
    appel = Appel.objects.select_for_update().get(pk=candidature.appel_id)
    maintenant = maintenant or timezone.now()
    if (existant := Depot.objects.filter(cle_idempotence=cle).first()) is not None:
        return existant
    if not appel.est_ouvert(maintenant):
        raise Refus([f"Dépôt refusé : la date limite était le {date_limite(appel)}."])
    candidature = Candidature.objects.select_for_update().get(pk=candidature.pk)
    contenu, erreurs = lettre.contenu_valide(candidature.brouillon, appel)
    if erreurs:
        raise Refus(erreurs)
    contenu_fige = {"lettre": contenu, "pieces": _pieces(candidature)}
    sequence = Depot.objects.filter(candidature__appel=appel).count() + 1
    depot = Depot.objects.create(
        candidature=candidature,
        version=candidature.depots.count() + 1,
        numero=f"{appel.nature.upper()}-{timezone.localtime(appel.cloture):%Y}-{appel.pk:03d}-{sequence:05d}",
        depose_le=maintenant,
        depose_par=user,
        contenu=contenu_fige,
        empreinte=empreinte(contenu_fige),
        cle_idempotence=cle,
    )
    Candidature.objects.filter(pk=candidature.pk).update(
        statut=StatutCandidature.DEPOSEE, brouillon_modifie_depuis_depot=False
    )
    return depot


def _pieces(candidature) -> list[dict]:
    return [
        {"nom": p.nom, "nature": p.nature, "pages": p.pages, "empreinte": p.empreinte}
        for p in candidature.pieces.order_by("ajoutee_le", "pk")
    ]


def empreinte(contenu: dict) -> str:
    """SHA-256 du contenu déposé, sérialisé de façon canonique (clés triées) : recalculable par tous."""
    return hashlib.sha256(json.dumps(contenu, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def mettre_en_instruction(*, maintenant=None) -> int:
    """À la date limite, les appels publiés passent en instruction et leurs candidatures déposées aussi.

    Les dépôts sont déjà refusés à l'instant même par `deposer` ; ceci fige les statuts. Rejouable.
    """
    maintenant = maintenant or timezone.now()
    echus = list(Appel.objects.filter(statut=StatutAppel.PUBLIE, cloture__lte=maintenant).values_list("pk", flat=True))
    Candidature.objects.filter(appel__in=echus, statut=StatutCandidature.DEPOSEE).update(
        statut=StatutCandidature.EN_INSTRUCTION
    )
    return Appel.objects.filter(pk__in=echus, statut=StatutAppel.PUBLIE).update(statut=StatutAppel.EN_INSTRUCTION)


DELAI_RELANCE = timezone.timedelta(hours=48)


def relancer_brouillons(*, maintenant=None) -> int:
    """Un rappel, une seule fois, aux membres des organismes dont le brouillon n'est pas déposé à moins de
    48 h de la date limite. Chaque envoi est réservé par un UPDATE conditionnel : deux workers ne
    relancent jamais deux fois."""
    maintenant = maintenant or timezone.now()
    a_relancer = (
        Candidature.objects.filter(
            Q(statut=StatutCandidature.BROUILLON) | Q(brouillon_modifie_depuis_depot=True),
            relance_envoyee_le__isnull=True,
            appel__statut=StatutAppel.PUBLIE,
            appel__cloture__gt=maintenant,
            appel__cloture__lte=maintenant + DELAI_RELANCE,
        )
        .exclude(brouillon={})
        .select_related("appel", "organisme")
        .prefetch_related("organisme__membres")
    )
    envoyees = 0
    for candidature in a_relancer:
        reservee = Candidature.objects.filter(pk=candidature.pk, relance_envoyee_le__isnull=True).update(
            relance_envoyee_le=maintenant
        )
        if reservee:
            _envoyer_relance(candidature)
            envoyees += 1
    return envoyees


def _envoyer_relance(candidature):
    contexte = {"candidature": candidature, "appel": candidature.appel}
    send_mail(
        render_to_string("appels/email/relance_subject.txt", contexte).strip(),
        render_to_string("appels/email/relance_body.txt", contexte),
        None,
        [membre.email for membre in candidature.organisme.membres.all() if membre.is_active],
    )
