"""Le registre des arrêtés (dispositifs/registre.py) : ce qu'il refuse, ce qu'il fait du statut et du titulaire."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dispositifs.models import Dispositif, Nature, Statut, Unite
from dispositifs.registre import enregistrer_evenement
from tests.dispositifs.factories import DispositifFactory, OrganismeFactory, TypeDispositifFactory

pytestmark = pytest.mark.django_db

MARS_2020 = datetime.date(2020, 3, 1)
SEPTEMBRE_2020 = datetime.date(2020, 9, 1)


def enregistrer(dispositif, nature, date, capacite=None, **champs):
    capacite = None if capacite is None else Decimal(capacite)
    return enregistrer_evenement(dispositif, nature=nature, date=date, capacite=capacite, **champs)


def refus(dispositif, nature, date, capacite=None, **champs) -> tuple[str, str, str]:
    """(champ, code, message) du refus attendu."""
    with pytest.raises(ValidationError) as erreur:
        enregistrer(dispositif, nature, date, capacite, **champs)
    ((champ, (detail, *_)),) = erreur.value.error_dict.items()
    return champ, detail.code, detail.message


@pytest.fixture
def projet():
    return DispositifFactory(projet=True, capacite_prevue=10)


@pytest.fixture
def autorise(projet, planificateur):
    enregistrer(projet, Nature.AUTORISATION, MARS_2020, 10, reference="Arrêté fictif n° 1", user=planificateur)
    projet.refresh_from_db()
    return projet


class TestAutorisation:
    def test_l_autorisation_rend_le_projet_autorise_pour_15_ans_en_medico_social(self, projet, planificateur):
        evenement = enregistrer(projet, Nature.AUTORISATION, MARS_2020, 10, user=planificateur)

        projet.refresh_from_db()
        assert projet.statut == Statut.AUTORISE
        assert (evenement.duree_annees, evenement.saisi_par, evenement.quantite) == (15, planificateur, 10)
        assert projet.version == 2

    def test_une_duree_saisie_l_emporte_et_le_sanitaire_n_en_a_pas_par_defaut(self):
        pass_ = DispositifFactory(projet=True, type=TypeDispositifFactory(code="PASS", secteur="sanitaire"))

        assert enregistrer(pass_, Nature.AUTORISATION, MARS_2020, 1).duree_annees is None
        lhss = DispositifFactory(projet=True)
        assert enregistrer(lhss, Nature.AUTORISATION, MARS_2020, 1, duree_annees=7).duree_annees == 7

    def test_on_n_autorise_pas_deux_fois(self, autorise):
        assert refus(autorise, Nature.AUTORISATION, SEPTEMBRE_2020, 5)[:2] == ("nature", "deja_autorise")


class TestAnteriorite:
    def test_un_evenement_avant_l_autorisation_est_refuse(self, autorise):
        champ, code, message = refus(autorise, Nature.INSTALLATION, datetime.date(2019, 12, 31), 5)

        assert (champ, code) == ("date", "avant_autorisation")
        assert message == "L'autorisation date du 01/03/2020 : un événement ne peut pas la précéder."

    def test_sans_autorisation_on_n_installe_pas(self, projet):
        assert refus(projet, Nature.INSTALLATION, MARS_2020, 5)[:2] == ("nature", "sans_autorisation")


class TestInstallation:
    def test_installation_partielle_puis_totale(self, autorise):
        enregistrer(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 4, visite_conformite=datetime.date(2020, 8, 20))
        autorise.refresh_from_db()
        assert autorise.statut == Statut.INSTALLE
        enregistrer(autorise, Nature.INSTALLATION, datetime.date(2021, 1, 1), 6)

        capacites = Dispositif.objects.with_capacites().get(pk=autorise.pk)
        assert (capacites.capacite_autorisee, capacites.capacite_installee) == (10, 10)

    def test_installer_plus_que_l_autorise_a_cette_date_est_refuse(self, autorise):
        enregistrer(autorise, Nature.EXTENSION, datetime.date(2021, 1, 1), 5)

        champ, code, message = refus(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 12)

        assert (champ, code) == ("capacite", "depasse_autorise")
        assert message == "Installer 12 porterait l'installé à 12, au-delà des 10 autorisés au 01/09/2020."

    def test_une_installation_antidatee_ne_fait_pas_deborder_une_date_deja_enregistree(self, autorise):
        enregistrer(autorise, Nature.INSTALLATION, datetime.date(2021, 1, 1), 8)

        champ, code, message = refus(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 4)

        assert (champ, code) == ("date", "depasse_autorise")
        assert message.startswith("Cet arrêté rendrait incohérent le registre au 01/01/2021 (installation")

    def test_la_visite_de_conformite_ne_se_saisit_que_pour_une_installation(self, autorise):
        champ, code, _ = refus(autorise, Nature.EXTENSION, SEPTEMBRE_2020, 2, visite_conformite=MARS_2020)
        assert (champ, code) == ("visite_conformite", "hors_nature")


class TestReduction:
    def test_une_reduction_sous_l_installe_est_refusee(self, autorise):
        enregistrer(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 8)

        assert refus(autorise, Nature.REDUCTION, datetime.date(2021, 1, 1), 3)[:2] == ("capacite", "sous_installe")

    def test_reduire_toute_la_capacite_c_est_fermer(self, autorise):
        assert refus(autorise, Nature.REDUCTION, SEPTEMBRE_2020, 10)[:2] == ("capacite", "reduction_totale")


class TestFermeture:
    def test_la_fermeture_prend_la_capacite_restante_et_ferme(self, autorise):
        enregistrer(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 10)

        evenement = enregistrer(autorise, Nature.FERMETURE, datetime.date(2022, 1, 1))

        autorise.refresh_from_db()
        assert (evenement.quantite, autorise.statut) == (10, Statut.FERME)

    def test_fermer_deux_fois_est_refuse(self, autorise):
        enregistrer(autorise, Nature.FERMETURE, datetime.date(2022, 1, 1))

        champ, code, message = refus(autorise, Nature.FERMETURE, datetime.date(2023, 1, 1))

        assert (champ, code) == ("nature", "deja_ferme")
        assert message == "Le dispositif est déjà fermé depuis le 01/01/2022."

    def test_une_extension_sur_un_dispositif_ferme_est_refusee(self, autorise):
        enregistrer(autorise, Nature.FERMETURE, datetime.date(2022, 1, 1))

        assert refus(autorise, Nature.EXTENSION, datetime.date(2023, 1, 1), 5)[:2] == ("nature", "dispositif_ferme")

    def test_une_fermeture_partielle_est_refusee(self, autorise):
        assert refus(autorise, Nature.FERMETURE, SEPTEMBRE_2020, 4)[:2] == ("capacite", "capacite_autorisee_restante")


class TestCapacite:
    @pytest.mark.parametrize(
        ("capacite", "code"),
        [("2.5", "capacite_non_entiere"), ("0", "capacite_non_positive"), ("-3", "capacite_non_positive")],
    )
    def test_une_capacite_en_places_est_entiere_et_positive(self, projet, capacite, code):
        assert refus(projet, Nature.AUTORISATION, MARS_2020, capacite)[:2] == ("capacite", code)

    def test_le_message_nomme_l_unite(self, projet):
        assert refus(projet, Nature.AUTORISATION, MARS_2020, "2.5")[2] == (
            "Un LHSS se compte en places : la capacité (2,5) doit être un nombre entier ; seuls les postes (ETP) "
            "admettent des décimales."
        )

    def test_un_type_compte_en_etp_admet_les_decimales(self):
        arms = DispositifFactory(projet=True, type=TypeDispositifFactory(code="ARMS", unite=Unite.ETP))

        assert enregistrer(arms, Nature.AUTORISATION, MARS_2020, "0.5").quantite == Decimal("0.5")
        assert refus(arms, Nature.EXTENSION, SEPTEMBRE_2020, "0.125")[:2] == ("capacite", "trop_de_decimales")

    def test_la_capacite_est_requise(self, projet):
        assert refus(projet, Nature.AUTORISATION, MARS_2020)[:2] == ("capacite", "requise")


class TestTransfert:
    def test_le_transfert_change_le_titulaire_sans_changer_la_capacite(self, autorise):
        repreneur = OrganismeFactory()

        evenement = enregistrer(autorise, Nature.TRANSFERT, SEPTEMBRE_2020, vers_organisme=repreneur)

        autorise.refresh_from_db()
        assert (autorise.organisme, evenement.quantite) == (repreneur, 10)
        assert Dispositif.objects.with_capacites().get(pk=autorise.pk).capacite_autorisee == 10

    def test_un_transfert_sans_nouveau_titulaire_ou_vers_le_meme_est_refuse(self, autorise):
        assert refus(autorise, Nature.TRANSFERT, SEPTEMBRE_2020)[:2] == ("vers_organisme", "requis")
        champ, code, _ = refus(autorise, Nature.TRANSFERT, SEPTEMBRE_2020, vers_organisme=autorise.organisme)
        assert (champ, code) == ("vers_organisme", "meme_titulaire")


def test_un_refus_n_ecrit_rien(autorise):
    refus(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 12)

    assert autorise.evenements.count() == 1
    autorise.refresh_from_db()
    assert (autorise.statut, autorise.version) == (Statut.AUTORISE, 2)


def test_le_registre_est_un_livre_chaque_saisie_au_journal(autorise):
    from auditlog.models import LogEntry

    evenement = autorise.evenements.get()
    assert LogEntry.objects.get_for_object(evenement).count() == 1
    assert any("statut" in entree.changes_dict for entree in LogEntry.objects.get_for_object(autorise))


def test_une_fermeture_remet_a_zero_un_dispositif_installe_en_partie_en_sql_comme_dans_la_frise(autorise):
    """Fermer 10 places autorisées dont 4 installées, financées (un crédit chaque année) : rien ne devient négatif,
    et la frise de la fiche (Python) dit la même chose que les capacités calculées en SQL, avant et après."""
    from dispositifs.fiches import frise
    from tests.financements.factories import CreditFactory

    for annee in (2020, 2023, 2024):
        CreditFactory(dispositif=autorise, annee=annee)
    enregistrer(autorise, Nature.INSTALLATION, SEPTEMBRE_2020, 4)
    fermeture = datetime.date(2024, 1, 1)
    enregistrer(autorise, Nature.FERMETURE, fermeture, 10)

    def en_sql(jour):
        d = Dispositif.objects.with_capacites(jour).get(pk=autorise.pk)
        return (d.capacite_autorisee, d.capacite_installee, d.capacite_financee)

    *_, avant, apres = frise(autorise, {2020, 2023, 2024})
    assert (
        en_sql(fermeture - datetime.timedelta(days=1))
        == (10, 4, 10)
        == (
            avant.autorisee,
            avant.installee,
            avant.financee,
        )
    )
    assert en_sql(fermeture) == (0, 0, 0) == (apres.autorisee, apres.installee, apres.financee)


def test_les_places_financees_sont_les_autorisees_d_une_annee_qui_a_un_credit(autorise):
    """Sans crédit notifié pour l'année, rien n'est financé ; avec, toute la capacité autorisée l'est."""
    from tests.financements.factories import CreditFactory

    CreditFactory(dispositif=autorise, annee=2021)

    def financee(jour):
        return Dispositif.objects.with_capacites(jour).get(pk=autorise.pk).capacite_financee

    assert (financee(datetime.date(2020, 12, 31)), financee(datetime.date(2021, 6, 1))) == (0, 10)
