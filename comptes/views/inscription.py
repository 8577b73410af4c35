"""La demande de compte opérateur, publique : l'ARS de la région l'examine ensuite (views/operateurs.py)."""

from django.shortcuts import redirect, render

from comptes.forms import DemandeInscriptionForm
from comptes.services import demander_inscription
from config.policy import Regle, acces


@acces(Regle.PUBLIC)
def inscription(request):
    form = DemandeInscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        demander_inscription(demande=form.save(commit=False), request=request)
        return redirect("comptes:inscription_envoyee")
    return render(request, "comptes/inscription.html", {"form": form})


@acces(Regle.PUBLIC)
def inscription_envoyee(request):
    return render(request, "comptes/inscription_envoyee.html")
