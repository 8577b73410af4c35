from decimal import Decimal as D

import pytest

from indicateurs.models import Agregation, Indicateur
from indicateurs.regles import cumuler, erreurs_de_coherence, taux, valeurs_inhabituelles


def test_un_flux_se_somme_sur_le_trimestre():
    assert cumuler(Agregation.SOMME, [D(10), D(12), D(8)]) == 30


def test_un_stock_ne_se_somme_jamais_sur_plusieurs_mois():
    # La même file active de 100 personnes trois mois de suite reste 100, pas 300.
    assert cumuler(Agregation.MOYENNE, [D(100), D(100), D(100)]) == 100
    assert cumuler(Agregation.MOYENNE, [D(90), None, D(110)]) == 100  # un mois manquant ne compte pas pour zéro
    assert cumuler(Agregation.DERNIERE, [D("3.5"), D(4), D("4.5")]) == D("4.5")


def test_un_taux_se_recalcule_depuis_les_sommes_et_non_comme_une_moyenne_de_taux():
    realisees, theoriques = [D(300), D(10)], [D(310), D(310)]  # 96,77 % puis 3,23 %

    assert taux(realisees, theoriques) == D("50.00")  # 310 / 620
    moyenne_des_taux = (D(300) / 310 + D(10) / 310) * 100 / 2
    assert taux([D(300), D(10)], [D(310), D(100)]) != moyenne_des_taux.quantize(D("0.01"))
    assert taux([D(300), D(10)], [D(310), D(100)]) == D("75.61")  # 310 / 410


def test_un_taux_ne_passe_pas_par_la_regle_des_stocks():
    with pytest.raises(ValueError, match="se recalcule avec taux"):
        cumuler(Agregation.TAUX, [D(50)])


def test_les_incoherences_sont_dites_en_francais():
    erreurs = erreurs_de_coherence(
        {
            "file_active": D(10),
            "nouvelles_personnes": D(12),
            "journees_realisees": D(40),
            "journees_theoriques": D(31),
            "vaccinations": D(-1),
        }
    )

    assert erreurs == {
        "nouvelles_personnes": "Les nouvelles personnes font partie de la file active : "
        "elles ne peuvent pas être plus nombreuses.",
        "journees_realisees": "Les journées réalisées ne peuvent pas dépasser les journées théoriques.",
        "vaccinations": "Une valeur ne peut pas être négative.",
    }


def test_une_valeur_inhabituelle_est_signalee_mais_pas_refusee():
    historique = {"file_active": [D(40), D(44), D(42)]}

    assert "inhabituelle" in valeurs_inhabituelles({"file_active": D(400)}, historique)["file_active"]
    assert valeurs_inhabituelles({"file_active": D(45)}, historique) == {}
    assert valeurs_inhabituelles({"file_active": D(400)}, {"file_active": [D(40)]}) == {}  # trop peu d'historique


@pytest.mark.django_db
def test_le_catalogue_seme_les_indicateurs_communs_et_leurs_regles(client):
    par_code = {i["code"]: i for i in client.get("/api/v1/indicateurs/").json()}

    assert len(par_code) == 13
    assert par_code["file_active"]["agregation"] == "moyenne" and par_code["etp_en_poste"]["agregation"] == "derniere"
    assert (par_code["taux_occupation"]["numerateur"], par_code["taux_occupation"]["denominateur"]) == (
        "journees_realisees",
        "journees_theoriques",
    )
    assert "LHSS" in par_code["taux_occupation"]["types"] and "EMPP" not in par_code["taux_occupation"]["types"]
    assert "EMSP" in par_code["interventions_aller_vers"]["types"]


@pytest.mark.django_db
def test_un_taux_sans_numerateur_est_refuse_par_la_base():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Indicateur.objects.create(
            code="taux_bancal", libelle="Taux", definition="—", unite="%", nature_valeur="decimal", agregation="taux"
        )


@pytest.mark.django_db
def test_catalogue_en_nombre_de_requetes_constant(client, django_assert_num_queries):
    # indicateurs avec numérateur et dénominateur, leurs types
    with django_assert_num_queries(2):
        client.get("/api/v1/indicateurs/")
