"""Ce que les dispositifs annoncent aux autres applications, sans rien savoir d'elles.

`perimetre_modifie` part quand des dispositifs entrent en service ou en sortent (autorisé/installé ↔ projet,
fermé), changent de type ou de territoire, sont créés ou supprimés en service — par un service, l'import
FINESS, l'administration, l'API ou un `update` de QuerySet : c'est le modèle et son QuerySet qui l'envoient
(dispositifs/models.py), donc toute écriture de l'ORM. Argument `cles` : l'ensemble des (type_id,
territoire_id) d'avant et d'après. Les indicateurs l'écoutent pour recalculer leurs agrégats (déclarations
attendues, valeurs rangées sous le type et le territoire) : les dispositifs n'ont pas à connaître les
indicateurs, qui dépendent d'eux.
"""

from django.dispatch import Signal

perimetre_modifie = Signal()
