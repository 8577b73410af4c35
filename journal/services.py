"""Le chaînage du journal : chaque entrée de django-auditlog reçoit, après la validation de la transaction qui
l'écrit, un maillon qui porte l'empreinte du précédent (journal.models.Maillon).

Chaîner après la validation, en une courte transaction par transaction écrite, et non pendant : verrouiller la tête
de la chaîne jusqu'à la fin de chaque écriture journalisée sérialiserait toute l'application et ferait des
interblocages avec les autres verrous (un avis verrouille sa candidature après s'être journalisé, une décision
avant). Une entrée qui ne reçoit pas son maillon (processus tué entre les deux) est signalée par la vérification,
comme une entrée insérée en base : rien ne la chaîne après coup, car ce serait aussi accepter une insertion."""

from auditlog.models import LogEntry
from django.db import IntegrityError, connections, transaction
from django.db.models import F

from journal.models import Maillon, TeteJournal, empreinte


class EntreesAChainer:
    """Les entrées écrites par une transaction, chaînées d'un coup après sa validation (un seul rappel
    `on_commit` par transaction, quel que soit le nombre d'entrées)."""

    def __init__(self, using: str):
        self.using = using
        self.pks: list[int] = []
        self.chaine = False

    def chainer(self):
        self.chaine = True  # un lot chaîné ne reçoit plus d'entrée (les tests rejouent les rappels sans les retirer)
        chainer(self.pks, using=self.using)


def entree_ecrite(sender, instance, created, raw=False, using="default", **kwargs):
    """post_save de LogEntry : l'entrée rejoint le lot de sa transaction (créé et confié à on_commit au besoin).
    Un lot rattaché à un point de sauvegarde annulé disparaît avec lui ; une entrée annulée est ignorée au
    chaînage (elle n'existe pas)."""
    if not created or raw:
        return
    connexion = transaction.get_connection(using)
    lots = [getattr(f, "__self__", None) for _, f, _ in connexion.run_on_commit]
    lots = [lot for lot in lots if isinstance(lot, EntreesAChainer) and not lot.chaine]
    if connexion.in_atomic_block and lots:
        lots[-1].pks.append(instance.pk)
        return
    lot = EntreesAChainer(using)
    lot.pks.append(instance.pk)
    # Hors transaction, on_commit chaîne sur-le-champ. Un échec est noté dans les journaux (robust) : l'écriture,
    # elle, est faite, et la vérification dira que l'entrée n'est pas chaînée.
    transaction.on_commit(lot.chainer, using=using, robust=True)


def chainer(pks: list[int], *, using: str = "default"):
    """Ajoute à la chaîne, dans l'ordre, les entrées `pks` qui existent et n'ont pas encore de maillon."""
    with transaction.atomic(using=using):
        tete = verrouiller_tete(using)
        entrees = LogEntry.objects.using(using).filter(pk__in=pks, maillon__isnull=True).order_by("pk")
        maillons = []
        for entree in entrees:
            maillon = Maillon(rang=tete.rang + 1, entree=entree, precedente=tete.empreinte)
            maillon.empreinte = empreinte(tete.empreinte, entree)
            maillons.append(maillon)
            tete.rang, tete.empreinte = maillon.rang, maillon.empreinte
        if maillons:
            Maillon.objects.using(using).bulk_create(maillons)
            tete.save(using=using, update_fields=["rang", "empreinte"])


def verrouiller_tete(using: str) -> TeteJournal:
    """La tête de la chaîne, verrouillée jusqu'à la fin de la transaction : un chaînage concurrent attend, puis lit
    la tête qu'il a laissée. Sous PostgreSQL, lue et verrouillée d'un aller-retour (SELECT … FOR UPDATE) ; sinon (et
    au premier chaînage, qui la crée) par une mise à jour sans effet puis relue (verrou d'écriture sous SQLite)."""
    teste = TeteJournal.objects.using(using)
    if connections[using].features.has_select_for_update:
        if tete := teste.select_for_update().filter(pk=1).first():
            return tete
    if not teste.filter(pk=1).update(rang=F("rang")):
        try:
            with transaction.atomic(using=using):
                teste.create(pk=1)
        except IntegrityError:  # créée au même instant par un autre chaînage
            pass
        teste.filter(pk=1).update(rang=F("rang"))
    return teste.get(pk=1)
