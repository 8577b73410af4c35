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


MENU = [
    Entree("Accueil", "accueil", Regle.PUBLIC),
    Entree("Territoires", "territoires:liste", Regle.PUBLIC),
    Entree("Catalogue", "catalogue:liste", Regle.PUBLIC),
    Entree("Cartographie", "catalogue:carte", Regle.PUBLIC),
    Entree("Appels", "appels:liste", Regle.PUBLIC),
    Entree("Planification", "planification:tableau", Regle.CONSULTER_PLANIFICATION),
    Entree("Instruction", "instruction:accueil", Regle.INSTRUIRE),
    Entree("Mes candidatures", "candidatures:mes_candidatures", Regle.DEPOSER),
    Entree("Opérateurs", "demandes_inscription", Regle.GERER_OPERATEURS),
    Entree("API", "api-docs", Regle.PUBLIC),
    Entree("Administration", "admin:index", Regle.ADMINISTRATION),
]


def navigation(request):
    """Processeur de contexte : le menu de l'utilisateur et le nom de l'agence pour l'en-tête."""
    chemin = request.path
    entrees = []
    for entree in MENU:
        if autorise(request.user, entree.regle):
            url = reverse(entree.url_name)
            actif = chemin == url if url == "/" else chemin.startswith(url)
            entrees.append({"libelle": entree.libelle, "url": url, "actif": actif})
    return {"menu_principal": entrees, "nom_agence": settings.NOM_AGENCE}
