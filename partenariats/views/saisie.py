"""La saisie commune aux trois pages de formulaire : le formulaire lu, le service appelé, puis un refus (400, message
sur le champ), un conflit (409, la saisie du perdant reste à l'écran avec la version actuelle) ou la fiche."""

from commun import saisie as commun
from commun.saisie import formulaire


def initial_de(objet, champs) -> dict:
    """Les valeurs de l'objet pour préremplir son formulaire, version comprise."""
    return {champ: getattr(objet, champ) for champ in [*champs, "version"]}


def saisir(request, *, form_class, gabarit, objet, initial, enregistrer, apres, contexte=None):
    """`enregistrer(valeurs)` appelle le service ; `apres(objet)` dit où aller ensuite."""
    form = formulaire(form_class, request, initial, user=request.user)
    contexte = {**(contexte or {}), "objet": objet}
    return commun.saisir(request, gabarit, contexte, form, lambda valeurs: apres(enregistrer(dict(valeurs))))
