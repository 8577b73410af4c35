from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commun.erreurs import Conflit
from financements.models import Credit, Enveloppe, Source
from financements.services import enregistrer_credit, enregistrer_enveloppe
from tests.dispositifs.factories import DispositifFactory
from tests.financements.conftest import type_
from tests.financements.factories import CreditFactory, EnveloppeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enveloppe_fir(region_hdf):
    return EnveloppeFactory(region=region_hdf, montant=100_000)


def credit(planificateur, dispositif, **valeurs):
    valeurs = {"annee": 2026, "source": Source.FIR, "montant": Decimal("1000"), **valeurs}
    return enregistrer_credit(user=planificateur, dispositif=dispositif, **valeurs)


def codes(refus: ValidationError) -> dict:
    return {champ: [e.code for e in erreurs] for champ, erreurs in refus.error_dict.items()}


@pytest.mark.parametrize(
    ("montant", "code"),
    [("12.345", "decimales"), ("-10", "negatif"), ("0", "negatif"), ("10000000000", "trop_grand")],
)
def test_un_montant_faux_est_refuse_sur_son_champ(planificateur, act_hlm, enveloppe_fir, montant, code):
    with pytest.raises(ValidationError) as refus:
        credit(planificateur, act_hlm, montant=Decimal(montant))

    assert codes(refus.value) == {"montant": [code]}
    assert not Credit.objects.exists()


def test_un_montant_au_centime_est_accepte(planificateur, act_hlm, enveloppe_fir):
    assert credit(planificateur, act_hlm, montant=Decimal("12.34")).montant == Decimal("12.34")


@pytest.mark.parametrize("annee", [1999, 2100])
def test_une_annee_implausible_est_refusee(planificateur, act_hlm, enveloppe_fir, annee):
    with pytest.raises(ValidationError) as refus:
        credit(planificateur, act_hlm, annee=annee)

    assert codes(refus.value) == {"annee": ["annee"]}


@pytest.mark.parametrize(
    ("code_type", "source"), [("ACT-HLM", Source.MIG), ("ACT-HLM", Source.DAF_PSY), ("EMPP", Source.ONDAM_MS)]
)
def test_une_source_que_le_type_n_admet_pas_est_refusee(planificateur, departement, code_type, source):
    dispositif = DispositifFactory(type=type_(code_type), territoire=departement)

    with pytest.raises(ValidationError) as refus:
        credit(planificateur, dispositif, source=source, confirmer_depassement=True)

    assert codes(refus.value) == {"source": ["source_non_admise"]}
    assert "sources admises" in refus.value.message_dict["source"][0]


def test_un_type_dont_les_sources_ne_disent_rien_admet_toute_source(planificateur, departement):
    lhss = DispositifFactory(type=type_("LHSS"), territoire=departement)

    assert credit(planificateur, lhss, source=Source.DAF_PSY, confirmer_depassement=True).pk


def test_un_cnr_n_est_jamais_reconductible(planificateur, act_hlm):
    with pytest.raises(ValidationError) as refus:
        credit(planificateur, act_hlm, source=Source.CNR, reconductible=True, confirmer_depassement=True)
    assert codes(refus.value) == {"reconductible": ["cnr_reconductible"]}

    cnr = credit(planificateur, act_hlm, source=Source.CNR, confirmer_depassement=True)
    assert cnr.reconductible is False


def test_un_dispositif_d_une_autre_region_est_refuse_403(planificateur, dispositif_idf):
    with pytest.raises(PermissionDenied):
        credit(planificateur, dispositif_idf, confirmer_depassement=True)


def test_l_instructeur_ne_notifie_aucun_credit(instructeur, act_hlm, enveloppe_fir):
    with pytest.raises(PermissionDenied):
        credit(instructeur, act_hlm)


def test_engager_au_dela_de_l_enveloppe_exige_une_confirmation(planificateur, act_hlm, enveloppe_fir):
    CreditFactory(dispositif=act_hlm, montant=90_000)

    with pytest.raises(ValidationError) as refus:
        credit(planificateur, act_hlm, montant=Decimal("20000"))

    assert codes(refus.value) == {"confirmer_depassement": ["depassement"]}
    message = refus.value.message_dict["confirmer_depassement"][0]
    assert "110\xa0000\xa0€" in message and "dépassement de 10\xa0000\xa0€" in message
    assert Credit.objects.count() == 1  # rien d'écrit
    confirme = credit(planificateur, act_hlm, montant=Decimal("20000"), confirmer_depassement=True)
    assert Credit.objects.filter(pk=confirme.pk).exists()


def test_sans_enveloppe_tout_engagement_est_un_depassement(planificateur, act_hlm):
    with pytest.raises(ValidationError) as refus:
        credit(planificateur, act_hlm)

    assert "Aucune enveloppe FIR 2026" in refus.value.message_dict["confirmer_depassement"][0]


def test_l_enveloppe_d_un_type_couvre_ses_credits_a_la_place_de_celle_de_tous_types(
    planificateur, region_hdf, act_hlm, enveloppe_fir
):
    EnveloppeFactory(region=region_hdf, type=type_("ACT-HLM"), montant=5_000)

    with pytest.raises(ValidationError):
        credit(planificateur, act_hlm, montant=Decimal("6000"))  # 6 000 > 5 000, malgré les 100 000 de tous types


def test_baisser_un_credit_deja_au_dela_ne_demande_pas_de_confirmation(planificateur, act_hlm, enveloppe_fir):
    existant = CreditFactory(dispositif=act_hlm, montant=150_000)

    baisse = enregistrer_credit(
        user=planificateur,
        credit=existant,
        dispositif=act_hlm,
        annee=2026,
        source=Source.FIR,
        montant=Decimal("120000"),
        version=existant.version,
    )

    assert (baisse.montant, baisse.version) == (Decimal("120000"), 2)


def test_une_modification_concurrente_est_un_conflit_sans_rien_ecraser(planificateur, act_hlm, enveloppe_fir):
    existant = CreditFactory(dispositif=act_hlm, montant=1_000)
    valeurs = {"user": planificateur, "credit": existant, "dispositif": act_hlm, "annee": 2026, "source": Source.FIR}
    enregistrer_credit(**valeurs, montant=Decimal("2000"), version=1)

    with pytest.raises(Conflit) as conflit:
        enregistrer_credit(**valeurs, montant=Decimal("3000"), version=1)

    assert "maintenant 2\xa0000\xa0€" in conflit.value.message
    assert Credit.objects.get().montant == Decimal("2000")


def test_une_enveloppe_d_une_autre_region_est_refusee_403(planificateur, region_idf):
    with pytest.raises(PermissionDenied):
        enregistrer_enveloppe(user=planificateur, region=region_idf, annee=2026, source=Source.FIR, montant=Decimal(1))


def test_une_enveloppe_en_double_est_refusee(planificateur, region_hdf, enveloppe_fir):
    with pytest.raises(ValidationError) as refus:
        enregistrer_enveloppe(user=planificateur, region=region_hdf, annee=2026, source=Source.FIR, montant=Decimal(1))

    assert codes(refus.value) == {"source": ["doublon"]}
    assert Enveloppe.objects.count() == 1


def test_une_enveloppe_d_un_type_refuse_une_source_qu_il_n_admet_pas(planificateur, region_hdf):
    with pytest.raises(ValidationError) as refus:
        enregistrer_enveloppe(
            user=planificateur,
            region=region_hdf,
            annee=2026,
            source=Source.MIG,
            type=type_("SSIAD-PRECARITE"),
            montant=Decimal(1),
        )

    assert codes(refus.value) == {"source": ["source_non_admise"]}


def test_une_enveloppe_modifiee_avec_une_version_perimee_est_un_conflit(planificateur, region_hdf, enveloppe_fir):
    valeurs = {"user": planificateur, "enveloppe": enveloppe_fir, "region": region_hdf, "annee": 2026, "source": "fir"}
    enregistrer_enveloppe(**valeurs, montant=Decimal(200_000), version=1)

    with pytest.raises(Conflit):
        enregistrer_enveloppe(**valeurs, montant=Decimal(300_000), version=1)
    assert Enveloppe.objects.get().montant == 200_000
