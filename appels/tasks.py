from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from appels import candidatures
from appels.lettre import lignes_lisibles
from appels.models import Depot
from commun.pdf import render_pdf


@shared_task
def generer_accuse(depot_id: int) -> str:
    """Produit l'accusé de dépôt (PDF) et l'envoie au déposant ; ne refait rien s'il existe déjà."""
    depot = Depot.objects.select_related("candidature__appel__region", "candidature__organisme", "depose_par").get(
        pk=depot_id
    )
    if depot.accuse:
        return depot.accuse.name
    pdf = render_pdf("appels/pdf/accuse.html", {"depot": depot, "resume": resume(depot)})
    depot.accuse.save(f"accuse-{depot.numero}.pdf", ContentFile(pdf), save=True)
    envoyer_accuse(depot, pdf)
    return depot.accuse.name


def resume(depot) -> dict:
    """Les quelques champs que l'accusé reprend, lisibles, même si la lettre déposée en omet."""
    lignes = dict(lignes_lisibles(depot.contenu.get("lettre", {}), depot.candidature.appel))
    return {
        "dispositif": lignes.get("Dispositif envisagé", "—"),
        "budget": lignes.get("Budget annuel demandé (€)", "—"),
        "pieces": depot.contenu.get("pieces", []),
    }


def envoyer_accuse(depot, pdf: bytes):
    contexte = {"depot": depot}
    message = EmailMessage(
        subject=render_to_string("appels/email/depot_subject.txt", contexte).strip(),
        body=render_to_string("appels/email/depot_body.txt", contexte),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[depot.depose_par.email],
    )
    message.attach(f"accuse-{depot.numero}.pdf", pdf, "application/pdf")
    message.send()


@shared_task
def mettre_en_instruction() -> int:
    """Beat, chaque minute : les appels échus passent en instruction."""
    return candidatures.mettre_en_instruction()


@shared_task
def relancer_brouillons() -> int:
    """Beat, chaque heure : rappel des brouillons non déposés à moins de 48 h de la date limite."""
    return candidatures.relancer_brouillons()
