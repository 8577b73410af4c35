"""Les régions côte à côte : pour chaque type, la capacité autorisée et installée et la cible de chaque région pour
100 000 habitants, la sienne mise en évidence. Lecture seule et agrégats seulement : aucun lien vers les
dispositifs, les lettres ou les déclarations d'une autre région."""

from django.shortcuts import render
from django.utils import timezone

from config.policy import Regle, acces
from planification.forms import filtres_comparaison
from planification.nationale import calculer_planification_nationale
from territoires.models import Territoire


@acces(Regle.CONSULTER_PLANIFICATION)
def regions(request):
    pays = Territoire.objects.pays().first()
    form = filtres_comparaison(request.GET, pays)
    planification = None
    if form.is_valid() and pays is not None:
        planification = calculer_planification_nationale(
            pays=pays,
            horizon=form.cleaned_data["horizon"],
            date=timezone.localdate(),
            types=[t.code for t in form.cleaned_data["type"]],
        )
    contexte = {"form": form, "planification": planification, "region_id": getattr(request.user, "region_id", None)}
    return render(request, "planification/regions.html", contexte)
