"""La complétude des déclarations : validées / attendues, écrite une seule fois.

Attendues : chaque dispositif en service (`Dispositif.objects.en_service()`, la définition de « qui doit
déclarer ») pour chaque mois fini de la période ; validées : les déclarations validées de ces dispositifs pour
ces mêmes mois. Elle se compte sur les dispositifs et non sur les agrégats : un territoire où rien n'est encore
validé n'a pas d'agrégat, et ses déclarations attendues comptent quand même (sans cela, 1 validée sur 1 montrée
lisait 100 % quand 7 étaient attendues). Le tableau de bord (interne et public), le rapport PDF et le suivi des
déclarations montrent tous ces lignes-ci.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, FilteredRelation, Q

from commun.mois import decaler
from dispositifs.models import Dispositif
from indicateurs.models import StatutDeclaration
from indicateurs.periodes import mois_finis
from territoires.models import Niveau, Territoire


@dataclass
class LigneCompletude:
    libelle: str
    territoire: Territoire | None  # None : les dispositifs hors de toute ligne, et le total
    nb_declarations: int = 0  # validées
    nb_attendues: int = 0
    est_total: bool = False

    @property
    def taux(self) -> Decimal | None:
        """En %, au dixième ; None quand rien n'était attendu (aucun dispositif, ou période pas encore finie)."""
        if not self.nb_attendues:
            return None
        return (Decimal(100 * self.nb_declarations) / self.nb_attendues).quantize(Decimal("0.1"), ROUND_HALF_UP)


def completude(
    *,
    perimetre: Territoire,
    lignes: list[Territoire],
    granularite: str,
    periode: datetime.date,
    aujourd_hui: datetime.date,
    types=None,
) -> list[LigneCompletude]:
    """Une ligne par territoire de `lignes` (sous `perimetre` : ses départements, ou les régions de la France), une
    pour les dispositifs rattachés plus haut que toutes (à la région elle-même : ils ne sont dans aucun
    département ; au pays, pour les lignes régionales) s'il y en a, puis le total du
    périmètre. `types` : identifiants des types gardés (tous sinon). Une requête."""
    nombre_de_mois = mois_finis(granularite, periode, aujourd_hui)
    comptes = comptes_par_territoire(perimetre, periode, decaler(periode, nombre_de_mois), types)
    resultat = [LigneCompletude(str(t), t) for t in lignes]
    hors_lignes = LigneCompletude(libelle_hors_lignes(perimetre, lignes), None)
    total = LigneCompletude("Total", None, est_total=True)
    for chemin, dispositifs, validees in comptes:
        dedans = [ligne for ligne in resultat if chemin.startswith(ligne.territoire.chemin)] or [hors_lignes]
        for ligne in [*dedans, total]:
            ligne.nb_attendues += dispositifs * nombre_de_mois
            ligne.nb_declarations += validees
    return [*resultat, *([hors_lignes] if hors_lignes.nb_attendues else []), total]


def comptes_par_territoire(perimetre, debut, fin, types) -> list[tuple[str, int, int]]:
    """(chemin du territoire de rattachement, dispositifs en service, déclarations validées de `debut` à `fin`
    exclu) : la jointure ne lit que les déclarations de la période."""
    dispositifs = Dispositif.objects.dans(perimetre).en_service()
    if types is not None:
        dispositifs = dispositifs.filter(type__in=types)
    validees = Q(
        declarations__statut=StatutDeclaration.VALIDEE, declarations__mois__gte=debut, declarations__mois__lt=fin
    )
    return list(
        dispositifs.annotate(validees=FilteredRelation("declarations", condition=validees))
        .values("territoire__chemin")
        .annotate(nombre=Count("pk", distinct=True), nb_validees=Count("validees"))
        .values_list("territoire__chemin", "nombre", "nb_validees")
        .order_by()
    )


def libelle_hors_lignes(perimetre: Territoire, lignes=()) -> str:
    """Le libellé des dispositifs qu'aucune ligne ne contient ; les lignes du tableau national sont les régions."""
    if any(ligne.niveau == Niveau.REGION for ligne in lignes):
        return "Sans région (rattachés au pays)"
    if perimetre.niveau == Niveau.PAYS:
        return "Sans département (rattachés à une région ou au pays)"
    return "Sans département (rattachés à la région)"
