import datetime
import re
from decimal import Decimal

import pytest

from indicateurs import graphiques
from indicateurs.graphiques import carte
from indicateurs.graphiques.nombres import nombre
from indicateurs.models import Indicateur
from indicateurs.tableau_de_bord import Mesure, construire_tableau_de_bord
from territoires.models import Contour
from tests.dispositifs.factories import TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.territoires.factories import TerritoireFactory

SEPTEMBRE, OCTOBRE = datetime.date(2026, 9, 1), datetime.date(2026, 10, 1)


def carre(x: float, y: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}


@pytest.fixture
def tableau(region_hdf, publier):
    """Deux départements dessinés : le Nord publiable (1 234 personnes), la Somme secrète (un seul dispositif) ;
    septembre et octobre publiés."""
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf, population=2_600_000)
    somme = TerritoireFactory(code="80", nom="Somme", parent=region_hdf, population=570_000)
    Contour.objects.create(territoire=nord, geometrie=carre(3, 50))
    Contour.objects.create(territoire=somme, geometrie=carre(2, 49))
    lhss = TypeDispositifFactory(code="LHSS")
    file_active = Indicateur.objects.get(code="file_active")
    for periode in (SEPTEMBRE, OCTOBRE):
        AgregatFactory(
            indicateur=file_active, type=lhss, territoire=nord, periode=periode, valeur=1234, nb_dispositifs=5
        )
        AgregatFactory(
            indicateur=file_active, type=lhss, territoire=somme, periode=periode, valeur=8765, nb_dispositifs=1
        )
    publier(region_hdf, SEPTEMBRE, OCTOBRE)

    def construire(**kwargs):
        return construire_tableau_de_bord(
            territoire=region_hdf,
            debut=SEPTEMBRE,
            fin=OCTOBRE,
            indicateur="file_active",
            planification=False,
            **kwargs,
        )

    return construire


def test_les_nombres_s_ecrivent_a_la_francaise():
    assert nombre(Decimal("1234")) == "1\xa0234"
    assert nombre(Decimal("87.50")) == "87,5"
    assert nombre(None) == "—"


class TestCourbesEtBarres:
    def test_les_graphiques_n_ont_ni_script_ni_attribut_style_et_portent_le_nonce(self, tableau):
        dessins = graphiques.dessiner(tableau(), nonce="abc123")
        for nom in ("evolution", "departements"):
            svg = dessins[nom]
            assert "<script" not in svg
            assert not re.search(r"\sstyle=", svg), nom
            assert '<style type="text/css" nonce="abc123">' in svg
            assert 'role="img"' in svg

    def test_sans_nonce_le_style_reste_dans_le_svg_pour_le_pdf(self, tableau):
        svg = graphiques.evolution(tableau())
        assert '<style type="text/css">' in svg

    def test_l_evolution_a_une_courbe_par_type_et_des_libelles_francais(self, tableau):
        svg = graphiques.evolution(tableau())
        assert "LHSS" in svg
        assert "sept. 2026" in svg and "oct. 2026" in svg
        # L'axe des valeurs à la française ; le 9 999 (Nord + Somme) n'était écrit que dans les <desc> des
        # infobulles, retirés : les barres par département écrivent, elles, leurs valeurs.
        assert "9\xa0000" in svg and "9999" not in svg
        assert "1\xa0234" in graphiques.departements(tableau())

    def test_une_valeur_masquee_n_entre_jamais_dans_un_graphique(self, tableau):
        dessins = graphiques.dessiner(tableau(public=True))
        for svg in (dessins["evolution"], dessins["departements"]):
            assert "8765" not in svg and "8\xa0765" not in svg
        assert "Somme (80) : secret" in dessins["departements"]


class TestCarte:
    def test_les_departements_sont_colores_par_classe_avec_une_legende(self, tableau):
        coloree = carte.colorer(tableau())
        couleurs = {trace.code: trace.couleur for trace in coloree.traces}
        assert couleurs["59"] != couleurs["80"]
        assert all(couleur in carte.TEINTES for couleur in couleurs.values())
        assert [element.libelle for element in coloree.legende] == [
            "jusqu'à 1\xa0234",
            "plus de 1\xa0234, jusqu'à 8\xa0765",
        ]

    def test_un_departement_masque_est_gris_et_dit_secret(self, tableau):
        coloree = carte.colorer(tableau(public=True))
        somme = next(trace for trace in coloree.traces if trace.code == "80")
        assert somme.couleur == carte.TEINTE_SECRET
        assert somme.texte == "secret" and "8765" not in somme.titre
        assert "secret statistique" in [element.libelle for element in coloree.legende]

    def test_la_carte_peut_montrer_les_valeurs_pour_100_000_habitants(self, tableau):
        coloree = carte.colorer(tableau(mesure=Mesure.POUR_100K))
        nord = next(trace for trace in coloree.traces if trace.code == "59")
        assert nord.texte == "47,46"  # 1 234 × 100 000 / 2 600 000

    def test_sans_contours_pas_de_carte(self, region_hdf):
        TerritoireFactory(code="59", parent=region_hdf)
        assert carte.colorer(construire_tableau_de_bord(territoire=region_hdf, debut=OCTOBRE, fin=OCTOBRE)) is None


def test_le_gabarit_de_la_carte_ne_colore_qu_avec_des_attributs_fill(tableau):
    from django.template.loader import render_to_string

    html = render_to_string(
        "indicateurs/tableau/_carte.html", {"tableau": tableau(), "graphiques": {"carte": carte.colorer(tableau())}}
    )
    assert 'fill="#' in html
    assert "style=" not in html
    assert "<table>" in html and "Voir les données" in html
