"""Un seul chemin vers le PDF : gabarit Django → HTML → WeasyPrint, pour les vues comme pour les tâches."""

from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    """Les gabarits PDF portent leur propre CSS et n'appellent aucune ressource extérieure."""
    from weasyprint import HTML  # ~0,9 s d'import : chargé seulement quand un PDF est demandé

    return HTML(string=render_to_string(template_name, context)).write_pdf()
