"""Les nombres à la française, écrits par une seule fonction (commun.nombres) sur toutes les pages et dans les PDF."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from decimal import Context as DecimalContext

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.test import override_settings
from django.utils import formats
from hypothesis import given, settings
from hypothesis import strategies as st

from commun.nombres import annee, euros, nombre
from tests.territoires.factories import RegionFactory


@pytest.mark.parametrize(
    "valeur, attendu",
    [
        (Decimal("320000"), "320\xa0000"),
        (3.42, "3,42"),
        ("0.50", "0,5"),  # le texte d'un nombre, tel que le garde un contenu JSON
        (Decimal("12.345"), "12,35"),  # arrondi au plus proche
        (Decimal("1E+3"), "1\xa0000"),
        (-1500.5, "-1\xa0500,5"),
        (0, "0"),
        (None, ""),
        ("—", "—"),  # ce qui n'est pas un nombre reste tel quel
    ],
)
def test_nombre(valeur, attendu):
    assert nombre(valeur) == attendu


def test_euros_et_annee():
    assert euros("320000") == "320\xa0000\xa0€"
    assert euros("—") == "—"
    assert annee(2023) == "2023"


def test_les_filtres_sont_charges_d_office_dans_les_gabarits():
    gabarit = Template("{{ budget|euros }} · {{ taux|nombre:1 }} · millésime {{ millesime|annee }}")

    rendu = gabarit.render(Context({"budget": 320000, "taux": 3.42, "millesime": 2023}))

    assert rendu == "320\xa0000\xa0€ · 3,4 · millésime 2023"


@pytest.mark.django_db
def test_l_accueil_du_planificateur_et_les_territoires_ecrivent_le_millesime_sans_espace(client, planificateur):
    RegionFactory(code="11", nom="Île-de-France", population=12_270_000, millesime_population=2023)
    client.force_login(planificateur)

    accueil = client.get("/").content.decode()
    territoires = client.get("/territoires/").content.decode()

    assert "millésime 2023" in accueil and "millésime 2\xa0023" not in accueil
    assert "millésime 2023" in territoires and "2\xa0023" not in territoires


# L'implémentation d'avant l'accélération (issue 16) : Decimal, contexte à la mesure, puis number_format de Django.
# La nouvelle doit écrire exactement la même chose pour toute valeur.
def _ancien_decimal(valeur):
    if valeur is None or isinstance(valeur, bool):
        return None
    try:
        decimal = Decimal(str(valeur).strip())
    except InvalidOperation:
        return None
    return decimal if decimal.is_finite() else None


def _ancien_nombre(valeur, decimales=2):
    decimal = _ancien_decimal(valeur)
    if decimal is None:
        return "" if valeur is None else str(valeur)
    contexte = DecimalContext(prec=max(28, decimal.adjusted() + int(decimales) + 2))
    arrondi = decimal.quantize(Decimal(1).scaleb(-int(decimales)), rounding=ROUND_HALF_UP, context=contexte)
    arrondi = arrondi.normalize(contexte)
    if arrondi.as_tuple().exponent > 0:
        arrondi = arrondi.quantize(Decimal(1), context=contexte)
    return formats.number_format(arrondi, use_l10n=True, force_grouping=True)


def _ancien_euros(valeur):
    texte = _ancien_nombre(valeur, 0)
    return f"{texte}\u00a0€" if _ancien_decimal(valeur) is not None else texte


valeurs = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**60), max_value=10**60),
    st.floats(),
    st.decimals(),
    st.decimals(places=3, min_value=-(10**9), max_value=10**9),  # les demis : 0,125 → 0,13, -0,125 → -0,13
    st.builds(lambda e, m: Decimal(m).scaleb(e), st.integers(-250, 250), st.integers(-(10**5), 10**5)),
    st.text(max_size=8),
    st.builds(str, st.decimals(allow_nan=False, allow_infinity=False)),
)


@settings(max_examples=800, deadline=None)
@given(valeur=valeurs, decimales=st.integers(min_value=0, max_value=6))
def test_nombre_ecrit_comme_l_ancienne_implementation(valeur, decimales):
    assert nombre(valeur, decimales) == _ancien_nombre(valeur, decimales)
    assert nombre(valeur) == _ancien_nombre(valeur)


@settings(max_examples=300, deadline=None)
@given(valeur=valeurs)
def test_euros_ecrit_comme_l_ancienne_implementation(valeur):
    assert euros(valeur) == _ancien_euros(valeur)


@pytest.mark.parametrize(
    "valeur, decimales, attendu",
    [
        (Decimal("0.125"), 2, "0,13"),  # half-up, pas l'arrondi du banquier
        (Decimal("-0.125"), 2, "-0,13"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("1E+30"), 2, "1\xa0000\xa0000\xa0000\xa0000\xa0000\xa0000\xa0000\xa0000\xa0000\xa0000"),
        (-(10**45) - 1, 2, "-1" + "\xa0000" * 14 + "\xa0001"),
    ],
)
def test_arrondi_et_grands_nombres(valeur, decimales, attendu):
    assert nombre(valeur, decimales) == attendu == _ancien_nombre(valeur, decimales)


def test_les_separateurs_sont_ceux_de_la_langue_du_site():
    with override_settings(LANGUAGE_CODE="en"):
        assert nombre(Decimal("12345.678")) == _ancien_nombre(Decimal("12345.678")) == "12,345.68"
    assert nombre(Decimal("12345.678")) == "12\xa0345,68"


def test_le_site_n_a_qu_une_langue():
    """nombre() lit les séparateurs de LANGUAGE_CODE, pas de la langue active : aucune ne doit être activée."""
    assert "django.middleware.locale.LocaleMiddleware" not in django_settings.MIDDLEWARE
