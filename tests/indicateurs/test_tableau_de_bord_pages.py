import datetime
import re

import pytest
from django.urls import reverse

from indicateurs.models import Indicateur
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import TypeDispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.indicateurs.pages import sans_aleatoire
from tests.territoires.factories import TerritoireFactory

OCTOBRE = datetime.date(2026, 10, 1)
FILTRES = {"debut": "2026-10", "fin": "2026-10", "indicateur": "file_active"}
# Des valeurs qu'aucun autre nombre de la page ne contient, pour chercher leur trace dans le HTML et le CSV.
MASQUEES = [4321, 1234, 2222, 3333]


def formes(valeur: int) -> list[str]:
    """Les écritures d'un nombre : brut, à la française (espace insécable, fine ou normale)."""
    texte = str(valeur)
    milliers = f"{texte[:-3]}{{}}{texte[-3:]}" if len(texte) > 3 else "{}" + texte
    return [texte, *(milliers.format(espace) for espace in ["\xa0", "\u202f", " "])]


@pytest.fixture
def departements(region_hdf):
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    somme = TerritoireFactory(code="80", nom="Somme", parent=region_hdf)
    return nord, somme


@pytest.fixture
def donnees(departements, region_hdf, publier):
    """Nord LHSS : 4 321 personnes d'un seul dispositif, donc secrètes ; le secret secondaire masque les trois
    autres cases (chaque ligne et chaque colonne en garde deux), les totaux restent publiés. Octobre est publié."""
    nord, somme = departements
    lhss, lam = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="LAM")
    file_active = Indicateur.objects.get(code="file_active")
    cases = [(nord, lhss, 4321, 1), (nord, lam, 1234, 5), (somme, lhss, 2222, 5), (somme, lam, 3333, 5)]
    for territoire, type_, valeur, nb in cases:
        AgregatFactory(
            indicateur=file_active,
            territoire=territoire,
            type=type_,
            periode=OCTOBRE,
            valeur=valeur,
            nb_dispositifs=nb,
        )
    publier(region_hdf, OCTOBRE)
    return cases


def nord_file_active():
    return Indicateur.objects.get(code="file_active")


class TestTableauRegional:
    def test_un_planificateur_voit_les_chiffres_des_agregats(self, client, planificateur, donnees):
        client.force_login(planificateur)
        response = client.get(reverse("indicateurs:tableau:region"), FILTRES)
        assert response.status_code == 200
        html = response.content.decode()
        assert "4\xa0321" in html  # la version interne montre tout
        assert "Tableau de bord des indicateurs" in html
        assert "secret" not in html.lower().replace("secret statistique", "")

    def test_un_planificateur_d_une_autre_region_recoit_404(self, client, region_idf, donnees):
        planificateur_idf = UtilisateurFactory(planificateur=True, region=region_idf, email="idf@exemple.test")
        client.force_login(planificateur_idf)
        assert client.get(reverse("indicateurs:tableau:region"), {"region": "32"}).status_code == 404
        assert client.get(reverse("indicateurs:tableau:export"), {"region": "32"}).status_code == 404
        assert client.get(reverse("indicateurs:tableau:region")).status_code == 200  # sa propre région

    def test_un_operateur_est_refuse(self, client, operateur):
        client.force_login(operateur)
        assert client.get(reverse("indicateurs:tableau:region")).status_code == 403

    def test_un_administrateur_peut_choisir_la_france_ou_les_regions_sont_les_lignes(
        self, client, administrateur, donnees, region_hdf
    ):
        nord, lhss, *_ = donnees[0]
        # L'agrégat de la région, que le calcul écrit à côté de ceux de ses départements (indicateurs/agregation.py).
        AgregatFactory(indicateur=nord_file_active(), territoire=region_hdf, type=lhss, periode=OCTOBRE, valeur=7531)
        client.force_login(administrateur)
        response = client.get(reverse("indicateurs:tableau:region"), {"region": "FR", **FILTRES})
        assert response.status_code == 200
        html = response.content.decode()
        assert "7\xa0531" in html and "Hauts-de-France" in html
        assert "4\xa0321" not in html  # les départements ne sont plus des lignes

    def test_etat_vide_sans_donnees(self, client, planificateur, departements):
        client.force_login(planificateur)
        response = client.get(reverse("indicateurs:tableau:region"), FILTRES)
        assert "Aucune donnée pour ces filtres" in response.content.decode()

    def test_une_periode_invalide_montre_l_erreur(self, client, planificateur, departements):
        client.force_login(planificateur)
        response = client.get(reverse("indicateurs:tableau:region"), {"debut": "2026-10", "fin": "2026-01"})
        assert "Le mois de fin doit suivre le mois de début." in response.content.decode()

    def test_la_page_autorise_les_styles_des_graphiques_par_nonce(self, client, planificateur, donnees):
        client.force_login(planificateur)
        response = client.get(reverse("indicateurs:tableau:region"), FILTRES)
        politique = response["Content-Security-Policy"]
        nonce = politique.split("'nonce-")[1].split("'")[0]
        html = response.content.decode()
        assert f'<style type="text/css" nonce="{nonce}">' in html
        assert "<script" not in html.split("<footer")[0].split("<main")[1]
        assert "unsafe-inline" not in politique


class TestTableauPublic:
    def test_les_visiteurs_anonymes_voient_le_tableau_public_et_sa_regle(self, client, donnees, settings):
        response = client.get(reverse("indicateurs:tableau:public"), FILTRES)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Secret statistique" in html
        assert f"moins de {settings.SECRET_SEUIL_PERSONNES} personnes" in html
        assert f"moins de {settings.SECRET_SEUIL_DISPOSITIFS} dispositifs" in html

    def test_aucune_valeur_masquee_n_apparait_dans_le_html(self, client, donnees):
        html = sans_aleatoire(client.get(reverse("indicateurs:tableau:public"), FILTRES).content.decode())
        for valeur in MASQUEES:
            for forme in formes(valeur):
                # Un nombre entier, pas un morceau d'une coordonnée SVG (« 491.1333333 »).
                assert not re.search(rf"(?<![\d.,]){forme}(?![\d.,])", html), f"{forme} apparaît dans la page"
        assert "5\xa0555" in html  # le total du Nord, lui, est publié

    def test_aucune_valeur_masquee_n_apparait_dans_un_csv_public(self, client, donnees):
        for table in ["departements", "evolution", "series", "chiffres_cles", "carte", "completude"]:
            response = client.get(reverse("indicateurs:tableau:export_public"), {**FILTRES, "table": table})
            assert response.status_code == 200, table
            contenu = response.content.decode()
            for valeur in MASQUEES:
                assert str(valeur) not in contenu, f"{valeur} dans l'export {table}"

    def test_le_csv_public_ecrit_secret_dans_les_cellules_masquees(self, client, donnees):
        response = client.get(reverse("indicateurs:tableau:export_public"), {**FILTRES, "table": "departements"})
        lignes = response.content.decode().lstrip("\ufeff").splitlines()
        assert lignes[0] == "Département;Code;LHSS;LAM;Tous types"
        assert lignes[1] == "Nord;59;secret;secret;5555"
        assert lignes[3] == "Total;32;6543;4567;11110"

    def test_un_filtre_plus_fin_ne_permet_pas_de_recalculer_une_case_masquee(self, client, donnees):
        # LAM seul, le Nord seul ou au trimestre, le Nord LAM (1 234, cinq dispositifs) serait publié, et le Nord
        # LHSS secret se déduirait du total du Nord (5 555 − 1 234) : en public, ces filtres n'existent pas.
        fins = {**FILTRES, "type": "LAM", "territoire": "59", "granularite": "trimestre"}
        html = client.get(reverse("indicateurs:tableau:public"), fins).content.decode()
        csv = client.get(
            reverse("indicateurs:tableau:export_public"), {**fins, "table": "departements"}
        ).content.decode()

        assert "Nord;59;secret;secret;5555" in csv
        assert 'name="type"' not in html and 'name="territoire"' not in html
        for valeur in MASQUEES:
            assert str(valeur) not in csv

    def test_la_planification_n_est_pas_publique(self, client, donnees):
        response = client.get(reverse("indicateurs:tableau:export_public"), {**FILTRES, "table": "ecarts"})
        assert response.status_code == 400

    def test_toute_region_peut_etre_choisie(self, client, region_idf, donnees):
        assert client.get(reverse("indicateurs:tableau:public"), {"region": "11"}).status_code == 200
        assert client.get(reverse("indicateurs:tableau:public"), {"region": "99"}).status_code == 404


class TestExport:
    def test_le_csv_interne_a_toutes_les_valeurs(self, client, planificateur, donnees):
        client.force_login(planificateur)
        response = client.get(reverse("indicateurs:tableau:export"), {**FILTRES, "table": "departements"})
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert "tableau-de-bord-departements-32-2026-10-interne.csv" in response["Content-Disposition"]
        lignes = response.content.decode().lstrip("\ufeff").splitlines()
        assert lignes[1] == "Nord;59;4321;1234;5555"
        assert lignes[2] == "Somme;80;2222;3333;5555"

    def test_le_tableau_de_l_evolution(self, client, planificateur, donnees):
        client.force_login(planificateur)
        response = client.get(reverse("indicateurs:tableau:export"), {**FILTRES, "table": "evolution"})
        assert response.content.decode().lstrip("\ufeff").splitlines() == [
            "Période;LHSS;LAM;Tous types",
            "oct. 2026;6543;4567;11110",
        ]

    def test_un_tableau_inconnu_est_refuse(self, client, planificateur, donnees):
        client.force_login(planificateur)
        assert client.get(reverse("indicateurs:tableau:export"), {**FILTRES, "table": "inconnue"}).status_code == 400


@pytest.mark.parametrize("nombre", [1, 5])
def test_le_nombre_de_requetes_de_la_page_ne_depend_pas_des_donnees(
    client, planificateur, region_hdf, nombre, django_assert_num_queries, publier
):
    types = [TypeDispositifFactory(code=code) for code in ["LHSS", "LAM", "ACT", "EMPP", "PASS"][:nombre]]
    file_active = Indicateur.objects.get(code="file_active")
    for departement in [TerritoireFactory(parent=region_hdf) for _ in range(nombre)]:
        for type_ in types:
            for mois in range(1, 1 + 2 * nombre):
                AgregatFactory(
                    indicateur=file_active, territoire=departement, type=type_, periode=datetime.date(2026, mois, 1)
                )
    publier(region_hdf, *(datetime.date(2026, mois, 1) for mois in range(1, 1 + 2 * nombre)))
    client.force_login(planificateur)
    # session, utilisateur ; régions, départements, dernier mois, indicateurs, types (filtres) ; types,
    # indicateurs, départements et contours, agrégats, complétude (tableau) ; horizon (sans cible : pas de
    # planification) ; la région de l'utilisateur (en-tête)
    with django_assert_num_queries(14):
        response = client.get(reverse("indicateurs:tableau:region"), {"debut": "2026-01", "fin": "2026-12"})
    assert response.status_code == 200
    # les mêmes, sans horizon ni planification ; le dernier mois publié au lieu du dernier agrégé, les éditions
    # publiques au lieu des agrégats : autant de requêtes qu'avant les éditions
    with django_assert_num_queries(13):
        public = client.get(reverse("indicateurs:tableau:public"), {"debut": "2026-01", "fin": "2026-12"})
    assert public.status_code == 200
    assert public.context["tableau"].croisement is not None and not public.context["tableau"].est_vide


def test_une_deuxieme_visite_vient_du_cache_et_un_recalcul_se_voit_aussitot(client, planificateur, donnees):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicateurs.agregation import nouvelle_version_des_agregats
    from indicateurs.models import Agregat

    client.force_login(planificateur)
    with CaptureQueriesContext(connection) as premiere:
        client.get(reverse("indicateurs:tableau:region"), FILTRES)
    assert any("indicateurs_agregat" in r["sql"] and "valeur" in r["sql"] for r in premiere.captured_queries)
    with CaptureQueriesContext(connection) as requetes:
        assert "4\xa0321" in client.get(reverse("indicateurs:tableau:region"), FILTRES).content.decode()
    assert not any("indicateurs_agregat" in r["sql"] and "valeur" in r["sql"] for r in requetes.captured_queries)

    Agregat.objects.filter(valeur=4321).update(valeur=4444)
    nouvelle_version_des_agregats()  # ce que fait chaque recalcul enregistré (agregation.agreger)

    assert "4\xa0444" in client.get(reverse("indicateurs:tableau:region"), FILTRES).content.decode()
