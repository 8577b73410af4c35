from django.shortcuts import render

from config.policy import Regle, acces
from territoires.models import Niveau, Territoire


@acces(Regle.PUBLIC)
def liste(request):
    """Le référentiel des territoires et de leurs populations, millésime compris."""
    territoires = Territoire.objects.exclude(niveau=Niveau.PAYS).select_related("parent")
    millesimes = {t.millesime_population for t in territoires if t.millesime_population}
    return render(
        request,
        "territoires/liste.html",
        {
            "france": Territoire.objects.pays().first(),
            "territoires": territoires,
            "millesime_recent": max(millesimes, default=None),
        },
    )
