"""Les unités de l'issue 13 : décimales en postes (ETP) seulement, renfort en ETP d'une équipe sans changer le nombre
d'équipes (source 000 : EMPP « + ETP », coordination régionale des PASS « + 0,5 ETP »)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dispositifs.fiches import _capacite_refusee, frise, renfort_au
from dispositifs.models import Dispositif, Nature, TypeDispositif
from dispositifs.registre import enregistrer_evenement
from financements.references import verifier_quantite_citee
from tests.dispositifs.factories import DispositifFactory, TypeDispositifFactory

pytestmark = pytest.mark.django_db

MARS_2020 = datetime.date(2020, 3, 1)
JANVIER_2021 = datetime.date(2021, 1, 1)


def refus(appel) -> tuple[str, str, str]:
    """(champ, code, message) du refus que lève `appel`."""
    with pytest.raises(ValidationError) as erreur:
        appel()
    ((champ, (detail, *_)),) = erreur.value.error_dict.items()
    return champ, detail.code, detail.message


@pytest.fixture
def equipe():
    """Une EMPP autorisée pour une équipe."""
    empp = DispositifFactory(projet=True, type=TypeDispositif.objects.get(code="EMPP"), capacite_prevue=1)
    enregistrer_evenement(empp, nature=Nature.AUTORISATION, date=MARS_2020, capacite=Decimal(1))
    return empp


class TestRenfort:
    def test_un_renfort_de_0_5_etp_ne_change_pas_le_nombre_d_equipes(self, equipe):
        enregistrer_evenement(equipe, nature=Nature.RENFORCEMENT, date=JANVIER_2021, capacite=Decimal("0.5"))

        capacites = Dispositif.objects.with_capacites().get(pk=equipe.pk)
        assert (capacites.capacite_autorisee, capacites.capacite_installee) == (1, 0)
        assert renfort_au(frise(equipe, set()), datetime.date(2021, 6, 30)) == Decimal("0.5")
        assert renfort_au(frise(equipe, set()), datetime.date(2020, 12, 31)) == 0

    def test_la_fiche_et_le_registre_montrent_le_renfort(self, client, planificateur, equipe):
        enregistrer_evenement(equipe, nature=Nature.RENFORCEMENT, date=JANVIER_2021, capacite=Decimal("0.5"))
        client.force_login(planificateur)

        fiche = client.get(f"/dispositifs/{equipe.pk}/").content.decode()

        assert "+ 0,5 ETP, sans changer le nombre d'équipes" in fiche
        assert "Renfort en ETP" in fiche and "+ 0,5 ETP</td>" in fiche

    def test_le_planificateur_saisit_un_renfort_d_un_demi_poste(self, client, planificateur, equipe):
        client.force_login(planificateur)

        reponse = client.post(
            f"/dispositifs/{equipe.pk}/evenements/nouveau/",
            {"nature": "renforcement", "date": "2021-01-01", "capacite": "0,5"},
            follow=True,
        )

        assert [str(message) for message in reponse.context["messages"]] == [
            "Renfort enregistré au registre : + 0,5 ETP, sans changer le nombre d'équipes."
        ]
        assert Dispositif.objects.with_capacites().get(pk=equipe.pk).capacite_autorisee == 1

    def test_un_type_qui_ne_se_compte_pas_en_equipes_n_a_pas_de_renfort(self):
        lhss = DispositifFactory(projet=True)
        enregistrer_evenement(lhss, nature=Nature.AUTORISATION, date=MARS_2020, capacite=Decimal(10))

        champ, code, message = refus(
            lambda: enregistrer_evenement(lhss, nature=Nature.RENFORCEMENT, date=JANVIER_2021, capacite=Decimal(1))
        )
        assert (champ, code) == ("nature", "renfort_hors_equipe")
        assert message.endswith("se compte en places : enregistrez une extension.")


class TestDecimales:
    def test_une_equipe_ne_s_etend_pas_d_une_demi_equipe(self, equipe):
        assert refus(
            lambda: enregistrer_evenement(equipe, nature=Nature.EXTENSION, date=JANVIER_2021, capacite=Decimal("0.5"))
        ) == (
            "capacite",
            "capacite_non_entiere",
            "Un EMPP se compte en équipes : la capacité (0,5) doit être un nombre entier ; seuls les postes (ETP) "
            "admettent des décimales.",
        )

    @pytest.mark.parametrize(("code", "refusee"), [("CSAPA-CA", True), ("CS-PARTICIPATIF", True), ("ARMS", False)])
    def test_la_capacite_prevue_n_a_de_decimales_qu_en_postes(self, code, refusee):
        projet = DispositifFactory.build(type=TypeDispositif.objects.get(code=code), capacite_prevue=Decimal("2.5"))

        erreurs = list(_capacite_refusee(projet))

        assert bool(erreurs) == refusee
        if refusee:
            ((champ, erreur),) = erreurs
            assert (
                champ == "capacite_prevue" and "la capacité prévue (2,5) doit être un nombre entier" in erreur.message
            )

    def test_un_poste_d_arms_se_fractionne(self):
        arms = DispositifFactory(projet=True, type=TypeDispositif.objects.get(code="ARMS"))

        evenement = enregistrer_evenement(arms, nature=Nature.AUTORISATION, date=MARS_2020, capacite=Decimal("0.5"))

        assert evenement.quantite == Decimal("0.5")

    def test_la_quantite_citee_d_un_cout_suit_l_unite_de_son_type(self):
        entree = {"code": "essai", "base": "place_an", "quantite_citee": Decimal("2.5")}

        assert refus(lambda: verifier_quantite_citee(entree, [TypeDispositifFactory(code="LHSS")]))[:2] == (
            "quantite_citee",
            "non_entiere",
        )
        verifier_quantite_citee({**entree, "base": "poste"}, [TypeDispositif.objects.get(code="ARMS")])
