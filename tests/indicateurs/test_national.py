"""Le tableau de bord et le rapport mensuel nationaux (issue 14) : la France, ses régions en lignes."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dispositifs.models import TypeDispositif
from indicateurs.models import Indicateur, Rapport, StatutRapport
from indicateurs.tasks import generer_rapports_du_mois
from territoires.models import Contour
from tests.comptes.factories import UtilisateurFactory
from tests.dispositifs.factories import DispositifFactory
from tests.indicateurs.factories import AgregatFactory
from tests.territoires.factories import RegionFactory, TerritoireFactory

OCTOBRE = datetime.date(2026, 10, 1)
FILTRES = {"debut": "2026-09", "fin": "2026-10", "indicateur": "file_active"}
# Dix-huit codes de région (INSEE) et leurs noms, pour que la carte et les lignes ressemblent au pays.
# Les Hauts-de-France d'abord : la région par défaut des comptes des tests (le national n'en a pas besoin).
REGIONS = [
    ("32", "Hauts-de-France"),
    ("84", "Auvergne-Rhône-Alpes"),
    ("01", "Guadeloupe"),
    ("27", "Bourgogne-Franche-Comté"),
    ("53", "Bretagne"),
    ("24", "Centre-Val de Loire"),
    ("94", "Corse"),
    ("44", "Grand Est"),
    ("03", "Guyane"),
    ("11", "Île-de-France"),
    ("04", "La Réunion"),
    ("02", "Martinique"),
    ("06", "Mayotte"),
    ("28", "Normandie"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("52", "Pays de la Loire"),
    ("93", "Provence-Alpes-Côte d'Azur"),
]
pytestmark = pytest.mark.django_db


def carre(x, y):
    return {"type": "Polygon", "coordinates": [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]}


def regions_avec_agregats(nombre: int) -> list:
    """`nombre` régions, chacune avec un département, un contour et un agrégat de file active par type et par mois
    (septembre et octobre), comme le calcul les écrit aux deux niveaux."""
    file_active = Indicateur.objects.get(code="file_active")
    types = list(TypeDispositif.objects.all())
    regions = []
    for i, (code, nom) in enumerate(REGIONS[:nombre]):
        region = RegionFactory(code=code, nom=nom)
        Contour.objects.create(territoire=region, geometrie=carre(i % 6, i // 6))
        departement = TerritoireFactory(parent=region)
        for territoire in (region, departement):
            for type_ in types:
                for mois in (datetime.date(2026, 9, 1), OCTOBRE):
                    AgregatFactory(
                        indicateur=file_active, territoire=territoire, type=type_, periode=mois, valeur=100 + i
                    )
        regions.append(region)
    return regions


class TestTableauNational:
    def test_le_national_ouvre_la_france_par_defaut_avec_les_regions_en_lignes_et_leur_carte(self, client, national):
        regions_avec_agregats(3)
        client.force_login(national)

        response = client.get(reverse("indicateurs:tableau:region"), FILTRES)

        assert response.status_code == 200
        tableau = response.context["tableau"]
        assert tableau.territoire.code == "FR"
        assert [ligne.territoire.nom for ligne in tableau.croisement.lignes] == [
            "Hauts-de-France",
            "Auvergne-Rhône-Alpes",
            "Guadeloupe",  # l'outre-mer après la métropole
        ]
        html = response.content.decode()
        assert "par type et par région" in html
        assert '<th scope="col">Région</th>' in html
        assert html.count('data-code="') == 3  # les contours des régions
        assert "Chaque région est colorée" in html
        # Sans cible nationale comparée (planification.calcul), la page le dit au lieu de se taire.
        assert "Aucune cible nationale n'est comparée" in html

    def test_le_selecteur_du_national_propose_la_france_puis_les_regions(self, client, national):
        regions_avec_agregats(2)
        client.force_login(national)

        response = client.get(reverse("indicateurs:tableau:region"), FILTRES)

        choix = [libelle for _, libelle in response.context["form"].fields["region"].choices]
        assert choix[0] == "France entière" and set(choix[1:]) == {"Auvergne-Rhône-Alpes", "Hauts-de-France"}

    def test_la_completude_se_lit_par_region(self, client, national):
        hauts_de_france, auvergne = regions_avec_agregats(2)
        DispositifFactory(territoire=TerritoireFactory(parent=auvergne))
        client.force_login(national)

        response = client.get(reverse("indicateurs:tableau:region"), {**FILTRES, "region": "FR"})

        lignes = response.context["tableau"].completude
        assert [ligne.libelle for ligne in lignes] == [str(hauts_de_france), str(auvergne), "Total"]
        assert [ligne.nb_attendues for ligne in lignes] == [0, 1, 1]

    def test_un_planificateur_regional_ne_peut_pas_ouvrir_la_france(self, client, planificateur):
        regions_avec_agregats(1)
        client.force_login(planificateur)

        assert client.get(reverse("indicateurs:tableau:region"), {"region": "FR"}).status_code == 404
        assert client.get(reverse("indicateurs:tableau:export"), {"region": "FR"}).status_code == 404

    def test_l_export_des_lignes_nomme_les_regions(self, client, national):
        regions_avec_agregats(2)
        client.force_login(national)

        response = client.get(reverse("indicateurs:tableau:export"), {**FILTRES, "region": "FR"})

        premiere_ligne = response.content.decode("utf-8-sig").splitlines()[0]
        assert premiere_ligne.startswith("Région;Code") or premiere_ligne.startswith("Région,Code")


@pytest.mark.parametrize("nombre", [2, 18])
def test_le_tableau_national_a_un_nombre_de_requetes_constant(client, national, nombre, django_assert_num_queries):
    regions_avec_agregats(nombre)
    client.force_login(national)
    # session, utilisateur ; France et régions, départements, dernier mois, indicateurs, types (filtres) ; types,
    # indicateurs, régions et contours, agrégats, complétude (tableau) ; horizon et planification
    # (planification.calcul.ecarts_aux_cibles : rien pour la France aujourd'hui)
    with django_assert_num_queries(12):
        response = client.get(reverse("indicateurs:tableau:region"), {"region": "FR", **FILTRES})
    assert response.status_code == 200
    assert len(response.context["tableau"].croisement.lignes) == nombre
    assert len(response.context["tableau"].types) == TypeDispositif.objects.count()


# Rapport mensuel national ---------------------------------------------------------------------------------------


def texte_du_pdf(contenu: bytes) -> str:
    texte = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(contenu)).pages)
    return texte.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def rapport_national(django_capture_on_commit_callbacks):
    """Le beat du 1er novembre (calendrier figé au 23) : octobre, pour la France et chaque région active."""
    _, auvergne = regions_avec_agregats(2)
    DispositifFactory(territoire=TerritoireFactory(parent=auvergne))
    with django_capture_on_commit_callbacks(execute=True):
        generer_rapports_du_mois.apply().get()
    return Rapport.objects.get(territoire__code="FR", mois=OCTOBRE, public=False)


class TestRapportNational:
    def test_le_beat_produit_le_rapport_national_une_fois(self, rapport_national, django_capture_on_commit_callbacks):
        assert rapport_national.statut == StatutRapport.PRET and rapport_national.versions.count() == 1
        assert len(rapport_national.empreinte) == 64

        with django_capture_on_commit_callbacks(execute=True):
            generer_rapports_du_mois.apply().get()  # rejoué : déjà produit, rien de plus

        assert Rapport.objects.filter(territoire__code="FR").count() == 1
        assert rapport_national.versions.count() == 1

    def test_le_pdf_national_montre_les_regions_en_lignes(self, rapport_national):
        with rapport_national.fichier.open("rb") as fichier:
            texte = texte_du_pdf(fichier.read())

        assert "Pays : France" in texte
        assert "par type et par région" in texte
        assert re.search(r"Hauts-de-France 100 ", texte)
        assert re.search(r"Auvergne-\s*Rhône-Alpes\s+101 ", texte)  # le nom peut passer à la ligne
        assert "diffusion restreinte au niveau national" in texte

    def test_le_national_le_voit_et_le_telecharge(self, client, national, rapport_national):
        client.force_login(national)

        liste = client.get(reverse("indicateurs:rapports:liste")).content.decode()
        assert reverse("indicateurs:rapports:telecharger", args=[rapport_national.pk]) in liste
        reponse = client.get(reverse("indicateurs:rapports:telecharger", args=[rapport_national.pk]))
        assert reponse.status_code == 200 and reponse.content.startswith(b"%PDF")
        version = client.get(reverse("indicateurs:rapports:telecharger_version", args=[rapport_national.pk, 1]))
        assert version.status_code == 200

    def test_un_operateur_ni_un_planificateur_ne_voient_la_version_interne_nationale(
        self, client, operateur, planificateur, rapport_national
    ):
        for user in (operateur, planificateur):
            client.force_login(user)
            liste = client.get(reverse("indicateurs:rapports:liste")).content.decode()
            assert reverse("indicateurs:rapports:telecharger", args=[rapport_national.pk]) not in liste
            reponse = client.get(reverse("indicateurs:rapports:telecharger", args=[rapport_national.pk]))
            assert reponse.status_code == 404

    def test_le_national_peut_demander_la_france_et_chaque_region(self, client, national, rapport_national):
        client.force_login(national)

        demande = client.get(reverse("indicateurs:rapports:liste")).context["demande"]

        codes = {t.code for t in demande.fields["territoire"].queryset}
        assert {"FR", "32", "84"} <= codes

    def test_un_planificateur_ne_peut_pas_demander_la_france(self, client, planificateur, rapport_national):
        client.force_login(planificateur)

        reponse = client.post(
            reverse("indicateurs:rapports:demander"), {"territoire": rapport_national.territoire_id, "mois": "2026-10"}
        )

        assert reponse.status_code == 400


# Le chemin de clics depuis l'accueil du national -------------------------------------------------------------------


def lien(html: str, texte: str) -> str:
    """L'adresse du lien (ou de la tuile) qui porte `texte`."""
    for bloc in re.findall(r"<a\b[^>]*href=\"([^\"]+)\"[^>]*>(.*?)</a>", html, re.S):
        if texte in re.sub(r"<[^>]+>", " ", bloc[1]):
            return bloc[0].replace("&amp;", "&")
    raise AssertionError(f"Aucun lien « {texte} » dans la page.")


def test_depuis_l_accueil_le_national_arrive_au_tableau_de_la_france(client, national):
    regions_avec_agregats(2)
    client.force_login(national)

    accueil = client.get(reverse("accueil")).content.decode()
    tableau = client.get(lien(accueil, "Tableau de bord"))

    assert tableau.status_code == 200
    assert tableau.context["tableau"].territoire.code == "FR"
    assert "Auvergne-Rhône-Alpes" in tableau.content.decode()


def test_depuis_l_accueil_le_national_telecharge_le_rapport_de_la_france(client, national, rapport_national):
    client.force_login(national)

    accueil = client.get(reverse("accueil")).content.decode()
    liste = client.get(lien(accueil, "Rapports mensuels")).content.decode()
    # La France vient en tête de son mois (tri par chemin) : son lien « Télécharger » est le premier.
    pdf = client.get(lien(liste, "Télécharger"))

    assert pdf.status_code == 200
    assert "France" in texte_du_pdf(pdf.content)


def test_l_administrateur_voit_aussi_le_tableau_national(client, administrateur):
    regions_avec_agregats(2)
    client.force_login(administrateur)

    response = client.get(reverse("indicateurs:tableau:region"), {"region": "FR", **FILTRES})

    assert response.status_code == 200 and len(response.context["tableau"].croisement.lignes) == 2


def test_un_planificateur_d_une_region_voit_toujours_ses_departements(client):
    region = RegionFactory(code="84", nom="Auvergne-Rhône-Alpes")
    planificateur = UtilisateurFactory(planificateur=True, region=region, email="bfc@exemple.test")
    regions_avec_agregats(2)
    client.force_login(planificateur)

    response = client.get(reverse("indicateurs:tableau:region"), FILTRES)

    assert response.context["tableau"].libelle_ligne == "département"
    assert [ligne.territoire.parent_id for ligne in response.context["tableau"].croisement.lignes] == [region.pk]


@pytest.mark.parametrize("nombre", [2, 18])
def test_la_liste_des_rapports_du_national_a_un_nombre_de_requetes_constant(
    client, national, nombre, django_assert_num_queries
):
    from tests.indicateurs.factories import RapportFactory

    for code, nom in REGIONS[:nombre]:
        RapportFactory(territoire=RegionFactory(code=code, nom=nom))
    RapportFactory(territoire=RegionFactory().parent)  # la France
    client.force_login(national)
    # session, utilisateur, compte de la liste, page des rapports avec leur périmètre, leurs versions, régions du
    # filtre, périmètres demandables (lus deux fois par le gabarit DSFR)
    with django_assert_num_queries(8):
        reponse = client.get(reverse("indicateurs:rapports:liste"))
    assert len(reponse.context["page_obj"]) == nombre + 1
