"""Un changement d'état par save(), pour que le journal d'audit le voie.

Un `QuerySet.update()` n'émet aucun signal : django-auditlog ne l'écrit pas, et la transition manquerait au
journal. `passer` garde la garantie de l'UPDATE conditionnel (l'état attendu est vérifié dans la base, deux clics
ne passent jamais deux fois) : la ligne est lue verrouillée (SELECT … FOR UPDATE) avec l'état attendu dans son
filtre, puis enregistrée par save(). Sous PostgreSQL, une transaction qui attendait le verrou relit la ligne
modifiée et ne la trouve plus dans l'état attendu.
"""

from django.db import models, transaction


def passer(lignes: models.QuerySet, **valeurs):
    """Donne `valeurs` à la ligne que désigne `lignes` (un filtre qui porte l'état attendu) ; renvoie la ligne
    enregistrée, ou None quand elle n'est plus dans cet état (rien n'est écrit)."""
    with transaction.atomic(savepoint=False):
        ligne = lignes.select_for_update(of=("self",)).first()
        if ligne is None:
            return None
        for nom, valeur in valeurs.items():
            setattr(ligne, nom, valeur)
        ligne.save(update_fields=[*valeurs, *champs_automatiques(ligne)])
    return ligne


def passer_toutes(lignes: models.QuerySet, **valeurs) -> int:
    """`passer` pour chaque ligne du filtre (une entrée du journal chacune) ; renvoie le nombre de lignes passées."""
    with transaction.atomic(savepoint=False):
        cles = list(lignes.select_for_update(of=("self",)).values_list("pk", flat=True))
        return sum(passer(lignes.filter(pk=cle), **valeurs) is not None for cle in cles)


def champs_automatiques(ligne) -> list[str]:
    """Les dates `auto_now` (updated_at) : save(update_fields=…) ne les écrit que si on les nomme."""
    return [f.name for f in ligne._meta.concrete_fields if getattr(f, "auto_now", False)]
