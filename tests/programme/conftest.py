import pytest

from tests.dispositifs.factories import TypeDispositifFactory
from tests.programme.factories import ActionFactory, AxeFactory, FeuilleDeRouteFactory, JalonFactory
from tests.territoires.factories import TerritoireFactory


@pytest.fixture
def nord(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def praps(region_hdf):
    return FeuilleDeRouteFactory(region=region_hdf, slug="praps-fictif", titre="PRAPS fictif")


def remplir(feuille, nombre: int, *, territoire, type_=None) -> list:
    """`nombre` actions sous un axe de `feuille`, chacune avec un territoire, un type et un jalon."""
    axe = AxeFactory(feuille_de_route=feuille)
    type_ = type_ or TypeDispositifFactory(code="SSIAD-PRECARITE")
    actions = [ActionFactory(axe=axe, territoires=[territoire], types=[type_]) for _ in range(nombre)]
    for action in actions:
        JalonFactory(action=action)
    return actions
