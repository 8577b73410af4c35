"""Ce que les indicateurs écoutent des autres applications.

Un dispositif qui entre en service ou en sort, change de type ou de territoire, est créé ou supprimé en service
(signal `dispositifs.signals.perimetre_modifie`) change les agrégats : ses déclarations attendues, et les
valeurs rangées sous son type et son territoire. Le recalcul de nuit les rattraperait ; d'ici là
`verifier_agregats` verrait des différences. On recalcule donc, après commit et par le worker, ce que la nuit
recalculerait pour ce type et ces territoires (`agregation.agreger_les_derniers_mois`). Regroupé : une tâche
par transaction et par type, quel que soit le nombre de dispositifs (un import FINESS de mille dispositifs en
lance une par type touché).

Pourquoi un signal : les indicateurs dépendent des dispositifs, pas l'inverse ; et c'est le modèle et son
QuerySet qui l'envoient, donc toute écriture (services des appels, import FINESS, administration, API) le fait
sans qu'aucune ne pense à appeler les indicateurs.
"""

import threading
from collections import defaultdict

from django.db import transaction
from django.dispatch import receiver

from dispositifs.signals import perimetre_modifie


class Tampon:
    """Les territoires touchés de chaque type pendant une transaction ; le premier de ses on_commit lance une
    tâche par type et le vide, les suivants n'ont plus rien à lancer."""

    def __init__(self, hooks: list):
        self.hooks = hooks  # la liste des on_commit de la transaction : Django en prend une neuve à chacune
        self.par_type: dict[int, set[int]] = defaultdict(set)

    def lancer(self):
        from indicateurs import tasks  # les tâches importent l'agrégation, chargée après les modèles

        par_type, self.par_type = self.par_type, defaultdict(set)
        for type_id, territoires in sorted(par_type.items()):
            tasks.recalculer_apres_dispositifs.delay(type_id, sorted(territoires))


local = threading.local()


def tampon_de_la_transaction() -> Tampon:
    """Un tampon par transaction (reconnue à sa liste d'on_commit) et par fil d'exécution."""
    hooks = transaction.get_connection().run_on_commit
    tampon = getattr(local, "tampon", None)
    if tampon is None or tampon.hooks is not hooks:
        tampon = local.tampon = Tampon(hooks)
    return tampon


@receiver(perimetre_modifie, dispatch_uid="indicateurs.recalculer_apres_commit")
def recalculer_apres_commit(sender, cles, **kwargs):
    """Chaque annonce prévoit son on_commit (un point de sauvegarde annulé retire les siens) ; tous partagent le
    tampon de la transaction. robust : un broker injoignable n'annule pas l'écriture faite, la nuit rattrapera."""
    tampon = tampon_de_la_transaction()
    for type_id, territoire_id in cles:
        tampon.par_type[type_id].add(territoire_id)
    transaction.on_commit(tampon.lancer, robust=True)
