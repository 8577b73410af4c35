"""La cartographie publique : carte SVG des départements, tableau des mêmes chiffres, liste filtrable."""

import json
import re
from decimal import Decimal

import pytest

from dispositifs.cartographie import Zone, classe_pour, dessiner_carte
from dispositifs.models import Nature, Statut, Unite
from territoires.models import Territoire
from territoires.services import importer_territoires
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.dispositifs.test_catalogue_pages import tableau
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db

CARRE = {"type": "Polygon", "coordinates": [[[2.0, 50.0], [3.0, 50.0], [3.0, 51.0], [2.0, 51.0], [2.0, 50.0]]]}
DECALE = {"type": "Polygon", "coordinates": [[[3.0, 50.5], [3.5, 50.5], [3.2, 51.5], [3.0, 50.5]]]}
DEUX_ILES = {
    "type": "MultiPolygon",
    "coordinates": [
        [[[55.2, -21.0], [55.8, -21.0], [55.8, -21.4], [55.2, -21.4], [55.2, -21.0]]],
        [[[55.0, -20.8], [55.1, -20.8], [55.1, -20.9], [55.0, -20.8]]],
    ],
}


def points(d: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", d)]


def codes_dessines(response) -> list[str]:
    return re.findall(r'<path class="carte__departement[^"]*" d="[^"]+" data-code="(\w+)"', response.content.decode())


# La carte, sans base de données


def test_la_carte_dessine_polygones_et_multipolygones_dans_son_cadre():
    carte = dessiner_carte([Zone("59", "Nord", CARRE, 3), Zone("974", "La Réunion", DEUX_ILES, 0)])

    assert [t.d.count("M") for t in carte.traces] == [1, 2]
    for trace in carte.traces:
        assert all(0 <= x <= carte.largeur and 0 <= y <= carte.hauteur for x, y in points(trace.d))
    assert carte.encarts == []


@pytest.mark.parametrize("encarts_outre_mer", [False, True])
def test_le_dessin_memorise_depuis_le_texte_des_contours_est_celui_des_contours_decodes(encarts_outre_mer):
    def zones(geometries, nombres, choisi):
        return [
            Zone("59", "Nord", geometries[0], nombres[0], selection=choisi == "59"),
            Zone("62", "Pas-de-Calais", geometries[1], nombres[1], selection=choisi == "62"),
            Zone("974", "La Réunion", geometries[2], nombres[2]),
        ]

    decodees = [CARRE, DECALE, DEUX_ILES]
    textes = [json.dumps(g) for g in decodees]
    for nombres, choisi in [((1, 0, 12), "59"), ((3, 7, 0), "62"), ((0, 0, 0), None)]:
        attendu = dessiner_carte(zones(decodees, nombres, choisi), encarts_outre_mer=encarts_outre_mer)
        # Deux fois : la seconde vient de la mémoire, les nombres et la sélection de la requête.
        assert dessiner_carte(zones(textes, nombres, choisi), encarts_outre_mer=encarts_outre_mer) == attendu
        assert dessiner_carte(zones(textes, nombres, choisi), encarts_outre_mer=encarts_outre_mer) == attendu


def test_un_contour_modifie_change_le_dessin_memorise():
    avant = dessiner_carte([Zone("59", "Nord", json.dumps(CARRE), 1), Zone("62", "Pas", json.dumps(DECALE), 1)])
    agrandi = {"type": "Polygon", "coordinates": [[[2.0, 50.0], [4.0, 50.0], [4.0, 51.0], [2.0, 51.0], [2.0, 50.0]]]}

    apres = dessiner_carte([Zone("59", "Nord", json.dumps(agrandi), 1), Zone("62", "Pas", json.dumps(DECALE), 1)])

    assert apres != avant
    assert apres == dessiner_carte([Zone("59", "Nord", agrandi, 1), Zone("62", "Pas", DECALE, 1)])


def test_la_projection_corrige_les_longitudes_par_le_cosinus_de_la_latitude():
    carte = dessiner_carte([Zone("59", "Nord", CARRE, 1)])

    xs, ys = zip(*points(carte.traces[0].d), strict=True)
    # Un degré de longitude vaut cos(50,5°) ≈ 0,636 degré de latitude : le carré devient plus haut que large.
    assert (max(xs) - min(xs)) / (max(ys) - min(ys)) == pytest.approx(0.636, abs=0.01)


def test_la_vue_nationale_met_l_outre_mer_en_encarts():
    carte = dessiner_carte(
        [Zone("59", "Nord", CARRE, 1), Zone("974", "La Réunion", DEUX_ILES, 2)], encarts_outre_mer=True
    )

    (encart,) = carte.encarts
    assert encart.nom == "La Réunion"
    reunion = carte.traces[1]
    assert all(
        encart.x <= x <= encart.x + encart.largeur and encart.y <= y <= encart.y + encart.hauteur
        for x, y in points(reunion.d)
    )


@pytest.mark.parametrize(("nombre", "classe"), [(0, 0), (1, 1), (2, 2), (4, 2), (5, 3), (9, 3), (10, 4), (250, 4)])
def test_la_classe_de_remplissage_suit_le_nombre_de_dispositifs(nombre, classe):
    assert classe_pour(nombre) == classe


# La page


@pytest.fixture
def lhss(db):
    return TypeDispositifFactory(code="ESSAI-LHSS", sigle="LHSS essai", ordre=1)


@pytest.fixture
def empp(db):
    return TypeDispositifFactory(code="ESSAI-EMPP", sigle="EMPP essai", unite=Unite.EQUIPES, ordre=2)


@pytest.fixture
def nord(db):
    return TerritoireFactory(code="59", nom="Nord")


@pytest.fixture
def somme(db):
    return TerritoireFactory(code="80", nom="Somme")


def autorise(dispositif, quantite):
    EvenementCapaciteFactory(dispositif=dispositif, nature=Nature.AUTORISATION, quantite=quantite)
    return dispositif


def chiffres(response) -> dict[str, list[str]]:
    lignes = tableau(response, "nombre de dispositifs et capacité autorisée par département")
    return {ligne[0]: ligne[1:] for ligne in lignes[2:]}


def test_la_cartographie_repond_sans_connexion_sur_les_hauts_de_france(client, nord):
    response = client.get("/cartographie/")

    assert response.status_code == 200
    assert response.context["territoire"].code == "32"
    assert "Hauts-de-France : les dispositifs du PRAPS par département" in response.content.decode()


def test_le_tableau_donne_nombre_et_capacite_par_departement_et_par_type(client, lhss, empp, nord, somme):
    autorise(DispositifFactory(type=lhss, territoire=nord), 10)
    autorise(DispositifFactory(type=lhss, territoire=nord), 15)
    EvenementCapaciteFactory(
        dispositif=autorise(DispositifFactory(type=lhss, territoire=somme), 8), nature=Nature.EXTENSION, quantite=4
    )
    autorise(DispositifFactory(type=empp, territoire=somme), Decimal("1.5"))

    response = client.get("/cartographie/", {"type": ["ESSAI-LHSS", "ESSAI-EMPP"]})

    entetes = tableau(response, "par département")[:2]
    assert entetes == [
        ["Département", "Tous types", "LHSS essai", "EMPP essai"],
        ["Nombre", "Capacité (places)", "Nombre", "Capacité (équipes)"],
    ]
    lignes = chiffres(response)
    assert lignes["Nord (59)"] == ["2", "2", "25", "0", "0"]
    assert lignes["Somme (80)"] == ["2", "1", "12", "1", "1,5"]  # commun.nombres : aucun zéro inutile
    assert lignes["Total"] == ["4", "3", "37", "1", "1,5"]  # commun.nombres : aucun zéro inutile


def test_un_dispositif_d_un_territoire_de_sante_compte_pour_son_departement(client, lhss, nord):
    nord_hainaut = TerritoireFactory(code="32-nord-hainaut", nom="Nord-Hainaut", parent=nord, territoire_sante=True)
    autorise(DispositifFactory(type=lhss, territoire=nord_hainaut), 6)
    autorise(DispositifFactory(type=lhss, territoire=nord), 4)
    DispositifFactory(type=lhss, territoire=nord.parent, projet=True)

    lignes = chiffres(client.get("/cartographie/"))

    assert lignes["Nord (59)"] == ["2", "2", "10"]
    assert lignes["Non réparti entre départements"] == ["1", "1", "0"]


def test_les_dispositifs_fermes_sont_exclus_sauf_si_on_les_demande(client, lhss, nord):
    DispositifFactory(type=lhss, territoire=nord, nom="LHSS ouvert")
    DispositifFactory(type=lhss, territoire=nord, nom="LHSS fermé", statut=Statut.FERME)

    par_defaut = client.get("/cartographie/")
    fermes = client.get("/cartographie/", {"statut": Statut.FERME})

    assert chiffres(par_defaut)["Nord (59)"][0] == "1"
    assert [d.nom for d in par_defaut.context["page_obj"]] == ["LHSS ouvert"]
    assert [d.nom for d in fermes.context["page_obj"]] == ["LHSS fermé"]


def test_le_filtre_par_type_restreint_carte_tableau_et_liste(client, lhss, empp, nord):
    DispositifFactory(type=lhss, territoire=nord, nom="Un LHSS")
    DispositifFactory(type=empp, territoire=nord, nom="Une EMPP")

    response = client.get("/cartographie/", {"type": "ESSAI-EMPP"})

    assert [t.code for t in response.context["tableau"]["types"]] == ["ESSAI-EMPP"]
    assert chiffres(response)["Nord (59)"] == ["1", "1", "0"]
    assert [d.nom for d in response.context["page_obj"]] == ["Une EMPP"]


def test_le_filtre_par_departement_restreint_la_liste_et_garde_le_tableau(client, lhss, nord, somme):
    DispositifFactory(type=lhss, territoire=nord, nom="LHSS du Nord")
    DispositifFactory(type=lhss, territoire=somme, nom="LHSS de la Somme")

    response = client.get("/cartographie/", {"departement": "80"})

    assert [d.nom for d in response.context["page_obj"]] == ["LHSS de la Somme"]
    assert set(chiffres(response)) == {"Nord (59)", "Somme (80)", "Total"}
    assert response.context["departement"] == somme
    assert "LHSS de la Somme" in response.content.decode()


def test_un_departement_d_une_autre_region_est_oublie(client, lhss, nord):
    idf = RegionFactory(code="11", nom="Île-de-France")
    paris = TerritoireFactory(code="75", nom="Paris", parent=idf)
    DispositifFactory(type=lhss, territoire=nord)

    response = client.get("/cartographie/", {"region": "32", "departement": paris.code})

    assert response.context["departement"] is None
    assert response.context["form"].errors == {}
    assert response.context["page_obj"].paginator.count == 1


def test_une_region_choisie_montre_ses_seuls_departements(client, lhss, nord):
    idf = RegionFactory(code="11", nom="Île-de-France")
    paris = TerritoireFactory(code="75", nom="Paris", parent=idf)
    DispositifFactory(type=lhss, territoire=paris, nom="LHSS de Paris")
    DispositifFactory(type=lhss, territoire=nord, nom="LHSS du Nord")

    response = client.get("/cartographie/", {"region": "11"})

    assert set(chiffres(response)) == {"Paris (75)", "Total"}
    assert [d.nom for d in response.context["page_obj"]] == ["LHSS de Paris"]


def test_un_type_inconnu_est_signale_et_ignore(client, lhss, nord):
    DispositifFactory(type=lhss, territoire=nord)

    response = client.get("/cartographie/", {"type": "INCONNU"})

    assert response.status_code == 200
    assert "type" in response.context["form"].errors
    assert response.context["page_obj"].paginator.count == 1


def test_la_liste_est_paginee_par_cinquante(client, lhss, nord):
    for _ in range(51):
        DispositifFactory(type=lhss, territoire=nord)

    premiere = client.get("/cartographie/")
    seconde = client.get("/cartographie/", {"page": 2})

    assert len(premiere.context["page_obj"]) == 50
    assert len(seconde.context["page_obj"]) == 1
    assert 'class="fr-pagination"' in premiere.content.decode()


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_cartographie_fait_sept_requetes_quel_que_soit_le_nombre_de_dispositifs(
    client, django_assert_num_queries, lhss, empp, nord, somme, nombre
):
    for i in range(nombre):
        autorise(DispositifFactory(type=lhss if i % 2 else empp, territoire=somme if i % 3 == 2 else nord), 5)

    # 1 : la France et les régions ; 2 : les départements de la région et leurs contours ; 3 : les types ;
    # 4 : nombre et capacité autorisée par territoire et type ; 5 : le compte de la liste ; 6 : les identifiants
    # de sa page ; 7 : ces dispositifs avec leurs capacités (Django saute les deux dernières quand la liste est vide).
    with django_assert_num_queries(7):
        response = client.get("/cartographie/", {"statut": Statut.INSTALLE, "departement": "59"})
    assert response.context["tableau"]["total"] == nombre


# Avec les vrais contours des départements


@pytest.fixture
def territoires_reels(db):
    importer_territoires()


def test_la_carte_d_une_region_a_un_chemin_par_departement(client, territoires_reels):
    response = client.get("/cartographie/", {"region": "32"})

    assert sorted(codes_dessines(response)) == ["02", "59", "60", "62", "80"]
    contenu = response.content.decode()
    assert 'role="img"' in contenu
    assert 'aria-labelledby="carte-titre carte-description"' in contenu
    assert '<title id="carte-titre">Carte des dispositifs : Hauts-de-France</title>' in contenu
    assert '<desc id="carte-description">' in contenu
    assert "<title>Nord (59) : 0 dispositif</title>" in contenu
    assert 'class="carte__encart"' not in contenu
    assert " style=" not in contenu  # politique de sécurité du contenu : pas de style en ligne


def test_la_carte_colore_et_titre_chaque_departement_selon_son_nombre(client, territoires_reels, lhss):
    nord = Territoire.objects.get(niveau="departement", code="59")
    for _ in range(3):
        DispositifFactory(type=lhss, territoire=nord)

    contenu = client.get("/cartographie/", {"departement": "59"}).content.decode()

    assert "<title>Nord (59) : 3 dispositifs</title>" in contenu
    assert re.search(
        r'class="carte__departement carte__classe-2 carte__departement--choisi" d="[^"]+" data-code="59"', contenu
    )
    assert re.search(r'class="carte__departement carte__classe-0" d="[^"]+" data-code="80"', contenu)


def test_la_vue_nationale_dessine_101_departements_et_l_outre_mer_en_encarts(client, territoires_reels):
    response = client.get("/cartographie/", {"region": "FR"})

    assert len(codes_dessines(response)) == 101
    contenu = response.content.decode()
    encarts = re.findall(r'<text class="carte__nom-encart"[^>]*>([^<]+)</text>', contenu)
    assert encarts == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    assert contenu.count('class="carte__encart"') == 5
    assert "Départements d'outre-mer en encarts" in contenu


def test_une_region_d_outre_mer_est_dessinee_sans_encart(client, territoires_reels):
    response = client.get("/cartographie/", {"region": "03"})

    assert codes_dessines(response) == ["973"]
    assert 'class="carte__encart"' not in response.content.decode()
