"""La carte des dispositifs : les départements dessinés en SVG côté serveur, depuis leurs contours GeoJSON.

Projection équirectangulaire simple : x = longitude × cos(latitude moyenne), y = −latitude, puis mise à
l'échelle dans le cadre. Elle suffit à l'échelle d'une région ou de la métropole. Dans la vue nationale, les
départements d'outre-mer sont dessinés chacun dans un encart, à sa propre échelle.

Le module ne lit pas la base : il reçoit des `Zone` et rend une `Carte` que le gabarit écrit en SVG.

Les contours ne changent presque jamais, les nombres à chaque déclaration : quand les zones portent leur contour
en texte GeoJSON (tel que la base le rend), le décodage et le tracé (chemins, centres, encarts) sont mémorisés
dans le processus, avec pour clé ces textes eux-mêmes — un contour modifié fait une autre clé, jamais un dessin
périmé. Seuls les nombres, classes et titres sont refaits à chaque requête.
"""

import functools
import json
import math
from dataclasses import dataclass

from django.utils.safestring import mark_safe

LARGEUR = 640
HAUTEUR_MAX = 600
MARGE = 8
HAUTEUR_ENCART = 120
ECART = 8
# Au-delà, les nombres écrits sur les départements se chevaucheraient (vue nationale).
ZONES_MAX_ETIQUETEES = 30

# Classes de remplissage selon le nombre de dispositifs : (minimum, maximum ou None, libellé de légende).
CLASSES = [(0, 0, "aucun"), (1, 1, "1"), (2, 4, "2 à 4"), (5, 9, "5 à 9"), (10, None, "10 et plus")]


def classe_pour(nombre: int) -> int:
    return next(i for i, (mini, maxi, _) in enumerate(CLASSES) if nombre >= mini and (maxi is None or nombre <= maxi))


def legende() -> list[dict]:
    return [{"classe": i, "libelle": libelle} for i, (_, _, libelle) in enumerate(CLASSES)]


def est_outre_mer(code: str) -> bool:
    return code.startswith("97")


@dataclass(frozen=True)
class Zone:
    """Ce que la carte sait d'un département : code, nom, géométrie GeoJSON (décodée, ou son texte : le dessin est
    alors mémorisé) et nombre de dispositifs."""

    code: str
    nom: str
    geometrie: dict | str
    nombre: int
    selection: bool = False
    outre_mer: bool | None = None  # None : selon le code du département (97x) ; une région le dit elle-même


def en_encart(zone: Zone) -> bool:
    return est_outre_mer(zone.code) if zone.outre_mer is None else zone.outre_mer


@dataclass(frozen=True)
class Trace:
    """Un département dessiné : son chemin SVG, sa classe de remplissage et la place de son étiquette."""

    code: str
    d: str
    classe: int
    titre: str
    nombre: int
    selection: bool
    x: float
    y: float


@dataclass(frozen=True)
class Encart:
    x: float
    y: float
    largeur: float
    hauteur: float
    nom: str

    @property
    def texte_x(self) -> float:
        return round(self.x + 6, 1)

    @property
    def texte_y(self) -> float:
        return round(self.y + 16, 1)


@dataclass(frozen=True)
class Carte:
    largeur: int
    hauteur: int
    traces: list[Trace]
    encarts: list[Encart]
    etiquettes: bool


def polygones(geometrie: dict) -> list:
    """Les polygones d'une géométrie Polygon ou MultiPolygon, chacun une liste d'anneaux [lon, lat]."""
    if geometrie["type"] == "Polygon":
        return [geometrie["coordinates"]]
    if geometrie["type"] == "MultiPolygon":
        return geometrie["coordinates"]
    raise ValueError(f"Géométrie non gérée : {geometrie['type']}")


class Projection:
    """Projette des longitudes et latitudes dans un cadre (x, y, largeur, hauteur maximale), centrées."""

    def __init__(self, geometries: list[dict], x: float, y: float, largeur: float, hauteur_max: float, centrer=False):
        points = [p for g in geometries for poly in polygones(g) for anneau in poly for p in anneau]
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        self.cos = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.ouest, self.nord = min(lons) * self.cos, max(lats)
        etendue_x = max((max(lons) - min(lons)) * self.cos, 1e-9)
        etendue_y = max(max(lats) - min(lats), 1e-9)
        self.echelle = min(largeur / etendue_x, hauteur_max / etendue_y)
        self.hauteur = etendue_y * self.echelle
        self.x0 = x + (largeur - etendue_x * self.echelle) / 2
        self.y0 = y + ((hauteur_max - self.hauteur) / 2 if centrer else 0)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            round(self.x0 + (lon * self.cos - self.ouest) * self.echelle, 1),
            round(self.y0 + (self.nord - lat) * self.echelle, 1),
        )


def projeter(geometrie: dict, projection: Projection) -> list[list[list[tuple[float, float]]]]:
    """Les anneaux de chaque polygone, projetés une fois : le chemin et le centre les lisent tous deux."""
    return [
        [[projection(lon, lat) for lon, lat in anneau] for anneau in polygone] for polygone in polygones(geometrie)
    ]


def chemin_svg(projetes: list) -> str:
    """L'attribut d d'un <path> : un sous-chemin fermé par anneau (trous compris, remplis en evenodd)."""
    sous_chemins = []
    for polygone in projetes:
        for anneau in polygone:
            points = []
            for point in anneau:
                if not points or points[-1] != point:
                    points.append(point)
            if len(points) > 2:
                sous_chemins.append("M" + " ".join(f"{x:g},{y:g}" for x, y in points) + "Z")
    return "".join(sous_chemins)


def centre(projetes: list) -> tuple[float, float]:
    """Le centroïde du plus grand anneau extérieur, pour y écrire le nombre de dispositifs."""
    meilleur, aire_max = (0.0, 0.0), -1.0
    for polygone in projetes:
        points = polygone[0]
        aire = cx = cy = 0.0
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            produit = x1 * y2 - x2 * y1
            aire += produit
            cx += (x1 + x2) * produit
            cy += (y1 + y2) * produit
        if abs(aire) > aire_max and aire:
            aire_max = abs(aire)
            meilleur = (round(cx / (3 * aire), 1), round(cy / (3 * aire), 1))
    return meilleur


@functools.lru_cache(maxsize=512)
def _decoder(texte: str) -> dict:
    return json.loads(texte)


def geometrie_de(geometrie: dict | str) -> dict:
    return _decoder(geometrie) if isinstance(geometrie, str) else geometrie


@dataclass(frozen=True)
class _Forme:
    """La part d'un tracé qui ne dépend que des contours : chemin et place de l'étiquette."""

    d: str
    x: float
    y: float


def _former(geometrie: dict, projection: Projection) -> _Forme:
    projetes = projeter(geometrie, projection)
    x, y = centre(projetes)
    # Des chiffres, des virgules, des espaces, M et Z : rien à échapper dans les ~900 Ko de la carte de France.
    return _Forme(mark_safe(chemin_svg(projetes)), x, y)


def tracer(zone: Zone, forme: _Forme) -> Trace:
    pluriel = "s" if zone.nombre > 1 else ""
    return Trace(
        code=zone.code,
        d=forme.d,
        classe=classe_pour(zone.nombre),
        titre=f"{zone.nom} ({zone.code}) : {zone.nombre} dispositif{pluriel}",
        nombre=zone.nombre,
        selection=zone.selection,
        x=forme.x,
        y=forme.y,
    )


def _dessiner(contours: tuple, encarts_outre_mer: bool) -> tuple[list[_Forme], list[Encart], float]:
    """Les formes (dans l'ordre des contours), les encarts et la hauteur du dessin ; `contours` : un triplet
    (nom, géométrie, en encart) par zone."""
    a_part = [i for i, (_, _, encart) in enumerate(contours) if encarts_outre_mer and encart]
    principales = [i for i, (_, _, encart) in enumerate(contours) if not (encarts_outre_mer and encart)]
    formes, hauteur = {}, MARGE
    if principales:
        geometries = [geometrie_de(contours[i][1]) for i in principales]
        projection = Projection(geometries, MARGE, MARGE, LARGEUR - 2 * MARGE, HAUTEUR_MAX)
        formes = {i: _former(g, projection) for i, g in zip(principales, geometries, strict=True)}
        hauteur += projection.hauteur
    encarts = []
    if a_part:
        largeur = (LARGEUR - 2 * MARGE - (len(a_part) - 1) * ECART) / len(a_part)
        y = hauteur + ECART
        for rang, i in enumerate(a_part):
            nom, geometrie, _ = contours[i]
            x = MARGE + rang * (largeur + ECART)
            encarts.append(
                Encart(x=round(x, 1), y=round(y, 1), largeur=round(largeur, 1), hauteur=HAUTEUR_ENCART, nom=nom)
            )
            # Le nom occupe le haut de l'encart ; le contour se loge dessous, avec une marge.
            geometrie = geometrie_de(geometrie)
            projection = Projection([geometrie], x + 6, y + 22, largeur - 12, HAUTEUR_ENCART - 28, centrer=True)
            formes[i] = _former(geometrie, projection)
        hauteur = y + HAUTEUR_ENCART
    return [formes[i] for i in range(len(contours))], encarts, hauteur


# Une carte par périmètre dessiné (France, chaque région, en dispositifs et en indicateurs) : quelques dizaines.
_dessiner_memorise = functools.lru_cache(maxsize=64)(_dessiner)


def dessiner_carte(zones: list[Zone], *, encarts_outre_mer: bool = False) -> Carte:
    """La carte des zones ; avec `encarts_outre_mer`, les départements d'outre-mer vont dans des encarts
    alignés sous la métropole, chacun à sa propre échelle."""
    contours = tuple((z.nom, z.geometrie, en_encart(z)) for z in zones)
    memorisable = all(isinstance(z.geometrie, str) for z in zones)
    formes, encarts, hauteur = (_dessiner_memorise if memorisable else _dessiner)(contours, encarts_outre_mer)
    traces = [tracer(z, f) for z, f in zip(zones, formes, strict=True)]
    # Les principales d'abord, puis les encarts, dans l'ordre des zones.
    traces = [t for t, z in zip(traces, zones, strict=True) if not (encarts_outre_mer and en_encart(z))] + [
        t for t, z in zip(traces, zones, strict=True) if encarts_outre_mer and en_encart(z)
    ]
    traces.sort(key=lambda t: t.selection)  # le département choisi en dernier : son contour épais reste entier
    etiquettes = 0 < len(zones) <= ZONES_MAX_ETIQUETEES
    return Carte(
        largeur=LARGEUR,
        hauteur=math.ceil(hauteur + MARGE),
        traces=traces,
        encarts=list(encarts),
        etiquettes=etiquettes,
    )
