"""Chaque page des partenariats s'atteint en cliquant depuis l'accueil du rôle : le client de test suit les liens
(tuile de l'accueil, onglets, boutons) comme le ferait l'utilisateur."""

import html
import re

import pytest

pytestmark = pytest.mark.django_db


def cliquer(client, page, texte: str):
    """Suit le lien de `page` dont le texte contient `texte` ; échoue s'il n'y en a pas."""
    contenu = page.content.decode()
    for adresse, libelle in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', contenu, flags=re.S):
        if texte in html.unescape(re.sub(r"<[^>]+>", "", libelle)):
            suivante = client.get(html.unescape(adresse))
            assert suivante.status_code == 200, f"{adresse} : {suivante.status_code}"
            return suivante
    raise AssertionError(f"Aucun lien « {texte} » sur {page.request['PATH_INFO']}")


def test_le_planificateur_va_de_l_accueil_a_la_declaration_d_une_convention(client, planificateur, convention):
    client.force_login(planificateur)

    liste = cliquer(client, client.get("/"), "Conventions de partenariat")
    fiche = cliquer(client, liste, "PASS")
    modification = cliquer(client, fiche, "Modifier la convention")
    nouvelle = cliquer(client, liste, "Déclarer une convention")

    assert "CHRS fictif de Lille" in fiche.content.decode()
    assert modification.context["objet"] == convention and nouvelle.context["objet"] is None


def test_la_dreets_va_de_l_accueil_a_l_annuaire_et_aux_rencontres(client, dreets):
    client.force_login(dreets)

    annuaire = cliquer(client, client.get("/"), "Annuaire et rencontres")
    cliquer(client, annuaire, "Ajouter un contact")
    rencontres = cliquer(client, annuaire, "Rencontres bilatérales")
    cliquer(client, rencontres, "Enregistrer une rencontre")


def test_l_operateur_va_de_l_accueil_a_ses_conventions(client, operateur, convention):
    client.force_login(operateur)

    liste = cliquer(client, client.get("/"), "Mes conventions")

    assert "CHRS fictif de Lille" in liste.content.decode()
    assert "Annuaire des correspondants" not in liste.content.decode()  # pas pour un opérateur
    cliquer(client, liste, "Déclarer une convention")
