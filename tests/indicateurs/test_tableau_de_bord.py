import datetime
from decimal import Decimal

import pytest

from indicateurs.models import Indicateur, StatutDeclaration
from indicateurs.tableau_de_bord import Mesure, construire_tableau_de_bord
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory, DeclarationFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import TerritoireFactory

OCTOBRE = datetime.date(2026, 10, 1)
SEPTEMBRE = datetime.date(2026, 9, 1)


@pytest.fixture
def nord(region_hdf):
    return TerritoireFactory(code="59", nom="Nord", parent=region_hdf, population=2_600_000)


@pytest.fixture
def somme(region_hdf):
    return TerritoireFactory(code="80", nom="Somme", parent=region_hdf, population=570_000)


@pytest.fixture
def lhss(db):
    return TypeDispositifFactory(code="LHSS")


@pytest.fixture
def lam(db):
    return TypeDispositifFactory(code="LAM")


def file_active(**kwargs):
    return AgregatFactory(indicateur=Indicateur.objects.get(code="file_active"), **kwargs)


def tableau_de(territoire, *, debut=SEPTEMBRE, fin=OCTOBRE, **kwargs):
    return construire_tableau_de_bord(territoire=territoire, debut=debut, fin=fin, indicateur="file_active", **kwargs)


class TestChiffres:
    def test_cellules_et_totaux_se_lisent_dans_les_agregats_des_departements(self, region_hdf, nord, somme, lhss, lam):
        file_active(territoire=nord, type=lhss, periode=OCTOBRE, valeur=40, nb_dispositifs=4)
        file_active(territoire=nord, type=lam, periode=OCTOBRE, valeur=25, nb_dispositifs=3)
        file_active(territoire=somme, type=lhss, periode=OCTOBRE, valeur=15, nb_dispositifs=3)
        file_active(territoire=nord, type=lhss, periode=SEPTEMBRE, valeur=30, nb_dispositifs=4)

        tableau = tableau_de(region_hdf, planification=False)

        croisement = tableau.croisement
        assert [t.code for t in croisement.types] == ["LHSS", "LAM"]
        assert [ligne.territoire.code for ligne in croisement.lignes] == ["59", "80"]
        assert [c.valeur for c in croisement.lignes[0].cellules] == [40, 25]
        assert croisement.lignes[0].total.valeur == 65
        assert croisement.lignes[1].cellules[1].valeur is None  # pas de LAM dans la Somme
        assert [c.valeur for c in croisement.totaux] == [55, 25]
        assert croisement.total.valeur == 80
        assert croisement.total.nb_dispositifs == 10
        serie = next(s for s in tableau.series if s.indicateur.code == "file_active")
        assert [c.valeur for c in serie.cellules] == [30, 80]
        chiffre = next(c for c in tableau.chiffres_cles if c.indicateur.code == "file_active")
        assert (chiffre.actuel.valeur, chiffre.precedent.valeur, chiffre.evolution) == (80, 30, 50)
        assert [p.total.valeur for p in tableau.evolution] == [30, 80]

    def test_le_total_d_un_taux_se_recalcule_depuis_numerateurs_et_denominateurs(self, region_hdf, nord, somme, lhss):
        taux = Indicateur.objects.get(code="taux_occupation")
        AgregatFactory(indicateur=taux, territoire=nord, type=lhss, valeur=90, numerateur=900, denominateur=1000)
        AgregatFactory(indicateur=taux, territoire=somme, type=lhss, valeur=50, numerateur=50, denominateur=100)

        tableau = construire_tableau_de_bord(
            territoire=region_hdf, debut=OCTOBRE, fin=OCTOBRE, indicateur="taux_occupation", planification=False
        )

        # (900 + 50) / (1000 + 100), et non la moyenne des taux (70 %).
        assert tableau.croisement.total.valeur == Decimal("86.36")
        assert not tableau.croisement.additif
        assert tableau.carte[0].pour_100k is None  # un taux ne se rapporte pas à la population

    def test_le_tableau_de_bord_d_un_departement_ne_montre_que_lui(self, region_hdf, nord, somme, lhss):
        file_active(territoire=nord, type=lhss, valeur=40)
        file_active(territoire=somme, type=lhss, valeur=15)

        tableau = tableau_de(nord, debut=OCTOBRE, planification=False)

        assert [ligne.territoire for ligne in tableau.croisement.lignes] == [nord]
        assert tableau.croisement.total.valeur == 40

    def test_le_filtre_par_type_ne_garde_que_les_types_choisis(self, region_hdf, nord, lhss, lam):
        file_active(territoire=nord, type=lhss, valeur=40)
        file_active(territoire=nord, type=lam, valeur=25)

        tableau = tableau_de(region_hdf, debut=OCTOBRE, types=["LAM"], planification=False)

        assert [t.code for t in tableau.types] == ["LAM"]
        assert tableau.croisement.total.valeur == 25

    def test_la_carte_pour_100_000_habitants(self, region_hdf, nord, lhss):
        file_active(territoire=nord, type=lhss, valeur=260)

        tableau = tableau_de(region_hdf, debut=OCTOBRE, mesure=Mesure.POUR_100K, planification=False)

        valeur = next(v for v in tableau.carte if v.departement == nord)
        assert valeur.pour_100k == 10
        assert valeur.mesure(Mesure.POUR_100K) == 10

    def test_la_completude_rapporte_les_declarations_validees_aux_attendues(self, region_hdf, nord, somme, lhss, lam):
        """Comptée sur les dispositifs en service : la Somme, où rien n'est validé, compte ses attendues ; un
        dispositif rattaché à la région, dans aucun département, a sa ligne et compte dans le total."""
        for territoire, type_, statut in [
            (nord, lhss, StatutDeclaration.VALIDEE),
            (nord, lhss, StatutDeclaration.TRANSMISE),
            (nord, lam, StatutDeclaration.VALIDEE),
            (somme, lhss, None),
            (region_hdf, lam, None),
        ]:
            dispositif = DispositifFactory(territoire=territoire, type=type_)
            if statut:
                DeclarationFactory(dispositif=dispositif, mois=OCTOBRE, statut=statut)
        DispositifFactory(territoire=somme, type=lhss, projet=True)  # rien n'est attendu d'un projet
        file_active(territoire=nord, type=lhss, nb_declarations=1, nb_attendues=2)

        tableau = tableau_de(region_hdf, debut=OCTOBRE, planification=False)

        lignes = {
            ligne.libelle: (ligne.nb_declarations, ligne.nb_attendues, ligne.taux) for ligne in tableau.completude
        }
        assert lignes == {
            "Nord (59)": (2, 3, Decimal("66.7")),
            "Somme (80)": (0, 1, 0),
            "Sans département (rattachés à la région)": (0, 1, 0),
            "Total": (2, 5, 40),
        }
        seul_lam = tableau_de(region_hdf, debut=OCTOBRE, types=["LAM"], planification=False).completude
        assert (seul_lam[-1].nb_declarations, seul_lam[-1].nb_attendues) == (1, 2)

    def test_sans_agregat_le_tableau_de_bord_est_vide(self, region_hdf, nord):
        assert tableau_de(region_hdf, planification=False).est_vide

    def test_les_ecarts_aux_cibles_viennent_de_la_planification(self, region_hdf, nord, lhss):
        horizon = HorizonFactory()
        CibleFactory(type=lhss, territoire=region_hdf, horizon=horizon, valeur=20)
        EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=nord), quantite=8)

        tableau = tableau_de(region_hdf, types=["LHSS"])

        ligne = tableau.ecarts.lignes[0]
        assert (ligne.territoire, ligne.cible, ligne.autorises, ligne.ecart) == (region_hdf, 20, 8, 12)

    def test_le_tableau_de_bord_public_n_a_pas_de_planification(self, region_hdf, nord, lhss):
        CibleFactory(type=lhss, territoire=region_hdf, horizon=HorizonFactory(), valeur=20)
        assert tableau_de(region_hdf, public=True).ecarts is None


class TestSecret:
    def test_le_public_masque_les_petits_effectifs_et_leur_compagnon_partout(
        self, region_hdf, nord, somme, lhss, lam, publier
    ):
        file_active(territoire=nord, type=lhss, valeur=8, nb_dispositifs=4)  # moins de 11 personnes
        file_active(territoire=nord, type=lam, valeur=30, nb_dispositifs=4)
        file_active(territoire=somme, type=lhss, valeur=50, nb_dispositifs=4)
        file_active(territoire=somme, type=lam, valeur=60, nb_dispositifs=4)
        publier(region_hdf, OCTOBRE)

        tableau = tableau_de(region_hdf, debut=OCTOBRE, public=True, planification=False)

        croisement = tableau.croisement
        nord_lhss, nord_lam = croisement.lignes[0].cellules
        assert nord_lhss.secret and nord_lhss.affichee is None
        # Ni la ligne ni la colonne ne laissent retrouver les 8 personnes par différence.
        assert nord_lam.secret or croisement.lignes[0].total.secret
        assert croisement.lignes[1].cellules[0].secret or croisement.totaux[0].secret

    def test_le_meme_total_est_masque_dans_le_croisement_la_serie_et_les_chiffres_cles(
        self, region_hdf, nord, somme, lhss, publier
    ):
        file_active(territoire=nord, type=lhss, valeur=40, nb_dispositifs=1)
        file_active(territoire=somme, type=lhss, valeur=40, nb_dispositifs=1)
        publier(region_hdf, OCTOBRE)

        tableau = tableau_de(region_hdf, debut=OCTOBRE, public=True, planification=False)

        assert tableau.croisement.total.secret  # deux dispositifs en tout
        serie = next(s for s in tableau.series if s.indicateur.code == "file_active")
        assert serie.cellules[-1].secret
        chiffre = next(c for c in tableau.chiffres_cles if c.indicateur.code == "file_active")
        assert chiffre.actuel.secret and chiffre.evolution is None
        assert all(v.cellule.secret and v.pour_100k is None for v in tableau.carte)

    def test_le_tableau_de_bord_interne_montre_tout(self, region_hdf, nord, lhss):
        file_active(territoire=nord, type=lhss, valeur=4, nb_dispositifs=1)

        tableau = tableau_de(region_hdf, debut=OCTOBRE, planification=False)

        assert tableau.croisement.total.valeur == 4 and not tableau.croisement.total.secret


@pytest.mark.parametrize("nombre", [1, 4])
def test_le_nombre_de_requetes_ne_depend_pas_des_donnees(
    region_hdf, lhss, lam, nombre, django_assert_num_queries, publier
):
    departements = [TerritoireFactory(parent=region_hdf) for _ in range(nombre)]
    types = [lhss, lam][: min(nombre, 2)]
    mois = [datetime.date(2026, m, 1) for m in range(1, 1 + 3 * nombre)]
    horizon = HorizonFactory()
    for departement in departements:
        for type_ in types:
            CibleFactory(type=type_, territoire=departement, horizon=horizon, valeur=5)
            for periode in mois:
                file_active(territoire=departement, type=type_, periode=periode)

    publier(region_hdf, *mois)
    debut, fin = mois[0], mois[-1]
    # types, indicateurs, départements et leurs contours, éditions publiques (au lieu des agrégats), complétude
    # (dispositifs et déclarations)
    with django_assert_num_queries(5):
        public = construire_tableau_de_bord(
            territoire=region_hdf, debut=debut, fin=fin, indicateur="file_active", public=True
        )
    assert len(public.croisement.lignes) == nombre and not public.est_vide
    # les mêmes, puis l'horizon et les 5 requêtes du tableau de planification
    with django_assert_num_queries(11):
        tableau = construire_tableau_de_bord(territoire=region_hdf, debut=debut, fin=fin, indicateur="file_active")
    assert len(tableau.croisement.lignes) == nombre


class TestSansSeries:
    """La page et le PDF ne lisent les autres indicateurs qu'aux deux dernières périodes : mêmes blocs."""

    def test_les_blocs_sont_ceux_du_calcul_avec_toutes_les_series(self, region_hdf, nord, somme, lhss, lam, publier):
        autre = Indicateur.objects.exclude(code="file_active").order_by("ordre").first()
        for periode, valeur in [(datetime.date(2026, 7, 1), 5), (SEPTEMBRE, 30), (OCTOBRE, 40)]:
            file_active(territoire=nord, type=lhss, periode=periode, valeur=valeur, nb_dispositifs=4)
            AgregatFactory(indicateur=autre, territoire=somme, type=lam, periode=periode, valeur=valeur + 1)
        debut = datetime.date(2026, 7, 1)
        publier(region_hdf, debut, datetime.date(2026, 8, 1), SEPTEMBRE, OCTOBRE)

        complet, partiel = (tableau_de(region_hdf, debut=debut, public=True, series=s) for s in (True, False))

        assert not partiel.series and complet.series
        assert partiel.chiffres_cles == complet.chiffres_cles
        assert partiel.evolution == complet.evolution
        assert partiel.croisement == complet.croisement
        assert partiel.carte == complet.carte and partiel.completude == complet.completude

    def test_des_donnees_d_un_autre_indicateur_a_une_periode_anterieure_ne_font_pas_un_tableau_vide(
        self, region_hdf, nord, lhss
    ):
        autre = Indicateur.objects.exclude(code="file_active").order_by("ordre").first()
        AgregatFactory(indicateur=autre, territoire=nord, type=lhss, periode=datetime.date(2026, 7, 1), valeur=3)

        tableau = tableau_de(region_hdf, debut=datetime.date(2026, 7, 1), series=False, planification=False)

        assert not tableau.est_vide
        assert tableau_de(region_hdf, series=False, planification=False).est_vide  # rien en septembre et octobre
