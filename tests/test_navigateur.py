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
@pytest.mark.django_db(transaction=True)
def test_un_planificateur_se_connecte_et_voit_son_accueil(live_server, page, planificateur):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").fill(planificateur.email)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.locator("main")).to_contain_text("Vous fixez les cibles du PRAPS")
    expect(page.locator("header")).to_contain_text("ARS Hauts-de-France")
    assert page.erreurs_csp == []


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_la_connexion_se_fait_au_clavier(live_server, page, planificateur):
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Courriel").focus()
    page.keyboard.type(planificateur.email)
    page.keyboard.press("Tab")
    page.keyboard.type(MOT_DE_PASSE)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
