"""Courbes et barres du tableau de bord, dessinées par pygal en SVG.

pygal y met un script (infobulles), un groupe d'infobulles et des <desc> qui les nourrissent (trois par point :
autant d'éléments que le navigateur et WeasyPrint traiteraient pour rien) : on les retire. Sa feuille de style,
propre à chaque graphique, reste dans le SVG et porte le nonce de la politique de sécurité du contenu quand la
page en donne un (WeasyPrint n'en a pas besoin). Dessiner avec pygal coûte des dizaines de millisecondes : le SVG
est gardé en cache, sous l'empreinte de tout ce qu'il montre (titre, étiquettes, valeurs), et le nonce, propre à
chaque réponse, n'y est posé qu'à la sortie.
"""

import hashlib
import sys
from decimal import Decimal

import pygal
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from indicateurs.graphiques.nombres import nombre
from indicateurs.secret import LIBELLE_SECRET
from indicateurs.tableau_de_bord import TableauDeBord

# pygal ajoute à sys.meta_path un chercheur de modules (cartes « pygal.maps.* », dont nous ne nous servons pas)
# à l'ancienne interface find_module : chaque import suivant lève alors un ImportWarning. On le retire.
sys.meta_path[:] = [chercheur for chercheur in sys.meta_path if not isinstance(chercheur, pygal.PluginImportFixer)]

# Couleurs du système de design de l'État (DSFR) : bleu France, puis des teintes illustratives contrastées.
COULEURS = (
    "#000091",
    "#c9191e",
    "#18753c",
    "#b34000",
    "#6e445a",
    "#0063cb",
    "#695240",
    "#716043",
    "#a558a0",
    "#3a3a3a",
    "#009081",
    "#e4794a",
)
STYLE = Style(
    font_family="Marianne, Arial, sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#3a3a3a",
    foreground_strong="#161616",
    foreground_subtle="#929292",
    guide_stroke_color="#dddddd",
    major_guide_stroke_color="#cecece",
    colors=COULEURS,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    title_font_size=16,
    value_font_size=12,
    no_data_font_size=18,
    opacity=".9",
    stroke_width=2.5,
    transition="0ms",
)
# Les barres : une seule couleur, leur valeur écrite en blanc au milieu.
STYLE_BARRES = Style(**{**STYLE.to_dict(), "colors": ("#000091",), "value_colors": ("#ffffff",)})
# Au-delà, les étiquettes de périodes s'inclinent pour ne pas se chevaucher ; puis une sur deux (ou moins).
ETIQUETTES_INCLINEES = 6
ETIQUETTES_MAX = 12

# Le SVG d'un graphique ne dépend que de ce qu'il montre : sa clé de cache en est l'empreinte. La version change
# quand le dessin change (style, options), pour ne pas resservir un ancien SVG.
VERSION_DESSIN = "graphiques-2"
DUREE_CACHE = 24 * 3600
STYLE_SVG = '<style type="text/css">'


def pour_graphique(valeur: Decimal | None) -> float | None:
    return None if valeur is None else float(valeur)


# pygal ------------------------------------------------------------------------------------------------------


def _epurer(titre: str):
    """Filtre XML passé à pygal : sans script, ni infobulles, ni les <desc> qui les nourrissent (rien
    d'exécutable, deux fois moins d'éléments), et un nom accessible pour le SVG."""

    def filtre(racine):
        for parent in list(racine.iter()):
            for enfant in list(parent):
                balise = enfant.tag if isinstance(enfant.tag, str) else ""
                classes = (enfant.get("class") or "").split()
                if balise.endswith(("script", "desc")) or "tooltip-overlay" in classes:
                    parent.remove(enfant)
        racine.set("role", "img")
        racine.set("aria-label", titre)
        return racine

    return filtre


def _en_cache(nature: str, donnees: tuple, dessiner) -> str:
    """Le SVG sans nonce de `dessiner()`, lu dans le cache sous l'empreinte de `donnees` quand il y est."""
    empreinte = hashlib.sha256(repr((VERSION_DESSIN, nature, donnees)).encode()).hexdigest()
    cle = f"indicateurs:graphique:{empreinte}"
    svg = cache.get(cle)
    if svg is None:
        svg = dessiner()
        cache.set(cle, svg, DUREE_CACHE)
    return svg


def _avec_nonce(svg: str, nonce: str | None) -> SafeString:
    """La feuille de style du SVG autorisée par le nonce de la réponse (politique de sécurité du contenu)."""
    if nonce:
        svg = svg.replace(STYLE_SVG, f'<style type="text/css" nonce="{escape(nonce)}">')
    return mark_safe(svg)  # noqa: S308 — SVG produit par pygal depuis nos nombres


def _configurer(graphique, titre: str, style: Style = STYLE):
    graphique.config(
        js=[],
        disable_xml_declaration=True,
        style=style,
        value_formatter=nombre,
        no_data_text="Aucune donnée",
        legend_at_bottom=True,
        legend_at_bottom_columns=4,
        truncate_legend=-1,
        truncate_label=-1,
        allow_interruptions=True,
        margin=16,
    )
    graphique.add_xml_filter(_epurer(titre))
    return graphique


def evolution(tableau: TableauDeBord, *, nonce: str | None = None) -> SafeString:
    """L'indicateur choisi au fil des périodes : une courbe par type, et tous types confondus."""
    indicateur = tableau.indicateur
    titre = (
        f"{indicateur.libelle if indicateur else 'Indicateur'} ({indicateur.unite if indicateur else ''}) : évolution"
    )
    etiquettes = [point.libelle for point in tableau.evolution]
    courbes = [
        (type_.sigle, [pour_graphique(p.cellules[i].affichee) for p in tableau.evolution])
        for i, type_ in enumerate(tableau.types)
    ]
    total = [pour_graphique(p.total.affichee) for p in tableau.evolution] if len(tableau.types) > 1 else None
    svg = _en_cache(
        "evolution",
        (titre, etiquettes, courbes, total),
        lambda: _dessiner_evolution(titre, etiquettes, courbes, total),
    )
    return _avec_nonce(svg, nonce)


def _dessiner_evolution(titre: str, etiquettes: list[str], courbes: list, total: list | None) -> str:
    une_seule = len(etiquettes) == 1
    graphique = _configurer(
        (pygal.Bar if une_seule else pygal.Line)(width=800, height=400, dots_size=3, include_x_axis=True), titre
    )
    graphique.x_labels = etiquettes
    if len(etiquettes) > ETIQUETTES_INCLINEES:
        graphique.config(x_label_rotation=-35)
    if len(etiquettes) > ETIQUETTES_MAX:
        graphique.config(x_labels_major_count=ETIQUETTES_MAX, show_minor_x_labels=False)
    graphique.config(legend_at_bottom_columns=min(6, len(courbes) + 1))
    for sigle, valeurs in courbes:
        graphique.add(sigle, valeurs)
    if total is not None:
        graphique.add("Tous types", total, stroke_style={"width": 4})
    return graphique.render(is_unicode=True)


def departements(tableau: TableauDeBord, *, nonce: str | None = None) -> SafeString:
    """Tous types confondus, une barre par département, à la dernière période."""
    # pygal dessine la première barre en bas : à l'envers, le premier département est en haut.
    lignes = list(reversed(tableau.croisement.lignes)) if tableau.croisement else []
    indicateur = tableau.indicateur
    titre = f"{indicateur.libelle if indicateur else ''} par {tableau.libelle_ligne}, {tableau.libelle_periode}"
    etiquettes = [f"{ligne.territoire}" + (f" : {LIBELLE_SECRET}" if ligne.total.secret else "") for ligne in lignes]
    serie = (indicateur.libelle if indicateur else "", [pour_graphique(ligne.total.affichee) for ligne in lignes])
    svg = _en_cache(
        "departements", (titre, etiquettes, serie), lambda: _dessiner_departements(titre, etiquettes, serie)
    )
    return _avec_nonce(svg, nonce)


def _dessiner_departements(titre: str, etiquettes: list[str], serie: tuple) -> str:
    graphique = _configurer(
        pygal.HorizontalBar(
            width=800,
            height=max(160, 60 + 34 * len(etiquettes)),
            show_legend=False,
            print_values=True,
            print_values_position="center",
        ),
        titre,
        STYLE_BARRES,
    )
    graphique.x_labels = etiquettes
    graphique.add(*serie)
    return graphique.render(is_unicode=True)
