import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from dispositifs.models import TypeDispositif
from indicateurs.models import Declaration, StatutDeclaration, Valeur
from indicateurs.services import enregistrer_declaration, renvoyer, transmettre, valider
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import DeclarationFactory, ValeurFactory

pytestmark = pytest.mark.django_db
NOVEMBRE = datetime.date(2026, 11, 1)  # le mois en cours (les tests figent le 23/11/2026)
OCTOBRE = datetime.date(2026, 10, 1)


@pytest.fixture
def lhss():
    return DispositifFactory(type=TypeDispositif.objects.get(code="LHSS"))


def test_une_declaration_coherente_s_enregistre_puis_se_transmet_et_se_valide(lhss, instructeur):
    declaration = enregistrer_declaration(
        dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20), "nouvelles_personnes": D(5)}
    )
    transmettre(declaration=declaration)
    valider(declaration=declaration, user=instructeur)

    declaration.refresh_from_db()
    assert (declaration.statut, declaration.validee_par) == (StatutDeclaration.VALIDEE, instructeur)
    assert dict(Valeur.objects.values_list("indicateur__code", "valeur")) == {
        "file_active": D(20),
        "nouvelles_personnes": D(5),
    }


def test_toutes_les_erreurs_sont_dites_ensemble_et_rien_n_est_enregistre(lhss):
    with pytest.raises(ValidationError) as refus:
        enregistrer_declaration(
            dispositif=lhss,
            mois=NOVEMBRE,
            valeurs={
                "file_active": D(10),
                "nouvelles_personnes": D(12),
                "journees_realisees": D("3.5"),
                "interventions_aller_vers": D(4),
            },
        )

    assert set(refus.value.message_dict) == {"nouvelles_personnes", "journees_realisees", "interventions_aller_vers"}
    assert refus.value.message_dict["interventions_aller_vers"] == [
        "Cet indicateur ne concerne pas ce type de dispositif."
    ]
    assert refus.value.error_dict["journees_realisees"][0].code == "entier_attendu"
    assert not Valeur.objects.exists()


def test_une_valeur_inhabituelle_passe_seulement_avec_un_commentaire(lhss, instructeur):
    for mois in (8, 9, 10):  # l'habitude du dispositif : trois mois validés (août est déjà verrouillé)
        ValeurFactory(declaration=DeclarationFactory(dispositif=lhss, mois=datetime.date(2026, mois, 1)), valeur=40)

    with pytest.raises(ValidationError) as refus:
        enregistrer_declaration(dispositif=lhss, mois=NOVEMBRE, valeurs={"file_active": D(400)})
    enregistrer_declaration(
        dispositif=lhss,
        mois=NOVEMBRE,
        valeurs={"file_active": D(400)},
        commentaires={"file_active": "Ouverture d'un gymnase pour le plan grand froid."},
    )

    assert "inhabituelle" in refus.value.message_dict["file_active"][0]
    assert Valeur.objects.get(declaration__mois=NOVEMBRE).commentaire.startswith("Ouverture")


def test_une_declaration_transmise_ne_se_modifie_plus_et_ne_se_valide_qu_une_fois(lhss, instructeur):
    declaration = transmettre(
        declaration=enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)})
    )

    with pytest.raises(ValidationError, match="ne se modifie plus"):
        enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(21)})
    valider(declaration=declaration, user=instructeur)
    with pytest.raises(ValidationError) as refus:
        valider(declaration=declaration, user=instructeur)
    assert (refus.value.messages, refus.value.code) == (["Déclaration déjà « validée »."], "statut_change")


def test_un_renvoi_exige_un_motif_et_rouvre_la_saisie(lhss):
    declaration = transmettre(
        declaration=enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)})
    )

    with pytest.raises(ValidationError):
        renvoyer(declaration=declaration, motif="  ")
    renvoyer(declaration=declaration, motif="La file active semble inclure octobre.")
    enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(18)})

    assert Declaration.objects.get().statut == StatutDeclaration.RENVOYEE
    assert Valeur.objects.get().valeur == 18


def test_un_mois_se_declare_au_premier_jour():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Declaration.objects.create(dispositif=DispositifFactory(), mois=datetime.date(2026, 11, 15))
