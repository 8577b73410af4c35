"""Les graphiques du tableau de bord, dessinés côté serveur en SVG : les mêmes servent la page et le PDF.

Courbes et barres (courbes.py) : pygal, sans script ni infobulles, en cache sous l'empreinte de ce qu'elles
montrent. La carte (carte.py) : les départements colorés par classe de valeur, sans style en ligne.

Le PDF reçoit chaque graphique en image (<img src="data:image/svg+xml…">) plutôt qu'en SVG dans le HTML :
WeasyPrint dessine alors le SVG seul, sans l'analyser comme du HTML ni lui appliquer la cascade du document.

Une valeur masquée par le secret statistique n'entre jamais dans un graphique : elle y manque, et le tableau
de données qui accompagne chaque graphique écrit « secret ».
"""

import base64

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from indicateurs.graphiques import carte
from indicateurs.graphiques.courbes import departements, evolution
from indicateurs.tableau_de_bord import TableauDeBord


def dessiner(tableau: TableauDeBord, *, nonce: str | None = None) -> dict:
    """Tous les graphiques du tableau de bord, pour le gabarit de la page ou du PDF (où `pour_le_pdf` remplit
    `carte_image`)."""
    if tableau.est_vide or tableau.indicateur is None:
        return {"evolution": "", "departements": "", "carte": None, "carte_image": ""}
    return {
        "evolution": evolution(tableau, nonce=nonce),
        "departements": departements(tableau, nonce=nonce),
        "carte": carte.colorer(tableau),
        "carte_image": "",
    }


def pour_le_pdf(dessins: dict) -> dict:
    """Les mêmes graphiques en images SVG (data:) : WeasyPrint les dessine sans les faire passer par l'analyse
    HTML ni par la cascade CSS du document, qui coûtent plus que le dessin lui-même."""
    if not dessins.get("carte") and not dessins.get("evolution"):
        return dessins
    coloree = dessins["carte"]
    svg_carte = render_to_string("indicateurs/tableau/_carte_svg.html", {"carte": coloree}) if coloree else ""
    return {
        **dessins,
        "evolution": en_image(dessins["evolution"]),
        "departements": en_image(dessins["departements"]),
        "carte_image": en_image(svg_carte, classe="carte-indicateur", titre=coloree.titre if coloree else ""),
    }


def en_image(svg: str, *, classe: str = "", titre: str = "") -> SafeString:
    """Un SVG en <img> autonome ; son texte de remplacement est son nom accessible."""
    if not svg:
        return mark_safe("")
    donnees = base64.b64encode(svg.strip().encode()).decode("ascii")
    attributs = f' class="{classe}"' if classe else ""
    return mark_safe(  # noqa: S308 — des données base64 et des textes échappés
        f'<img{attributs} alt="{escape(titre)}" src="data:image/svg+xml;base64,{donnees}">'
    )
