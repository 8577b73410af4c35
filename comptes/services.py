"""Écritures des comptes opérateurs : invitation par l'ARS, demande d'inscription, acceptation et refus.

Aucun mot de passe ne circule : un compte créé ici a un mot de passe inutilisable, et son titulaire reçoit un
lien (celui de la réinitialisation) pour choisir le sien.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptes.models import DemandeInscription, Role, StatutDemande, Utilisateur
from dispositifs.models import Organisme


class OperationImpossible(Exception):
    pass


@transaction.atomic
def inviter_operateur(*, courriel: str, prenom: str, nom: str, organisme: Organisme, invite_par, request):
    """Ouvre (ou complète) le compte opérateur de `courriel`, membre de `organisme`, et lui écrit."""
    compte = compte_operateur(courriel=courriel, prenom=prenom, nom=nom, organisme=organisme)
    contexte = {
        "compte": compte,
        "organisme": organisme,
        "invite_par": invite_par,
        **lien_mot_de_passe(compte, request),
    }
    transaction.on_commit(lambda: envoyer("invitation", contexte, [compte.email]))
    return compte


@transaction.atomic
def demander_inscription(*, demande: DemandeInscription, request) -> DemandeInscription:
    """Enregistre une demande (pas encore sauvée) ; accusé de réception au demandeur, avis aux agents ARS."""
    demande.save()
    contexte = {
        "demande": demande,
        "url_demandes": request.build_absolute_uri(reverse("comptes:demandes_inscription")),
    }
    agents = list(
        Utilisateur.objects.filter(
            is_active=True, role__in=(Role.PLANIFICATEUR, Role.INSTRUCTEUR), region=demande.region
        ).values_list("email", flat=True)
    )
    transaction.on_commit(lambda: envoyer("inscription_recue", contexte, [demande.courriel]))
    transaction.on_commit(lambda: envoyer("inscription_a_traiter", contexte, agents))
    return demande


@transaction.atomic
def accepter_demande(*, demande: DemandeInscription, par, request) -> Utilisateur:
    """L'organisme est retrouvé par son SIREN (ou créé), puis le compte est ouvert comme pour une invitation."""
    reclamer(demande, par=par, statut=StatutDemande.ACCEPTEE)
    organisme, _ = Organisme.objects.get_or_create(
        siren=demande.siren, defaults={"nom": demande.nom_organisme, "statut_juridique": demande.statut_juridique}
    )
    compte = compte_operateur(courriel=demande.courriel, prenom=demande.prenom, nom=demande.nom, organisme=organisme)
    contexte = {"compte": compte, "organisme": organisme, "demande": demande, **lien_mot_de_passe(compte, request)}
    transaction.on_commit(lambda: envoyer("inscription_acceptee", contexte, [compte.email]))
    return compte


@transaction.atomic
def refuser_demande(*, demande: DemandeInscription, par, motif: str) -> DemandeInscription:
    if not motif.strip():
        raise OperationImpossible("Indiquez le motif du refus : il est envoyé au demandeur.")
    reclamer(demande, par=par, statut=StatutDemande.REFUSEE, motif_refus=motif.strip())
    demande.refresh_from_db()
    transaction.on_commit(lambda: envoyer("inscription_refusee", {"demande": demande}, [demande.courriel]))
    return demande


def reclamer(demande: DemandeInscription, *, par, statut: StatutDemande, **champs):
    """Passe la demande de « en attente » à `statut` : 0 ligne modifiée, elle avait déjà été traitée."""
    traitees = DemandeInscription.objects.filter(pk=demande.pk, statut=StatutDemande.EN_ATTENTE).update(
        statut=statut, traitee_par=par, traitee_le=timezone.now(), **champs
    )
    if not traitees:
        raise OperationImpossible("Cette demande a déjà été traitée : rien n'a été modifié.")


def compte_operateur(*, courriel: str, prenom: str, nom: str, organisme: Organisme) -> Utilisateur:
    """Le compte opérateur actif de ce courriel, créé sans mot de passe utilisable s'il n'existe pas."""
    courriel = courriel.strip().lower()
    compte = Utilisateur.objects.filter(email__iexact=courriel).first()
    if compte is None:
        compte = Utilisateur.objects.create_user(courriel, None, role=Role.OPERATEUR, first_name=prenom, last_name=nom)
    elif compte.role != Role.OPERATEUR:
        raise OperationImpossible(
            f"{courriel} est déjà le courriel d'un compte « {compte.get_role_display()} » : "
            "il ne peut pas devenir un compte opérateur. Demandez une autre adresse."
        )
    elif not compte.is_active:
        compte.is_active = True
        compte.save(update_fields=["is_active"])
    compte.organismes.add(organisme)
    return compte


def lien_mot_de_passe(compte: Utilisateur, request) -> dict:
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


def envoyer(nom: str, contexte: dict, destinataires: list[str]):
    if destinataires:
        send_mail(
            render_to_string(f"comptes/email/{nom}_subject.txt", contexte).strip(),
            render_to_string(f"comptes/email/{nom}_body.txt", contexte),
            None,
            destinataires,
        )
