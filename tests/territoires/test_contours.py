"""Le contour d'une région construit depuis ses départements (territoires/contours.py)."""

import pytest

from dispositifs.cartographie import polygones
from territoires.contours import fusionner
from territoires.models import Contour, Niveau
from territoires.services import importer_territoires


def carre(x, y, cote=1):
    anneau = [[x, y], [x + cote, y], [x + cote, y + cote], [x, y + cote], [x, y]]
    return {"type": "Polygon", "coordinates": [anneau]}


def points(anneau):
    return {tuple(p) for p in anneau}


def test_deux_departements_voisins_donnent_un_seul_anneau_sans_leur_frontiere_commune():
    contour = fusionner([carre(0, 0), carre(1, 0)])

    [[anneau]] = contour["coordinates"]
    assert anneau[0] == anneau[-1]  # fermé
    assert points(anneau) == {(0, 0), (1, 0), (2, 0), (2, 1), (1, 1), (0, 1)}
    assert len(anneau) == 7  # six côtés : le côté commun (1,0)-(1,1) a disparu


def test_un_departement_isole_garde_son_anneau():
    contour = fusionner([carre(0, 0), carre(5, 5)])

    assert sorted(len(polygone[0]) for polygone in contour["coordinates"]) == [5, 5]


def test_un_departement_enclave_laisse_un_trou_rempli_en_evenodd():
    """Un anneau de huit carrés autour d'un trou : le bord extérieur et celui du trou."""
    autour = [carre(x, y) for x in range(3) for y in range(3) if (x, y) != (1, 1)]

    contour = fusionner(autour)

    assert sorted(len(polygone[0]) for polygone in contour["coordinates"]) == [5, 13]


def test_sans_departement_pas_de_contour():
    assert fusionner([]) == {"type": "MultiPolygon", "coordinates": []}


@pytest.mark.django_db
def test_l_import_construit_le_contour_de_chaque_region_depuis_ses_departements():
    importer_territoires()

    hdf = Contour.objects.get(territoire__niveau=Niveau.REGION, territoire__code="32").geometrie
    departements = Contour.objects.filter(territoire__parent__code="32", territoire__niveau=Niveau.DEPARTEMENT)
    tous = set().union(*(points(a) for c in departements for p in polygones(c.geometrie) for a in p))
    # Chaque point du contour régional est un point d'un département : rien d'inventé.
    assert set().union(*(points(p[0]) for p in hdf["coordinates"])) <= tous
    assert len(hdf["coordinates"]) == 1  # les cinq départements se touchent : un seul anneau
