import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from dispositifs.models import Nature, Unite
from planification.calcul import calculer_planification, nombre
from planification.demo import creer_planification_demo
from planification.models import Horizon
from territoires.models import Niveau, Territoire
from territoires.services import importer_territoires
from tests.dispositifs.factories import DispositifFactory, EvenementCapaciteFactory, TypeDispositifFactory
from tests.planification.factories import CibleFactory, HorizonFactory
from tests.territoires.factories import TerritoireFactory

pytestmark = pytest.mark.django_db

# Le tableau de la source ne porte que sur les LHSS, LAM et ACT (les SSIAD précarité ont aussi des places).
TYPES_DE_LA_SOURCE = ["LHSS", "LAM", "ACT"]
URL_DEMO = "/planification/?region=32&horizon=cibles-2019-2023&type=LHSS&type=LAM&type=ACT"


@pytest.fixture
def demo():
    """La démonstration des Hauts-de-France, crédits compris : les places financées se lisent dans les crédits."""
    from comptes.demo import creer_comptes_demo
    from financements.demo import creer_financements_demo

    importer_territoires()
    creer_comptes_demo()
    creer_planification_demo()
    creer_financements_demo()


def lignes_region(donnees):
    return {
        ligne["type"]: (ligne["autorises"], ligne["perspectives"], ligne["cible"])
        for ligne in donnees["lignes"]
        if ligne["niveau"] == "region"
    }


def test_la_demo_reproduit_le_tableau_du_praps_des_hauts_de_france(demo):
    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    tableau = calculer_planification(
        region=region,
        horizon=Horizon.objects.get(slug="cibles-2019-2023"),
        date=timezone.localdate(),
        types=TYPES_DE_LA_SOURCE,
    )

    par_region = {ligne.type.code: ligne for ligne in tableau.lignes if ligne.territoire == region}
    assert {code: (ligne.autorises, ligne.perspectives, ligne.cible) for code, ligne in par_region.items()} == {
        "LHSS": (7, 13, 62),
        "LAM": (18, 18, 32),
        "ACT": (9, 18, 40),
    }
    (places,) = tableau.totaux
    assert (places.unite, places.autorises, places.perspectives, places.cible) == ("places", 34, 49, 134)
    assert places.ecart == 134 - 34 - 49


def test_l_api_donne_les_memes_chiffres_que_la_page(client, planificateur, demo):
    client.force_login(planificateur)

    reponse = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023&type=LHSS&type=LAM&type=ACT")

    assert reponse.status_code == 200
    donnees = reponse.json()
    assert (donnees["region"], donnees["horizon"]) == ("32", "cibles-2019-2023")
    assert lignes_region(donnees) == {"LHSS": (7, 13, 62), "LAM": (18, 18, 32), "ACT": (9, 18, 40)}
    assert donnees["totaux"] == [
        {
            "unite": "places",
            "types": ["LHSS", "LAM", "ACT"],
            "autorises": 34,
            "installes": 34,
            "finances": 34,
            "perspectives": 49,
            "cible": 134,
            "ecart": 51,
        }
    ]


def test_la_page_montre_les_totaux_34_49_134(client, planificateur, demo):
    client.force_login(planificateur)

    reponse = client.get(URL_DEMO)

    (total,) = reponse.context["planification"].totaux
    assert (total.autorises, total.perspectives, total.cible) == (34, 49, 134)
    assert "Total Hauts-de-France, places : LHSS, LAM, ACT" in reponse.content.decode()


def test_les_lignes_par_departement_et_territoire_de_sante(client, planificateur, demo):
    client.force_login(planificateur)

    donnees = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023&type=LHSS").json()

    lignes = {(ligne["territoire"], ligne["niveau"]): ligne for ligne in donnees["lignes"]}
    pas_de_calais = lignes["62", "departement"]
    assert (pas_de_calais["autorises"], pas_de_calais["cible"], pas_de_calais["ecart"]) == (7, None, None)
    assert pas_de_calais["taux_pour_100k"] == 0.48  # 7 places pour 1 457 905 habitants
    hainaut = lignes["32-nord-hainaut", "territoire_sante"]
    assert (hainaut["perspectives"], hainaut["taux_pour_100k"]) == (13, None)  # population non disponible
    assert lignes["59", "departement"]["perspectives"] == 13  # cumul du territoire de santé dans le Nord


def test_un_projet_sans_repartition_ne_compte_que_pour_la_region(client, planificateur, demo):
    client.force_login(planificateur)

    donnees = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023&type=LAM").json()

    perspectives = {ligne["territoire"]: ligne["perspectives"] for ligne in donnees["lignes"]}
    assert perspectives["32"] == 18
    assert perspectives.get("02", 0) == 0 and perspectives.get("59", 0) == 0


def test_un_total_par_unite_sans_melanger_places_et_equipes(region_hdf):
    horizon = HorizonFactory()
    lhss = TypeDispositifFactory(code="LHSS", unite=Unite.PLACES)
    empp = TypeDispositifFactory(code="EMPP", unite=Unite.EQUIPES)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss), quantite=10)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=empp), quantite=2)

    tableau = calculer_planification(region=region_hdf, horizon=horizon, date=timezone.localdate())

    assert {(t.unite, t.autorises) for t in tableau.totaux} == {("places", 10), ("equipes", 2)}


def test_les_capacites_sont_celles_de_la_date_demandee(region_hdf):
    dispositif = DispositifFactory()
    EvenementCapaciteFactory(dispositif=dispositif, quantite=10, date=datetime.date(2020, 1, 1))
    EvenementCapaciteFactory(
        dispositif=dispositif, nature=Nature.EXTENSION, quantite=5, date=datetime.date(2022, 1, 1)
    )
    EvenementCapaciteFactory(
        dispositif=dispositif, nature=Nature.REDUCTION, quantite=3, date=datetime.date(2023, 1, 1)
    )

    def autorises_au(date):
        tableau = calculer_planification(region=region_hdf, horizon=HorizonFactory(), date=date)
        return next((ligne.autorises for ligne in tableau.lignes if ligne.territoire == region_hdf), 0)

    assert [autorises_au(datetime.date(a, 6, 1)) for a in (2019, 2021, 2022, 2024)] == [0, 10, 15, 12]


def test_filtre_par_territoire(client, planificateur, demo):
    client.force_login(planificateur)

    donnees = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023&territoire=59").json()

    assert {ligne["territoire"] for ligne in donnees["lignes"]} == {"59", "32-nord-hainaut", "32-nord-metropole"}
    assert donnees["totaux"][0]["perspectives"] == 49  # les totaux restent ceux de la région


def test_filtres_invalides_expliques_en_francais(client, planificateur, demo):
    client.force_login(planificateur)

    reponse = client.get("/api/v1/planification/?region=32&horizon=horizon-inconnu")

    assert reponse.status_code == 400
    assert reponse.json()["horizon"][0]["code"] == "invalid_choice"


def test_un_territoire_hors_de_la_region_est_introuvable(client, planificateur, demo):
    """Le code a la forme que le schéma promet : ce n'est pas une demande mal formée (400), mais un sous-tableau
    qui n'existe pas (404)."""
    client.force_login(planificateur)

    reponse = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023&territoire=75")

    assert reponse.status_code == 404
    assert reponse.json()["detail"] == "Aucun territoire de code « 75 » dans la région Hauts-de-France."


def test_un_planificateur_ne_voit_pas_une_autre_region(client, demo):
    from tests.comptes.factories import UtilisateurFactory

    idf = Territoire.objects.get(niveau=Niveau.REGION, code="11")
    client.force_login(UtilisateurFactory(planificateur=True, region=idf))

    reponse = client.get("/api/v1/planification/?region=32&horizon=cibles-2019-2023")

    # Une région que le schéma énumère, mais pas la sienne : refusée (403), pas mal formée (400).
    assert reponse.status_code == 403
    assert reponse.json()["detail"] == "Vous ne voyez pas la planification de la région 32."


def test_export_csv_aux_entetes_francais(client, planificateur, demo):
    client.force_login(planificateur)

    reponse = client.get("/planification/export.csv?region=32&horizon=cibles-2019-2023&type=LHSS&type=LAM&type=ACT")

    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert lignes[0][:6] == ["Type", "Territoire", "Code", "Niveau", "Unité", "Autorisés"]
    assert lignes[-1][:11] == [
        "Total (LHSS, LAM, ACT)",
        "Hauts-de-France",
        "32",
        "Total",
        "places",
        "34",
        "34",
        "34",
        "49",
        "",
        "134",
    ]
    assert 'filename="planification-32-cibles-2019-2023-' in reponse["Content-Disposition"]


def test_export_xlsx(client, planificateur, demo):
    client.force_login(planificateur)

    reponse = client.get("/planification/export.xlsx?region=32&horizon=cibles-2019-2023&type=LHSS")

    feuille = load_workbook(io.BytesIO(reponse.content)).active
    lignes = list(feuille.iter_rows(values_only=True))
    assert lignes[0][0] == "Type"
    region = next(ligne for ligne in lignes if ligne[2] == "32" and ligne[3] == "Région")
    assert (region[5], region[8], region[10]) == (7, 13, 62)


@pytest.mark.parametrize("url", ["/planification/", "/api/v1/planification/"])
def test_nombre_de_requetes_constant(client, planificateur, django_assert_num_queries, url):
    client.force_login(planificateur)
    CibleFactory(territoire=planificateur.region, valeur=40)
    EvenementCapaciteFactory()
    # Communes : session, utilisateur, région par défaut, horizon de ses écarts (horizon par défaut), région et
    # horizon validés par le formulaire, territoires de la région, types, capacités, projets, cibles (11).
    # La page y ajoute le rendu des listes du formulaire : régions (3), horizons (2), types (1).
    attendu = 17 if url == "/planification/" else 11
    with django_assert_num_queries(attendu):
        assert client.get(url).status_code == 200
    for _ in range(20):
        EvenementCapaciteFactory(dispositif=DispositifFactory(territoire=DispositifFactory().territoire))
        DispositifFactory(projet=True)
    with django_assert_num_queries(attendu):
        assert client.get(url).status_code == 200


@override_settings(DEBUG=True)
def test_charger_la_demo_deux_fois_donne_les_memes_chiffres(demo):
    from financements.demo import effacer_financements_demo

    effacer_financements_demo()  # comme charger_demo : les crédits protègent les dispositifs qu'on recrée
    creer_planification_demo()

    region = Territoire.objects.get(niveau=Niveau.REGION, code="32")
    tableau = calculer_planification(
        region=region,
        horizon=Horizon.objects.get(slug="cibles-2019-2023"),
        date=timezone.localdate(),
        types=TYPES_DE_LA_SOURCE,
    )
    assert [(t.autorises, t.perspectives, t.cible) for t in tableau.totaux] == [
        (Decimal(34), Decimal(49), Decimal(134))
    ]


@pytest.fixture
def deux_horizons(region_hdf, region_idf):
    """Un dispositif rattaché à la région elle-même (LHSS, 5 places) et un dans le Nord (8 places), un projet de LAM
    sans département (18 places), des cibles à deux horizons de la région, et un horizon plus récent dont les cibles
    ne sont qu'en Île-de-France : celui-là ne compte pas pour les Hauts-de-France."""
    nord = TerritoireFactory(code="59", nom="Nord", parent=region_hdf)
    lhss, lam = TypeDispositifFactory(code="LHSS"), TypeDispositifFactory(code="LAM")
    ancien = HorizonFactory(slug="cibles-2019-2023", fin=datetime.date(2023, 12, 31))
    recent = HorizonFactory(slug="prs-2023-2028", libelle="PRS 2023-2028", fin=datetime.date(2028, 12, 31))
    ailleurs = HorizonFactory(slug="idf-2030", libelle="Île-de-France 2030", fin=datetime.date(2030, 12, 31))
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=region_hdf), quantite=5)
    EvenementCapaciteFactory(dispositif=DispositifFactory(type=lhss, territoire=nord), quantite=8)
    DispositifFactory(type=lam, territoire=region_hdf, projet=True, horizon=recent, capacite_prevue=18)
    CibleFactory(type=lhss, territoire=region_hdf, horizon=ancien, valeur=62)
    CibleFactory(type=lhss, territoire=region_hdf, horizon=recent, valeur=30)
    CibleFactory(type=lam, territoire=region_hdf, horizon=recent, valeur=40)
    CibleFactory(type=lhss, territoire=nord, horizon=recent, valeur=10)
    CibleFactory(type=lhss, territoire=TerritoireFactory(code="75", parent=region_idf), horizon=ailleurs, valeur=99)
    return nord


def test_le_tableau_de_bord_le_rapport_et_la_planification_donnent_le_meme_ecart(
    client, planificateur, region_hdf, deux_horizons
):
    from indicateurs.models import Rapport
    from indicateurs.rapports import donnees_du_rapport
    from indicateurs.tableau_de_bord import construire_tableau_de_bord

    octobre = datetime.date(2026, 10, 1)
    client.force_login(planificateur)

    def planification(territoire):
        """Le tableau de planification que l'API donne, à l'horizon qu'elle choisit quand on n'en demande pas."""
        reponse = client.get("/api/v1/planification/", {"region": "32"})
        assert reponse.json()["horizon"] == "prs-2023-2028"
        lignes = [ligne for ligne in reponse.json()["lignes"] if ligne["territoire"] == territoire.code]
        return {(ligne["type"], ligne["territoire"]): ligne["ecart"] for ligne in lignes}

    def ecarts(plan):
        return {(ligne.type.code, ligne.territoire.code): nombre(ligne.ecart) for ligne in plan.lignes}

    for territoire in (region_hdf, deux_horizons):
        tableau = construire_tableau_de_bord(territoire=territoire, debut=octobre, fin=octobre)
        pdf = donnees_du_rapport(Rapport.objects.create(territoire=territoire, mois=octobre))["tableau"]

        assert tableau.ecarts.horizon.slug == pdf.ecarts.horizon.slug == "prs-2023-2028"
        assert ecarts(tableau.ecarts) == ecarts(pdf.ecarts) == planification(territoire)
    # Région : LHSS 30 − (5 + 8) autorisés ; LAM 40 − 18 en perspective (le projet sans département). Nord : 10 − 8.
    assert ecarts(tableau.ecarts) == {("LHSS", "59"): 2}
    assert planification(region_hdf) == {("LHSS", "32"): 17, ("LAM", "32"): 22}
