import pytest

from dispositifs.models import TypeDispositif
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory
from tests.territoires.factories import TerritoireFactory


def type_(code):
    return TypeDispositif.objects.get(code=code)


@pytest.fixture
def departement(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def act_hlm(departement, organisme):
    """Un ACT hors les murs de 5 places autorisées, de l'organisme de l'opérateur du casting."""
    dispositif = DispositifFactory(
        nom="ACT HLM fictif", type=type_("ACT-HLM"), territoire=departement, organisme=organisme
    )
    EvenementCapaciteFactory(dispositif=dispositif, quantite=5)
    return dispositif


@pytest.fixture
def dispositif_idf(region_idf):
    return DispositifFactory(nom="LHSS francilien fictif", territoire=TerritoireFactory(code="75", parent=region_idf))
