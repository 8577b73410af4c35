"""Jeu « indicateurs » : les indicateurs publics par mois, trimestre et année, sous secret statistique.

Les mois viennent des éditions publiques figées (indicateurs/publication.py) : exactement les cases et les totaux
que montre le tableau de bord public, masqués de même. Le trimestre et l'année se calculent depuis ces mois
publiés, selon la règle de cumul de l'indicateur (flux sommés, stocks en moyenne des mois ou dernière valeur,
taux recalculé Σ numérateur / Σ dénominateur), et ne se publient que si le secret tient entre granularités
(donnees/secret.py). Les agrégats internes ne sont jamais lus : ils changent après publication.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from dispositifs.models import Dispositif, TypeDispositif
from donnees.jeu import Champ, Jeu
from donnees.secret import Etat, Publication, publication_de_la_periode
from donnees.territoires import Carte
from indicateurs.croisement import Cellule, croiser, par_cle
from indicateurs.models import Agregation, EditionPublique, Granularite, Indicateur
from indicateurs.periodes import MOIS_PAR_GRANULARITE, debut_de_periode, decaler_periode
from indicateurs.publication import lire_tableau
from indicateurs.regles import arrondi
from indicateurs.secret import TOTAL

CHAMPS = (
    Champ("region_code", "string", "Code INSEE de la région."),
    Champ("region_nom", "string", "Nom de la région."),
    Champ("departement_code", "string", "Code INSEE du département ; vide pour l'ensemble de la région."),
    Champ("type_code", "string", "Code du type de dispositif ; vide pour l'ensemble des types."),
    Champ("indicateur_code", "string", "Code stable de l'indicateur."),
    Champ("indicateur_libelle", "string", "Libellé de l'indicateur."),
    Champ("unite", "string", "Unité de l'indicateur (personnes, journées, %…)."),
    Champ("granularite", "string", "Granularité de la période.", valeurs=tuple(Granularite.values)),
    Champ("periode", "date", "Premier jour du mois, du trimestre ou de l'année."),
    Champ("valeur", "number", "Valeur publiée ; vide quand elle est couverte par le secret statistique."),
    Champ(
        "secret",
        "boolean",
        f"Vrai quand la valeur est masquée : moins de {settings.SECRET_SEUIL_PERSONNES} personnes ou moins de "
        f"{settings.SECRET_SEUIL_DISPOSITIFS} dispositifs (secret primaire), masque complémentaire qui empêche de la "
        "recalculer par différence (secret secondaire), ou, pour un trimestre ou une année, l'un de ses mois masqué.",
    ),
    Champ(
        "fictif",
        "boolean",
        "Vrai quand un dispositif inventé pour la démonstration existe dans la case : la valeur peut en venir.",
    ),
)


def lignes() -> list[dict]:
    """Cinq requêtes : éditions courantes, indicateurs, types, régions et départements, dispositifs fictifs."""
    editions = list(EditionPublique.objects.courantes().select_related("region").order_by("region__code", "mois"))
    indicateurs = {i.pk: i for i in Indicateur.objects.all()}
    types = {t.pk: t for t in TypeDispositif.objects.order_by("ordre", "code")}
    carte = Carte.lire()
    fictives = cases_fictives(carte)
    series, publies = series_des_editions(editions, indicateurs, types, carte)
    triees = []
    for (region, indicateur, ligne_, colonne), mois in series.items():
        departement = None if ligne_ == TOTAL else carte.par_pk[ligne_]
        type_ = None if colonne == TOTAL else types[colonne]
        fictif = (region.pk, ligne_, colonne) in fictives
        for publication in publications(indicateur, mois, publies[region.pk]):
            granularite, periode, *_ = publication
            ordre = (region.code, indicateur.ordre, indicateur.code, RANG[granularite], periode)
            ordre += (
                departement.code if departement else "",
                type_.ordre if type_ else -1,
                type_.code if type_ else "",
            )
            triees.append((ordre, ligne(region, departement, type_, indicateur, publication, fictif)))
    return [ligne_ for _, ligne_ in sorted(triees, key=lambda element: element[0])]


# Les mois, puis les trimestres, puis les années (chacun dans l'ordre du temps).
RANG = {Granularite.MOIS: 0, Granularite.TRIMESTRE: 1, Granularite.ANNEE: 2}


def ligne(region, departement, type_, indicateur, publication, fictif) -> dict:
    """Une ligne du jeu ; `departement` ou `type_` None : l'ensemble de la région ou des types."""
    granularite, periode, valeur, secret = publication
    return {
        "region_code": region.code,
        "region_nom": region.nom,
        "departement_code": departement.code if departement else None,
        "type_code": type_.code if type_ else None,
        "indicateur_code": indicateur.code,
        "indicateur_libelle": indicateur.libelle,
        "unite": indicateur.unite,
        "granularite": str(granularite),
        "periode": periode,
        "valeur": valeur,
        "secret": secret,
        "fictif": fictif,
    }


def series_des_editions(editions, indicateurs, types, carte):
    """{(région, indicateur, ligne, colonne): {mois: Cellule sous secret}} pour chaque case et chaque total des
    éditions, et {région: mois publiés}."""
    departements = defaultdict(list)
    for departement in carte.departements.values():
        departements[departement.code_region].append(departement)
    series, publies = defaultdict(dict), defaultdict(set)
    for edition in editions:
        region = edition.region
        publies[region.pk].add(edition.mois)
        for indicateur_id, tableau in edition.tableaux.items():
            indicateur = indicateurs[int(indicateur_id)]
            cellules, masques = lire_tableau(tableau)
            colonnes = [t for pk, t in types.items() if any(type_id == pk for _, type_id in cellules)]
            croisement = croiser(indicateur, edition.mois, departements[region.code], colonnes, cellules, masques)
            for (ligne_, colonne), cellule in par_cle(croisement).items():
                if not cellule.est_vide:
                    series[region, indicateur, ligne_, colonne][edition.mois] = cellule
    return series, publies


def publications(indicateur: Indicateur, mois: dict, publies: set):
    """(granularité, période, valeur, secret) de chaque mois connu de la case, puis de chaque trimestre et année
    qui en contient un, selon la règle du secret entre granularités."""
    for m, cellule in sorted(mois.items()):
        yield Granularite.MOIS, m, cellule.affichee, cellule.secret
    for granularite in (Granularite.TRIMESTRE, Granularite.ANNEE):
        for debut in sorted({debut_de_periode(m, granularite) for m in mois}):
            contenus = [decaler_periode(debut, Granularite.MOIS, i) for i in range(MOIS_PAR_GRANULARITE[granularite])]
            etats = [etat(m, mois, publies) for m in contenus]
            publication = publication_de_la_periode(etats)
            if publication == Publication.SECRET:
                yield granularite, debut, None, True
            elif publication == Publication.VALEUR:
                valeur = cumul(indicateur, [mois[m] for m in contenus if m in mois])
                if valeur is not None:
                    yield granularite, debut, valeur, False


def etat(m, mois: dict, publies: set) -> Etat:
    if m not in publies:
        return Etat.NON_PUBLIE
    return Etat.MASQUE if m in mois and mois[m].secret else Etat.PUBLIE


def cumul(indicateur: Indicateur, cellules: list[Cellule]) -> Decimal | None:
    """La valeur d'une période depuis ses mois publiés, dans l'ordre, selon la règle de cumul de l'indicateur."""
    if indicateur.agregation == Agregation.TAUX:
        numerateur = sum((c.numerateur or 0 for c in cellules), Decimal(0))
        denominateur = sum((c.denominateur or 0 for c in cellules), Decimal(0))
        return arrondi(numerateur * 100 / denominateur) if denominateur else None
    valeurs = [c.valeur for c in cellules if c.valeur is not None]
    if not valeurs:
        return None
    if indicateur.agregation == Agregation.MOYENNE:
        return arrondi(sum(valeurs) / len(valeurs))
    if indicateur.agregation == Agregation.DERNIERE:
        return valeurs[-1]
    return sum(valeurs)


def cases_fictives(carte: Carte) -> set[tuple]:
    """Les cases (région, département ou TOTAL, type ou TOTAL) où existe un dispositif fictif (une requête)."""
    cases = set()
    fictifs = (
        Dispositif.objects.filter(Q(fictif=True) | Q(organisme__fictif=True))
        .values_list("type_id", "territoire__chemin")
        .distinct()
    )
    for type_id, chemin in fictifs.order_by():
        region, departement = carte.region(chemin), carte.departement(chemin)
        if region is None:
            continue
        lignes_ = [TOTAL] + ([departement.pk] if departement else [])
        cases.update((region.pk, ligne_, colonne) for ligne_ in lignes_ for colonne in (TOTAL, type_id))
    return cases


def mise_a_jour():
    """Le jour de la dernière édition publique."""
    derniere = EditionPublique.objects.aggregate(d=Max("publiee_le"))["d"]
    return timezone.localdate(derniere) if derniere else None


JEU = Jeu(
    slug="indicateurs",
    titre="Indicateurs publics des dispositifs par mois, trimestre et année",
    description=(
        "Les indicateurs communs des dispositifs (sans aucune donnée nominative), par région, département et "
        "type de dispositif, tels que publiés chaque mois une fois le mois verrouillé, sous secret statistique. "
        "Le trimestre et l'année se calculent depuis les mois publiés et ne paraissent que si aucun mois masqué "
        "ne peut s'en déduire par différence ; sinon ils sont masqués aussi."
    ),
    champs=CHAMPS,
    lignes=lignes,
    mise_a_jour=mise_a_jour,
)
