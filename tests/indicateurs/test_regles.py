from decimal import Decimal as D

import pytest

from indicateurs.models import Indicateur
from indicateurs.regles import erreurs_de_coherence, valeurs_inhabituelles


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

    assert len(par_code) == 30
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
