"""Le tableau national (issue 14) : la France région par région, face à la cible nationale."""

import csv
import html
import io
import re

import pytest
from openpyxl import load_workbook

from dispositifs.models import Unite
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import FranceFactory, RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/planification/?region=FR&horizon=cibles-2019-2023&type=LHSS"


@pytest.fixture
def france(region_hdf, region_idf):
    """Trois régions : les Hauts-de-France (5 places rattachées à la région même, 8 dans le Nord), l'Île-de-France
    (20 places à Paris, un projet de LAM de 18 places sans département) et la Corse, sans rien. Cibles LHSS : 100 pour
    la France, 30 et 50 pour les deux régions, 10 pour le Nord (une cible de département n'est pas celle de la
    région)."""
    pays = FranceFactory()
    RegionFactory(code="94", nom="Corse", population=355_486)
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    paris = TerritoireFactory(code="75", nom="Paris", parent=region_idf)
    lhss, lam = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="LAM")
    horizon = HorizonFactory()
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=region_hdf), quantite=5)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=nord), quantite=8)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=paris), quantite=20)
    DispositifFactory(type=lam, territoire=region_idf, projet=True, horizon=horizon, capacite_prevue=18)
    for territoire, valeur in ((pays, 100), (region_hdf, 30), (region_idf, 50), (nord, 10)):
        CibleFactory(type=lhss, territoire=territoire, horizon=horizon, valeur=valeur)
    return pays


def test_une_ligne_par_region_et_une_ligne_pays_qui_porte_la_cible_nationale(client, national, france):
    client.force_login(national)

    donnees = client.get(URL).json()

    assert (donnees["region"], donnees["horizon"]) == ("FR", "cibles-2019-2023")
    lignes = {ligne["territoire"]: ligne for ligne in donnees["lignes"]}
    assert [ligne["territoire"] for ligne in donnees["lignes"]] == ["94", "32", "11", "FR"]  # régions par nom
    assert {code: ligne["niveau"] for code, ligne in lignes.items()} == {
        "94": "region",
        "32": "region",
        "11": "region",
        "FR": "pays",
    }
    assert lignes["FR"] == {
        "type": "LHSS",
        "territoire": "FR",
        "nom": "France",
        "niveau": "pays",
        "unite": "places",
        "autorises": 33,
        "installes": 0,
        "finances": 0,
        "perspectives": 0,
        "projets": 0,
        "cible": 100,
        "ecart": 67,
        "taux_pour_100k": 0.05,  # 33 places pour 68 350 798 habitants
        "cible_pour_100k": 0.15,
        "part_population": None,
        "part_cibles_regionales": None,
        "part_cible_nationale": None,
        "cibles_regionales": 80,  # 30 + 50 ; la cible du Nord n'est pas une cible régionale
    }
    hdf = lignes["32"]
    assert (hdf["autorises"], hdf["cible"], hdf["ecart"]) == (13, 30, 17)  # la région même et le Nord
    assert (hdf["part_cible_nationale"], hdf["part_cibles_regionales"], hdf["part_population"]) == (30, 37.5, 8.7)
    assert hdf["cible_pour_100k"] == 0.5  # 30 pour 5 980 000 habitants
    corse = lignes["94"]
    assert (corse["autorises"], corse["cible"], corse["part_cible_nationale"], corse["part_population"]) == (
        0,
        None,
        None,
        0.5,
    )
    assert donnees["totaux"] == [
        {
            "unite": "places",
            "types": ["LHSS"],
            "autorises": 33,
            "installes": 0,
            "finances": 0,
            "perspectives": 0,
            "cible": 100,
            "ecart": 67,
            "cibles_regionales": 80,
        }
    ]


def test_sans_filtre_les_types_vides_partout_sont_omis_et_les_unites_jamais_melangees(client, national, france):
    TypeDispositifFactory(code="EMPP", unite=Unite.EQUIPES)  # aucune valeur nulle part : pas de bloc
    EvenementCapaciteFactory(
        dispositif=DispositifFactory(type=TypeDispositifFactory(code="PASS", unite=Unite.EQUIPES)), quantite=2
    )
    client.force_login(national)

    donnees = client.get("/api/v1/planification/?region=FR&horizon=cibles-2019-2023").json()

    assert sorted({ligne["type"] for ligne in donnees["lignes"]}) == ["LAM", "LHSS", "PASS"]
    idf_lam = next(ligne for ligne in donnees["lignes"] if ligne["type"] == "LAM" and ligne["territoire"] == "11")
    assert (idf_lam["perspectives"], idf_lam["projets"]) == (18, 1)  # le projet sans département compte à la région
    totaux = {total["unite"]: total for total in donnees["totaux"]}
    assert (totaux["places"]["autorises"], totaux["places"]["perspectives"]) == (33, 18)
    assert (totaux["equipes"]["autorises"], totaux["equipes"]["types"]) == (2, ["PASS"])


def test_une_seule_region_du_tableau_national(client, national, france):
    client.force_login(national)

    seule = client.get(URL + "&territoire=32").json()
    departement = client.get(URL + "&territoire=59")

    assert [(ligne["territoire"], ligne["niveau"]) for ligne in seule["lignes"]] == [("32", "region")]
    assert departement.status_code == 404
    assert departement.json()["detail"] == "Aucun territoire de code « 59 » parmi les régions."


def test_les_lignes_regionales_gardent_leur_forme_et_disent_leur_niveau(client, planificateur, france):
    client.force_login(planificateur)

    donnees = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023&type=LHSS").json()

    niveaux = {ligne["territoire"]: ligne["niveau"] for ligne in donnees["lignes"]}
    assert niveaux == {"32": "region", "59": "departement"}
    assert "part_population" not in donnees["lignes"][0]
    assert donnees["lignes"][0]["cible_pour_100k"] == 0.5


def test_un_planificateur_regional_n_ouvre_pas_le_tableau_national(client, planificateur, france):
    client.force_login(planificateur)

    assert client.get(URL).status_code == 403


def toutes_les_regions(nombre, types, *, premiere=0):
    """`nombre` régions, chacune avec un dispositif par type (un dans un département, un rattaché à la région), un
    projet et une cible régionale par type."""
    horizon = HorizonFactory()
    for rang in range(premiere, premiere + nombre):
        region = RegionFactory(code=f"R{rang:02d}", nom=f"Région {rang}")
        departement = TerritoireFactory(parent=region)
        for type_ in types:
            EvenementCapaciteFactory(dispositif=DispositifFactory(type=type_, territoire=departement), quantite=3)
            EvenementCapaciteFactory(dispositif=DispositifFactory(type=type_, territoire=region), quantite=2)
            DispositifFactory(type=type_, territoire=region, projet=True, horizon=horizon)
            CibleFactory(type=type_, territoire=region, horizon=horizon, valeur=10)


@pytest.mark.parametrize("url", ["/planification/?region=FR", "/api/v1/planification/?region=FR"])
def test_nombre_de_requetes_constant_de_2_a_18_regions(client, national, django_assert_num_queries, url):
    pays = FranceFactory()
    codes = ["LHSS", "LHSS-MOBILE", "LAM", "ACT", "EMPP", "PASS", "SSIAD-PRECARITE", "EMSP"]
    types = [TypeDispositifFactory(code=code) for code in codes]
    CibleFactory(type=types[0], territoire=pays, horizon=HorizonFactory(), valeur=100)
    client.force_login(national)
    # Session, utilisateur, la France et l'horizon de sa cible nationale (horizon par défaut), région et horizon
    # validés par le formulaire ; le calcul : régions, types, capacités, projets, cibles (11). La page y ajoute le
    # rendu des listes du formulaire : régions (2), horizons (2), types (1).
    attendu = 16 if url.startswith("/planification/") else 11
    toutes_les_regions(2, types)
    with django_assert_num_queries(attendu):
        reponse = client.get(url)
    assert reponse.status_code == 200
    toutes_les_regions(15, types, premiere=2)  # et les Hauts-de-France du casting : 18 régions, comme la France
    with django_assert_num_queries(attendu):
        reponse = client.get(url)
    if url.startswith("/api/"):
        lignes = reponse.json()["lignes"]
        assert len(lignes) == len(types) * 19  # 18 régions et la France, pour chaque type
        assert {ligne["cibles_regionales"] for ligne in lignes if ligne["niveau"] == "pays"} == {170}


def test_exports_csv_et_xlsx_du_tableau_national(client, national, france):
    client.force_login(national)

    reponse = client.get("/planification/export.csv?region=FR&horizon=cibles-2019-2023&type=LHSS")
    classeur = client.get("/planification/export.xlsx?region=FR&horizon=cibles-2019-2023&type=LHSS")

    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][-5:] == [
        "Cible pour 100 000 habitants",
        "Part de la population (%)",
        "Part des cibles régionales (%)",
        "Part de la cible nationale (%)",
        "Somme des cibles régionales",
    ]
    hdf = next(ligne for ligne in lignes if ligne[2] == "32")
    assert (hdf[3], hdf[5], hdf[10], hdf[-3], hdf[-2]) == ("Région", "13", "30", "37,5", "30")
    france_ligne = next(ligne for ligne in lignes if ligne[2] == "FR" and ligne[3] == "Pays")
    assert (france_ligne[10], france_ligne[-1]) == ("100", "80")
    assert lignes[-1][:4] == ["Total (LHSS)", "France", "FR", "Total"] and lignes[-1][-1] == "80"
    assert 'filename="planification-FR-cibles-2019-2023-' in reponse["Content-Disposition"]
    feuille = load_workbook(io.BytesIO(classeur.content)).active
    rangees = list(feuille.iter_rows(values_only=True))
    assert next(r for r in rangees if r[2] == "32")[-2] == 30  # part de la cible nationale, en nombre


def liens(reponse) -> dict[str, str]:
    """{texte du lien: adresse} d'une page."""
    contenu = reponse.content.decode()
    trouves = re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', contenu, re.S)
    return {re.sub(r"<[^>]+>|\s+", " ", texte).strip(): html.unescape(href) for href, texte in trouves}


def test_le_national_va_de_son_accueil_au_tableau_national_puis_aux_horizons(client, national, france):
    client.force_login(national)

    accueil = client.get("/")
    tableau = client.get(liens(accueil)["Tableau de planification"])

    assert tableau.status_code == 200
    assert tableau.context["planification"].est_nationale
    contenu = tableau.content.decode()
    assert "Somme des cibles régionales : 80" in contenu and "Part de la population (référence)" in contenu
    assert re.search(r"Total France, places : [^<]*LHSS", contenu)  # l'unité en toutes lettres, comme en région
    horizons = client.get(liens(tableau)["Horizons de programmation"])
    assert "Cibles 2019-2023" in horizons.content.decode()
    assert client.get(liens(accueil)["Horizons de programmation"]).status_code == 200


def test_le_planificateur_va_de_son_accueil_aux_regions_cote_a_cote(client, planificateur, france):
    client.force_login(planificateur)

    accueil = client.get("/")
    page = client.get(liens(accueil)["Régions côte à côte"])

    assert page.status_code == 200
    contenu = page.content.decode()
    assert re.search(r'<tr class="votre-region"\s+aria-current="true">\s*<th scope="row">\s*Hauts-de-France', contenu)
    assert "Île-de-France" in contenu and "Corse" in contenu
    # Des agrégats seulement : aucun lien vers les dispositifs, appels, déclarations ou cibles d'une région.
    tableaux = contenu[contenu.index("<table") : contenu.rindex("</table>")]
    assert "<a " not in tableaux
    assert client.get(liens(client.get("/planification/"))["Comparer aux autres régions"]).status_code == 200


@pytest.mark.parametrize("url", ["/planification/regions/", "/planification/regions/?type=LHSS&type=LAM"])
def test_regions_cote_a_cote_en_nombre_de_requetes_constant(client, planificateur, django_assert_num_queries, url):
    pays = FranceFactory()
    types = [TypeDispositifFactory(code=code) for code in ("LHSS", "LAM")]
    CibleFactory(type=types[0], territoire=pays, horizon=HorizonFactory(), valeur=100)
    client.force_login(planificateur)
    # Session, utilisateur, la France et l'horizon de sa cible nationale (horizon par défaut), horizon validé, types
    # validés (s'il y en a) ; le calcul (5) ; le rendu des listes du formulaire : horizons (2), types (2).
    attendu = 15 if "type=" in url else 14
    toutes_les_regions(2, types)
    with django_assert_num_queries(attendu):
        assert client.get(url).status_code == 200
    toutes_les_regions(16, types, premiere=2)
    with django_assert_num_queries(attendu):
        assert client.get(url).status_code == 200
