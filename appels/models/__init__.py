"""Les modèles des appels, en trois modules : l'appel et sa grille (appels), la candidature et ses dépôts
(candidatures), l'instruction (instruction)."""

from appels.models.appels import Appel, Critere, Nature, StatutAppel
from appels.models.candidatures import (
    NOM_PIECE_MAX,
    PAGES_MAX,
    STATUTS_DECIDABLES,
    STATUTS_EN_COURS,
    Candidature,
    Depot,
    NaturePiece,
    PieceJointe,
    StatutCandidature,
)
from appels.models.instruction import NOTE_MAX, Avis, Decision, DemandeComplement, NatureDecision

__all__ = [
    "NOM_PIECE_MAX",
    "NOTE_MAX",
    "PAGES_MAX",
    "STATUTS_DECIDABLES",
    "STATUTS_EN_COURS",
    "Appel",
    "Avis",
    "Candidature",
    "Critere",
    "Decision",
    "DemandeComplement",
    "Depot",
    "Nature",
    "NatureDecision",
    "NaturePiece",
    "PieceJointe",
    "StatutAppel",
    "StatutCandidature",
]
