"""Les comptes opérateurs côté ARS : examen des demandes d'inscription et invitation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from commun.erreurs import Conflit
from comptes.forms import InvitationForm, RefusForm
from comptes.models import DemandeInscription
from comptes.services import accepter_demande, inviter_operateur, refuser_demande
from config.policy import Regle, acces


@acces(Regle.GERER_OPERATEURS)
def demandes(request):
    en_attente = DemandeInscription.objects.for_user(request.user).en_attente().for_examen()
    lignes = [(demande, RefusForm(auto_id=f"refus-{demande.pk}-%s")) for demande in en_attente]
    return render(request, "comptes/demandes.html", {"lignes": lignes})


@acces(Regle.GERER_OPERATEURS)
@require_POST
def accepter(request, pk):
    def accepter_la_demande(demande):
        compte = accepter_demande(demande=demande, user=request.user, request=request)
        return f"Demande acceptée : {compte.email} reçoit un courriel pour accéder à son compte."

    return traiter_la_demande(request, pk, accepter_la_demande)


@acces(Regle.GERER_OPERATEURS)
@require_POST
def refuser(request, pk):
    def refuser_la_demande(demande):
        refuser_demande(demande=demande, user=request.user, motif=request.POST.get("motif", ""))
        return f"Demande refusée : {demande.courriel} reçoit le motif par courriel."

    return traiter_la_demande(request, pk, refuser_la_demande)


def traiter_la_demande(request, pk, action):
    """Applique `action` (qui renvoie le message de réussite) à une demande de la région de l'agent, puis revient
    à la liste. Une demande déjà traitée reste trouvée : le service le dit, plutôt qu'une page introuvable."""
    demande = get_object_or_404(DemandeInscription.objects.for_user(request.user), pk=pk)
    try:
        reussite = action(demande)
    except ValidationError as refus:
        messages.error(request, " ".join(refus.messages))
    except Conflit as conflit:
        messages.error(request, conflit.message)
    else:
        messages.success(request, reussite)
    return redirect("comptes:demandes_inscription")


@acces(Regle.GERER_OPERATEURS)
def inviter(request):
    # ?organisme=<pk> : le bouton « Inviter un membre » de la fiche d'un organisme le préremplit.
    form = InvitationForm(request.POST or None, initial={"organisme": request.GET.get("organisme")})
    if request.method == "POST" and form.is_valid():
        try:
            donnees = form.cleaned_data
            compte = inviter_operateur(
                courriel=donnees["courriel"],
                prenom=donnees["prenom"],
                nom=donnees["nom"],
                organisme=donnees["organisme"],
                user=request.user,
                request=request,
            )
        except ValidationError as refus:
            form.add_error("courriel", refus)
        else:
            messages.success(request, f"Invitation envoyée à {compte.email} ({form.cleaned_data['organisme']}).")
            return redirect("comptes:inviter_operateur")
    return render(request, "comptes/inviter.html", {"form": form})
