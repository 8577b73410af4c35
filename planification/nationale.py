"""Le tableau national : chaque région face aux autres et à la cible nationale, type par type.

Pour la France, une ligne par région × type et une ligne « pays » par type, qui porte la cible nationale (la cible
posée sur le territoire FR). Mêmes cinq requêtes que le tableau d'une région (planification.calcul) : les capacités,
projets et cibles sont lus agrégés par territoire, puis cumulés par région d'après le segment de région de leur
chemin (« FR/32/59/ » → 32) ; on ne parcourt jamais les 126 territoires pour chaque valeur.

À côté de la cible de chaque région : sa part dans la somme des cibles régionales, sa part de la cible nationale, et
sa part de la population de la France — une répartition de référence, jamais imposée. La ligne pays compare la somme
des cibles régionales à la cible nationale. Les totaux restent par unité (planification.calcul._totaux).
"""

from dataclasses import dataclass
from decimal import Decimal

from commun.tri import cle_alphabetique
from planification.calcul import (
    MESURES,
    ZERO,
    Ligne,
    Planification,
    _catalogue,
    _totaux,
    _valeurs_par_case,
)
from territoires.models import Territoire


@dataclass
class LigneNationale(Ligne):
    """Une région (ou la France) pour un type ; parts en pourcentage, None quand elles n'ont pas de sens."""

    part_population: Decimal | None = None
    part_cibles_regionales: Decimal | None = None
    part_cible_nationale: Decimal | None = None
    cibles_regionales: Decimal | None = None  # ligne pays : somme des cibles posées sur les régions

    @property
    def ecart_cibles_regionales(self) -> Decimal | None:
        """Ligne pays : somme des cibles régionales − cible nationale (négatif : les régions visent moins)."""
        if self.cible is None or self.cibles_regionales is None:
            return None
        return self.cibles_regionales - self.cible


def calculer_planification_nationale(*, pays, horizon, date, types=None, territoire=None) -> Planification:
    """Le tableau national à `horizon`, capacités à `date`. `types` : codes gardés (sinon tous ceux qui ont une
    valeur quelque part) ; `territoire` : la France entière ou une seule région."""
    regions = sorted(Territoire.objects.regions().filter(parent=pays), key=lambda r: cle_alphabetique(r.nom))
    catalogue = _catalogue(types)
    cumuls = _par_region(_valeurs_par_case(pays, horizon, date, catalogue))
    lignes = []
    for type_ in catalogue:
        bloc = _bloc_du_type(type_, pays, regions, cumuls)
        if types or not all(ligne.est_vide for ligne in bloc):
            lignes.extend(bloc)
    france = [ligne for ligne in lignes if ligne.territoire == pays]
    totaux = _totaux(france)
    for total in totaux:
        cibles = [ligne.cibles_regionales for ligne in france if ligne.unite == total.unite]
        total.cibles_regionales = sum((c for c in cibles if c is not None), ZERO)
    if territoire is not None and territoire != pays:
        lignes = [ligne for ligne in lignes if ligne.territoire == territoire]
    return Planification(region=pays, horizon=horizon, date=date, lignes=lignes, totaux=totaux)


def _par_region(valeurs: dict) -> dict:
    """{(type_id, code de région, ou None pour le pays): mesures}. Capacités et projets cumulés sur la région (le
    segment de région du chemin) et sur le pays ; la cible est celle posée sur la région ou le pays même, jamais
    celle d'un département."""
    cumuls: dict = {}
    for (type_id, chemin), mesures in valeurs.items():
        segments = chemin.rstrip("/").split("/")  # « FR/32/59/ » → FR, 32, 59
        cles = [(type_id, None)] + ([(type_id, segments[1])] if len(segments) > 1 else [])
        for cle in cles:
            cumul = cumuls.setdefault(cle, dict.fromkeys(MESURES, ZERO) | {"projets": 0, "fictifs": 0})
            for mesure in MESURES:
                cumul[mesure] += mesures.get(mesure, 0)
        if "cible" in mesures and len(segments) <= 2:
            cumuls[cles[-1]].update({m: mesures[m] for m in ("cible", "cible_id", "cible_fictive")})
    return cumuls


def _bloc_du_type(type_, pays, regions, cumuls) -> list[LigneNationale]:
    """Les lignes des régions (dans l'ordre des noms) puis celle de la France, avec leurs parts."""
    lignes = [LigneNationale(type=type_, territoire=r, **cumuls.get((type_.pk, r.code), {})) for r in regions]
    france = LigneNationale(type=type_, territoire=pays, **cumuls.get((type_.pk, None), {}))
    cibles = [ligne.cible for ligne in lignes if ligne.cible is not None]
    france.cibles_regionales = sum(cibles, ZERO) if cibles else None
    for ligne in lignes:
        ligne.part_population = pourcentage(ligne.territoire.population, pays.population)
        ligne.part_cibles_regionales = pourcentage(ligne.cible, france.cibles_regionales)
        ligne.part_cible_nationale = pourcentage(ligne.cible, france.cible)
    return [*lignes, france]


def pourcentage(partie, tout) -> Decimal | None:
    """`partie` en pourcentage de `tout`, au dixième ; None quand l'un manque ou que `tout` est nul."""
    if partie is None or not tout:
        return None
    return (Decimal(partie) * 100 / Decimal(tout)).quantize(Decimal("0.1"))
