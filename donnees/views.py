"""Les pages et les fichiers des données ouvertes : la liste, la fiche d'un jeu, son CSV, son JSON et son Table
Schema. Tout est public (Regle.PUBLIC) et se déduit du catalogue (donnees/catalogue.py)."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from commun.tableur import TYPES_DE_FICHIER
from config.policy import Regle, acces
from donnees.catalogue import JEUX
from donnees.formats import ecrire_csv, lignes_json, table_schema, texte_csv
from donnees.jeu import LICENCE, Jeu

APERCU = 10  # lignes montrées sur la fiche


def jeu_demande(slug: str) -> Jeu:
    if slug not in JEUX:
        raise Http404("Aucun jeu de données à cette adresse.")
    return JEUX[slug]


def adresses(request, jeu: Jeu) -> dict:
    """Les adresses stables d'un jeu, absolues : la page, l'API et le schéma les donnent telles quelles."""
    noms = {"page": "fiche", "csv": "csv", "json": "json", "schema": "schema"}
    return {cle: request.build_absolute_uri(reverse(f"donnees:{nom}", args=[jeu.slug])) for cle, nom in noms.items()}


@acces(Regle.PUBLIC)
def liste(request):
    """Chaque jeu, sa description, ses champs, sa date de mise à jour et sa licence (une requête par jeu : sa date)."""
    jeux = [{"jeu": jeu, "mise_a_jour": jeu.mise_a_jour()} for jeu in JEUX.values()]
    return render(request, "donnees/liste.html", {"jeux": jeux, "licence": LICENCE})


@acces(Regle.PUBLIC)
def fiche(request, slug: str):
    jeu = jeu_demande(slug)
    lignes = jeu.lignes()
    apercu = [[texte_csv(ligne[nom]) for nom in jeu.entetes] for ligne in lignes[:APERCU]]
    contexte = {
        "jeu": jeu,
        "mise_a_jour": jeu.mise_a_jour(),
        "nb_lignes": len(lignes),
        "apercu": apercu,
        "licence": LICENCE,
        "adresses": adresses(request, jeu),
    }
    return render(request, "donnees/fiche.html", contexte)


@acces(Regle.PUBLIC)
def telecharger_csv(request, slug: str):
    jeu = jeu_demande(slug)
    reponse = HttpResponse(content_type=TYPES_DE_FICHIER["csv"])
    reponse["Content-Disposition"] = f'inline; filename="{jeu.slug}.csv"'
    ecrire_csv(reponse, jeu, jeu.lignes())
    return reponse


@acces(Regle.PUBLIC)
def telecharger_json(request, slug: str):
    jeu = jeu_demande(slug)
    mise_a_jour = jeu.mise_a_jour()
    contenu = {
        "jeu": jeu.slug,
        "titre": jeu.titre,
        "licence": LICENCE,
        "mise_a_jour": mise_a_jour.isoformat() if mise_a_jour else None,
        "schema": adresses(request, jeu)["schema"],
        "lignes": lignes_json(jeu, jeu.lignes()),
    }
    return JsonResponse(contenu, json_dumps_params={"ensure_ascii": False})


@acces(Regle.PUBLIC)
def schema(request, slug: str):
    jeu = jeu_demande(slug)
    contenu = table_schema(jeu, adresses(request, jeu))
    return JsonResponse(contenu, json_dumps_params={"ensure_ascii": False})
