"""Le catalogue des données ouvertes : chaque jeu écrit une fois (donnees/jeu.py), dans l'ordre de la page."""

from donnees import appels, capacites, cibles, indicateurs
from donnees.jeu import Jeu

JEUX: dict[str, Jeu] = {
    jeu.slug: jeu for jeu in (capacites.JEU, cibles.JEU, appels.JEU_APPELS, appels.JEU_PROJETS, indicateurs.JEU)
}
