"""Écritures des comptes : invitation des opérateurs par l'ARS, demande d'inscription, acceptation et refus ; appareil
de double authentification (TOTP) et codes de secours.

Aucun mot de passe ne circule : un compte créé ici a un mot de passe inutilisable, et son titulaire reçoit un
lien (celui de la réinitialisation) pour choisir le sien. Les courriels partent après validation de la
transaction : une écriture annulée ne prévient personne.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from commun.erreurs import Conflit
from commun.notifications import envoyer
from comptes.models import DemandeInscription, Role, StatutDemande, Utilisateur
from dispositifs.models import Organisme


@transaction.atomic
def inviter_operateur(
    *, courriel: str, prenom: str, nom: str, organisme: Organisme, user: Utilisateur, request: HttpRequest
) -> Utilisateur:
    """Ouvre (ou complète) le compte opérateur de `courriel`, membre de `organisme`, et lui écrit."""
    compte = _compte_operateur(courriel=courriel, prenom=prenom, nom=nom, organisme=organisme)
    contexte = {"compte": compte, "organisme": organisme, "invite_par": user, **_lien_mot_de_passe(compte, request)}
    _prevenir("invitation", contexte, [compte.email])
    return compte


@transaction.atomic
def demander_inscription(*, demande: DemandeInscription, request: HttpRequest) -> DemandeInscription:
    """Enregistre une demande (pas encore sauvée) ; accusé de réception au demandeur, avis aux agents ARS."""
    demande.save()
    contexte = {
        "demande": demande,
        "url_demandes": request.build_absolute_uri(reverse("comptes:demandes_inscription")),
    }
    agents = list(Utilisateur.objects.agents_ars(demande.region).values_list("email", flat=True))
    _prevenir("inscription_recue", contexte, [demande.courriel])
    _prevenir("inscription_a_traiter", contexte, agents)
    return demande


@transaction.atomic
def accepter_demande(*, demande: DemandeInscription, user: Utilisateur, request: HttpRequest) -> Utilisateur:
    """L'organisme est retrouvé par son SIREN (ou créé), puis le compte est ouvert comme pour une invitation."""
    _traiter(demande, user=user, statut=StatutDemande.ACCEPTEE)
    organisme, _ = Organisme.objects.get_or_create(
        siren=demande.siren, defaults={"nom": demande.nom_organisme, "statut_juridique": demande.statut_juridique}
    )
    compte = _compte_operateur(courriel=demande.courriel, prenom=demande.prenom, nom=demande.nom, organisme=organisme)
    contexte = {"compte": compte, "organisme": organisme, "demande": demande, **_lien_mot_de_passe(compte, request)}
    _prevenir("inscription_acceptee", contexte, [compte.email])
    return compte


@transaction.atomic
def refuser_demande(*, demande: DemandeInscription, user: Utilisateur, motif: str) -> DemandeInscription:
    if not motif.strip():
        raise ValidationError("Indiquez le motif du refus : il est envoyé au demandeur.", code="motif_manquant")
    if "\x00" in motif:  # PostgreSQL refuse de l'écrire (500)
        raise ValidationError("Le motif contient un caractère nul : retirez-le.", code="caractere_nul")
    _traiter(demande, user=user, statut=StatutDemande.REFUSEE, motif_refus=motif.strip())
    demande.refresh_from_db()
    _prevenir("inscription_refusee", {"demande": demande}, [demande.courriel])
    return demande


def _traiter(demande: DemandeInscription, *, user: Utilisateur, statut: StatutDemande, **champs):
    """Passe la demande de « en attente » à `statut` ; 0 ligne modifiée : un autre agent (ou un double clic) l'a
    traitée entre l'affichage et l'envoi."""
    traitees = DemandeInscription.objects.filter(pk=demande.pk, statut=StatutDemande.EN_ATTENTE).update(
        statut=statut, traitee_par=user, traitee_le=timezone.now(), **champs
    )
    if not traitees:
        actuelle = DemandeInscription.objects.filter(pk=demande.pk).first()
        raise Conflit("Cette demande a déjà été traitée : rien n'a été modifié.", actuel=actuelle)


def _compte_operateur(*, courriel: str, prenom: str, nom: str, organisme: Organisme) -> Utilisateur:
    """Le compte opérateur actif de ce courriel, créé sans mot de passe utilisable s'il n'existe pas."""
    courriel = courriel.strip().lower()
    compte = Utilisateur.objects.filter(email__iexact=courriel).first()
    if compte is None:
        compte = Utilisateur.objects.create_user(courriel, None, role=Role.OPERATEUR, first_name=prenom, last_name=nom)
    elif compte.role != Role.OPERATEUR:
        raise ValidationError(
            f"{courriel} est déjà le courriel d'un compte « {compte.get_role_display()} » : "
            "il ne peut pas devenir un compte opérateur. Demandez une autre adresse.",
            code="compte_non_operateur",
        )
    elif not compte.is_active:
        compte.is_active = True
        compte.save(update_fields=["is_active"])
    compte.organismes.add(organisme)
    return compte


def _lien_mot_de_passe(compte: Utilisateur, request: HttpRequest) -> dict:
    """Le lien pour choisir son mot de passe, seulement pour un compte qui n'en a pas encore."""
    if compte.has_usable_password():
        return {"lien": None}
    chemin = reverse(
        "comptes:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(compte.pk)),
            "token": default_token_generator.make_token(compte),
        },
    )
    return {"lien": request.build_absolute_uri(chemin), "jours": settings.PASSWORD_RESET_TIMEOUT // 86400}


def _prevenir(gabarit: str, contexte: dict, destinataires: list[str]):
    """Le courriel `templates/comptes/email/<gabarit>_*.txt`, envoyé une fois la transaction validée."""
    transaction.on_commit(lambda: envoyer(f"comptes/email/{gabarit}", contexte, destinataires))


NOMBRE_DE_CODES_DE_SECOURS = 10


def appareil_a_confirmer(*, user: Utilisateur) -> TOTPDevice:
    """L'appareil TOTP en cours d'activation : le même d'un affichage à l'autre, pour que le QR code ne change pas."""
    appareil, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Application"})
    return appareil


def confirmer_appareil(*, appareil: TOTPDevice, code: str) -> list[str]:
    """Met l'appareil en service si `code` est celui qu'il affiche, et rend les codes de secours neufs (à montrer
    une seule fois). Refus : ValidationError."""
    with transaction.atomic():
        appareil = TOTPDevice.objects.select_for_update().get(pk=appareil.pk, confirmed=False)
        bon = appareil.verify_token(_normaliser(code))
        if bon:
            appareil.confirmed = True
            appareil.save(update_fields=["confirmed"])
            codes = _nouveaux_codes_de_secours(appareil.user)
    # Le refus est levé hors de la transaction : l'essai manqué reste compté (frein de django-otp).
    if not bon:
        raise ValidationError(
            "Ce code ne correspond pas : saisissez les six chiffres que l'application affiche maintenant.",
            code="code_incorrect",
        )
    return codes


def verifier_code(*, user: Utilisateur, code: str):
    """L'appareil (TOTP ou codes de secours) qui reconnaît `code` ; un code de secours ne sert qu'une fois.
    Refus : ValidationError, et l'essai manqué est compté par chaque appareil (qui freine les essais suivants)."""
    attente = None
    with transaction.atomic():
        for appareil in devices_for_user(user, for_verify=True):
            permis, details = appareil.verify_is_allowed()
            if not permis:
                attente = details.get("locked_until")
                continue
            if appareil.verify_token(_normaliser(code)):
                return appareil
    if attente is not None:
        heure = timezone.localtime(attente).strftime("%H:%M:%S")
        raise ValidationError(f"Trop de codes erronés : réessayez après {heure}.", code="trop_d_essais")
    raise ValidationError(
        "Code incorrect : saisissez les six chiffres que votre application affiche maintenant, ou un code de secours.",
        code="code_incorrect",
    )


def _nouveaux_codes_de_secours(user: Utilisateur) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    appareil = StaticDevice.objects.create(user=user, name="Codes de secours")
    codes = [StaticToken.random_token() for _ in range(NOMBRE_DE_CODES_DE_SECOURS)]
    StaticToken.objects.bulk_create(StaticToken(device=appareil, token=code) for code in codes)
    return codes


def _normaliser(code: str) -> str:
    """Les chiffres du TOTP ou les lettres d'un code de secours, tels qu'on les recopie (espaces, majuscules)."""
    return "".join(code.split()).lower()
