"""Le contour d'une région, construit depuis ceux de ses départements (territoires/donnees n'a que ceux-ci).

Les contours simplifiés des départements (departements.geojson, PROVENANCE.md) partagent exactement leurs
frontières communes : chaque côté intérieur à la région y paraît deux fois, une fois par département. Les ôter
laisse le bord de la région, qu'on raccorde en anneaux fermés. Aucune géométrie n'est inventée : chaque point du
contour d'une région est un point du contour d'un de ses départements.
"""

from collections import Counter, defaultdict

from dispositifs.cartographie import polygones


def cotes(geometries: list[dict]) -> Counter:
    """Chaque côté des anneaux, sans orientation, et combien d'anneaux le portent."""
    compte = Counter()
    for geometrie in geometries:
        for polygone in polygones(geometrie):
            for anneau in polygone:
                points = [tuple(p) for p in anneau]
                for a, b in zip(points, points[1:], strict=False):
                    if a != b:
                        compte[frozenset((a, b))] += 1
    return compte


def anneaux(bord: list[frozenset]) -> list[list[list[float]]]:
    """Les côtés du bord raccordés en anneaux fermés : on suit un côté non encore parcouru depuis le point où l'on
    est jusqu'à revenir au départ."""
    voisins = defaultdict(list)
    for cote in bord:
        a, b = tuple(cote)
        voisins[a].append(b)
        voisins[b].append(a)
    restants, resultat = set(bord), []
    for cote in bord:
        if cote not in restants:
            continue
        depart, point = tuple(cote)
        restants.discard(cote)
        anneau = [depart, point]
        while point != depart:
            suivant = next((v for v in voisins[point] if frozenset((point, v)) in restants), None)
            if suivant is None:  # bord ouvert (données abîmées) : l'anneau se ferme tel quel
                break
            restants.discard(frozenset((point, suivant)))
            anneau.append(suivant)
            point = suivant
        if anneau[-1] != depart:
            anneau.append(depart)
        resultat.append([list(p) for p in anneau])
    return resultat


def fusionner(geometries: list[dict]) -> dict:
    """Le contour d'un ensemble de départements voisins ou non : un MultiPolygon dont chaque anneau du bord est un
    polygone (les trous éventuels aussi ; la carte remplit en evenodd). Vide si aucune géométrie."""
    compte = cotes(geometries)
    bord = sorted((c for c, n in compte.items() if n == 1), key=sorted)  # ordre stable : même contour à chaque import
    return {"type": "MultiPolygon", "coordinates": [[anneau] for anneau in anneaux(bord)]}
