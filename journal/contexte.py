"""L'auteur des écritures faites hors d'une requête : tâches Celery, commandes."""

import contextlib

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def au_nom_de(user):
    """Les écritures du bloc sont attribuées à `user` (qui a demandé le travail) ; None : au « système ».

    Même résultat sur le worker et en exécution immédiate (démonstration, tests), où la tâche tourne dans la
    requête qui l'a mise en file : c'est la tâche qui dit pour qui elle écrit. django-auditlog ne rétablit pas le
    contexte d'avant à la sortie de `set_actor` : on le rétablit ici, pour que la suite de la requête garde son
    auteur."""
    precedent = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if precedent is not None:
            auditlog_value.set(precedent)
