"""La carte du tableau de bord : les départements du périmètre (les régions pour la France) colorés par classe de
valeur. Les contours des régions sont construits depuis ceux de leurs départements (territoires/contours.py).

Elle reprend le dessin des départements de la cartographie (dispositifs.cartographie) et ne colore qu'avec des
attributs `fill`, sans style en ligne ; le gabarit indicateurs/tableau/_carte_svg.html l'écrit en SVG. Une valeur
masquée par le secret statistique est grisée et dit « secret ».
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from dispositifs.cartographie import Zone, dessiner_carte
from indicateurs.graphiques.nombres import nombre
from indicateurs.secret import LIBELLE_SECRET
from indicateurs.tableau_de_bord import TableauDeBord
from territoires.models import Niveau

# Classes du plus clair au plus foncé, puis les cas sans couleur de valeur.
TEINTES = ("#e3e3fd", "#b1b1f9", "#6a6af4", "#000091")
TEXTE_SUR_TEINTE = ("#161616", "#161616", "#ffffff", "#ffffff")
SANS_DONNEE = "#f6f6f6"
TEINTE_SECRET = "#cecece"
HAUTEUR_LIGNE_LEGENDE = 24
ELEMENTS_PAR_LIGNE = 3


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


def colorer(tableau: TableauDeBord) -> CarteIndicateur | None:
    """Les départements du périmètre (les régions pour la France) colorés par la mesure choisie ; None sans
    contours chargés."""
    valeurs = {v.departement.pk: v for v in tableau.carte}
    regions = tableau.territoire.niveau == Niveau.PAYS  # les lignes de la France sont ses régions
    departements = [d for d in tableau.departements if d.geometrie_texte is not None]
    if not departements:
        return None
    dessin = dessiner_carte(
        [Zone(d.code, d.nom, d.geometrie_texte, 0, outre_mer=d.est_outre_mer) for d in departements],
        encarts_outre_mer=regions,
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
        titre=f"Carte : {tableau.libelle_mesure}, {tableau.libelle_periode}",
        description=f"{'Chaque région est colorée' if regions else 'Chaque département est coloré'} selon sa classe "
        "de valeur ; les mêmes chiffres figurent dans le tableau « Voir les données » de la carte.",
    )


def _colorer(trace, valeur, tableau: TableauDeBord, limites) -> TraceColoree:
    mesure = valeur.mesure(tableau.mesure) if valeur else None
    if valeur is not None and valeur.cellule.secret:
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
