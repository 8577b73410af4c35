"""L'import FINESS depuis le web (/dispositifs/import-finess/) : dépôt de l'extraction, simulation ligne à ligne,
puis application — le même code que la commande `importer_finess` (dispositifs/services.py).

Le fichier simulé est gardé sur le serveur, sa clé et son empreinte SHA-256 dans la session : « Appliquer »
importe exactement ce fichier-là, ou refuse s'il a changé ou disparu."""

import hashlib
import uuid
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.policy import Regle, acces
from dispositifs.forms import ImportFinessForm
from dispositifs.services import importer_finess, simuler_import_finess

DOSSIER = "imports-finess"
CLE_SESSION = "simulation_finess"
# Une simulation abandonnée (onglet fermé) ne garde pas son fichier au-delà d'un jour.
DUREE_DE_GARDE = timedelta(days=1)


@acces(Regle.GERER_OFFRE)
def depot(request):
    """GET : le formulaire de dépôt ; POST : le fichier est gardé puis simulé, et la page liste chaque ligne."""
    form = ImportFinessForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "dispositifs/finess/depot.html", {"form": form}, status=400 if form.errors else 200)
    oublier_simulation(request)
    nom, empreinte = garder(form.cleaned_data["fichier"])
    try:
        rapport = simuler_import_finess(fichier=Path(default_storage.path(nom)))
    except ValidationError as refus:
        default_storage.delete(nom)
        form.add_error("fichier", refus)
        return render(request, "dispositifs/finess/depot.html", {"form": form}, status=400)
    request.session[CLE_SESSION] = {"nom": nom, "empreinte": empreinte, "fichier": form.cleaned_data["fichier"].name}
    contexte = {"rapport": rapport, "simulation": True, "fichier": form.cleaned_data["fichier"].name, "cle": nom}
    return render(request, "dispositifs/finess/rapport.html", contexte)


@acces(Regle.GERER_OFFRE)
@require_POST
def appliquer(request):
    """Importe le fichier de la simulation de cette session, s'il est intact ; sinon, retour au dépôt."""
    simulation = request.session.get(CLE_SESSION)
    if not simulation or request.POST.get("cle") != simulation["nom"]:
        messages.error(request, "Aucune simulation en attente : déposez à nouveau l'extraction FINESS.")
        return redirect("dispositifs:finess:depot")
    if empreinte_gardee(simulation["nom"]) != simulation["empreinte"]:
        oublier_simulation(request)
        messages.error(
            request, "Le fichier simulé a changé ou disparu du serveur : rien n'a été importé. Recommencez."
        )
        return redirect("dispositifs:finess:depot")
    rapport = importer_finess(fichier=Path(default_storage.path(simulation["nom"])))
    oublier_simulation(request)
    contexte = {"rapport": rapport, "simulation": False, "fichier": simulation["fichier"]}
    return render(request, "dispositifs/finess/rapport.html", contexte)


def garder(fichier) -> tuple[str, str]:
    """Range le fichier déposé sous un nom aléatoire ; renvoie ce nom et son empreinte SHA-256."""
    purger()
    empreinte = hashlib.sha256()
    for morceau in fichier.chunks():
        empreinte.update(morceau)
    nom = default_storage.save(f"{DOSSIER}/{uuid.uuid4().hex}.csv", fichier)
    return nom, empreinte.hexdigest()


def empreinte_gardee(nom: str) -> str | None:
    if not nom.startswith(f"{DOSSIER}/") or not default_storage.exists(nom):
        return None
    empreinte = hashlib.sha256()
    with default_storage.open(nom, "rb") as fichier:
        for morceau in fichier.chunks():
            empreinte.update(morceau)
    return empreinte.hexdigest()


def oublier_simulation(request) -> None:
    """La simulation de la session est close : son fichier est effacé."""
    simulation = request.session.pop(CLE_SESSION, None)
    if simulation and simulation["nom"].startswith(f"{DOSSIER}/"):
        default_storage.delete(simulation["nom"])


def purger() -> None:
    """Efface les fichiers des simulations abandonnées depuis plus de DUREE_DE_GARDE."""
    if not default_storage.exists(DOSSIER):
        return
    limite = timezone.now() - DUREE_DE_GARDE
    for nom in default_storage.listdir(DOSSIER)[1]:
        chemin = f"{DOSSIER}/{nom}"
        if default_storage.get_modified_time(chemin) < limite:
            default_storage.delete(chemin)
