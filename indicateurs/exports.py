"""Ce que contient chaque export CSV des indicateurs : les tableaux du tableau de bord (interne et public) et le
suivi des déclarations. Une valeur masquée par le secret statistique s'y écrit « secret », comme à l'écran."""

from indicateurs.models import StatutDeclaration
from indicateurs.periodes import libelle_periode
from indicateurs.secret import LIBELLE_SECRET
from indicateurs.suivi import est_a_l_heure, est_recu

# Tableau de bord ------------------------------------------------------------------------------------------


def valeur(cellule):
    """Une cellule du tableur : la valeur, « secret » quand elle est masquée, vide sans donnée."""
    return LIBELLE_SECRET if cellule.secret else cellule.valeur


def table_departements(tableau):
    croisement = tableau.croisement
    entetes = [tableau.libelle_ligne.capitalize(), "Code", *(t.sigle for t in tableau.types), "Tous types"]
    lignes = [
        [ligne.territoire.nom, ligne.territoire.code, *map(valeur, ligne.cellules), valeur(ligne.total)]
        for ligne in (croisement.lignes if croisement else [])
    ]
    if croisement:
        lignes.append(["Total", tableau.territoire.code, *map(valeur, croisement.totaux), valeur(croisement.total)])
    return entetes, lignes


def table_evolution(tableau):
    entetes = ["Période", *(t.sigle for t in tableau.types), "Tous types"]
    return entetes, [[p.libelle, *map(valeur, p.cellules), valeur(p.total)] for p in tableau.evolution]


def table_series(tableau):
    entetes = ["Période", *(f"{s.indicateur.libelle} ({s.indicateur.unite})" for s in tableau.series)]
    lignes = [
        [libelle_periode(periode, tableau.granularite), *(valeur(s.cellules[i]) for s in tableau.series)]
        for i, periode in enumerate(tableau.periodes)
    ]
    return entetes, lignes


def table_chiffres_cles(tableau):
    entetes = ["Indicateur", "Unité", "Période", "Valeur", "Période précédente", "Évolution"]
    lignes = [
        [c.indicateur.libelle, c.indicateur.unite, tableau.libelle_periode, valeur(c.actuel), valeur(c.precedent)]
        + [c.evolution]
        for c in tableau.chiffres_cles
    ]
    return entetes, lignes


def table_carte(tableau):
    entetes = [tableau.libelle_ligne.capitalize(), "Code", "Population", "Valeur", "Pour 100 000 habitants"]
    lignes = [
        [v.departement.nom, v.departement.code, v.departement.population, valeur(v.cellule)]
        + [LIBELLE_SECRET if v.cellule.secret else v.pour_100k]
        for v in tableau.carte
    ]
    return entetes, lignes


def table_completude(tableau):
    entetes = [tableau.libelle_ligne.capitalize(), "Code", "Déclarations validées", "Déclarations attendues"]
    entetes.append("Complétude (%)")
    lignes = [
        [
            ligne.territoire.nom if ligne.territoire else ligne.libelle,
            ligne.territoire.code if ligne.territoire else (tableau.territoire.code if ligne.est_total else ""),
            ligne.nb_declarations,
            ligne.nb_attendues,
            ligne.taux,
        ]
        for ligne in tableau.completude
    ]
    return entetes, lignes


def table_ecarts(tableau):
    entetes = ["Type", "Unité", "Territoire", "Autorisés", "Perspectives", "Cible", "Écart"]
    lignes = [
        [ligne.type.sigle, ligne.type.get_unite_display(), ligne.territoire.nom, ligne.autorises, ligne.perspectives]
        + [ligne.cible, ligne.ecart]
        for ligne in (tableau.ecarts.lignes if tableau.ecarts else [])
    ]
    return entetes, lignes


def table_ventilations(tableau):
    """Les ventilations en format long, une ligne par territoire et catégorie (chaque total a ses catégories) ; la
    colonne « Non ventilé » seulement quand elle compte, comme à l'écran, et le total de chaque territoire."""
    entetes = ["Indicateur", "Unité", "Période", tableau.libelle_ligne.capitalize(), "Code", "Catégorie", "Valeur"]
    lignes = []
    for ventilation in tableau.ventilations:
        montrees = len(ventilation.libelles) - (0 if ventilation.avec_reste else 1)
        libelles = [*ventilation.libelles[:montrees], "Total"]
        debut = [ventilation.total.libelle, ventilation.total.unite, tableau.libelle_periode]
        rangees = [
            (ligne.territoire.nom, ligne.territoire.code, ligne.cellules, ligne.total) for ligne in ventilation.lignes
        ]
        rangees.append(("Total", tableau.territoire.code, ventilation.totaux, ventilation.ensemble))
        for nom, code, cellules, total in rangees:
            for libelle, cellule in zip(libelles, [*cellules[:montrees], total], strict=True):
                lignes.append([*debut, nom, code, libelle, valeur(cellule)])
    return entetes, lignes


TABLES_PUBLIQUES = {
    "departements": table_departements,
    "evolution": table_evolution,
    "series": table_series,
    "chiffres_cles": table_chiffres_cles,
    "carte": table_carte,
    "completude": table_completude,
    "ventilations": table_ventilations,
}
TABLES = TABLES_PUBLIQUES | {"ecarts": table_ecarts}


# Suivi des déclarations -----------------------------------------------------------------------------------

COLONNES_TAUX = [
    "Territoire",
    "Code",
    "Niveau",
    "Attendues",
    "Reçues",
    "À l'heure",
    "Taux de déclaration (%)",
    "Taux de ponctualité (%)",
    "Validées",
    "Complétude (%)",
]
COLONNES_DISPOSITIFS = [
    "FINESS",
    "Dispositif",
    "Type",
    "Organisme",
    "Territoire",
    "Statut",
    "Transmise le",
    "À l'heure",
]


def lignes_taux(suivi):
    for compte in [*suivi.lignes, suivi.total]:
        t = compte.territoire  # None : la ligne « sans département »
        yield [
            t.nom if t else compte.libelle,
            t.code if t else "",
            t.get_niveau_display() if t else "",
            compte.attendus,
            compte.recus,
            compte.a_l_heure,
            compte.taux_declaration,
            compte.taux_a_l_heure,
            compte.completude.nb_declarations,
            compte.completude.taux,
        ]


def lignes_dispositifs(suivi):
    for d in suivi.dispositifs:
        yield [
            d.finess,
            d.nom,
            d.type.sigle,
            d.organisme.nom,
            d.territoire.nom,
            libelle_statut(d.declaration_statut),
            d.declaration_transmise_le,
            "oui" if est_a_l_heure(d, suivi.echeance) else "non" if est_recu(d) else "",
        ]


def libelle_statut(statut) -> str:
    return StatutDeclaration(statut).label if statut else "Non déclaré"
