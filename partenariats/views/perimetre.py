"""Le filtre de région commun à l'annuaire et aux rencontres."""

from config.policy import perimetre_des_partenariats, regions_visibles
from partenariats.forms import FiltreRegionForm


def perimetre_filtre(request):
    """(formulaire du filtre, territoires lus) : la région choisie parmi celles de l'utilisateur, toutes sinon. Le
    formulaire n'est montré qu'à qui voit plusieurs régions."""
    regions = list(regions_visibles(request.user).order_by("nom"))
    filtre = FiltreRegionForm(request.GET or None, regions=regions)
    return filtre, perimetre_des_partenariats(request.user, filtre.regions_choisies(regions))
