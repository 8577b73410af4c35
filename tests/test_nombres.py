"""Les nombres à la française, écrits par une seule fonction (commun.nombres) sur toutes les pages et dans les PDF."""

from decimal import Decimal

import pytest
from django.template import Context, Template

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
