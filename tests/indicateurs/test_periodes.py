"""L'arithmétique des mois (commun.mois) et des périodes des agrégats (indicateurs.periodes)."""

import datetime

from commun.mois import derniers_mois, lire_mois
from indicateurs.models import Granularite
from indicateurs.periodes import dernier_jour, libelle_periode, mois_finis, periodes, periodes_entre

JANVIER, FEVRIER = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)


def test_les_derniers_mois_et_la_lecture_d_un_mois():
    assert derniers_mois(datetime.date(2026, 2, 14), 3) == [
        datetime.date(2026, 2, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2025, 12, 1),
    ]
    assert lire_mois("2026-10") == datetime.date(2026, 10, 1)
    assert lire_mois("10/2026") is None


def test_les_trimestres_couvrent_les_mois_demandes():
    assert periodes(datetime.date(2026, 2, 1), datetime.date(2026, 7, 1), Granularite.TRIMESTRE) == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 1),
        datetime.date(2026, 7, 1),
    ]


def test_les_libelles_sont_en_francais():
    assert libelle_periode(datetime.date(2026, 2, 1), Granularite.MOIS) == "févr. 2026"
    assert libelle_periode(datetime.date(2026, 4, 1), Granularite.TRIMESTRE) == "T2 2026"
    assert libelle_periode(datetime.date(2026, 1, 1), Granularite.ANNEE) == "2026"


def test_les_periodes_d_un_intervalle_comprennent_trimestres_et_annees():
    assert periodes_entre(datetime.date(2024, 12, 1), FEVRIER) == [
        (Granularite.MOIS, datetime.date(2024, 12, 1)),
        (Granularite.TRIMESTRE, datetime.date(2024, 10, 1)),
        (Granularite.ANNEE, datetime.date(2024, 1, 1)),
        (Granularite.MOIS, JANVIER),
        (Granularite.TRIMESTRE, JANVIER),
        (Granularite.ANNEE, JANVIER),
    ]


def test_seuls_les_mois_finis_d_une_periode_sont_attendus():
    aujourd_hui = datetime.date(2026, 11, 23)

    assert mois_finis(Granularite.ANNEE, datetime.date(2026, 1, 1), aujourd_hui) == 10
    assert mois_finis(Granularite.TRIMESTRE, datetime.date(2026, 7, 1), aujourd_hui) == 3
    assert mois_finis(Granularite.MOIS, datetime.date(2026, 11, 1), aujourd_hui) == 0


def test_le_dernier_jour_d_un_mois_et_d_une_periode():
    assert dernier_jour(datetime.date(2024, 2, 1)) == datetime.date(2024, 2, 29)
    assert dernier_jour(datetime.date(2026, 10, 1), Granularite.TRIMESTRE) == datetime.date(2026, 12, 31)
