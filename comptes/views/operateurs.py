"""Les comptes opérateurs côté ARS : examen des demandes d'inscription et invitation."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from comptes.forms import InvitationForm, RefusForm
from comptes.models import DemandeInscription
from comptes.services import (
    OperationImpossible,
    accepter_demande,
    inviter_operateur,
    refuser_demande,
)
from config.policy import Regle, acces


@acces(Regle.GERER_OPERATEURS)
def demandes(request):
    en_attente = DemandeInscription.objects.for_user(request.user).en_attente().for_examen()
    lignes = [(demande, RefusForm(auto_id=f"refus-{demande.pk}-%s")) for demande in en_attente]
    return render(request, "comptes/demandes.html", {"lignes": lignes})


@acces(Regle.GERER_OPERATEURS)
@require_POST
def accepter(request, pk):
    # Une demande déjà traitée reste trouvée : le service le dit, plutôt qu'une page introuvable.
    demande = get_object_or_404(DemandeInscription.objects.for_user(request.user), pk=pk)
    try:
        compte = accepter_demande(demande=demande, par=request.user, request=request)
    except OperationImpossible as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Demande acceptée : {compte.email} reçoit un courriel pour accéder à son compte.")
    return redirect("comptes:demandes_inscription")


@acces(Regle.GERER_OPERATEURS)
@require_POST
def refuser(request, pk):
    demande = get_object_or_404(DemandeInscription.objects.for_user(request.user), pk=pk)
    try:
        refuser_demande(demande=demande, par=request.user, motif=request.POST.get("motif", ""))
    except OperationImpossible as refus:
        messages.error(request, str(refus))
    else:
        messages.success(request, f"Demande refusée : {demande.courriel} reçoit le motif par courriel.")
    return redirect("comptes:demandes_inscription")


@acces(Regle.GERER_OPERATEURS)
def inviter(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            compte = inviter_operateur(**form.cleaned_data, invite_par=request.user, request=request)
        except OperationImpossible as refus:
            form.add_error("courriel", str(refus))
        else:
            messages.success(request, f"Invitation envoyée à {compte.email} ({form.cleaned_data['organisme']}).")
            return redirect("comptes:inviter_operateur")
    return render(request, "comptes/inviter.html", {"form": form})
