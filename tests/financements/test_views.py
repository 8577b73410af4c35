from decimal import Decimal

import pytest

from financements.models import Credit, Enveloppe, Source
from financements.views.budget import CREDITS_PAR_PAGE
from tests.dispositifs.factories import DispositifFactory
from tests.financements.factories import CreditFactory, EnveloppeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def enveloppe_fir(region_hdf):
    return EnveloppeFactory(region=region_hdf, montant=100_000)


def poster_credit(client, dispositif, **valeurs):
    donnees = {"dispositif": dispositif.pk, "annee": 2026, "source": "fir", "montant": "1 000", "reconductible": "on"}
    return client.post("/financements/credits/nouveau/", {**donnees, **valeurs})


def test_la_page_budget_montre_le_depassement_en_rouge(client, planificateur, act_hlm, enveloppe_fir):
    CreditFactory(dispositif=act_hlm, montant=120_000)
    client.force_login(planificateur)

    reponse = client.get("/financements/?region=32&annee=2026")

    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert '<td class="nombre depasse">\n                -20\xa0000\xa0€' in contenu
    assert "11\xa0000\xa0€ par place et par an" in contenu  # les coûts de référence et leur citation
    assert "Est-il financé par l’Agence en FIR ou CNR ?" in contenu  # les sources admises, citées


def test_sans_parametre_la_page_montre_la_region_de_l_agent_et_l_annee_en_cours(client, instructeur, region_hdf):
    client.force_login(instructeur)

    budget = client.get("/financements/").context["budget"]

    assert budget.region == region_hdf


def test_une_region_hors_du_perimetre_repond_404(client, planificateur, region_idf):
    client.force_login(planificateur)

    assert client.get("/financements/?region=11&annee=2026").status_code == 404
    assert client.get("/financements/?region=%00").status_code == 404


@pytest.mark.parametrize("annee", ["abc", "1e3", "99999999999999999999", "2026.5"])
def test_une_annee_illisible_est_expliquee_en_francais(client, planificateur, annee):
    client.force_login(planificateur)

    reponse = client.get(f"/financements/?region=32&annee={annee}")

    assert reponse.status_code == 400
    assert reponse.context["form"].errors["annee"]


def test_le_lien_vers_un_dispositif_n_apparait_que_si_sa_page_existe(client, planificateur, act_hlm, enveloppe_fir):
    CreditFactory(dispositif=act_hlm)
    client.force_login(planificateur)

    contenu = client.get("/financements/?region=32&annee=2026").content.decode()

    assert "ACT HLM fictif" in contenu


def test_la_page_budget_tient_en_un_nombre_fixe_de_requetes(
    client, planificateur, act_hlm, enveloppe_fir, django_assert_num_queries
):
    client.force_login(planificateur)
    CreditFactory(dispositif=act_hlm)
    # session, utilisateur, régions visibles ; budget : 7 (financements/budget.py) ; la région de l'agent (en-tête) ;
    # crédits de l'année : leur nombre, puis la page avec dispositif, type, organisme et territoire
    with django_assert_num_queries(13):
        client.get("/financements/?region=32&annee=2026")
    for _ in range(20):
        CreditFactory(dispositif=DispositifFactory(territoire=act_hlm.territoire), source=Source.ONDAM_MS)
    with django_assert_num_queries(13):
        assert len(client.get("/financements/?region=32&annee=2026").context["credits"]) == 21


def test_les_credits_sont_pagines_mais_le_budget_porte_sur_tous(
    client, planificateur, act_hlm, enveloppe_fir, django_assert_num_queries
):
    client.force_login(planificateur)
    for _ in range(CREDITS_PAR_PAGE + 10):
        CreditFactory(
            dispositif=DispositifFactory(territoire=act_hlm.territoire), source=Source.ONDAM_MS, montant=1000
        )
    url = "/financements/?region=32&annee=2026"
    budget_seul = client.get(url).context["budget"]

    with django_assert_num_queries(13):
        premiere = client.get(url)
    with django_assert_num_queries(13):
        seconde = client.get(f"{url}&page=2")

    assert len(premiere.context["credits"]) == CREDITS_PAR_PAGE
    assert len(seconde.context["credits"]) == 10
    vus = {c.pk for c in premiere.context["credits"]} | {c.pk for c in seconde.context["credits"]}
    assert len(vus) == CREDITS_PAR_PAGE + 10
    # Les sommes ne dépendent pas de la page affichée.
    assert seconde.context["budget"].lignes == premiere.context["budget"].lignes == budget_seul.lignes
    contenu = premiere.content.decode()
    assert "1 à 50 sur 60" in contenu
    # Les liens de pagination gardent la région et l'année.
    assert "region=32&amp;annee=2026&amp;page=2" in contenu or "annee=2026&amp;region=32&amp;page=2" in contenu


def test_l_export_csv_neutralise_les_formules(client, dreets, act_hlm, enveloppe_fir):
    CreditFactory(dispositif=act_hlm, reference='=HYPERLINK("http://exemple.test")')
    client.force_login(dreets)

    reponse = client.get("/financements/export.csv?region=32&annee=2026")

    contenu = reponse.content.decode("utf-8-sig")
    assert reponse.status_code == 200
    assert "'=HYPERLINK" in contenu
    assert "Enveloppe;FIR;Tous types;;;;;100000;10000;90000;" in contenu


def test_l_export_d_une_annee_illisible_repond_400(client, dreets):
    client.force_login(dreets)

    assert client.get("/financements/export.csv?annee=abc").status_code == 400


def test_un_montant_a_trois_decimales_est_refuse_sur_son_champ(client, planificateur, act_hlm, enveloppe_fir):
    client.force_login(planificateur)

    reponse = poster_credit(client, act_hlm, montant="1 000,505")

    assert reponse.status_code == 400
    assert reponse.context["form"].errors["montant"] == ["Un montant a au plus 2 décimales (les centimes)."]
    assert not Credit.objects.exists()


def test_le_depassement_est_refuse_puis_accepte_avec_la_case_cochee(client, planificateur, act_hlm, enveloppe_fir):
    CreditFactory(dispositif=act_hlm, montant=95_000)
    client.force_login(planificateur)

    refus = poster_credit(client, act_hlm, montant="10 000")
    assert refus.status_code == 400
    contenu = refus.content.decode()
    assert 'name="confirmer_depassement"' in contenu and "dépassement de 5\xa0000\xa0€" in contenu

    accepte = poster_credit(client, act_hlm, montant="10 000", confirmer_depassement="on")
    assert accepte.status_code == 302
    assert accepte["Location"] == "/financements/?region=32&annee=2026"
    assert Credit.objects.filter(montant=10_000).exists()


def test_depuis_la_fiche_d_un_dispositif_le_formulaire_est_prerempli(client, planificateur, act_hlm):
    client.force_login(planificateur)

    form = client.get(f"/financements/credits/nouveau/?dispositif={act_hlm.pk}").context["form"]

    assert form.initial["dispositif"] == act_hlm.pk


def test_un_dispositif_d_une_autre_region_n_est_pas_prerempli(client, planificateur, dispositif_idf):
    client.force_login(planificateur)

    assert client.get(f"/financements/credits/nouveau/?dispositif={dispositif_idf.pk}").status_code == 404
    assert client.get("/financements/credits/nouveau/?dispositif=abc").status_code == 400


def test_modifier_un_credit_avec_une_version_perimee_repond_409(client, planificateur, act_hlm, enveloppe_fir):
    credit = CreditFactory(dispositif=act_hlm, montant=1_000, version=2)
    client.force_login(planificateur)
    donnees = {"dispositif": act_hlm.pk, "annee": 2026, "source": "fir", "montant": "2 000", "version": 1}

    reponse = client.post(f"/financements/credits/{credit.pk}/modifier/", donnees)

    assert reponse.status_code == 409
    assert "a été modifié" in reponse.content.decode()
    assert reponse.context["form"]["version"].value() == 2  # renvoyer la saisie l'enregistrera
    credit.refresh_from_db()
    assert credit.montant == 1_000


def test_le_planificateur_enregistre_une_enveloppe_de_sa_region(client, planificateur, region_hdf):
    client.force_login(planificateur)
    donnees = {"region": region_hdf.pk, "annee": 2026, "source": "ondam_ms", "montant": "1 500 000"}

    reponse = client.post("/financements/enveloppes/nouvelle/", donnees)

    assert reponse.status_code == 302
    assert Enveloppe.objects.get().montant == Decimal(1_500_000)


def test_la_page_budget_est_dans_le_menu_et_sur_l_accueil_du_planificateur(client, planificateur):
    client.force_login(planificateur)

    contenu = client.get("/").content.decode()

    assert contenu.count('href="/financements/"') == 2
