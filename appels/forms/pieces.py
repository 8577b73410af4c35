"""Le formulaire d'une pièce jointe à la lettre : une nature parmi les choix, un fichier au nom qui tient dans sa
colonne. Le service (`ajouter_piece`) refait ces vérifications pour ses autres appelants, puis contrôle le PDF."""

from django import forms
from dsfr.forms import DsfrBaseForm

from appels.models import NOM_PIECE_MAX, NaturePiece
from appels.validators import choisir_une_nature


class PieceForm(DsfrBaseForm):
    nature = forms.ChoiceField(
        label="Nature de la pièce",
        choices=NaturePiece.choices,
        error_messages={
            "invalid_choice": choisir_une_nature(NaturePiece.labels),
            "required": choisir_une_nature(NaturePiece.labels),
        },
    )
    fichier = forms.FileField(
        label="Fichier",
        max_length=NOM_PIECE_MAX,
        error_messages={"required": "choisissez un fichier PDF à joindre."},
    )

    def refus(self) -> str:
        """Les erreurs en une phrase par champ, précédée de son libellé : la page les dit dans un message."""
        return " ".join(f"{self[champ].label} : {' '.join(erreurs)}" for champ, erreurs in self.errors.items())
