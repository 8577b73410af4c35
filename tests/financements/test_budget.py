"""Le budget sur un exemple calculé à la main (le détail est dans `exemple`)."""

import json
from decimal import Decimal

import pytest

from dispositifs.models import TypeDispositif
from dispositifs.services import CATALOGUE
from financements.budget import calculer_budget, unites_financables
from financements.models import CoutReference, Source
from financements.references import charger_couts_reference, couts_annuels_par_unite
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory
from tests.financements.conftest import type_
from tests.financements.factories import CreditFactory, EnveloppeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exemple(region_hdf, departement, act_hlm, dispositif_idf):
    """Enveloppes 2026 : ONDAM tous types 500 000, ONDAM SSIAD précarité 1 000 000, FIR tous types 100 000.
    Crédits 2026 : LHSS (10 places) ONDAM 400 000 et CNR 5 000 (aucune enveloppe CNR) ; ACT HLM (5 places) ONDAM
    60 000 et FIR 20 000 ; deux SSIAD précarité ONDAM 400 000 chacun. Hors du calcul : un crédit 2025 et un crédit
    d'Île-de-France."""
    EnveloppeFactory(region=region_hdf, source=Source.ONDAM_MS, montant=500_000)
    EnveloppeFactory(region=region_hdf, source=Source.ONDAM_MS, type=type_("SSIAD-PRECARITE"), montant=1_000_000)
    EnveloppeFactory(region=region_hdf, source=Source.FIR, montant=100_000)
    lhss = DispositifFactory(type=type_("LHSS"), territoire=departement)
    EvenementCapaciteFactory(dispositif=lhss, quantite=10)
    CreditFactory(dispositif=lhss, source=Source.ONDAM_MS, montant=400_000)
    CreditFactory(dispositif=lhss, source=Source.CNR, reconductible=False, montant=5_000)
    CreditFactory(dispositif=act_hlm, source=Source.ONDAM_MS, montant=60_000)
    CreditFactory(dispositif=act_hlm, source=Source.FIR, montant=20_000)
    for _ in range(2):
        ssiad = DispositifFactory(type=type_("SSIAD-PRECARITE"), territoire=departement)
        CreditFactory(dispositif=ssiad, source=Source.ONDAM_MS, montant=400_000)
    CreditFactory(dispositif=lhss, annee=2025, source=Source.ONDAM_MS, montant=999)
    CreditFactory(dispositif=dispositif_idf, source=Source.ONDAM_MS, montant=77_777)
    return calculer_budget(region=region_hdf, annee=2026)


def test_enveloppes_engage_et_disponible_par_source_et_par_type(exemple):
    lignes = [
        (ligne.sigle_source, ligne.type.code if ligne.type else None, ligne.montant, ligne.engage, ligne.disponible)
        for ligne in exemple.lignes
    ]

    assert lignes == [
        ("FIR", None, 100_000, 20_000, 80_000),
        ("ONDAM médico-social", None, 500_000, 460_000, 40_000),  # LHSS 400 000 + ACT HLM 60 000
        ("ONDAM médico-social", "SSIAD-PRECARITE", 1_000_000, 800_000, 200_000),
        ("CNR", "LHSS", 0, 5_000, -5_000),  # hors enveloppe : au-delà d'une enveloppe nulle
    ]
    assert [ligne.depasse for ligne in exemple.lignes] == [False, False, False, True]
    totaux = {t.sigle_source: (t.montant, t.engage, t.disponible) for t in exemple.totaux}
    assert totaux == {
        "FIR": (100_000, 20_000, 80_000),
        "ONDAM médico-social": (1_500_000, 1_260_000, 240_000),
        "CNR": (0, 5_000, -5_000),
    }
    assert (exemple.total.montant, exemple.total.engage, exemple.total.disponible) == (1_600_000, 1_285_000, 315_000)


def test_cout_realise_reference_et_ce_que_finance_le_reste(exemple):
    types = {ligne.type.code: ligne for ligne in exemple.types}

    act = types["ACT-HLM"]
    # 80 000 € ÷ 5 places ; reste ONDAM tous types 40 000 + FIR 80 000 = 120 000, ÷ 11 000 € = 10,9 places
    assert (act.credits, act.capacite, act.cout_realise) == (80_000, 5, Decimal("16000.00"))
    assert (act.reference.cout_unitaire, act.ecart_reference, act.reste, act.financable) == (
        11_000,
        5_000,
        120_000,
        10,
    )
    ssiad = types["SSIAD-PRECARITE"]
    # 800 000 € ÷ 2 structures ; reste ONDAM SSIAD 200 000 + FIR 80 000 = 280 000 < 400 000 : aucun SSIAD de plus
    assert (ssiad.structures, ssiad.cout_realise, ssiad.reste, ssiad.financable) == (2, 400_000, 280_000, 0)
    lhss = types["LHSS"]
    # 405 000 € ÷ 10 places ; le coût national des lits (non annuel) n'est qu'indicatif
    assert (lhss.credits, lhss.cout_realise, lhss.reference, lhss.financable) == (405_000, 40_500, None, None)
    assert [r.code for r in lhss.references] == ["lhss-lam-national"]
    assert types["EMPP"].reste == 80_000  # FIR seulement : l'ONDAM spécifique lui est fermé


def test_le_budget_tient_en_sept_requetes(region_hdf, exemple, django_assert_num_queries):
    # enveloppes et leur engagé, types, crédits hors enveloppe, coûts de référence et leurs types, capacités,
    # crédits par type
    with django_assert_num_queries(7):
        calculer_budget(region=region_hdf, annee=2026)


def test_unites_financables_arrondit_a_l_unite_inferieure_et_ignore_un_reste_negatif():
    assert unites_financables(Decimal(21_999), Decimal(11_000)) == 1
    assert unites_financables(Decimal(-1), Decimal(11_000)) is None
    assert unites_financables(Decimal(50_000), None) is None


def test_chaque_cout_de_reference_est_cite_et_charge_une_fois():
    assert charger_couts_reference() == 5
    assert charger_couts_reference() == 5  # rejouable
    couts = {c.code: c for c in CoutReference.objects.all()}
    assert couts["act-hors-les-murs-place"].cout_unitaire == 11_000
    assert couts["ssiad-precarite-hdf"].cout_unitaire == 400_000  # 2,4 M€ ÷ 6 SSIAD, par structure
    assert couts["arms-part-25"].cout_unitaire == Decimal("5833.33")  # 350 000 € ÷ 60 postes
    assert couts["lhss-lam-national"].cout_unitaire == Decimal("52689.66")  # 76,4 M€ ÷ 1 450 lits
    assert couts["act-versant-mobile-national"].cout_unitaire is None  # 10 M€ sans quantité
    assert all(c.citation and c.emplacement and c.document for c in couts.values())


def test_le_catalogue_livre_et_les_references_donnent_le_meme_cout_annuel():
    """Une seule vérité : sans quoi charger_catalogue et charger_couts_reference se contrediraient."""
    catalogue = {e["code"]: e["cout_annuel_unitaire"] for e in json.loads(CATALOGUE.read_text(encoding="utf-8"))}
    references = couts_annuels_par_unite()

    assert {code: Decimal(cout) for code, cout in catalogue.items() if cout} == references
    assert TypeDispositif.objects.get(code="ACT-HLM").cout_annuel_unitaire == 11_000
