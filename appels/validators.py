from django.core.exceptions import ValidationError

TAILLE_MAX_PDF = 10 * 1024 * 1024


def valider_pdf(fichier):
    """Un vrai PDF (signature %PDF- en tête de fichier, pas seulement l'extension) de 10 Mo au plus."""
    if fichier.size > TAILLE_MAX_PDF:
        raise ValidationError(f"Le fichier dépasse 10 Mo ({fichier.size / 1024 / 1024:.1f} Mo).", code="trop_lourd")
    position = fichier.tell()
    fichier.seek(0)
    entete = fichier.read(5)
    fichier.seek(position)
    if entete != b"%PDF-":
        raise ValidationError("Ce fichier n'est pas un PDF : seul le format PDF est accepté.", code="pas_un_pdf")
