import pytest

from tests.partenariats.factories import ConventionFactory
from tests.territoires.factories import TerritoireFactory


@pytest.fixture
def nord(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def paris(region_idf):
    return TerritoireFactory(code="75", nom="Paris", parent=region_idf)


@pytest.fixture
def convention(organisme, nord):
    """Une convention PASS actée de l'organisme de l'opérateur, dans le Nord (Hauts-de-France)."""
    return ConventionFactory(organisme=organisme, territoire=nord, partenaire_nom="CHRS fictif de Lille")
