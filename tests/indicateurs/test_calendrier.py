"""Le calendrier des déclarations : échéance, verrouillage après N jours, dérogations, mois à venir ; et le
service qui l'applique (la page, l'API et l'import passent tous par lui)."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from commun.erreurs import Conflit
from indicateurs import calendrier
from indicateurs.models import Declaration, Derogation, StatutDeclaration
from indicateurs.services import enregistrer_declaration, transmettre

pytestmark = pytest.mark.django_db
OCTOBRE = datetime.date(2026, 10, 1)


def test_l_echeance_est_le_jour_regle_du_mois_suivant(settings):
    assert calendrier.echeance(OCTOBRE) == datetime.date(2026, 11, 10)
    assert calendrier.echeance(datetime.date(2026, 12, 1)) == datetime.date(2027, 1, 10)
    settings.INDICATEURS_JOUR_ECHEANCE = 15
    assert calendrier.echeance(OCTOBRE) == datetime.date(2026, 11, 15)


def test_un_mois_se_verrouille_n_jours_apres_sa_fin(settings, lhss):
    settings.INDICATEURS_VERROUILLAGE_JOURS = 60
    # Fin d'octobre le 31 ; 60 jours pleins ensuite : ouvert jusqu'au 30 décembre inclus.
    assert not calendrier.verrouille(OCTOBRE, lhss, datetime.date(2026, 12, 30))
    assert calendrier.verrouille(OCTOBRE, lhss, datetime.date(2026, 12, 31))
    settings.INDICATEURS_VERROUILLAGE_JOURS = 10
    assert calendrier.verrouille(OCTOBRE, lhss, datetime.date(2026, 11, 11))


def test_une_derogation_rouvre_le_mois_jusqu_a_sa_date(lhss, instructeur):
    Derogation.objects.create(
        dispositif=lhss, mois=OCTOBRE, jusqu_au=datetime.date(2027, 1, 15), motif="Panne", accordee_par=instructeur
    )

    assert not calendrier.verrouille(OCTOBRE, lhss, datetime.date(2027, 1, 15))
    assert calendrier.verrouille(OCTOBRE, lhss, datetime.date(2027, 1, 16))


def test_le_mois_en_cours_se_declare_pas_le_suivant():
    assert not calendrier.est_futur(datetime.date(2026, 11, 1), datetime.date(2026, 11, 23))
    assert calendrier.est_futur(datetime.date(2026, 12, 1), datetime.date(2026, 11, 23))


class TestLeServiceAppliqueLeCalendrier:
    def test_un_mois_verrouille_ne_s_enregistre_plus(self, lhss):
        with pytest.raises(ValidationError, match="verrouillé"):
            enregistrer_declaration(
                dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)}, aujourd_hui=datetime.date(2027, 1, 1)
            )
        assert not Declaration.objects.exists()

    def test_une_derogation_rouvre_l_enregistrement_et_la_transmission(self, lhss, instructeur):
        Derogation.objects.create(
            dispositif=lhss, mois=OCTOBRE, jusqu_au=datetime.date(2027, 1, 31), motif="Panne", accordee_par=instructeur
        )
        janvier = datetime.date(2027, 1, 10)

        declaration = enregistrer_declaration(
            dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)}, aujourd_hui=janvier
        )
        transmettre(declaration=declaration, aujourd_hui=janvier)

        assert Declaration.objects.get().statut == StatutDeclaration.TRANSMISE

    def test_un_brouillon_d_un_mois_verrouille_ne_se_transmet_plus(self, lhss):
        declaration = enregistrer_declaration(dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)})

        with pytest.raises(ValidationError, match="verrouillé"):
            transmettre(declaration=declaration, aujourd_hui=datetime.date(2027, 1, 1))
        assert Declaration.objects.get().statut == StatutDeclaration.BROUILLON

    def test_un_mois_a_venir_ne_se_declare_pas(self, lhss):
        with pytest.raises(ValidationError, match="n'a pas commencé"):
            enregistrer_declaration(dispositif=lhss, mois=datetime.date(2026, 12, 1), valeurs={"file_active": D(1)})

    def test_chaque_enregistrement_incremente_la_version_et_une_version_perimee_est_refusee(self, lhss):
        premiere = enregistrer_declaration(
            dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(20)}, version_lue=0
        )
        seconde = enregistrer_declaration(
            dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(21)}, version_lue=premiere.version
        )

        with pytest.raises(Conflit, match="modifiée depuis"):
            enregistrer_declaration(
                dispositif=lhss, mois=OCTOBRE, valeurs={"file_active": D(99)}, version_lue=premiere.version
            )
        assert seconde.version == premiere.version + 1
        assert seconde.valeurs.get().valeur == 21
