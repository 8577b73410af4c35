"""Le catalogue des types de dispositifs, chargé par la migration 0002."""

from decimal import Decimal

import pytest

from dispositifs.models import Rattachement, TypeDispositif, Unite
from dispositifs.services import charger_catalogue, lire_catalogue

pytestmark = pytest.mark.django_db

CODES = [
    "LHSS",
    "LHSS-MOBILE",
    "LHSS-AJ",
    "LAM",
    "ACT",
    "ACT-HLM",
    "ACT-PEDIATRIQUE",
    "EMPP",
    "PASS",
    "PASS-MOBILE",
    "SSIAD-PRECARITE",
    "EMSP",
    "ARMS",
    "CSAPA-CA",
    "UCSD",
    "UCSD-JEUNES",
    "CS-PARTICIPATIF",
    "PSY-ACCUEIL",
]


def test_la_migration_charge_les_dix_huit_types_dans_l_ordre_d_affichage():
    assert list(TypeDispositif.objects.values_list("code", flat=True)) == CODES


@pytest.mark.parametrize(("code", "parent"), [("LHSS-MOBILE", "LHSS"), ("ACT-HLM", "ACT"), ("PASS-MOBILE", "PASS")])
def test_les_declinaisons_sont_rattachees_a_leur_type_parent(code, parent):
    assert TypeDispositif.objects.get(code=code).type_parent.code == parent


def test_les_empp_se_comptent_en_equipes_et_les_lhss_en_places():
    assert TypeDispositif.objects.get(code="EMPP").unite == Unite.EQUIPES
    assert TypeDispositif.objects.get(code="LHSS").unite == Unite.PLACES


def test_seuls_les_act_hors_les_murs_ont_un_cout_de_reference_de_11_000_euros_par_place():
    couts = dict(
        TypeDispositif.objects.filter(cout_annuel_unitaire__isnull=False).values_list("code", "cout_annuel_unitaire")
    )
    assert couts == {"ACT-HLM": Decimal(11000)}


def test_recharger_le_catalogue_ne_cree_ni_ne_modifie_rien():
    assert charger_catalogue() == (0, 0)
    assert TypeDispositif.objects.count() == len(lire_catalogue())


def test_recharger_le_catalogue_retablit_les_valeurs_modifiees():
    TypeDispositif.objects.filter(code="LAM").update(libelle="Libellé modifié")
    TypeDispositif.objects.filter(code="ACT-HLM").update(type_parent=None, rattachement=Rattachement.AUCUN)

    assert charger_catalogue() == (0, 2)
    assert TypeDispositif.objects.get(code="LAM").libelle == "Lits d'accueil médicalisés"
    assert TypeDispositif.objects.get(code="ACT-HLM").type_parent.code == "ACT"


def test_recharger_le_catalogue_recree_un_type_supprime_avec_son_parent():
    TypeDispositif.objects.filter(code="PASS-MOBILE").delete()
    TypeDispositif.objects.filter(code="PASS").delete()

    assert charger_catalogue() == (2, 0)
    assert TypeDispositif.objects.get(code="PASS-MOBILE").type_parent.code == "PASS"


def test_tout_type_qui_a_un_parent_s_y_rattache():
    avec_parent = TypeDispositif.objects.filter(type_parent__isnull=False)
    assert set(avec_parent.values_list("code", flat=True)) == {"LHSS-MOBILE", "LHSS-AJ", "ACT-HLM", "PASS-MOBILE"}
    assert set(avec_parent.values_list("rattachement", flat=True)) == {Rattachement.TYPE_PARENT}


def test_les_equipes_hospitalieres_exigent_un_etablissement_de_sante_porteur():
    codes = TypeDispositif.objects.filter(rattachement=Rattachement.ETABLISSEMENT_SANTE).values_list("code", flat=True)
    assert set(codes) == {"EMPP", "PASS"}


def test_les_categories_finess_ne_designent_que_les_lhss_les_lam_et_les_act():
    categories = dict(TypeDispositif.objects.exclude(categories_finess="").values_list("code", "categories_finess"))
    assert categories == {"LHSS": "180", "LAM": "213", "ACT": "165"}


def test_chaque_description_renseignee_cite_sa_source():
    for entree in lire_catalogue():
        assert "Source : " in entree["description"], entree["code"]
