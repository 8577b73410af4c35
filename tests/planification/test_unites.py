"""Le tableau de planification dans toutes les unités (issue 13) : les 60 postes d'ARMS des Hauts-de-France et leur
répartition par département (source 000), un total par unité, des cibles entières sauf en postes (ETP)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dispositifs.models import TypeDispositif, Unite
from planification.calcul import calculer_planification
from planification.demo import creer_planification_demo
from planification.models import Cible, Horizon
from planification.services import modifier_cible
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires
from tests.planification.factories import HorizonFactory

pytestmark = pytest.mark.django_db

URL_ARMS = "/api/v1/planification/?region=32&horizon=praps-2018-2022&type=ARMS"


@pytest.fixture
def demo():
    importer_territoires()
    creer_planification_demo()


def test_l_api_donne_les_60_postes_d_arms_et_leur_repartition_par_departement(client, planificateur, demo):
    client.force_login(planificateur)

    donnees = client.get(URL_ARMS).json()

    cibles = {(ligne["niveau"], ligne["territoire"]): ligne["cible"] for ligne in donnees["lignes"]}
    assert cibles == {
        ("region", "32"): 60,
        ("departement", "62"): 21,
        ("departement", "59"): 29,
        ("departement", "02"): 5,
        ("departement", "80"): 4,
        ("departement", "60"): 1,
    }
    assert {ligne["unite"] for ligne in donnees["lignes"]} == {"etp"}
    (total,) = donnees["totaux"]
    assert (total["unite"], total["types"], total["cible"]) == ("etp", ["ARMS"], 60)  # la région seule, pas 120


def test_les_totaux_ne_melangent_jamais_les_unites(demo):
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")

    tableau = calculer_planification(
        region=region, horizon=Horizon.objects.get(slug="praps-2018-2022"), date=timezone.localdate()
    )

    unites = {t.code: t.unite for t in TypeDispositif.objects.all()}
    for total in tableau.totaux:
        assert {unites[ligne.type.code] for ligne in tableau.lignes if ligne.type.sigle in total.types} == {
            total.unite
        }
    par_unite = {total.unite: total for total in tableau.totaux}
    assert {Unite.ETP, Unite.SITES, Unite.PLACES, Unite.EQUIPES} <= par_unite.keys()
    assert (par_unite[Unite.ETP].cible, par_unite[Unite.SITES].autorises) == (60, 5)  # 5 consultations de 2019
    assert par_unite[Unite.PLACES].cible == 50  # l'objectif UCSD ; les SSIAD précarité n'ont pas de cible en places


def test_la_page_ecrit_chaque_unite_en_toutes_lettres(client, planificateur, demo):
    client.force_login(planificateur)

    page = client.get("/planification/?region=32&horizon=praps-2018-2022&type=ARMS&type=CSAPA-CA").content.decode()

    assert "Total Hauts-de-France, postes (ETP) : ARMS" in page
    assert "Total Hauts-de-France, sites de consultation : Consultation avancée CSAPA" in page


class TestCibleDecimale:
    def test_l_api_refuse_une_cible_decimale_hors_etp_en_nommant_le_champ(self, client, planificateur, region_hdf):
        horizon = HorizonFactory()
        client.force_login(planificateur)
        corps = {"type": "LHSS", "territoire": region_hdf.pk, "horizon": horizon.slug, "valeur": "2.5"}

        reponse = client.post("/api/v1/cibles/", corps, content_type="application/json")

        assert reponse.status_code == 400
        assert reponse.json() == {
            "valeur": [
                "Un LHSS se compte en places : la cible (2,5) doit être un nombre entier ; seuls les postes (ETP) "
                "admettent des décimales."
            ]
        }
        corps_arms = {**corps, "type": "ARMS", "valeur": "0.5"}
        assert client.post("/api/v1/cibles/", corps_arms, content_type="application/json").status_code == 201

    def test_la_grille_refuse_une_demi_structure_et_accepte_un_demi_poste(self, client, planificateur, region_hdf):
        from tests.planification.test_grille import formulaire, nom

        horizon = HorizonFactory()
        structures, postes = (
            TypeDispositif.objects.get(code="CS-PARTICIPATIF"),
            TypeDispositif.objects.get(code="ARMS"),
        )
        client.force_login(planificateur)
        url = f"/planification/cibles/?region=32&horizon={horizon.slug}"
        lue = client.get(url)

        refus = client.post(url, formulaire(lue, **{nom(structures, region_hdf): "1,5"}))
        accord = client.post(url, formulaire(lue, **{nom(postes, region_hdf): "0,5"}))

        assert refus.status_code == 400
        assert "la cible (1,5) doit être un nombre entier" in refus.content.decode()
        assert accord.status_code == 302
        assert Cible.objects.get(type=postes).valeur == Decimal("0.5")
        assert not Cible.objects.filter(type=structures).exists()

    def test_le_service_refuse_aussi(self, region_hdf):
        with pytest.raises(ValidationError, match="la cible"):
            modifier_cible(
                type=TypeDispositif.objects.get(code="UCSD"),
                territoire=region_hdf,
                horizon=HorizonFactory(),
                valeur=Decimal("2.5"),
                version_lue=0,
            )
