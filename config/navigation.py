"""Le menu principal : chaque entrée porte une règle du module policy, le menu suit donc les droits."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from config.policy import Regle, autorise


@dataclass(frozen=True)
class Entree:
    libelle: str
    url_name: str
    regle: Regle


@dataclass(frozen=True)
class Groupe:
    """Un sous-menu DSFR ; réduit à un lien simple quand le rôle n'y voit qu'une entrée."""

    libelle: str
    entrees: tuple[Entree, ...]


MENU = [
    Entree("Accueil", "accueil", Regle.PUBLIC),
    Groupe(
        "L'offre",
        (
            Entree("Territoires", "territoires:liste", Regle.PUBLIC),
            Entree("Catalogue des dispositifs", "dispositifs:catalogue:liste", Regle.PUBLIC),
            Entree("Cartographie", "dispositifs:catalogue:carte", Regle.PUBLIC),
            Entree("Dispositifs", "dispositifs:liste", Regle.CONSULTER_OFFRE),
            Entree("Organismes", "dispositifs:organismes:liste", Regle.CONSULTER_OFFRE),
        ),
    ),
    Entree("Planification", "planification:tableau", Regle.CONSULTER_PLANIFICATION),
    Entree("Programme", "programme:programme", Regle.CONSULTER_PLANIFICATION),
    Entree("Financements", "financements:budget", Regle.CONSULTER_FINANCEMENTS),
    Groupe(
        "Partenariats",
        (
            Entree("Conventions", "partenariats:conventions", Regle.CONSULTER_CONVENTIONS),
            Entree("Annuaire des correspondants", "partenariats:annuaire", Regle.CONSULTER_PARTENARIATS),
            Entree("Rencontres bilatérales", "partenariats:rencontres", Regle.CONSULTER_PARTENARIATS),
        ),
    ),
    Groupe(
        "Appels",
        (
            Entree("Appels publiés", "appels:liste", Regle.PUBLIC),
            Entree("Instruction", "appels:instruction:accueil", Regle.INSTRUIRE),
            Entree("Mes candidatures", "appels:candidatures:mes_candidatures", Regle.DEPOSER),
        ),
    ),
    Groupe(
        "Indicateurs",
        (
            Entree("Mes déclarations", "indicateurs:mes_declarations", Regle.DECLARER),
            Entree("Déclarations à valider", "indicateurs:validation", Regle.VALIDER_DECLARATIONS),
            Entree("Suivi des déclarations", "indicateurs:suivi", Regle.CONSULTER_PLANIFICATION),
            Entree("Tableau de bord", "indicateurs:tableau:region", Regle.CONSULTER_PLANIFICATION),
            Entree("Données publiques", "indicateurs:tableau:public", Regle.PUBLIC),
            Entree("Données ouvertes", "donnees:liste", Regle.PUBLIC),
            Entree("Rapports mensuels", "indicateurs:rapports:liste", Regle.PUBLIC),
        ),
    ),
    Entree("Opérateurs", "comptes:demandes_inscription", Regle.GERER_OPERATEURS),
    Entree("Journal", "journal:journal", Regle.CONSULTER_JOURNAL),
    Entree("API", "api-docs", Regle.PUBLIC),
    Entree("Administration", "admin:index", Regle.ADMINISTRATION),
]


def navigation(request):
    """Processeur de contexte : le menu de l'utilisateur et le nom de l'agence pour l'en-tête."""
    liens = {e: reverse(e.url_name) for e in entrees_permises(request.user)}
    # L'entrée active est celle dont l'adresse est le plus long début du chemin (/tableau-de-bord/public/
    # n'allume pas aussi /tableau-de-bord/).
    prefixes = [url for url in liens.values() if request.path == url or (url != "/" and request.path.startswith(url))]
    active = max(prefixes, key=len, default=None)
    menu = []
    for rang, element in enumerate(MENU):
        sous_entrees = [lien(e, liens[e], active) for e in getattr(element, "entrees", (element,)) if e in liens]
        if len(sous_entrees) == 1:
            menu.append(sous_entrees[0])
        elif sous_entrees:
            actif = any(e["actif"] for e in sous_entrees)
            menu.append({"libelle": element.libelle, "id": f"menu-{rang}", "entrees": sous_entrees, "actif": actif})
    return {"menu_principal": menu, "nom_agence": settings.NOM_AGENCE}


def entrees_permises(user) -> list[Entree]:
    toutes = [e for element in MENU for e in getattr(element, "entrees", (element,))]
    return [e for e in toutes if autorise(user, e.regle)]


def lien(entree: Entree, url: str, active: str | None) -> dict:
    return {"libelle": entree.libelle, "url": url, "actif": url == active}
