"""Le tableau de planification et ses exports CSV et XLSX, pour les agents ARS et DREETS de la région."""

from decimal import Decimal

from django.shortcuts import render

from commun.tableur import filtres_invalides, reponse_csv, reponse_fichier
from config.policy import Regle, acces, autorise, peut_modifier_cible
from planification.calcul import nombre
from planification.forms import filtres_planification

COLONNES_EXPORT = [
    "Type",
    "Territoire",
    "Code",
    "Niveau",
    "Unité",
    "Autorisés",
    "Installés",
    "Perspectives",
    "Projets",
    "Cible",
    "Écart",
    "Taux pour 100 000 habitants",
]


@acces(Regle.CONSULTER_PLANIFICATION)
def tableau(request):
    form = filtres_planification(request.GET, request.user)
    contexte = {"form": form, "tableau": form.calculer() if form.is_valid() else None}
    contexte["peut_modifier"] = contexte["tableau"] and peut_modifier_cible(request.user, form.cleaned_data["region"])
    contexte["peut_lancer_appel"] = contexte["peut_modifier"] and autorise(request.user, Regle.GERER_APPELS)
    return render(request, "planification/tableau.html", contexte)


def lignes_export(tableau):
    """Les lignes du tableau puis ses totaux par unité, dans l'ordre de COLONNES_EXPORT."""
    for ligne in tableau.lignes:
        yield ligne_export(ligne)
    for total in tableau.totaux:
        yield total_export(tableau, total)


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
        ligne.perspectives,
        ligne.projets,
        ligne.cible,
        ligne.ecart,
        ligne.taux_pour_100k,
    ]


def total_export(tableau, total) -> list:
    region = tableau.region
    return [
        f"Total ({', '.join(total.types)})",
        region.nom,
        region.code,
        "Total",
        total.unite,
        total.autorises,
        total.installes,
        total.perspectives,
        None,
        total.cible,
        total.ecart,
        None,
    ]


def nom_fichier(tableau, extension):
    return f"planification-{tableau.region.code}-{tableau.horizon.slug}-{tableau.date:%Y-%m-%d}.{extension}"


@acces(Regle.CONSULTER_PLANIFICATION)
def export(request, format):
    form = filtres_planification(request.GET, request.user)
    if not form.is_valid():
        return filtres_invalides(form)
    tableau = form.calculer()
    if format == "xlsx":
        return export_xlsx(tableau)
    return reponse_csv(nom_fichier(tableau, "csv"), COLONNES_EXPORT, lignes_export(tableau))


def export_xlsx(tableau):
    from openpyxl import Workbook  # chargé seulement pour cet export

    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Planification"
    feuille.append(COLONNES_EXPORT)
    for ligne in lignes_export(tableau):
        feuille.append([nombre(v) if isinstance(v, Decimal) else v for v in ligne])
    reponse = reponse_fichier(nom_fichier(tableau, "xlsx"))
    classeur.save(reponse)
    return reponse
