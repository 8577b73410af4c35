"""L'agrégation des déclarations validées en agrégats : type × territoire × période.

Une période (un mois, un trimestre, une année) se recalcule d'un bloc : DELETE de ses agrégats puis un seul
INSERT … SELECT … GROUP BY, dans une transaction. Le calcul reste dans la base (il suit de près le GROUP BY
brut, voir `make bench`) et le relancer donne les mêmes lignes : la tâche est idempotente.

Règles : pour chaque dispositif, les mois de la période se cumulent selon l'indicateur — flux sommés, stocks en
moyenne (arrondie au centième) ou dernière valeur, jamais sommés — puis les dispositifs s'additionnent ; un taux
est recalculé Σ numérateur / Σ dénominateur sur les mois où les deux sont déclarés. Un dispositif compte pour son
territoire et pour chacun de ceux qui le contiennent (chemin matérialisé). Chaque champ d'un agrégat
s'additionnant ainsi d'un territoire à l'autre, le recalcul après une validation obtient la France par la somme
de ses régions (`agreger_autour`).
"""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from commun.mois import decaler, mois_de
from dispositifs.models import Dispositif, Statut, TypeDispositif
from indicateurs import calendrier
from indicateurs.models import Agregat, Declaration, Indicateur, StatutDeclaration, Valeur
from indicateurs.periodes import decaler_periode, mois_finis, periodes_entre, periodes_touchees
from territoires.models import Territoire


def agreger_autour(*, type_id: int, mois: datetime.date, territoire_id: int | None = None) -> int:
    """Le recalcul incrémental après une validation : le mois, son trimestre et son année, pour ce type, et
    seulement pour le territoire du dispositif et ceux qui le contiennent (tous si `territoire_id` manque).

    Les territoires jusqu'à la région se recalculent depuis les déclarations ; la France, qui lirait sinon
    celles de tout le pays, s'obtient en additionnant ses régions tout juste recalculées ou déjà à jour
    (exact : voir SOMME_DES_REGIONS)."""
    cibles = racine = None
    if territoire_id is not None:
        # L'arbre entier (quelques centaines de lignes) en une requête : le chemin du territoire, ceux qui le
        # contiennent et le pays s'en déduisent, et les paires de la requête d'agrégation aussi.
        arbre = {
            pk: (chemin, parent) for pk, chemin, parent in Territoire.objects.values_list("pk", "chemin", "parent")
        }
        englobants = set(chemins_englobants(arbre[territoire_id][0]))
        cibles = {pk for pk, (chemin, _) in arbre.items() if chemin in englobants}
        racine = next((pk for pk in cibles if arbre[pk][1] is None), None)
    if racine is None or Dispositif.objects.filter(type_id=type_id, territoire_id=racine).exists():
        # Tout recalculer, ou un dispositif rattaché au pays lui-même, qu'aucune région ne compte : depuis les
        # déclarations.
        return sum(
            agreger(granularite=g, periode=p, types=[type_id], cibles=cibles) for g, p in periodes_touchees(mois)
        )
    par_chemin = {chemin: pk for pk, (chemin, _) in arbre.items()}
    return recalculer_puis_additionner(
        type_id=type_id, mois=mois, cibles=cibles - {racine}, pays=racine, par_chemin=par_chemin
    )


@transaction.atomic
def recalculer_puis_additionner(*, type_id: int, mois: datetime.date, cibles: set[int], pays: int, par_chemin) -> int:
    """Le cœur du recalcul incrémental, en une transaction et sous un seul verrou : les trois périodes du mois,
    recalculées depuis les déclarations pour `cibles` (sans le pays), puis le pays par la somme de ses régions.

    Chaque période a ses deux INSERT ; le reste (verrou, effacement, paires, dispositifs attendus du pays) est fait
    une fois pour les trois : le profil à 9 M de valeurs montrait autant de temps dans ces allers-retours, six
    transactions et six verrous, que dans les INSERT eux-mêmes."""
    verrouiller_types([type_id])
    periodes = periodes_touchees(mois)
    par_periode = Q()
    for granularite, periode in periodes:
        par_periode |= Q(granularite=granularite, periode=periode)
    Agregat.objects.filter(par_periode, type_id=type_id, territoire_id__in=cibles | {pays}).delete()
    paires = paires_ancetres(cibles=cibles, par_chemin=par_chemin)
    chemin_du_pays = next(chemin for chemin, pk in par_chemin.items() if pk == pays)
    en_service = (
        Dispositif.objects.filter(type_id=type_id, territoire__chemin__startswith=chemin_du_pays).en_service().count()
    )
    transaction.on_commit(nouvelle_version_des_agregats)
    ecrits = 0
    with connection.cursor() as curseur:
        for granularite, periode in periodes:
            sql, parametres = requete_agregation(
                granularite=granularite, periode=periode, types=[type_id], cibles=cibles, paires=paires
            )
            if sql is not None:
                curseur.execute(f"{INSERTION.format(**tables())} {sql}", parametres)
                ecrits += curseur.rowcount
            curseur.execute(
                f"{INSERTION.format(**tables())} {SOMME_DES_REGIONS.format(**tables())}",
                parametres_de_la_somme(granularite, periode, type_id, pays, en_service),
            )
            ecrits += curseur.rowcount
    return ecrits


def parametres_de_la_somme(granularite, periode, type_id: int, pays: int, en_service: int) -> dict:
    """Les paramètres de SOMME_DES_REGIONS : les déclarations attendues sont celles des dispositifs en service du
    pays, pour chaque mois fini de la période."""
    return {
        "pays": pays,
        "type": type_id,
        "granularite": granularite,
        "periode": periode,
        "attendues": en_service * mois_finis(granularite, periode, calendrier.aujourd_hui()),
        "maintenant": timezone.now(),
    }


def chemins_englobants(chemin: str) -> list[str]:
    """« FR/32/59/ » → [« FR/ », « FR/32/ », « FR/32/59/ »] : le chemin de chaque territoire qui le contient, et
    le sien."""
    segments = chemin.rstrip("/").split("/")
    return ["/".join(segments[: rang + 1]) + "/" for rang in range(len(segments))]


def agreger_periode(*, debut: datetime.date, fin: datetime.date, types=None, dans=None, cibles=None) -> int:
    """Recalcule toutes les périodes qui touchent [debut, fin[ ; renvoie le nombre d'agrégats écrits."""
    return sum(
        agreger(granularite=g, periode=p, types=types, dans=dans, cibles=cibles) for g, p in periodes_entre(debut, fin)
    )


def agreger_les_derniers_mois(*, types=None, territoires=None) -> int:
    """Le recalcul de nuit : les INDICATEURS_RECALCUL_MOIS derniers mois finis, tous types ; rattrape une tâche
    perdue, ne change rien sinon. Après un changement de dispositifs, le même calcul restreint à `types` et aux
    territoires qui contiennent `territoires` (identifiants) : ceux dont les agrégats en dépendent."""
    fin = mois_de(calendrier.aujourd_hui())
    cibles = None if territoires is None else contenants(territoires)
    return agreger_periode(
        debut=decaler(fin, -settings.INDICATEURS_RECALCUL_MOIS), fin=fin, types=types, cibles=cibles
    )


def contenants(territoires) -> set[int]:
    """Les territoires donnés et tous ceux qui les contiennent (deux requêtes)."""
    chemins = Territoire.objects.filter(pk__in=territoires).values_list("chemin", flat=True)
    englobants = {prefixe for chemin in chemins for prefixe in chemins_englobants(chemin)}
    return set(Territoire.objects.filter(chemin__in=englobants).values_list("pk", flat=True))


@transaction.atomic
def agreger(
    *, granularite: str, periode: datetime.date, types=None, dans: Territoire | None = None, cibles=None
) -> int:
    """Remplace les agrégats d'une période : pour `types` (identifiants, tous par défaut), pour les territoires
    de `dans` (tous, France comprise, par défaut) ou seulement pour `cibles` (identifiants de territoires).
    Renvoie le nombre d'agrégats écrits."""
    verrouiller_types(types)
    existants = Agregat.objects.filter(granularite=granularite, periode=periode)
    if types is not None:
        existants = existants.filter(type_id__in=types)
    if dans is not None:
        existants = existants.filter(territoire__chemin__startswith=dans.chemin)
    if cibles is not None:
        existants = existants.filter(territoire_id__in=cibles)
    existants.delete()
    sql, parametres = requete_agregation(
        granularite=granularite, periode=periode, types=types, dans=dans, cibles=cibles
    )
    if sql is None:
        return 0
    # Les tableaux de bord gardés en cache sous l'ancienne version ne servent plus, une fois ceci enregistré.
    transaction.on_commit(nouvelle_version_des_agregats)
    with connection.cursor() as curseur:
        curseur.execute(f"{INSERTION.format(**tables())} {sql}", parametres)
        return curseur.rowcount


def verrouiller_types(types=None):
    """Deux recalculs du même type se suivent au lieu de se croiser : le second attend le verrou du premier.
    `types` : identifiants, tous par défaut ; verrouillés dans l'ordre des clés, sans interblocage."""
    verrou = TypeDispositif.objects.select_for_update().order_by("pk")
    list(verrou.filter(pk__in=types) if types is not None else verrou)


CLE_VERSION = "indicateurs:agregats:version"


def version_des_agregats() -> str:
    """Un jeton qui change à chaque recalcul enregistré : la clé de cache des tableaux de bord le contient."""
    return cache.get_or_set(CLE_VERSION, lambda: uuid.uuid4().hex, None)


def nouvelle_version_des_agregats():
    cache.set(CLE_VERSION, uuid.uuid4().hex, None)


def tables() -> dict[str, str]:
    modeles = {
        "agregat": Agregat,
        "valeur": Valeur,
        "declaration": Declaration,
        "dispositif": Dispositif,
        "indicateur": Indicateur,
        "territoire": Territoire,
    }
    return {nom: connection.ops.quote_name(modele._meta.db_table) for nom, modele in modeles.items()}


INSERTION = """INSERT INTO {agregat} (indicateur_id, type_id, territoire_id, granularite, periode, valeur, numerateur,
denominateur, nb_dispositifs, nb_declarations, nb_attendues, calcule_le)"""

# Les paramètres nommés servent PostgreSQL et SQLite ; {filtre_dispositifs} restreint les types et territoires.
# `ancetres` associe chaque territoire à lui-même et à tout ce qui le contient, parmi les territoires à
# calculer : une liste de paires écrite dans la requête, dont PostgreSQL connaît ainsi la taille exacte (une
# jointure sur les préfixes de chemin, mal estimée, lui faisait choisir des boucles imbriquées coûteuses).
AGREGATION = """
WITH ancetres (territoire_id, ancetre_id) AS (VALUES {paires}),
lues AS (
    -- Les valeurs validées de la période, lues une fois : les taux y prennent leurs numérateurs (lire les valeurs
    -- une seconde fois pour eux coûtait les deux tiers des pages du recalcul incrémental d'une année).
    SELECT v.indicateur_id, v.declaration_id, d.id AS dispositif_id, d.type_id, d.territoire_id, dc.mois, v.valeur
    FROM {valeur} v
    JOIN {declaration} dc ON dc.id = v.declaration_id
    JOIN {dispositif} d ON d.id = dc.dispositif_id
    WHERE dc.statut = %(validee)s AND dc.mois >= %(debut)s AND dc.mois < %(fin)s {filtre_dispositifs}
),
mensuelles AS (
    SELECT indicateur_id, dispositif_id, type_id, territoire_id, mois, valeur, NULL AS den FROM lues
    UNION ALL
    SELECT i.id, n.dispositif_id, n.type_id, n.territoire_id, n.mois, n.valeur, dn.valeur
    FROM {indicateur} i
    JOIN lues n ON n.indicateur_id = i.numerateur_id
    JOIN {valeur} dn ON dn.declaration_id = n.declaration_id AND dn.indicateur_id = i.denominateur_id
    WHERE i.agregation = 'taux'
),
datees AS (
    SELECT m.*, MAX(m.mois) OVER (PARTITION BY m.indicateur_id, m.dispositif_id) AS dernier_mois
    FROM mensuelles m
),
par_dispositif AS (
    SELECT m.indicateur_id, m.type_id, m.territoire_id, i.agregation,
        CASE i.agregation
            WHEN 'somme' THEN SUM(m.valeur)
            WHEN 'moyenne' THEN ROUND(AVG(m.valeur), 2)
            WHEN 'derniere' THEN SUM(CASE WHEN m.mois = m.dernier_mois THEN m.valeur END)
        END AS valeur,
        CASE WHEN i.agregation = 'taux' THEN SUM(m.valeur) END AS num,
        SUM(m.den) AS den,
        COUNT(*) AS nb_mois
    FROM datees m JOIN {indicateur} i ON i.id = m.indicateur_id
    GROUP BY m.indicateur_id, m.dispositif_id, m.type_id, m.territoire_id, i.agregation
),
par_territoire AS (
    -- Les sommes se regroupent d'abord au territoire propre des dispositifs : la montée vers les territoires
    -- qui les contiennent porte ensuite sur quelques milliers de lignes au lieu d'une par dispositif.
    SELECT indicateur_id, type_id, territoire_id, agregation, SUM(valeur) AS valeur, SUM(num) AS num,
        SUM(den) AS den, COUNT(*) AS nb_dispositifs, SUM(nb_mois) AS nb_mois
    FROM par_dispositif
    GROUP BY indicateur_id, type_id, territoire_id, agregation
),
attendus AS (
    SELECT d.type_id, an.ancetre_id, COUNT(*) * %(nb_mois)s AS nb
    FROM {dispositif} d JOIN ancetres an ON an.territoire_id = d.territoire_id
    WHERE d.statut IN (%(autorise)s, %(installe)s) {filtre_dispositifs}
    GROUP BY d.type_id, an.ancetre_id
)
SELECT p.indicateur_id, p.type_id, an.ancetre_id, %(granularite)s, %(debut)s,
    CASE WHEN p.agregation = 'taux' THEN ROUND(100.0 * SUM(p.num) / NULLIF(SUM(p.den), 0), 2)
        ELSE ROUND(SUM(p.valeur), 2) END,
    SUM(p.num), SUM(p.den), SUM(p.nb_dispositifs), SUM(p.nb_mois), COALESCE(MAX(at.nb), 0), %(maintenant)s
FROM par_territoire p
JOIN ancetres an ON an.territoire_id = p.territoire_id
LEFT JOIN attendus at ON at.type_id = p.type_id AND at.ancetre_id = an.ancetre_id
GROUP BY p.indicateur_id, p.type_id, an.ancetre_id, p.agregation
"""


# La somme des régions vaut le calcul depuis les déclarations : chaque champ s'additionne d'un territoire à l'autre
# (valeurs par dispositif arrondies au centième, numérateurs, dénominateurs, nombres de dispositifs et de
# déclarations), le taux se recalcule des sommes, et les déclarations attendues se comptent sur les dispositifs
# eux-mêmes (une région sans aucune valeur n'a pas d'agrégat, mais ses dispositifs sont attendus).
SOMME_DES_REGIONS = """
SELECT a.indicateur_id, a.type_id, %(pays)s, a.granularite, a.periode,
    CASE WHEN i.agregation = 'taux' THEN ROUND(100.0 * SUM(a.numerateur) / NULLIF(SUM(a.denominateur), 0), 2)
        ELSE ROUND(SUM(a.valeur), 2) END,
    SUM(a.numerateur), SUM(a.denominateur), SUM(a.nb_dispositifs), SUM(a.nb_declarations), %(attendues)s,
    %(maintenant)s
FROM {agregat} a
JOIN {territoire} t ON t.id = a.territoire_id
JOIN {indicateur} i ON i.id = a.indicateur_id
WHERE t.parent_id = %(pays)s AND a.type_id = %(type)s AND a.granularite = %(granularite)s
    AND a.periode = %(periode)s
GROUP BY a.indicateur_id, a.type_id, a.granularite, a.periode, i.agregation
"""


def requete_agregation(
    *, granularite, periode, types=None, dans=None, cibles=None, paires=None
) -> tuple[str | None, dict]:
    """Le SELECT des agrégats d'une période et ses paramètres ; `make bench` le mesure aussi seul. None quand
    aucun territoire n'est à calculer. `paires` : celles de `paires_ancetres(dans=dans, cibles=cibles)`, déjà
    lues."""
    parametres = {
        "validee": StatutDeclaration.VALIDEE,
        "autorise": Statut.AUTORISE,
        "installe": Statut.INSTALLE,
        "granularite": granularite,
        "debut": periode,
        "fin": decaler_periode(periode, granularite),
        "nb_mois": mois_finis(granularite, periode, calendrier.aujourd_hui()),
        "maintenant": timezone.now(),
    }
    filtre_dispositifs = ""
    if types is not None:
        parametres |= {f"type_{rang}": type_id for rang, type_id in enumerate(types)}
        liste = ", ".join(f"%(type_{rang})s" for rang in range(len(types))) or "NULL"
        filtre_dispositifs = f" AND d.type_id IN ({liste})"
    if dans is not None or cibles is not None:
        filtre_dispositifs += " AND d.territoire_id IN (SELECT territoire_id FROM ancetres)"
    if paires is None:
        paires = paires_ancetres(dans=dans, cibles=cibles)
    if not paires:
        return None, parametres
    # Des entiers lus dans la base : les écrire dans la requête évite des milliers de paramètres.
    valeurs = ", ".join(f"({int(territoire)}, {int(ancetre)})" for territoire, ancetre in paires)
    gabarit = AGREGATION.format(**tables(), paires=valeurs, filtre_dispositifs=filtre_dispositifs)
    return gabarit, parametres


def paires_ancetres(*, dans=None, cibles=None, par_chemin=None) -> list[tuple[int, int]]:
    """(territoire, territoire qui le contient ou lui-même), pour les contenants sous `dans` ou parmi `cibles`.
    `par_chemin` : {chemin: identifiant} de tous les territoires, s'il est déjà lu.

    Un dispositif ne compte que s'il est sous l'un de ces contenants : les paires filtrent aussi les
    dispositifs lus."""
    if par_chemin is None:
        par_chemin = dict(Territoire.objects.values_list("chemin", "pk"))
    paires = []
    for chemin, territoire in par_chemin.items():
        for prefixe in chemins_englobants(chemin):
            ancetre = par_chemin.get(prefixe)
            if ancetre is None or (dans is not None and not prefixe.startswith(dans.chemin)):
                continue
            if cibles is None or ancetre in cibles:
                paires.append((territoire, ancetre))
    return paires


# Vérification ----------------------------------------------------------------------------------------------

MESURES = ("valeur", "numerateur", "denominateur", "nb_dispositifs", "nb_declarations", "nb_attendues")
CENTIEME = Decimal("0.01")


@dataclass
class Verification:
    """Ce que `verifier_agregats` imprime : lignes comparées, lignes qui diffèrent et quelques exemples."""

    lignes_comparees: int = 0
    differences: int = 0
    exemples: list[dict] = field(default_factory=list)


def verifier_agregats(*, nombre_exemples: int = 5) -> Verification:
    """Recalcule chaque période en mémoire avec la requête même de l'agrégation (`requete_agregation`, sans
    INSERT) et compare aux agrégats enregistrés. Une différence : une ligne présente d'un seul côté, ou une
    mesure qui change. Lecture seule ; période par période (deux requêtes chacune), la mémoire reste celle d'une
    période quel que soit l'historique."""
    verification = Verification()
    for granularite, periode in sorted(periodes_a_verifier(), key=lambda p: (p[1], p[0])):
        recalcules = recalculer_en_memoire(granularite, periode)
        enregistres = {
            ligne[:3]: normaliser(ligne[3:])
            for ligne in Agregat.objects.filter(granularite=granularite, periode=periode)
            .order_by()
            .values_list("indicateur_id", "type_id", "territoire_id", *MESURES)
        }
        cles = recalcules.keys() | enregistres.keys()
        differentes = sorted(c for c in cles if recalcules.get(c) != enregistres.get(c))
        verification.lignes_comparees += len(cles)
        verification.differences += len(differentes)
        for cle in differentes[: nombre_exemples - len(verification.exemples)]:
            verification.exemples.append(
                decrire((*cle, granularite, periode), enregistres.get(cle), recalcules.get(cle))
            )
    return verification


def recalculer_en_memoire(granularite: str, periode: datetime.date) -> dict[tuple, tuple]:
    """{(indicateur, type, territoire): mesures} que le calcul complet écrirait pour cette période."""
    sql, parametres = requete_agregation(granularite=granularite, periode=periode)
    if sql is None:
        return {}
    with connection.cursor() as curseur:
        curseur.execute(sql, parametres)
        return {
            (indicateur, type_id, territoire): normaliser(mesures)
            for indicateur, type_id, territoire, _, _, *mesures, _calcule_le in curseur.fetchall()
        }


def periodes_a_verifier() -> set[tuple[str, datetime.date]]:
    """Les périodes d'un agrégat enregistré ou d'une déclaration validée : tout ce qu'un calcul complet écrirait
    ou effacerait."""
    periodes = set(Agregat.objects.order_by().values_list("granularite", "periode").distinct())
    mois = Declaration.objects.filter(statut=StatutDeclaration.VALIDEE).order_by().values_list("mois", flat=True)
    for un_mois in mois.distinct():
        periodes.update(periodes_touchees(un_mois))
    return periodes


def normaliser(mesures) -> tuple:
    """Les mesures comparables d'un moteur à l'autre : SQLite rend des flottants là où PostgreSQL rend des
    décimaux ; les valeurs ont deux décimales, les comptes sont entiers."""
    valeur, numerateur, denominateur, *comptes = mesures
    decimaux = [None if v is None else Decimal(str(v)).quantize(CENTIEME) for v in (valeur, numerateur, denominateur)]
    return (*decimaux, *(int(c) for c in comptes))


def decrire(cle, enregistre, recalcule) -> dict:
    """Un exemple lisible : le territoire, l'indicateur et le type par leurs codes, et les mesures qui diffèrent."""
    indicateur, type_id, territoire, granularite, periode = cle
    mesures = [
        (nom, a, b)
        for nom, a, b in zip(MESURES, enregistre or [None] * 6, recalcule or [None] * 6, strict=True)
        if a != b
    ]
    return {
        "indicateur": Indicateur.objects.values_list("code", flat=True).get(pk=indicateur),
        "type": TypeDispositif.objects.values_list("code", flat=True).get(pk=type_id),
        "territoire": Territoire.objects.values_list("chemin", flat=True).get(pk=territoire),
        "granularite": granularite,
        "periode": periode.isoformat(),
        "enregistre": None if enregistre is None else {nom: texte(a) for nom, a, _ in mesures},
        "recalcule": None if recalcule is None else {nom: texte(b) for nom, _, b in mesures},
    }


def texte(mesure):
    return str(mesure) if isinstance(mesure, Decimal) else mesure
