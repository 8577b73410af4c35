"""Les graphiques du tableau de bord, dessinés côté serveur en SVG : les mêmes servent la page et le PDF.

Courbes et barres : pygal, dont on retire le script (infobulles), le groupe d'infobulles et les <desc> qui les
nourrissent (trois par point : autant d'éléments que le navigateur et WeasyPrint traiteraient pour rien) ; sa
feuille de style, propre à chaque graphique, reste dans le SVG et porte le nonce de la politique de sécurité du
contenu quand la page en donne un (WeasyPrint n'en a pas besoin). Dessiner avec pygal coûte des dizaines de
millisecondes : le SVG est gardé en cache, sous l'empreinte de tout ce qu'il montre (titre, étiquettes, valeurs),
et le nonce, propre à chaque réponse, n'y est posé qu'à la sortie. La carte reprend le dessin des départements de
la cartographie (dispositifs.cartographie) et ne colore qu'avec des attributs `fill`, sans style en ligne.

Le PDF reçoit chaque graphique en image (<img src="data:image/svg+xml…">) plutôt qu'en SVG dans le HTML :
WeasyPrint dessine alors le SVG seul, sans l'analyser comme du HTML ni lui appliquer la cascade du document.

Une valeur masquée par le secret statistique n'entre jamais dans un graphique : elle y manque, et le tableau
de données qui accompagne chaque graphique écrit « secret ».
"""

import base64
import hashlib
import math
import sys
from dataclasses import dataclass
from decimal import Decimal

import pygal
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from dispositifs.cartographie import Zone, dessiner_carte
from indicateurs.secret import LIBELLE_SECRET
from indicateurs.tableau import Mesure, TableauDeBord

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

# La carte : classes du plus clair au plus foncé, puis les cas sans couleur de valeur.
TEINTES = ("#e3e3fd", "#b1b1f9", "#6a6af4", "#000091")
TEXTE_SUR_TEINTE = ("#161616", "#161616", "#ffffff", "#ffffff")
SANS_DONNEE = "#f6f6f6"
TEINTE_SECRET = "#cecece"
HAUTEUR_LIGNE_LEGENDE = 24
ELEMENTS_PAR_LIGNE = 3

# Le SVG d'un graphique ne dépend que de ce qu'il montre : sa clé de cache en est l'empreinte. La version change
# quand le dessin change (style, options), pour ne pas resservir un ancien SVG.
VERSION_DESSIN = "graphiques-2"
DUREE_CACHE = 24 * 3600
STYLE_SVG = '<style type="text/css">'


def nombre(valeur) -> str:
    """« 1 234 », « 87,5 » : nombres à la française, entiers sans décimales."""
    if valeur is None:
        return "—"
    valeur = Decimal(str(valeur))
    decimales = 0 if valeur == valeur.to_integral_value() else 2
    texte = number_format(valeur, decimal_pos=decimales, force_grouping=True)
    return texte.rstrip("0").rstrip(",") if decimales else texte


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
        (type_.sigle, [pour_graphique(p.cases[i].affichee) for p in tableau.evolution])
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
    lignes = list(reversed(tableau.croise.lignes)) if tableau.croise else []
    indicateur = tableau.indicateur
    titre = f"{indicateur.libelle if indicateur else ''} par département, {tableau.libelle_periode}"
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


# La carte -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceColoree:
    code: str
    d: str
    couleur: str
    couleur_texte: str
    titre: str
    texte: str
    x: float
    y: float


@dataclass(frozen=True)
class ElementLegende:
    couleur: str
    libelle: str
    x: float
    y: float

    @property
    def texte_x(self) -> float:
        return self.x + 30

    @property
    def texte_y(self) -> float:
        return self.y + 12


@dataclass(frozen=True)
class CarteIndicateur:
    largeur: int
    hauteur: int
    hauteur_carte: int
    traces: list[TraceColoree]
    encarts: list
    etiquettes: bool
    legende: list[ElementLegende]
    titre: str
    description: str


def bornes(valeurs: list[Decimal]) -> list[Decimal]:
    """Les limites hautes de classes d'effectifs voisins (quartiles), sans doublon : au plus len(TEINTES)."""
    triees = sorted(valeurs)
    if not triees:
        return []
    limites = [triees[min(len(triees) - 1, math.ceil(len(triees) * k / len(TEINTES)) - 1)] for k in range(1, 5)]
    return sorted(set(limites))


def classe(valeur: Decimal, limites: list[Decimal]) -> int:
    return next(i for i, limite in enumerate(limites) if valeur <= limite)


def carte(tableau: TableauDeBord) -> CarteIndicateur | None:
    """Les départements du périmètre colorés par la mesure choisie ; None sans contours chargés."""
    valeurs = {v.departement.pk: v for v in tableau.carte}
    departements = [d for d in tableau.departements if hasattr(d, "contour")]
    if not departements:
        return None
    dessin = dessiner_carte(
        [Zone(d.code, d.nom, d.contour.geometrie, 0) for d in departements],
        encarts_outre_mer=len(departements) > 20,
    )
    par_code = {d.code: valeurs.get(d.pk) for d in departements}
    mesures = [v.mesure(tableau.mesure) for v in par_code.values() if v is not None]
    limites = bornes([m for m in mesures if m is not None])
    traces = [_colorer(trace, par_code[trace.code], tableau, limites) for trace in dessin.traces]
    legende = _legende(limites, traces, dessin.hauteur + 36)
    lignes_legende = math.ceil(len(legende) / ELEMENTS_PAR_LIGNE)
    return CarteIndicateur(
        largeur=dessin.largeur,
        hauteur=dessin.hauteur + 44 + lignes_legende * HAUTEUR_LIGNE_LEGENDE,
        hauteur_carte=dessin.hauteur,
        traces=traces,
        encarts=dessin.encarts,
        etiquettes=dessin.etiquettes,
        legende=legende,
        titre=f"Carte : {_libelle_mesure(tableau)}, {tableau.libelle_periode}",
        description="Chaque département est coloré selon sa classe de valeur ; les mêmes chiffres figurent dans le "
        "tableau « Voir les données » de la carte.",
    )


def _libelle_mesure(tableau: TableauDeBord) -> str:
    indicateur = tableau.indicateur.libelle.lower() if tableau.indicateur else ""
    if tableau.mesure == Mesure.POUR_100K:
        return f"{indicateur} pour 100 000 habitants"
    return f"{indicateur} ({tableau.indicateur.unite})" if tableau.indicateur else indicateur


def _colorer(trace, valeur, tableau: TableauDeBord, limites) -> TraceColoree:
    mesure = valeur.mesure(tableau.mesure) if valeur else None
    if valeur is not None and valeur.case.secret:
        couleur, couleur_texte, texte = TEINTE_SECRET, "#161616", LIBELLE_SECRET
    elif mesure is None:
        couleur, couleur_texte, texte = SANS_DONNEE, "#3a3a3a", "—"
    else:
        i = classe(mesure, limites)
        couleur, couleur_texte, texte = TEINTES[i], TEXTE_SUR_TEINTE[i], nombre(mesure)
    nom = trace.titre.split(" : ")[0]
    return TraceColoree(trace.code, trace.d, couleur, couleur_texte, f"{nom} : {texte}", texte, trace.x, trace.y)


def _legende(limites, traces: list[TraceColoree], y0: float) -> list[ElementLegende]:
    """Une pastille par classe (« jusqu'à 12 », « de 12 à 40 »…), puis le secret et l'absence de données s'il y
    en a sur la carte."""
    libelles, bas = [], None
    for i, limite in enumerate(limites):
        libelle = f"jusqu'à {nombre(limite)}" if bas is None else f"plus de {nombre(bas)}, jusqu'à {nombre(limite)}"
        libelles.append((TEINTES[i], libelle))
        bas = limite
    couleurs = {trace.couleur for trace in traces}
    if TEINTE_SECRET in couleurs:
        libelles.append((TEINTE_SECRET, "secret statistique"))
    if SANS_DONNEE in couleurs:
        libelles.append((SANS_DONNEE, "aucune donnée"))
    largeur = 624 / ELEMENTS_PAR_LIGNE
    return [
        ElementLegende(couleur, libelle, 8 + (i % ELEMENTS_PAR_LIGNE) * largeur, y0 + (i // ELEMENTS_PAR_LIGNE) * 24)
        for i, (couleur, libelle) in enumerate(libelles)
    ]


def dessiner(tableau: TableauDeBord, *, nonce: str | None = None) -> dict:
    """Tous les graphiques du tableau de bord, pour le gabarit de la page ou du PDF (où `pour_le_pdf` remplit
    `carte_image`)."""
    if tableau.est_vide or tableau.indicateur is None:
        return {"evolution": "", "departements": "", "carte": None, "carte_image": ""}
    return {
        "evolution": evolution(tableau, nonce=nonce),
        "departements": departements(tableau, nonce=nonce),
        "carte": carte(tableau),
        "carte_image": "",
    }


def pour_le_pdf(dessins: dict) -> dict:
    """Les mêmes graphiques en images SVG (data:) : WeasyPrint les dessine sans les faire passer par l'analyse
    HTML ni par la cascade CSS du document, qui coûtent plus que le dessin lui-même."""
    if not dessins.get("carte") and not dessins.get("evolution"):
        return dessins
    carte = dessins["carte"]
    svg_carte = render_to_string("indicateurs/tableau/_carte_svg.html", {"carte": carte}) if carte else ""
    return {
        **dessins,
        "evolution": en_image(dessins["evolution"]),
        "departements": en_image(dessins["departements"]),
        "carte_image": en_image(svg_carte, classe="carte-indicateur", titre=carte.titre if carte else ""),
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
