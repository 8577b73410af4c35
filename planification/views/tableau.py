"""Le tableau de planification et ses exports CSV et XLSX, pour les agents ARS et DREETS de la région."""

from decimal import Decimal

from django.shortcuts import render

from commun.tableur import ecrire_feuille, filtres_invalides, reponse_csv, reponse_fichier
from config.policy import Regle, acces, autorise, peut_modifier_cible
from planification.calcul import nombre
from planification.forms import filtres_planification
from planification.nationale import LigneNationale

COLONNES_EXPORT = [
    "Type",
    "Territoire",
    "Code",
    "Niveau",
    "Unité",
    "Autorisés",
    "Installés",
    "Financés",
    "Perspectives",
    "Projets",
    "Cible",
    "Écart",
    "Taux pour 100 000 habitants",
]
# Le tableau national (région FR) ajoute les cibles pour 100 000 habitants et les parts de chaque région.
COLONNES_NATIONALES = [
    "Cible pour 100 000 habitants",
    "Part de la population (%)",
    "Part des cibles régionales (%)",
    "Part de la cible nationale (%)",
    "Somme des cibles régionales",
]


def colonnes_export(planification) -> list[str]:
    return COLONNES_EXPORT + (COLONNES_NATIONALES if planification.est_nationale else [])


@acces(Regle.CONSULTER_PLANIFICATION)
def tableau(request):
    form = filtres_planification(request.GET, request.user)
    contexte = {"form": form, "planification": form.calculer() if form.is_valid() else None}
    contexte["peut_modifier"] = contexte["planification"] and peut_modifier_cible(
        request.user, form.cleaned_data["region"]
    )
    contexte["peut_lancer_appel"] = contexte["peut_modifier"] and autorise(request.user, Regle.GERER_APPELS)
    contexte["peut_gerer_horizons"] = autorise(request.user, Regle.GERER_HORIZONS)
    return render(request, "planification/tableau.html", contexte)


def lignes_export(planification):
    """Les lignes du tableau puis ses totaux par unité, dans l'ordre de COLONNES_EXPORT."""
    for ligne in planification.lignes:
        yield ligne_export(ligne)
    for total in planification.totaux:
        yield total_export(planification, total)


def ligne_export(ligne) -> list:
    territoire = ligne.territoire
    return [
        ligne.type.sigle,
        territoire.nom,
        territoire.code,
        territoire.get_niveau_display(),
        ligne.type.get_unite_display(),
        ligne.autorises,
        ligne.installes,
        ligne.finances,
        ligne.perspectives,
        ligne.projets,
        ligne.cible,
        ligne.ecart,
        ligne.taux_pour_100k,
    ] + (parts_export(ligne) if isinstance(ligne, LigneNationale) else [])


def parts_export(ligne) -> list:
    return [
        ligne.cible_pour_100k,
        ligne.part_population,
        ligne.part_cibles_regionales,
        ligne.part_cible_nationale,
        ligne.cibles_regionales,
    ]


def total_export(planification, total) -> list:
    region = planification.region
    return [
        f"Total ({', '.join(total.types)})",
        region.nom,
        region.code,
        "Total",
        total.libelle_unite,
        total.autorises,
        total.installes,
        total.finances,
        total.perspectives,
        None,
        total.cible,
        total.ecart,
        None,
    ] + ([None, None, None, None, total.cibles_regionales] if planification.est_nationale else [])


def nom_fichier(planification, extension):
    region, horizon, date = planification.region, planification.horizon, planification.date
    return f"planification-{region.code}-{horizon.slug}-{date:%Y-%m-%d}.{extension}"


@acces(Regle.CONSULTER_PLANIFICATION)
def export(request, format):
    form = filtres_planification(request.GET, request.user)
    if not form.is_valid():
        return filtres_invalides(form)
    planification = form.calculer()
    if format == "xlsx":
        return export_xlsx(planification)
    return reponse_csv(nom_fichier(planification, "csv"), colonnes_export(planification), lignes_export(planification))


def export_xlsx(planification):
    from openpyxl import Workbook  # chargé seulement pour cet export

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Planification"
    lignes = ([nombre(v) if isinstance(v, Decimal) else v for v in ligne] for ligne in lignes_export(planification))
    ecrire_feuille(feuille, [colonnes_export(planification), *lignes])
    reponse = reponse_fichier(nom_fichier(planification, "xlsx"))
    classeur.save(reponse)
    return reponse
