"""Les jeux de données ouverts : chaque CSV est valide contre son Table Schema (frictionless), son en-tête est
celui que la fiche documente, son JSON porte les mêmes lignes ; tout est public, en requêtes bornées."""

import csv
import io
import json

import frictionless
import pytest
from django.urls import reverse
from django.utils.html import escape

from donnees.catalogue import JEUX
from donnees.formats import texte_csv

SLUGS = list(JEUX)


def telecharger(client, nom: str, slug: str):
    return client.get(reverse(f"donnees:{nom}", args=[slug]))


def valider(contenu: bytes, schema: dict, tmp_path) -> frictionless.Report:
    """Le rapport de frictionless pour le CSV reçu et le schema.json reçu, écrits tels quels dans tmp_path."""
    (tmp_path / "donnees.csv").write_bytes(contenu)
    (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
    ressource = frictionless.Resource(path="donnees.csv", schema="schema.json", basepath=str(tmp_path))
    return frictionless.validate(ressource)


def test_la_page_liste_au_moins_quatre_jeux_avec_leurs_champs_et_la_licence(client, db):
    reponse = client.get(reverse("donnees:liste"))
    assert reponse.status_code == 200
    page = reponse.content.decode()
    assert len(JEUX) >= 4
    for jeu in JEUX.values():
        assert escape(jeu.titre) in page
        assert reverse("donnees:csv", args=[jeu.slug]) in page
        assert reverse("donnees:schema", args=[jeu.slug]) in page
        for champ in jeu.champs:
            assert f"<code>{champ.nom}</code>" in page
    assert "Licence Ouverte / Etalab 2.0" in page
    assert "https://www.etalab.gouv.fr/licence-ouverte-open-licence/" in page


@pytest.mark.parametrize("slug", SLUGS)
def test_chaque_csv_valide_contre_son_schema(client, peupler, trimestre, slug, tmp_path):
    peupler(3)
    reponse = telecharger(client, "csv", slug)
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    contenu = reponse.content
    entete = next(csv.reader(io.StringIO(contenu.decode("utf-8"))))
    assert entete == JEUX[slug].entetes
    schema = telecharger(client, "schema", slug).json()
    assert [champ["name"] for champ in schema["fields"]] == JEUX[slug].entetes
    rapport = valider(contenu, schema, tmp_path)
    assert rapport.valid, rapport.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(list(csv.reader(io.StringIO(contenu.decode())))) > 1, "le jeu de test doit avoir des lignes"


@pytest.mark.parametrize("slug", SLUGS)
def test_le_json_porte_les_memes_lignes_que_le_csv(client, peupler, trimestre, slug):
    peupler(2)
    lignes_csv = list(csv.DictReader(io.StringIO(telecharger(client, "csv", slug).content.decode())))
    contenu = telecharger(client, "json", slug).json()
    assert contenu["licence"]["title"] == "Licence Ouverte / Etalab 2.0"
    assert contenu["schema"].endswith(f"/donnees/{slug}/schema.json")
    en_texte = [{nom: texte_json(valeur) for nom, valeur in ligne.items()} for ligne in contenu["lignes"]]
    assert en_texte == lignes_csv


def texte_json(valeur) -> str:
    """Une valeur JSON écrite comme le CSV l'écrit."""
    if isinstance(valeur, float):
        return repr(valeur)
    return texte_csv(valeur)


@pytest.mark.parametrize("slug", SLUGS)
def test_le_schema_est_un_table_schema_valide_avec_la_licence(client, db, slug):
    schema = telecharger(client, "schema", slug).json()
    assert frictionless.Schema.from_descriptor(schema).field_names == JEUX[slug].entetes
    assert schema["licenses"][0]["name"] == "etalab-2.0"
    assert schema["path"] == f"http://testserver/donnees/{slug}/schema.json"
    assert schema["homepage"] == f"http://testserver/donnees/{slug}/"
    assert all(champ["description"] for champ in schema["fields"])


@pytest.mark.parametrize("slug", SLUGS)
def test_la_fiche_documente_le_jeu(client, peupler, slug):
    peupler(1)
    reponse = telecharger(client, "fiche", slug)
    assert reponse.status_code == 200
    page = reponse.content.decode()
    for champ in JEUX[slug].champs:
        assert champ.nom in page
    assert f"/donnees/{slug}.json" in page


def test_l_api_liste_les_jeux_avec_leurs_adresses(client, db):
    reponse = client.get("/api/v1/donnees/")
    assert reponse.status_code == 200
    jeux = reponse.json()
    assert [jeu["slug"] for jeu in jeux] == SLUGS
    premier = jeux[0]
    assert premier["csv"] == "http://testserver/donnees/capacites.csv"
    assert premier["schema"] == "http://testserver/donnees/capacites/schema.json"
    assert premier["licence"]["title"] == "Licence Ouverte / Etalab 2.0"
    assert premier["champs"] == JEUX["capacites"].entetes


@pytest.mark.parametrize("slug", ["inconnu", "CAPACITES", "capacites-", "a" * 300, "0"])
@pytest.mark.parametrize("nom", ["fiche", "csv", "json", "schema"])
def test_un_jeu_inconnu_est_introuvable(client, db, nom, slug):
    assert telecharger(client, nom, slug).status_code == 404


@pytest.mark.parametrize(
    "chemin", ["/donnees/capacites.csv?x=%00", "/donnees/..%2F..%2Fsettings.csv", "/donnees/é.csv"]
)
def test_une_adresse_hostile_ne_donne_jamais_de_500(client, db, chemin):
    assert client.get(chemin).status_code in (200, 404)


# Requêtes bornées ---------------------------------------------------------------------------------------------

# Les requêtes de chaque jeu (lignes puis date de mise à jour), nommées dans les modules des jeux.
REQUETES_LIGNES = {
    "capacites": 3,  # régions et départements, types, capacités groupées
    "cibles": 1,  # cibles avec type, territoire, horizon
    "appels": 1,  # appels publiés et leurs comptes
    "projets-retenus": 1,  # décisions avec appel, organisme, projet
    "indicateurs": 5,  # éditions courantes, indicateurs, types, régions et départements, dispositifs fictifs
}


@pytest.mark.parametrize("nombre", [1, 6])
@pytest.mark.parametrize("slug", SLUGS)
def test_le_csv_fait_autant_de_requetes_quelle_que_soit_la_taille(
    client, peupler, django_assert_num_queries, slug, nombre
):
    peupler(nombre)
    with django_assert_num_queries(REQUETES_LIGNES[slug]):
        assert telecharger(client, "csv", slug).status_code == 200


@pytest.mark.parametrize("nombre", [1, 6])
@pytest.mark.parametrize("slug", SLUGS)
def test_le_json_et_la_fiche_font_autant_de_requetes_quelle_que_soit_la_taille(
    client, peupler, django_assert_num_queries, slug, nombre
):
    peupler(nombre)
    with django_assert_num_queries(REQUETES_LIGNES[slug] + 1):  # + la date de mise à jour
        telecharger(client, "json", slug)
    with django_assert_num_queries(REQUETES_LIGNES[slug] + 1):
        telecharger(client, "fiche", slug)


@pytest.mark.parametrize("nombre", [1, 6])
def test_la_liste_et_l_api_font_une_requete_par_jeu(client, peupler, django_assert_num_queries, nombre):
    peupler(nombre)
    with django_assert_num_queries(len(JEUX)):  # la date de mise à jour de chaque jeu
        client.get(reverse("donnees:liste"))
    with django_assert_num_queries(len(JEUX)):
        client.get("/api/v1/donnees/")


# Chemin de clics ----------------------------------------------------------------------------------------------


def test_on_atteint_les_donnees_ouvertes_depuis_l_accueil_public_en_cliquant(client, db):
    accueil = client.get("/").content.decode()
    assert f'href="{reverse("donnees:liste")}"' in accueil
    liste = client.get(reverse("donnees:liste")).content.decode()
    assert f'href="{reverse("donnees:fiche", args=["indicateurs"])}"' in liste
    fiche = client.get(reverse("donnees:fiche", args=["indicateurs"])).content.decode()
    assert f'href="{reverse("donnees:csv", args=["indicateurs"])}"' in fiche
