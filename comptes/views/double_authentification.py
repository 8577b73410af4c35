"""Le second facteur des comptes à mot de passe qui décident : activation de l'application (QR code), code à chaque
connexion, codes de secours.

Entre le mot de passe et le code, personne n'est connecté : la session ne garde que l'identifiant du compte en
attente, cinq minutes au plus. `auth.login` n'a lieu qu'une fois le code reconnu."""

import base64
import time
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.contrib import auth, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django_otp import user_has_device

from comptes import forms, services
from comptes.models import Utilisateur
from config.policy import Regle, acces

CLE_ATTENTE = "connexion_en_attente"
DUREE_ATTENTE = 5 * 60  # secondes entre le mot de passe et le code
CLE_CODES_DE_SECOURS = "codes_de_secours_a_montrer"


@dataclass
class ConnexionEnAttente:
    user: Utilisateur
    backend: str
    suivante: str


def mettre_en_attente(request, user, suivante: str) -> None:
    """Le mot de passe est bon ; la connexion attend le code."""
    request.session[CLE_ATTENTE] = {"id": user.pk, "backend": user.backend, "suivante": suivante, "le": time.time()}


def connexion_en_attente(request) -> ConnexionEnAttente | None:
    donnees = request.session.get(CLE_ATTENTE)
    if not donnees or time.time() - donnees["le"] > DUREE_ATTENTE:
        return None
    user = Utilisateur.objects.filter(pk=donnees["id"], is_active=True).first()
    return ConnexionEnAttente(user, donnees["backend"], donnees["suivante"]) if user else None


def recommencer(request):
    request.session.pop(CLE_ATTENTE, None)
    messages.info(request, "Votre connexion a expiré : saisissez de nouveau votre courriel et votre mot de passe.")
    return redirect("comptes:connexion")


def terminer(request, attente: ConnexionEnAttente, suivante: str | None = None):
    request.session.pop(CLE_ATTENTE, None)
    auth.login(request, attente.user, backend=attente.backend)
    return redirect(suivante or attente.suivante)


@acces(Regle.PUBLIC)
def code(request):
    attente = connexion_en_attente(request)
    if attente is None:
        return recommencer(request)
    if not user_has_device(attente.user):
        return redirect("comptes:activation_double_authentification")
    form = forms.CodeForm(request.POST or None)
    if form.is_valid():
        try:
            services.verifier_code(user=attente.user, code=form.cleaned_data["code"])
        except ValidationError as refus:
            form.add_error("code", refus)
        else:
            return terminer(request, attente)
    return render(request, "comptes/double_authentification.html", {"form": form})


@acces(Regle.PUBLIC)
def activation(request):
    """Première connexion d'un compte qui doit avoir un second facteur. Un compte qui en a déjà un n'en change pas
    ici : le mot de passe seul ne doit pas suffire à remplacer l'appareil (l'administration le retire au besoin)."""
    attente = connexion_en_attente(request)
    if attente is None:
        return recommencer(request)
    if user_has_device(attente.user):
        return redirect("comptes:double_authentification")
    appareil = services.appareil_a_confirmer(user=attente.user)
    form = forms.CodeForm(request.POST or None)
    form.fields["code"].help_text = "Les six chiffres que l'application affiche."  # pas encore de code de secours
    if form.is_valid():
        try:
            codes = services.confirmer_appareil(appareil=appareil, code=form.cleaned_data["code"])
        except ValidationError as refus:
            form.add_error("code", refus)
        else:
            request.session[CLE_CODES_DE_SECOURS] = {"codes": codes, "suivante": attente.suivante}
            return terminer(request, attente, suivante="comptes:codes_de_secours")
    contexte = {"form": form, "qr_code": qr_code(appareil.config_url), "cle": cle_lisible(appareil.bin_key)}
    return render(request, "comptes/activation_double_authentification.html", contexte)


@acces(Regle.CONNECTE)
def codes_de_secours(request):
    """Les codes de secours, montrés une seule fois, juste après l'activation."""
    a_montrer = request.session.pop(CLE_CODES_DE_SECOURS, None)
    if a_montrer is None:
        return redirect("accueil")
    return render(request, "comptes/codes_de_secours.html", a_montrer)


def qr_code(donnees: str) -> str:
    """Le QR code en SVG, dans une adresse data: qu'une balise <img> affiche : ni script ni style en ligne (CSP)."""
    svg = qrcode.make(donnees, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2).to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def cle_lisible(cle: bytes) -> str:
    """La clé secrète en base 32, par groupes de quatre, pour qui ne peut pas scanner."""
    texte = base64.b32encode(cle).decode().rstrip("=")
    return " ".join(texte[i : i + 4] for i in range(0, len(texte), 4))
