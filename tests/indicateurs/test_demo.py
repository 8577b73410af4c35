import datetime

import pytest

from indicateurs.demo import creer_indicateurs_demo, creer_rapports_demo
from indicateurs.models import Agregat, Declaration, StatutDeclaration, StatutRapport, Valeur
from indicateurs.regles import erreurs_de_coherence
from planification.demo import creer_planification_demo
from territoires.services import importer_territoires
from tests.conftest import donnees_du_module

pytestmark = pytest.mark.django_db
AUJOURD_HUI = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Créée une fois pour le module (quinze secondes), vue de chaque test dans son point de sauvegarde."""
    with donnees_du_module(django_db_blocker):
        importer_territoires()
        creer_planification_demo()
        yield creer_indicateurs_demo(AUJOURD_HUI)


def test_vingt_quatre_mois_fictifs_dont_le_dernier_en_cours(demo):
    mois = sorted(set(Declaration.objects.values_list("mois", flat=True)))

    assert (mois[0], mois[-1], len(mois)) == (datetime.date(2024, 11, 1), datetime.date(2026, 10, 1), 24)
    assert not Declaration.objects.filter(mois__lt=mois[-1]).exclude(statut=StatutDeclaration.VALIDEE).exists()
    dernier = set(Declaration.objects.filter(mois=mois[-1]).values_list("statut", flat=True))
    assert {StatutDeclaration.TRANSMISE, StatutDeclaration.RENVOYEE, StatutDeclaration.BROUILLON} <= dernier
    assert Declaration.objects.filter(mois=mois[-1]).count() < demo["dispositifs"]  # un dispositif en retard
    assert Declaration.objects.filter(dispositif__fictif=False).count() == 0


def test_les_valeurs_fictives_passent_les_controles_de_coherence(demo):
    for declaration in Declaration.objects.prefetch_related("valeurs__indicateur"):
        valeurs = {v.indicateur.code: v.valeur for v in declaration.valeurs.all()}
        assert erreurs_de_coherence(valeurs) == {}, declaration


def test_la_region_a_ses_agregats_et_recharger_ne_double_rien(demo):
    region = Agregat.objects.filter(territoire__code="32", territoire__niveau="region", indicateur__code="file_active")
    assert region.filter(granularite="mois").count() >= 23
    valeurs = Valeur.objects.count()

    creer_indicateurs_demo(AUJOURD_HUI)

    assert Valeur.objects.count() == valeurs


def test_les_deux_mois_valides_ont_leur_rapport_pdf(demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    rapports = creer_rapports_demo(demo["dernier_mois"])

    # Août est verrouillé (depuis le 31/10/2026) et publié : sa version publique existe ; septembre pas encore.
    assert {(r.territoire.code, r.mois, r.public, r.statut) for r in rapports} == {
        ("FR", datetime.date(2026, 9, 1), False, StatutRapport.PRET),  # le rapport national, régions en lignes
        ("32", datetime.date(2026, 9, 1), False, StatutRapport.PRET),
        ("32", datetime.date(2026, 8, 1), False, StatutRapport.PRET),
        ("32", datetime.date(2026, 8, 1), True, StatutRapport.PRET),
    }
    for rapport in rapports:
        with rapport.fichier.open("rb") as pdf:
            assert pdf.read(4) == b"%PDF"
