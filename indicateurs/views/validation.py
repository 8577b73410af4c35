"""Le parcours de l'ARS : la file des déclarations transmises, la validation ou le renvoi d'une déclaration,
et les dérogations qui rouvrent un mois verrouillé."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from commun.entrees import lire_identifiant
from commun.erreurs import Conflit
from commun.mois import derniers_mois, lire_mois
from config.policy import Regle, acces, declarations_visibles, dispositifs_suivis, regions_visibles
from indicateurs import calendrier
from indicateurs.forms import DerogationForm, FiltreValidationForm, RenvoiForm, ReouvertureForm, ajouter_refus
from indicateurs.models import Declaration, Derogation, Indicateur, StatutDeclaration, Valeur
from indicateurs.regles import valeurs_inhabituelles
from indicateurs.services import accorder_derogation, renvoyer, rouvrir, valider

PAR_PAGE = 50
MOIS_COMPARES = 6


@acces(Regle.VALIDER_DECLARATIONS)
def file_validation(request):
    """Les déclarations transmises de la région, les plus anciennes d'abord : trois requêtes par page."""
    form = FiltreValidationForm(request.GET or None, regions=regions_visibles(request.user))
    declarations = (
        declarations_visibles(request.user)
        .filter(statut=StatutDeclaration.TRANSMISE)
        .select_related("dispositif__type", "dispositif__organisme", "dispositif__territoire")
        .order_by("transmise_le", "pk")
    )
    if form.is_bound and form.is_valid():
        declarations = form.filtrer(declarations)
    page = Paginator(declarations, PAR_PAGE).get_page(request.GET.get("page"))
    return render(request, "indicateurs/declarations/validation_file.html", {"form": form, "page": page})


def declaration_suivie(request, pk):
    return get_object_or_404(
        declarations_visibles(request.user).select_related(
            "dispositif__type", "dispositif__organisme", "dispositif__territoire", "validee_par"
        ),
        pk=pk,
    )


@acces(Regle.VALIDER_DECLARATIONS)
def declaration_a_valider(request, pk):
    """Les valeurs, leurs commentaires et les mois précédents ; POST « valider », « renvoyer » (déclaration
    transmise) ou « rouvrir » (déclaration validée)."""
    declaration = declaration_suivie(request, pk)
    action = request.POST.get("action")
    renvoi = RenvoiForm(request.POST if action == "renvoyer" else None)
    reouverture = ReouvertureForm(
        request.POST if action == "rouvrir" else None, initial={"version": declaration.version}
    )
    if request.method != "POST":
        return page_declaration(request, declaration, renvoi, reouverture)
    try:
        if action == "valider":
            valider(declaration=declaration, user=request.user)
            messages.success(request, f"Déclaration de {declaration.dispositif.nom} validée.")
        elif action == "renvoyer" and renvoi.is_valid():
            renvoyer(declaration=declaration, motif=renvoi.cleaned_data["motif"])
            messages.success(request, "Déclaration renvoyée ; l'opérateur est prévenu par courriel.")
        elif action == "rouvrir" and reouverture.is_valid():
            donnees = reouverture.cleaned_data
            rouvrir(declaration=declaration, motif=donnees["motif"], version_lue=donnees["version"])
            messages.success(request, message_de_reouverture(declaration))
        else:
            return page_declaration(request, declaration, renvoi, reouverture, status=400)
    except ValidationError as refus:
        for message in refus.messages:
            messages.error(request, message)
    except Conflit as conflit:
        messages.error(request, conflit.message)
    return redirect("indicateurs:validation_declaration", pk=declaration.pk)


def message_de_reouverture(declaration) -> str:
    message = "Déclaration rouverte : l'opérateur est prévenu par courriel et les agrégats sont recalculés sans elle."
    if calendrier.verrouille(declaration.mois, declaration.dispositif, calendrier.aujourd_hui()):
        message += " Le mois est verrouillé : accordez-lui une dérogation pour qu'il puisse la corriger."
    return message


def page_declaration(request, declaration, renvoi, reouverture, *, status=200):
    dispositif = declaration.dispositif
    contexte = {
        "declaration": declaration,
        "dispositif": dispositif,
        "renvoi": renvoi,
        "reouverture": reouverture,
        "echeance": calendrier.echeance(declaration.mois),
        **comparaison(declaration),
    }
    return render(request, "indicateurs/declarations/validation_declaration.html", contexte, status=status)


def comparaison(declaration) -> dict:
    """Une ligne par indicateur : la valeur du mois, son commentaire, son signalement, et les mêmes valeurs
    sur les MOIS_COMPARES mois précédents (quatre requêtes)."""
    mois = derniers_mois(declaration.mois, MOIS_COMPARES + 1)[::-1]  # du plus ancien au mois déclaré
    lignes = Valeur.objects.filter(
        declaration__dispositif=declaration.dispositif, declaration__mois__gte=mois[0], declaration__mois__lte=mois[-1]
    ).values_list("indicateur__code", "declaration__mois", "valeur", "commentaire")
    releves = {(code, m): (valeur, commentaire) for code, m, valeur, commentaire in lignes}
    valeurs_du_mois = {code: v for (code, m), (v, _) in releves.items() if m == declaration.mois}
    habitude = Valeur.objects.historique(declaration.dispositif, declaration.mois)
    alertes = valeurs_inhabituelles(valeurs_du_mois, habitude)
    indicateurs = []
    for indicateur in Indicateur.objects.saisis().for_type(declaration.dispositif.type_id):
        valeur, commentaire = releves.get((indicateur.code, declaration.mois), (None, ""))
        indicateurs.append(
            {
                "indicateur": indicateur,
                "valeur": valeur,
                "commentaire": commentaire,
                "alerte": alertes.get(indicateur.code),
                "precedents": [releves.get((indicateur.code, m), (None, ""))[0] for m in mois[:-1]],
            }
        )
    return {"mois_precedents": mois[:-1], "indicateurs": indicateurs}


@acces(Regle.VALIDER_DECLARATIONS)
def derogation(request):
    """Rouvre un mois pour un dispositif de la région (?dispositif=<id>&mois=AAAA-MM) jusqu'à une date."""
    parametres = request.POST if request.method == "POST" else request.GET
    mois, dispositif_id = lire_mois(parametres.get("mois", "")), lire_identifiant(parametres.get("dispositif"))
    if mois is None or dispositif_id is None:  # « ² » passait isdigit() puis faisait lever int()
        messages.info(request, "Choisissez dans le suivi le dispositif et le mois à rouvrir.")
        return redirect("indicateurs:suivi")
    dispositif = get_object_or_404(
        dispositifs_suivis(request.user).select_related("type", "organisme"), pk=dispositif_id
    )
    existante = Derogation.objects.filter(dispositif=dispositif, mois=mois).first()
    declaration = Declaration.objects.filter(dispositif=dispositif, mois=mois).first()
    form = DerogationForm(request.POST or None, initial={"motif": existante.motif if existante else ""})
    if request.method == "POST" and form.is_valid() and accorder(request, form, dispositif, mois):
        return redirect(f"{reverse('indicateurs:suivi')}?mois={mois:%Y-%m}")
    contexte = {
        "form": form,
        "dispositif": dispositif,
        "mois": mois,
        "existante": existante,
        "declaration": declaration,
        "date_verrouillage": calendrier.date_verrouillage(mois),
    }
    return render(request, "indicateurs/declarations/derogation.html", contexte, status=400 if form.errors else 200)


def accorder(request, form, dispositif, mois) -> bool:
    """Accorde la dérogation du formulaire ; un refus du service va sur ses champs."""
    try:
        jusqu_au, motif = form.cleaned_data["jusqu_au"], form.cleaned_data["motif"]
        accorder_derogation(dispositif=dispositif, mois=mois, jusqu_au=jusqu_au, motif=motif, user=request.user)
    except ValidationError as refus:
        ajouter_refus(form, refus)
        return False
    jusqu_au = form.cleaned_data["jusqu_au"]
    messages.success(request, f"{dispositif.nom} : {mois:%m/%Y} rouvert jusqu'au {jusqu_au:%d/%m/%Y}.")
    return True
