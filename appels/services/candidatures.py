"""Les écritures des candidatures : brouillon enregistré au fil de la saisie, pièces jointes, dépôt et accusé ;
puis, à la date limite, passage en instruction et relance des brouillons non déposés.

Lire la lettre n'écrit rien : la candidature naît au premier envoi (brouillon, pièce ou dépôt).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from appels import lettre
from appels.exports import accuse_pdf, contenu_de_l_accuse
from appels.forms.lettre import contenu_valide
from appels.models import (
    NOM_PIECE_MAX,
    PAGES_MAX,
    Appel,
    Candidature,
    Depot,
    NaturePiece,
    PieceJointe,
    StatutAppel,
    StatutCandidature,
)
from appels.models.candidatures import deposee
from appels.validators import choisir_une_nature
from commun import notifications, pdf_recu
from commun.erreurs import Conflit
from commun.transitions import passer, passer_toutes


def _enregistree(candidature: Candidature) -> Candidature:
    """La candidature en base : créée ici, au premier envoi, si la page l'a montrée sans l'écrire."""
    if candidature.pk:
        return candidature
    return Candidature.objects.get_or_create(appel=candidature.appel, organisme=candidature.organisme)[0]


def hors_delai(appel: Appel) -> ValidationError:
    return ValidationError(f"Dépôt refusé : la date limite était le {appel.date_limite_lisible}.", code="hors_delai")


@transaction.atomic
def enregistrer_brouillon(*, candidature, donnees, version_lue: int, maintenant=None, relire=True) -> Candidature:
    """Garde tout ce qui est saisi, même incomplet. Refuse si l'appel est fermé ; Conflit si un autre onglet ou
    un collègue a enregistré entre-temps (la version ne correspond plus). `relire=False` : la candidature rendue
    n'est pas relue après l'écriture (le dépôt qui suit la relit sous son verrou)."""
    appel = candidature.appel
    if not appel.est_ouvert_le(maintenant or timezone.now()):
        message = f"L'appel est fermé depuis le {appel.date_limite_lisible} : le brouillon ne peut plus changer."
        raise ValidationError(message, code="appel_ferme")
    candidature, brouillon = _enregistree(candidature), lettre.brouillon_de(donnees)
    if brouillon == candidature.brouillon:
        return candidature  # rien de neuf (double clic, onglet resté ouvert) : pas de conflit à signaler
    mises_a_jour = Candidature.objects.filter(pk=candidature.pk, version_brouillon=version_lue).update(
        brouillon=brouillon,
        version_brouillon=version_lue + 1,
        brouillon_enregistre_le=timezone.now(),
        brouillon_modifie_depuis_depot=deposee(),  # dans la même requête : un aller-retour de moins
    )
    if mises_a_jour and not relire:
        return candidature
    candidature.refresh_from_db()
    if not mises_a_jour and candidature.brouillon != brouillon:  # même saisie : l'autre requête d'un double clic
        raise Conflit(
            "Ce brouillon a été enregistré ailleurs (autre onglet ou collègue) pendant votre saisie : "
            "rechargez la page pour voir sa dernière version avant de continuer. Votre saisie n'a pas été "
            "enregistrée.",
            actuel=candidature,
        )
    return candidature


def ajouter_piece(*, candidature, fichier, nature) -> PieceJointe:
    """Un PDF contrôlé (commun.pdf_recu) : on garde sa copie réécrite, sous un nom neutre, et l'empreinte du fichier
    reçu. La nature est l'un des choix et fixe le nombre de pages permis. Tout est vérifié avant d'écrire."""
    if not candidature.appel.est_ouvert:
        raise ValidationError(
            f"L'appel est fermé depuis le {candidature.appel.date_limite_lisible}.", code="appel_ferme"
        )
    valider_nature_et_nom(nature=nature, nom=fichier.name)
    controle = _controle(fichier)
    pages_max = PAGES_MAX.get(nature)
    if pages_max is not None and controle.pages > pages_max:
        message = f"La pièce « {NaturePiece(nature).label} » fait {controle.pages} pages : {pages_max} au plus."
        raise ValidationError({"fichier": ValidationError(message, code="trop_de_pages")})
    with transaction.atomic():
        return PieceJointe.objects.create(
            candidature=_enregistree(candidature),
            nature=nature,
            fichier=ContentFile(controle.copie, name=f"piece-{controle.empreinte[:16]}.pdf"),
            nom=fichier.name,
            pages=controle.pages,
            empreinte=controle.empreinte,
        )


def valider_nature_et_nom(*, nature, nom: str):
    """Avant la base : une nature hors des choix (« Lettre » pour « lettre ») contournerait la limite de pages, un
    nom trop long ne tiendrait pas dans sa colonne."""
    erreurs = {}
    if nature not in NaturePiece.values:
        message = f"Nature de la pièce : {choisir_une_nature(NaturePiece.labels)}"
        erreurs["nature"] = ValidationError(message, code="nature_inconnue")
    if len(nom) > NOM_PIECE_MAX:
        message = f"Le nom du fichier fait {len(nom)} caractères : {NOM_PIECE_MAX} au plus, renommez-le."
        erreurs["fichier"] = ValidationError(message, code="nom_trop_long")
    if erreurs:
        raise ValidationError(erreurs)


def _controle(fichier) -> pdf_recu.PdfControle:
    """Le fichier reçu, contrôlé ; un refus vise le champ du fichier."""
    try:
        return pdf_recu.controler_fichier(fichier)
    except ValidationError as refus:
        raise ValidationError({"fichier": refus}) from refus


def deposer_lettre(*, candidature, donnees, user, cle: str) -> Depot:
    """Le bouton « Déposer » : enregistre ce qui est à l'écran puis le dépose. L'heure limite est dite avant
    tout ; le brouillon reste enregistré même si le dépôt est refusé, pour corriger sans ressaisir."""
    if not candidature.appel.est_ouvert:
        raise hors_delai(candidature.appel)
    if donnees.get("version_brouillon") is not None:
        candidature = enregistrer_brouillon(
            candidature=candidature, donnees=donnees, version_lue=version_lue_de(donnees), relire=False
        )
    return deposer(candidature=candidature, user=user, cle=cle)


CLE_MAX = Depot._meta.get_field("cle_idempotence").max_length
# Un champ PositiveIntegerField, que la version suivante (+1) doit encore tenir.
VERSION_MAX = 2**31 - 2


def version_lue_de(donnees, *, absente: int | None = None) -> int:
    """La version du brouillon que la page a lue (champ caché « version_brouillon ») ; `absente` si elle manque.
    Un texte qui n'est pas cette version (« abc », « 1.5 », quarante chiffres) est refusé, au lieu d'un 500."""
    texte = donnees.get("version_brouillon")
    if texte is None and absente is not None:
        return absente
    try:
        return forms.IntegerField(min_value=0, max_value=VERSION_MAX).clean(texte)
    except ValidationError:
        message = "Version du brouillon illisible : rechargez la page avant d'enregistrer."
        raise ValidationError({"version_brouillon": ValidationError(message, code="version_illisible")}) from None


def valider_cle(cle: str) -> str:
    """La clé d'idempotence d'un envoi (engendrée par la page) : 64 caractères au plus, comme sa colonne."""
    if len(cle) > CLE_MAX or "\x00" in cle:
        message = "Ce formulaire de dépôt est altéré : rechargez la page."
        raise ValidationError({"cle_depot": ValidationError(message, code="cle_invalide")})
    return cle


def deposer(*, candidature, user, cle: str, maintenant=None) -> Depot:
    """Dépose la version courante du brouillon : tout ou rien, un seul dépôt par clé (double clic, rejeu).

    L'heure est celle du serveur à l'instant du dépôt, comparée à la date limite de l'appel. Une clé déjà servie
    est cherchée sous le verrou de la candidature (une seule lecture : deux envois d'un double clic s'y suivent).
    """
    valider_cle(cle)
    try:
        depot, nouveau = _deposer(candidature=candidature, user=user, cle=cle, maintenant=maintenant)
    except IntegrityError:  # la même clé enregistrée à l'instant par une requête concurrente
        return _depot_de_la_meme_candidature(Depot.objects.get(cle_idempotence=cle), candidature)
    if not nouveau:
        return depot
    from appels.tasks import generer_accuse  # les tâches appellent ces services : importées à l'usage

    # robust : la tâche exécutée sur place (démonstration, sans Redis) qui échouerait ne change pas le dépôt en
    # erreur 500 ; en production, le worker la reprend.
    transaction.on_commit(lambda: generer_accuse.delay(depot.pk), robust=True)
    return depot


def _depot_de_la_meme_candidature(depot, candidature):
    if depot.candidature_id != candidature.pk:
        raise ValidationError("Ce formulaire a déjà servi à un autre dépôt : rechargez la page.", code="cle_reprise")
    return depot


@transaction.atomic
def _deposer(*, candidature, user, cle, maintenant) -> tuple[Depot, bool]:
    """Le dépôt et vrai s'il vient d'être créé ; faux pour celui que cette clé a déjà servi (double clic, rejeu)."""
    # Tout ce qui ne dépend que de la candidature se fait sous son verrou, qui n'arrête que les envois de son
    # organisme : lettre validée et figée, clé déjà servie, statut « déposée ». Le verrou de l'appel, que tous les
    # dépôts de l'appel attendent, ne couvre plus que l'heure, la date limite et le numéro (make load-depot : les deux
    # tiers du temps passé sous ce verrou allaient à valider la lettre et à changer le statut, mesuré par cProfile).
    # Même ordre que le passage en instruction : candidature, puis appel.
    # L'appel, sa région et l'organisme viennent avec la ligne verrouillée (verrou sur la seule candidature) : la
    # validation de la lettre ne les relit pas.
    verrou = Candidature.objects.select_for_update(of=("self",)).select_related("appel__region", "organisme")
    candidature = verrou.get(pk=_enregistree(candidature).pk)
    if (existant := Depot.objects.filter(cle_idempotence=cle).first()) is not None:
        return _depot_de_la_meme_candidature(existant, candidature), False
    contenu = {
        "lettre": contenu_valide(candidature.brouillon, candidature.appel, candidature.organisme),
        "pieces": _pieces(candidature),
    }
    version = candidature.depots.count() + 1
    if candidature.statut != StatutCandidature.DEPOSEE:  # le changement de statut, journalisé (save)
        passer(
            Candidature.objects.filter(pk=candidature.pk),
            statut=StatutCandidature.DEPOSEE,
            brouillon_modifie_depuis_depot=False,
        )
    elif candidature.brouillon_modifie_depuis_depot:
        # Déjà « déposée » : rien à journaliser (ce drapeau est exclu du journal, journal/objets.py), un UPDATE suffit
        # au lieu de la relecture verrouillée, de celle du journal et de l'enregistrement de `passer`.
        Candidature.objects.filter(pk=candidature.pk).update(brouillon_modifie_depuis_depot=False)
    # Le verrou sur l'appel sérialise les dépôts d'un même appel : numéros sans trou ni doublon, heure lue sous lui ;
    # un refus hors délai défait aussi le changement de statut (une seule transaction).
    appel = Appel.objects.select_for_update().get(pk=candidature.appel_id)
    maintenant = maintenant or timezone.now()
    if not appel.est_ouvert_le(maintenant):
        raise hors_delai(appel)
    sequence = Depot.objects.filter(candidature__appel=appel).count() + 1
    depot = Depot.objects.create(
        candidature=candidature,
        version=version,
        numero=f"{appel.nature.upper()}-{timezone.localtime(appel.cloture):%Y}-{appel.pk:03d}-{sequence:05d}",
        depose_le=maintenant,
        depose_par=user,
        contenu=contenu,
        empreinte=lettre.empreinte(contenu),
        cle_idempotence=cle,
    )
    if citees := [p["convention"] for p in contenu["lettre"]["partenariats"] if "convention" in p]:
        depot.conventions.set(citees)
    return depot, True


def _pieces(candidature) -> list[dict]:
    return [
        {"nom": p.nom, "nature": p.nature, "pages": p.pages, "empreinte": p.empreinte}
        for p in candidature.pieces.order_by("ajoutee_le", "pk")
    ]


def produire_accuse(*, depot: Depot) -> str:
    """Enregistre l'accusé de dépôt (PDF), puis l'envoie au déposant : chaque étape une seule fois. Une reprise
    après un envoi manqué retrouve le PDF enregistré et l'envoie ; l'envoi n'est noté qu'une fois parti."""
    nom = f"accuse-{depot.numero}.pdf"
    if not depot.accuse:
        depot.accuse.save(nom, ContentFile(accuse_pdf(depot)), save=True)
    if depot.accuse_envoye_le is None:
        piece = notifications.PieceJointe(nom, contenu_de_l_accuse(depot))
        notifications.envoyer("appels/email/depot", {"depot": depot}, [depot.depose_par.email], pieces=[piece])
        Depot.objects.filter(pk=depot.pk).update(accuse_envoye_le=timezone.now())
    return depot.accuse.name


@transaction.atomic
def mettre_en_instruction(*, maintenant=None) -> int:
    """À la date limite, les appels publiés passent en instruction et leurs candidatures déposées aussi.

    Les dépôts sont déjà refusés à l'instant même par `deposer` ; ceci fige les statuts. Rejouable.
    """
    maintenant = maintenant or timezone.now()
    echus = list(Appel.objects.filter(statut=StatutAppel.PUBLIE, cloture__lte=maintenant).values_list("pk", flat=True))
    passer_toutes(
        Candidature.objects.filter(appel__in=echus, statut=StatutCandidature.DEPOSEE),
        statut=StatutCandidature.EN_INSTRUCTION,
    )
    return passer_toutes(
        Appel.objects.filter(pk__in=echus, statut=StatutAppel.PUBLIE), statut=StatutAppel.EN_INSTRUCTION
    )


def relancer_brouillons(*, maintenant=None) -> int:
    """Un rappel, une seule fois, aux membres des organismes dont le brouillon n'est pas déposé à moins de
    48 h de la date limite. Chaque envoi est réservé par un UPDATE conditionnel : deux workers ne
    relancent jamais deux fois."""
    maintenant = maintenant or timezone.now()
    envoyees = 0
    for candidature in Candidature.objects.a_relancer(maintenant):
        reservee = Candidature.objects.filter(pk=candidature.pk, relance_envoyee_le__isnull=True).update(
            relance_envoyee_le=maintenant
        )
        if reservee:
            contexte = {"candidature": candidature, "appel": candidature.appel}
            notifications.envoyer(
                "appels/email/relance", contexte, notifications.membres_actifs(candidature.organisme)
            )
            envoyees += 1
    return envoyees
