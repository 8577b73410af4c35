"""Où range-t-on une ligne : la région et le département d'un territoire, lus sur son chemin matérialisé
(« FR/32/59/NH/ » : région 32, département 59), sans requête de plus une fois les territoires lus."""

from dataclasses import dataclass
from functools import cached_property

from territoires.models import Niveau, Territoire


@dataclass
class Carte:
    regions: dict[str, Territoire]  # par chemin
    departements: dict[str, Territoire]  # par chemin

    @classmethod
    def lire(cls) -> "Carte":
        """Une requête : les régions et les départements."""
        territoires = Territoire.objects.filter(niveau__in=[Niveau.REGION, Niveau.DEPARTEMENT]).order_by("chemin")
        regions, departements = {}, {}
        for t in territoires:
            (regions if t.niveau == Niveau.REGION else departements)[t.chemin] = t
        return cls(regions, departements)

    def englobant(self, chemin: str, niveau: dict[str, Territoire]) -> Territoire | None:
        """Le territoire de `niveau` qui contient `chemin` (lui-même compris) ; None au-dessus de ce niveau."""
        segments = chemin.strip("/").split("/")
        for longueur in range(len(segments), 0, -1):
            if (t := niveau.get("/".join(segments[:longueur]) + "/")) is not None:
                return t
        return None

    @cached_property
    def par_pk(self) -> dict[int, Territoire]:
        return {t.pk: t for t in self.departements.values()}

    def region(self, chemin: str) -> Territoire | None:
        return self.englobant(chemin, self.regions)

    def departement(self, chemin: str) -> Territoire | None:
        return self.englobant(chemin, self.departements)


def code_et_nom(territoire: Territoire | None) -> tuple[str | None, str | None]:
    return (territoire.code, territoire.nom) if territoire else (None, None)
