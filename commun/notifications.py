"""Tous les courriels de l'application partent d'ici.

Un courriel est un gabarit en deux fichiers, `templates/<nom>_subject.txt` et `templates/<nom>_body.txt`
(ex. « appels/email/decision »), rendus avec le même contexte. Sans destinataire, rien ne part.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage
from django.template.loader import render_to_string


@dataclass(frozen=True)
class PieceJointe:
    nom: str
    contenu: bytes
    type_mime: str = "application/pdf"


def envoyer(gabarit: str, contexte: dict, destinataires: Iterable[str], *, pieces: Iterable[PieceJointe] = ()):
    """Rend le gabarit et l'envoie aux destinataires ; ne fait rien sans destinataire."""
    destinataires = list(destinataires)
    if not destinataires:
        return
    message = EmailMessage(
        subject=render_to_string(f"{gabarit}_subject.txt", contexte).strip(),
        body=render_to_string(f"{gabarit}_body.txt", contexte),
        to=destinataires,
    )
    for piece in pieces:
        message.attach(piece.nom, piece.contenu, piece.type_mime)
    message.send()


def membres_actifs(organisme) -> list[str]:
    """Les adresses des comptes actifs d'un organisme : ceux qu'on prévient de ce qui arrive à ses dossiers."""
    return list(organisme.membres.filter(is_active=True).values_list("email", flat=True))
