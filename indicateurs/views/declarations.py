"""Le parcours de l'opérateur : ses mois à déclarer, la saisie d'un mois, l'import CSV."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from commun.erreurs import Conflit
from commun.mois import derniers_mois, lire_mois, mois_precedent
from commun.tableur import reponse_csv
from config.policy import Regle, acces, dispositifs_declarants
from indicateurs import calendrier, grille, import_csv
from indicateurs.forms import DeclarationForm, ImportForm
from indicateurs.models import Declaration, Indicateur, StatutDeclaration
from indicateurs.services import enregistrer_declaration, enregistrer_et_transmettre


@acces(Regle.DECLARER)
def mes_declarations(request):
    aujourd_hui = calendrier.aujourd_hui()
    lignes = grille.mois_de_l_operateur(dispositifs_declarants(request.user), aujourd_hui)
    a_faire = sorted((m for _, tous in lignes for m in tous if m.a_faire), key=lambda m: (m.mois, m.dispositif.nom))
    contexte = {
        "lignes": lignes,
        "a_faire": a_faire,
        "tous_les_mois": derniers_mois(aujourd_hui, grille.NB_MOIS),
        "jours_verrouillage": settings.INDICATEURS_VERROUILLAGE_JOURS,
        "jour_echeance": settings.INDICATEURS_JOUR_ECHEANCE,
        "aujourd_hui": aujourd_hui,
    }
    return render(request, "indicateurs/declarations/mes_declarations.html", contexte)


def mois_declarable(texte: str, aujourd_hui):
    """Le mois de l'adresse ; 404 pour un texte qui n'est pas un mois ou pour un mois à venir."""
    mois = lire_mois(texte)
    if mois is None or calendrier.est_futur(mois, aujourd_hui):
        raise Http404("Ce mois ne se déclare pas.")
    return mois


@acces(Regle.DECLARER)
def saisie(request, pk, mois):
    """Le formulaire d'un mois ; un POST enregistre (brouillon) ou enregistre et transmet, tout ou rien."""
    aujourd_hui = calendrier.aujourd_hui()
    dispositif = get_object_or_404(
        dispositifs_declarants(request.user).select_related("type", "organisme", "territoire"), pk=pk
    )
    mois = mois_declarable(mois, aujourd_hui)
    declaration = Declaration.objects.filter(dispositif=dispositif, mois=mois).first()
    indicateurs = list(Indicateur.objects.saisis().for_type(dispositif.type_id))
    if request.method != "POST":
        form = DeclarationForm(initial=valeurs_initiales(declaration), indicateurs=indicateurs)
        return page_saisie(request, dispositif, mois, declaration, form, aujourd_hui)
    form = DeclarationForm(request.POST, indicateurs=indicateurs)
    status = enregistrer(request, form, dispositif, mois) if form.is_valid() else 400
    if status is None:
        return redirect(request.path)
    return page_saisie(request, dispositif, mois, declaration, form, aujourd_hui, status=status)


def enregistrer(request, form, dispositif, mois) -> int | None:
    """Enregistre, ou enregistre et transmet, selon le bouton ; None si c'est fait, sinon le statut HTTP du refus,
    dont les messages sont placés sur le formulaire."""
    service = enregistrer_et_transmettre if "transmettre" in request.POST else enregistrer_declaration
    try:
        declaration = service(
            dispositif=dispositif,
            mois=mois,
            valeurs=form.valeurs(),
            commentaires=form.commentaires(),
            version_lue=form.cleaned_data["version"],
        )
    except ValidationError as refus:
        form.ajouter_refus(refus)
        return 400
    except Conflit as conflit:
        form.add_error(None, conflit.message)
        return 409
    messages.success(request, message_de_succes(declaration))
    return None


def message_de_succes(declaration) -> str:
    if declaration.statut == StatutDeclaration.TRANSMISE:
        return f"Déclaration de {declaration.mois:%m/%Y} transmise à l'ARS."
    return f"Brouillon de {declaration.mois:%m/%Y} enregistré. Il n'est pas transmis : l'ARS ne le voit pas encore."


def valeurs_initiales(declaration) -> dict:
    if declaration is None:
        return {"version": 0}
    initial = {"version": declaration.version}
    for valeur in declaration.valeurs.select_related("indicateur"):
        initial[valeur.indicateur.code] = valeur.valeur.normalize()
        initial[f"commentaire_{valeur.indicateur.code}"] = valeur.commentaire
    return initial


def page_saisie(request, dispositif, mois, declaration, form, aujourd_hui, *, status=200):
    fermeture = calendrier.raison_de_fermeture(mois, dispositif, aujourd_hui)
    contexte = {
        "dispositif": dispositif,
        "mois": mois,
        "declaration": declaration,
        "form": form,
        "echeance": calendrier.echeance(mois),
        "date_verrouillage": calendrier.date_verrouillage(mois),
        "fermeture": fermeture,
        "modifiable": fermeture is None and (declaration is None or declaration.est_modifiable),
        "pas_encore_transmissible": calendrier.pas_encore_transmissible(mois, aujourd_hui),
    }
    return render(request, "indicateurs/declarations/saisie.html", contexte, status=status)


@acces(Regle.DECLARER)
@csrf_exempt  # le contrôle CSRF lirait le corps entier : il vient juste après celui de la taille annoncée
def importer(request):
    """Un envoi de plus de 5 Mo est refusé sur sa taille annoncée, avant d'être lu (413, en français)."""
    if request.method == "POST" and import_csv.corps_trop_volumineux(request.META.get("CONTENT_LENGTH")):
        refus = import_csv.CompteRendu(essai=False, erreurs_fichier=[import_csv.TROP_VOLUMINEUX])
        return page_import(request, ImportForm(), refus, status=413)
    return importer_csv(request)


@csrf_protect
def importer_csv(request):
    """Le formulaire d'import, puis le compte rendu ligne par ligne (essai à blanc ou import réel)."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    compte_rendu = None
    if form.is_bound and form.is_valid():
        compte_rendu = import_csv.importer(
            contenu=form.cleaned_data["fichier"].read(),
            dispositifs=dispositifs_declarants(request.user),
            essai=form.cleaned_data["essai"],
            transmettre=form.cleaned_data["transmettre"],
        )
    return page_import(request, form, compte_rendu, status=400 if form.errors else 200)


def page_import(request, form, compte_rendu, *, status):
    contexte = {"form": form, "compte_rendu": compte_rendu, "indicateurs": indicateurs_importables()}
    return render(request, "indicateurs/declarations/import.html", contexte, status=status)


def indicateurs_importables():
    return Indicateur.objects.saisis().prefetch_related("types")


@acces(Regle.DECLARER)
def modele_csv(request):
    """Le modèle CSV : une ligne par dispositif de l'opérateur, pour le mois précédent."""
    codes = [i.code for i in indicateurs_importables()]
    dispositifs = dispositifs_declarants(request.user).order_by("type__ordre", "nom")
    return reponse_csv(
        "modele-declarations.csv", *import_csv.modele(dispositifs, codes, mois_precedent(calendrier.aujourd_hui()))
    )
