import pytest
from django.core.management import call_command

from territoires.models import Contour, Niveau, Territoire
from territoires.services import importer_territoires

pytestmark = pytest.mark.django_db


def test_l_import_charge_18_regions_101_departements_et_6_territoires_de_sante():
    rapport = importer_territoires()

    assert Territoire.objects.regions().count() == 18
    assert Territoire.objects.departements().count() == 101
    assert Territoire.objects.filter(niveau=Niveau.TERRITOIRE_SANTE).count() == 6
    assert rapport.crees == {
        Niveau.PAYS: 1,
        Niveau.REGION: 18,
        Niveau.DEPARTEMENT: 101,
        Niveau.TERRITOIRE_SANTE: 6,
    }
    assert Contour.objects.count() == 101 + 18  # les départements, puis les régions construites depuis eux


def test_l_import_garde_populations_et_millesimes_officiels():
    importer_territoires()

    nord = Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="59")
    assert (nord.population, nord.millesime_population) == (2_615_635, 2023)
    assert nord.parent.code == "32"
    assert Territoire.objects.get(niveau=Niveau.PAYS).population == 68_350_798


def test_mayotte_garde_son_millesime_2017_et_le_dit():
    importer_territoires()

    mayotte = Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="976")
    assert mayotte.millesime_population == 2017
    assert "2017" in mayotte.note


def test_les_territoires_de_sante_n_ont_pas_de_population_inventee():
    importer_territoires()

    nord_hainaut = Territoire.objects.get(niveau=Niveau.TERRITOIRE_SANTE, code="32-nord-hainaut")
    assert nord_hainaut.parent.code == "59"
    assert nord_hainaut.population is None
    assert "non disponible" in nord_hainaut.note
    assert nord_hainaut.code_region == "32"


def test_un_territoire_de_sante_qui_couvre_son_departement_en_prend_la_population():
    importer_territoires()

    for code in ("02", "60", "62", "80"):  # Aisne, Oise, Pas-de-Calais, Somme
        departement = Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code=code)
        (territoire,) = Territoire.objects.filter(niveau=Niveau.TERRITOIRE_SANTE, parent=departement)
        assert (territoire.population, territoire.millesime_population) == (
            departement.population,
            departement.millesime_population,
        )
        assert territoire.population and territoire.source_population == departement.source_population
    # Le Nord se partage entre deux territoires dont la composition n'est pas publiée : pas de chiffre inventé.
    nord = Territoire.objects.filter(niveau=Niveau.TERRITOIRE_SANTE, parent__code="59")
    assert list(nord.values_list("population", flat=True)) == [None, None]
    assert importer_territoires().nb_changements == 0  # idempotent


def test_l_import_est_idempotent_et_le_rapporte(capsys):
    call_command("importer_territoires")
    avant = list(Territoire.objects.values_list("pk", "chemin", "population"))

    call_command("importer_territoires")

    assert list(Territoire.objects.values_list("pk", "chemin", "population")) == avant
    sortie = capsys.readouterr().out
    assert "Département : 0 créé(s), 0 modifié(s), 101 inchangé(s)" in sortie
    assert "Aucun changement" in sortie


def test_l_import_corrige_une_population_modifiee_a_la_main():
    importer_territoires()
    Territoire.objects.filter(niveau=Niveau.DEPARTEMENT, code="62").update(population=1)

    rapport = importer_territoires()

    assert rapport.modifies[Niveau.DEPARTEMENT] == 1
    assert Territoire.objects.get(niveau=Niveau.DEPARTEMENT, code="62").population == 1_457_905
