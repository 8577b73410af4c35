"""Parcours dans un vrai navigateur : Chromium de Debian piloté par Playwright."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import exige_service

CHROMIUM = Path("/usr/bin/chromium")
OPTIONS_CHROMIUM = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def navigateur():
    exige_service(CHROMIUM.exists(), f"{CHROMIUM} absent : `make chromium` l'installe")
    # Playwright tient une boucle asyncio dans ce fil ; l'ORM des fixtures y reste synchrone.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=OPTIONS_CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def page(navigateur):
    contexte = navigateur.new_context(locale="fr-FR")
    page = contexte.new_page()
    page.erreurs_csp = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.erreurs_csp.append(m.text))
    yield page
    contexte.close()


@pytest.mark.navigateur
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_planificateur_se_connecte_et_voit_son_accueil(live_server, page, planificateur):
    se_connecter(page, live_server, planificateur)

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.locator("main")).to_contain_text("Vous fixez les cibles du PRAPS")
    expect(page.locator("header")).to_contain_text("ARS Hauts-de-France")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_la_connexion_se_fait_au_clavier(live_server, page, planificateur):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").focus()
    page.keyboard.type(planificateur.email)
    page.keyboard.press("Tab")
    page.keyboard.type(MOT_DE_PASSE)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")


def se_connecter(page, live_server, utilisateur):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").fill(utilisateur.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.navigateur
# serialized_rollback : le catalogue semé par migration survit au vidage de la base après le test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_un_planificateur_modifie_une_cible_et_la_retrouve_dans_l_historique(live_server, page, planificateur):
    from tests.dispositifs.factories import CibleFactory, TypeDispositifFactory

    cible = CibleFactory(type=TypeDispositifFactory(code="LHSS"), territoire=planificateur.region, valeur=62)
    se_connecter(page, live_server, planificateur)

    page.get_by_role("link", name="Planification", exact=True).click()
    expect(page.locator("#tableau-planification")).to_contain_text("62")
    page.get_by_role("link", name="Modifier les cibles").click()
    ligne = page.locator(f"#case-{planificateur.region.code}")
    ligne.get_by_label("Cible").fill("70")
    ligne.get_by_label("Motif").fill("Ségur : 8 places de plus")
    ligne.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("status")).to_contain_text("Cible LHSS · Hauts-de-France enregistrée : 70 places.")
    page.locator(f"#case-{planificateur.region.code}").get_by_role("link", name="historique").click()
    historique = page.locator("table")
    expect(historique).to_contain_text("Ségur : 8 places de plus")
    expect(historique).to_contain_text(str(planificateur))
    assert cible.history.count() == 2
    assert page.erreurs_csp == []
