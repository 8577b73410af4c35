import pytest
from django.core.exceptions import ValidationError

from dispositifs.models import TypeDispositif
from dispositifs.validators import finess_valide, valider_siren
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("numero", ["010000024", "010780054"])  # FINESS réels cités par la notice
def test_un_finess_reel_a_une_cle_valide(numero):
    assert finess_valide(numero)


@pytest.mark.parametrize("numero", ["010000025", "01000002", "0100000244", "01000002X"])
def test_un_finess_mal_forme_ou_a_la_mauvaise_cle_est_refuse(numero):
    assert not finess_valide(numero)


def test_un_siren_a_la_mauvaise_cle_est_refuse_en_francais():
    valider_siren("732829320")  # clé de Luhn juste
    with pytest.raises(ValidationError, match="clé de contrôle"):
        valider_siren("732829321")


def test_un_organisme_au_finess_juridique_faux_ne_passe_pas_la_validation():
    with pytest.raises(ValidationError) as erreur:
        OrganismeFactory.build(finess_juridique="010780055").full_clean()
    assert "n'est pas un numéro FINESS valide" in str(erreur.value)


def test_un_lhss_mobile_doit_etre_rattache_a_un_lhss():
    lhss_mobile = TypeDispositif.objects.get(code="LHSS-MOBILE")
    seul = DispositifFactory.build(
        type=lhss_mobile, organisme=OrganismeFactory(), territoire=DispositifFactory().territoire
    )
    with pytest.raises(ValidationError, match="doit être rattaché à un dispositif LHSS"):
        seul.clean()

    seul.parent = DispositifFactory(type=TypeDispositif.objects.get(code="LAM"))
    with pytest.raises(ValidationError, match="doit être rattaché à un dispositif LHSS"):
        seul.clean()

    seul.parent = DispositifFactory(type=TypeDispositif.objects.get(code="LHSS"))
    seul.clean()


def test_une_empp_indique_son_etablissement_porteur():
    empp = DispositifFactory.build(
        type=TypeDispositif.objects.get(code="EMPP"), territoire=DispositifFactory().territoire
    )
    with pytest.raises(ValidationError, match="établissement de santé qui le porte"):
        empp.clean()
    empp.finess_porteur = "010780054"
    empp.clean()


def test_un_lhss_ne_se_rattache_a_rien():
    lhss = DispositifFactory(type=TypeDispositif.objects.get(code="LHSS"))
    lhss.parent = DispositifFactory()
    with pytest.raises(ValidationError, match="ne se rattache pas"):
        lhss.clean()
