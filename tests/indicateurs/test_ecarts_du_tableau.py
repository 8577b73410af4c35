"""Les écarts aux cibles du tableau de bord et du rapport PDF : le même horizon, choisi par une seule règle
(`planification.calcul.horizon_des_ecarts`), pour la page comme pour le PDF, d'une région comme d'un département."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from indicateurs.models import Rapport
from indicateurs.rapports import donnees_du_rapport
from indicateurs.services import generer_rapport
from planification.calcul import horizon_des_ecarts
from tests.dispositifs.factories import TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)


@pytest.fixture
def horizons(region_hdf):
    """Trois horizons : l'ancien porte les cibles de la région, le plus récent de la région ne porte qu'une cible
    de département, et un plus récent encore n'en a qu'en Île-de-France. Les écarts de la région se mesurent au
    plus récent des siens, quelle que soit la date du calcul (le jour pour la page, la fin d'octobre 2026 pour le
    rapport, après la fin de l'ancien)."""
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    lhss = TypeDispositifFactory(code="LHSS")
    ancien = HorizonFactory()  # Cibles 2019-2023
    recent = HorizonFactory(
        slug="prs-2023-2028", libelle="PRS 2023-2028", debut=datetime.date(2023, 1, 1), fin=datetime.date(2028, 12, 31)
    )
    ailleurs = HorizonFactory(
        slug="idf-2030", libelle="Île-de-France 2030", debut=datetime.date(2025, 1, 1), fin=datetime.date(2030, 12, 31)
    )
    CibleFactory(type=lhss, territoire=region_hdf, horizon=ancien, valeur=62)
    CibleFactory(type=lhss, territoire=nord, horizon=recent, valeur=20)
    paris = TerritoireFactory(code="75", nom="Paris", parent=RegionFactory(code="11", nom="Île-de-France"))
    CibleFactory(type=lhss, territoire=paris, horizon=ailleurs, valeur=9)
    AgregatFactory(type=lhss, territoire=nord, periode=OCTOBRE, valeur=30, nb_dispositifs=3)
    return {"nord": nord, "recent": recent}


@pytest.mark.parametrize("perimetre", ["region", "departement"])
def test_la_page_et_le_rapport_mesurent_les_ecarts_au_meme_horizon(
    client, planificateur, region_hdf, horizons, perimetre, settings, tmp_path
):
    territoire = region_hdf if perimetre == "region" else horizons["nord"]
    filtres = {"region": "32", "debut": "2026-10", "fin": "2026-10"}
    if perimetre == "departement":
        filtres["territoire"] = "59"
    client.force_login(planificateur)
    page = client.get(reverse("indicateurs:tableau:region"), filtres)
    settings.MEDIA_ROOT = tmp_path
    rapport = Rapport.objects.create(territoire=territoire, mois=OCTOBRE)
    du_rapport = donnees_du_rapport(rapport)["tableau"].ecarts
    with generer_rapport(rapport=rapport).fichier.open("rb") as pdf:
        texte_pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)

    assert horizon_des_ecarts(region_hdf) == horizons["recent"]
    assert page.context["tableau"].territoire == territoire
    assert page.context["tableau"].ecarts.horizon == du_rapport.horizon == horizons["recent"]
    assert "Écarts aux cibles — PRS 2023-2028" in page.content.decode()
    assert "Écarts aux cibles — PRS 2023-2028" in texte_pdf
