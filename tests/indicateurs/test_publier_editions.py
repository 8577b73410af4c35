"""La commande publier_editions : le code de la tâche de nuit, sans attendre la nuit, idempotente, et qui dit en une
ligne JSON ce qu'elle a publié."""

import datetime
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from indicateurs.models import EditionPublique, Rapport
from tests.indicateurs.test_secret_publication import (  # noqa: F401 — departements et types sont des fixtures
    APRES_VERROUILLAGE,
    OCTOBRE,
    REVISION,
    agreger,
    departements,
    types,
)


@pytest.fixture(autouse=True)
def octobre_verrouille(monkeypatch):
    monkeypatch.setattr("indicateurs.calendrier.aujourd_hui", lambda: APRES_VERROUILLAGE)


def publier_editions(*options) -> dict:
    sortie = io.StringIO()
    call_command("publier_editions", *options, stdout=sortie)
    assert sortie.getvalue().count("\n") == 1  # une seule ligne
    return json.loads(sortie.getvalue())


def test_la_commande_publie_les_mois_verrouilles_puis_ne_refait_rien(region_hdf, departements, types):  # noqa: F811
    agreger(REVISION, departements, types)  # octobre
    agreger(REVISION, departements, types, mois=datetime.date(2026, 11, 1))  # novembre, pas encore verrouillé

    premiere, seconde = publier_editions(), publier_editions()

    assert premiere["creees"] == [{"region": region_hdf.code, "mois": "2026-10", "numero": 1}]
    assert seconde["creees"] == []
    assert {"region": region_hdf.code, "mois": "2026-10"} in seconde["inchangees"]
    assert "2026-11" not in {m["mois"] for m in premiere["inchangees"] + seconde["inchangees"]}
    assert list(EditionPublique.objects.values_list("mois", "numero")) == [(OCTOBRE, 1)]
    assert list(Rapport.objects.values_list("mois", "public")) == [(OCTOBRE, True)]  # comme la nuit


def test_un_mois_et_une_region_choisis_publient_une_revision_quand_les_chiffres_ont_change(
    region_hdf,
    region_idf,
    departements,  # noqa: F811
    types,  # noqa: F811
):
    agreger(REVISION, departements, types)
    publier_editions("--mois", "2026-10")
    agreger({("59", "LHSS"): 14}, departements, types)  # validation tardive

    sortie = publier_editions("--mois", "2026-10", "--territoire", region_hdf.code)

    assert sortie == {"creees": [{"region": region_hdf.code, "mois": "2026-10", "numero": 2}], "inchangees": []}
    assert EditionPublique.objects.filter(region=region_idf).count() == 0  # pas d'agrégats en Île-de-France


@pytest.mark.parametrize(
    "options, message",
    [
        (
            ["--mois", "2026-11"],
            "2026-11 n'est pas encore verrouillé : ses chiffres publics se publient dès le 30/01/2027.",
        ),
        (["--mois", "10/2026"], "« 10/2026 » : mois attendu sous la forme AAAA-MM (ex. 2026-10)."),
        (["--territoire", "59"], "Aucune région de code « 59 » : les chiffres publics se publient par région."),
    ],
)
def test_un_mois_non_verrouille_ou_un_territoire_qui_n_est_pas_une_region_est_refuse(
    region_hdf,
    departements,  # noqa: F811
    options,
    message,
):
    with pytest.raises(CommandError, match=re.escape(message)):
        publier_editions(*options)

    assert not EditionPublique.objects.exists()
