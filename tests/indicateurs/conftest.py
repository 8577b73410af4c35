"""Le calendrier des déclarations (échéance, verrouillage) dépend du jour : les tests le figent, sinon leurs
mois écrits en dur se verrouilleraient avec le temps."""

import datetime
from decimal import Decimal

import pytest

AUJOURD_HUI = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def calendrier_fige(monkeypatch):
    monkeypatch.setattr("indicateurs.calendrier.aujourd_hui", lambda: AUJOURD_HUI)
    return AUJOURD_HUI


@pytest.fixture
def type_lhss(db):
    from dispositifs.models import TypeDispositif

    return TypeDispositif.objects.get(code="LHSS")


@pytest.fixture
def departement(region_hdf):
    from tests.territoires.factories import TerritoireFactory

    return TerritoireFactory(code="59", nom="Nord")


@pytest.fixture
def lhss(operateur, organisme, type_lhss, departement):
    """Un LHSS installé de l'organisme de l'opérateur, dans un département des Hauts-de-France."""
    from tests.dispositifs.factories import DispositifFactory

    return DispositifFactory(
        nom="LHSS fictif de Lille", type=type_lhss, organisme=organisme, territoire=departement, finess="990000011"
    )


@pytest.fixture
def lhss_autre(operateur_autre, organisme_autre, type_lhss, departement):
    """Le LHSS d'un autre organisme : jamais visible de l'opérateur."""
    from tests.dispositifs.factories import DispositifFactory

    return DispositifFactory(
        nom="LHSS fictif d'Amiens",
        type=type_lhss,
        organisme=organisme_autre,
        territoire=departement,
        finess="990000029",
    )


@pytest.fixture
def nord(region_hdf):
    from tests.territoires.factories import TerritoireFactory

    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf)


@pytest.fixture
def agregats(region_hdf, nord):
    """Octobre 2026 dans le Nord : une file active LHSS publiable, une file active LAM de 7 personnes (secret
    primaire), et des sorties LHSS publiables. Le tableau de bord lit les agrégats des départements."""
    from indicateurs.models import Indicateur
    from tests.dispositifs.factories import TypeDispositifFactory
    from tests.indicateurs.factories import AgregatFactory

    lhss, lam = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="LAM")
    AgregatFactory(
        type=lhss, territoire=nord, valeur=Decimal("1234"), nb_dispositifs=5, nb_attendues=5, nb_declarations=4
    )
    AgregatFactory(type=lam, territoire=nord, valeur=Decimal("7"), nb_dispositifs=4, nb_attendues=4, nb_declarations=4)
    sorties = Indicateur.objects.get(code="sorties")
    AgregatFactory(indicateur=sorties, type=lhss, territoire=nord, valeur=Decimal("86"), nb_dispositifs=5)


# Un jour où tous les mois des tests sont verrouillés : publier_mois les publie.
APRES_VERROUILLAGE = datetime.date(2100, 1, 1)


@pytest.fixture
def publier():
    """Publie les chiffres publics des mois donnés d'une région, comme la nuit qui suit leur verrouillage : la
    page publique et le rapport public ne lisent que les éditions publiées."""
    from indicateurs.services import publier_mois

    def publier(region, *mois):
        return [publier_mois(region=region, mois=m, aujourd_hui=APRES_VERROUILLAGE) for m in mois]

    return publier
