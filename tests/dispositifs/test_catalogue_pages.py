"""Le catalogue public des types de dispositifs : la liste par secteur, le tableau comparatif, la page d'un type."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from dispositifs.models import Financement, Rattachement, Secteur, Statut, Unite
from dispositifs.views.catalogue import cout_par_unite
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

pytestmark = pytest.mark.django_db


class LecteurDeTableaux(HTMLParser):
    """Les tableaux d'une page : leur légende et leurs lignes, chaque cellule réduite à son texte."""

    def __init__(self):
        super().__init__()
        self.tableaux, self.dans_legende, self.cellule = [], False, None

    def handle_starttag(self, balise, attributs):
        if balise == "table":
            self.tableaux.append({"legende": "", "lignes": []})
        elif balise == "caption":
            self.dans_legende = True
        elif balise == "tr":
            self.tableaux[-1]["lignes"].append([])
        elif balise in ("th", "td"):
            self.cellule = ""

    def handle_endtag(self, balise):
        if balise == "caption":
            self.dans_legende = False
        elif balise in ("th", "td") and self.cellule is not None:
            self.tableaux[-1]["lignes"][-1].append(espaces_reduits(self.cellule))
            self.cellule = None

    def handle_data(self, texte):
        if self.dans_legende:
            self.tableaux[-1]["legende"] += texte
        elif self.cellule is not None:
            self.cellule += texte


def espaces_reduits(texte: str) -> str:
    """Les blancs du gabarit réduits à une espace ; les espaces insécables des nombres restent."""
    return re.sub(r"[ \t\r\n]+", " ", texte).strip()


def tableau(response, legende: str) -> list[list[str]]:
    """Les lignes du tableau dont la légende contient `legende`."""
    lecteur = LecteurDeTableaux()
    lecteur.feed(response.content.decode())
    return next(t["lignes"] for t in lecteur.tableaux if legende in espaces_reduits(t["legende"]))


@pytest.fixture
def lhss_essai(db):
    """Un type aux textes connus ; un code à part, que la migration du catalogue ne charge pas."""
    return TypeDispositifFactory(
        code="ESSAI-LHSS",
        sigle="LHSS essai",
        libelle="Lits halte soins santé d'essai",
        publics="Personnes sans domicile rencontrant des freins dans l'accès aux soins.",
        missions="Repérage et évaluation médico-psycho-sociale.",
        equipe="Infirmier, travailleur social, médecin présent ou d'astreinte.",
        intervention="Sur signalement de professionnels.",
        partenaires="Structures du secteur AHI, PASS, EMPP.",
        modalites_financement="Dotation globale.",
        cout_annuel_unitaire=Decimal(11000),
    )


@pytest.fixture
def pass_essai(db):
    return TypeDispositifFactory(
        code="ESSAI-PASS",
        sigle="PASS essai",
        libelle="Permanence d'accès aux soins de santé d'essai",
        secteur=Secteur.SANITAIRE,
        unite=Unite.EQUIPES,
        financement=Financement.MIG,
        rattachement=Rattachement.ETABLISSEMENT_SANTE,
        publics="Personnes sans couverture sociale.",
    )


def test_le_catalogue_repond_sans_connexion_et_groupe_les_types_par_secteur(client, lhss_essai, pass_essai):
    response = client.get("/catalogue/")

    assert response.status_code == 200
    groupes = {g["secteur"]: g["types"] for g in response.context["groupes"]}
    assert lhss_essai in groupes["Médico-social"]
    assert pass_essai in groupes["Sanitaire"]
    contenu = response.content.decode()
    assert 'href="/catalogue/ESSAI-LHSS/"' in contenu
    assert '<h2 class="fr-mt-4w">Sanitaire</h2>' in contenu


def test_le_tableau_comparatif_montre_chaque_caracteristique_par_type(client, lhss_essai, pass_essai):
    response = client.get("/catalogue/", {"type": ["ESSAI-LHSS", "ESSAI-PASS"]})

    lignes = tableau(response, "Comparaison des types de dispositifs")
    assert lignes[0] == [
        "",
        "LHSS essai Lits halte soins santé d'essai",
        "PASS essai Permanence d'accès aux soins de santé d'essai",
    ]
    assert [ligne[0] for ligne in lignes[1:]] == [
        "Publics",
        "Missions",
        "Équipe",
        "Modalités d'intervention",
        "Partenaires",
        "Financement",
        "Coût annuel par unité",
    ]
    assert lignes[1][1:] == [lhss_essai.publics, pass_essai.publics]
    assert lignes[3][1:] == [lhss_essai.equipe, "Non renseigné"]
    assert lignes[6][1] == "ONDAM médico-social spécifique Dotation globale."
    assert lignes[7][1:] == ["11\xa0000\xa0€ par place et par an", "Non renseigné"]
    contenu = response.content.decode()
    assert '<th scope="row" class="fr-cell--top">Partenaires</th>' in contenu
    assert contenu.count('<th scope="col">') == 2


def test_sans_choix_le_tableau_comparatif_montre_tous_les_types(client, lhss_essai, pass_essai):
    response = client.get("/catalogue/")

    assert {lhss_essai, pass_essai} <= set(response.context["compares"])


def test_la_page_d_un_type_le_presente_comme_l_annexe_2_bis(client, lhss_essai):
    response = client.get("/catalogue/ESSAI-LHSS/")

    assert response.status_code == 200
    contenu = response.content.decode()
    for titre, texte in [
        ("Publics", lhss_essai.publics),
        ("Missions", lhss_essai.missions),
        ("Équipe", lhss_essai.equipe),
        ("Modalités d'intervention", lhss_essai.intervention),
        ("Partenaires", lhss_essai.partenaires),
        ("Financement", lhss_essai.modalites_financement),
    ]:
        assert f'<h2 class="fr-mt-4w">{titre}</h2>' in contenu
        assert texte in contenu.replace("&#x27;", "'")
    fiche = dict(tableau(response, "LHSS essai en bref"))
    assert fiche["Secteur"] == "Médico-social"
    assert fiche["Unité de capacité"] == "places"
    assert fiche["Cadre de financement"] == "ONDAM médico-social spécifique"
    assert fiche["Rattachement"] == "Aucun rattachement obligatoire."
    assert fiche["Coût annuel de référence"] == "11\xa0000\xa0€ par place et par an"


def test_la_page_d_un_type_dit_a_quoi_il_se_rattache(client, lhss_essai, pass_essai):
    mobile = TypeDispositifFactory(
        code="ESSAI-LHSS-MOBILE",
        sigle="LHSS mobile essai",
        rattachement=Rattachement.TYPE_PARENT,
        type_parent=lhss_essai,
    )

    fiche_mobile = dict(tableau(client.get(f"/catalogue/{mobile.code}/"), "en bref"))
    fiche_parent = dict(tableau(client.get(f"/catalogue/{lhss_essai.code}/"), "en bref"))
    fiche_pass = dict(tableau(client.get(f"/catalogue/{pass_essai.code}/"), "en bref"))

    assert fiche_mobile["Rattachement"] == "Rattaché juridiquement et opérationnellement à un dispositif LHSS essai."
    assert fiche_parent["Types qui s'y rattachent"] == "LHSS mobile essai"
    assert fiche_pass["Rattachement"] == "Porté par un établissement de santé, dont le FINESS est indiqué."
    assert fiche_pass["Coût annuel de référence"] == "non renseigné"


def test_un_code_de_type_inconnu_repond_404(client):
    assert client.get("/catalogue/INCONNU/").status_code == 404


def test_la_page_d_un_type_compte_ses_dispositifs_et_sa_capacite_par_region(client, lhss_essai, pass_essai):
    nord = TerritoireFactory(code="59", nom="Nord")
    idf = RegionFactory(code="11", nom="Île-de-France")
    for _ in range(2):
        EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss_essai, territoire=nord), quantite=10)
    DispositifFactory(type=lhss_essai, territoire=nord, projet=True)
    DispositifFactory(type=lhss_essai, territoire=TerritoireFactory(parent=idf), statut=Statut.AUTORISE)
    DispositifFactory(type=pass_essai, territoire=nord)  # un autre type : pas compté

    lignes = tableau(client.get("/catalogue/ESSAI-LHSS/"), "Dispositifs LHSS essai par région")

    regions = {ligne[0]: ligne[1:4] for ligne in lignes[1:]}
    assert regions["Hauts-de-France"] == ["2", "1", "20"]
    assert regions["Île-de-France"] == ["1", "0", "0"]
    assert lignes[-1][:4] == ["France entière", "3", "1", "20"]
    assert [ligne[0] for ligne in lignes[1:-1]] == ["Hauts-de-France", "Île-de-France"]


def test_le_cout_se_dit_par_unite_au_singulier():
    assert cout_par_unite(TypeDispositifFactory.build(unite=Unite.LITS, cout_annuel_unitaire=Decimal(40000))) == (
        "40\xa0000\xa0€ par lit et par an"
    )
    assert cout_par_unite(TypeDispositifFactory.build(unite=Unite.EQUIPES, cout_annuel_unitaire=Decimal(250000))) == (
        "250\xa0000\xa0€ par équipe et par an"
    )


@pytest.mark.parametrize("nombre", [1, 20])
def test_la_page_d_un_type_fait_trois_requetes_quel_que_soit_le_nombre_de_dispositifs(
    client, django_assert_num_queries, lhss_essai, nombre
):
    nord = TerritoireFactory(code="59", nom="Nord")
    for _ in range(nombre):
        EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss_essai, territoire=nord))

    # 1 : le type et son type parent ; 2 : les types qui s'y rattachent ;
    # 3 : la France et les régions, avec nombre et capacité (sous-requêtes corrélées).
    with django_assert_num_queries(3):
        response = client.get("/catalogue/ESSAI-LHSS/")
    assert response.context["france"].en_service == nombre


@pytest.mark.parametrize("nombre", [1, 20])
def test_le_catalogue_fait_une_requete_quel_que_soit_le_nombre_de_types(client, django_assert_num_queries, nombre):
    for i in range(nombre):
        TypeDispositifFactory(code=f"ESSAI-{i}")

    # 1 : les types (cartes, formulaire de comparaison et tableau comparatif en viennent tous).
    with django_assert_num_queries(1):
        response = client.get("/catalogue/")
    assert response.status_code == 200
