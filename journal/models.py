"""Le journal d'audit tel que le lisent les agents : les entrées de django-auditlog (une table, un modèle
mandataire sans table) rangées par région, avec leur auteur, leur action et leurs valeurs avant → après."""

import datetime
import hashlib
import json

from auditlog.models import LogEntry
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime

from commun.nombres import nombre
from journal.objets import OBJETS

SYSTEME = "système"  # l'auteur d'une écriture que personne n'a demandée : tâche planifiée, import, démonstration


def choix_des_objets() -> list[tuple[str, str]]:
    return [(objet.code, objet.libelle) for objet in OBJETS]


ACTIONS = {
    LogEntry.Action.CREATE: ("creation", "Création"),
    LogEntry.Action.UPDATE: ("modification", "Modification"),
    LogEntry.Action.DELETE: ("suppression", "Suppression"),
}


class EntreeJournalQuerySet(QuerySet):
    def dans_les_regions(self, chemins) -> "EntreeJournalQuerySet":
        """Les entrées des objets situés dans ces régions (chemins « FR/32/ »), en une requête : une sous-requête
        par modèle journalisé. L'entrée d'un objet supprimé depuis n'a plus de région : seul un administrateur
        la voit."""
        chemins = list(chemins)
        if not chemins:
            return self.none()
        dans = Q()
        for objet in OBJETS:
            dans |= objet.dans(chemins)
        return self.filter(dans)

    def pour_la_liste(self) -> "EntreeJournalQuerySet":
        """L'auteur et le type d'objet lus dans la même requête, les plus récentes d'abord : la page et l'API."""
        return self.select_related("actor", "content_type").order_by("-timestamp", "-pk")


class EntreeJournal(LogEntry):
    """Une entrée du journal d'audit, telle que la montrent la page /journal/ et l'API."""

    objects = EntreeJournalQuerySet.as_manager()

    class Meta:
        proxy = True
        verbose_name = "entrée du journal"
        verbose_name_plural = "entrées du journal"

    @property
    def auteur(self) -> str:
        """Le courriel de qui a agi ; « système » pour une tâche planifiée, un import ou la démonstration."""
        return self.actor.email if self.actor_id else SYSTEME

    @property
    def code_action(self) -> str:
        return ACTIONS[self.action][0]

    @property
    def libelle_action(self) -> str:
        return ACTIONS[self.action][1]

    @property
    def objet(self) -> str:
        return self.content_type.model

    @property
    def libelle_objet(self) -> str:
        modele = self.content_type.model_class()
        return str(modele._meta.verbose_name) if modele else self.content_type.model

    @property
    def champs(self) -> dict:
        """Les champs du modèle par nom. À la création, django-auditlog écrit aussi les relations inverses
        (« declarations », « derogations »…) : ce ne sont pas des valeurs de l'objet, on les écarte."""
        modele = self.content_type.model_class()
        return {champ.name: champ for champ in modele._meta.concrete_fields} if modele else {}

    def _cote(self, rang: int) -> dict:
        champs = self.champs
        return {nom: valeur(valeurs[rang]) for nom, valeurs in self.changes_dict.items() if nom in champs}

    @property
    def avant(self) -> dict:
        """Les champs changés et leur valeur d'avant ; vide pour une création."""
        return {} if self.action == LogEntry.Action.CREATE else self._cote(0)

    @property
    def apres(self) -> dict:
        """Les champs changés et leur nouvelle valeur ; vide pour une suppression."""
        return {} if self.action == LogEntry.Action.DELETE else self._cote(1)

    @property
    def changements(self) -> list[tuple[str, str | None, str | None]]:
        """(libellé du champ, avant, après) pour la page, un statut écrit comme à l'écran (« Transmise à l'ARS »)."""
        avant, apres, champs = self.avant, self.apres, self.champs
        return [
            (str(champs[nom].verbose_name), libelle(champs[nom], avant.get(nom)), libelle(champs[nom], apres.get(nom)))
            for nom in {**avant, **apres}
        ]


def libelle(champ, texte):
    """La valeur écrite comme à l'écran : un choix par son libellé, oui/non, un nombre à la française, une date à
    l'heure de Paris. django-auditlog garde des textes (« True », « 100.0 », « 2026-12-05 11:47:03.443681 ») :
    ce qu'on ne sait pas relire reste tel quel."""
    if texte is None:
        return None
    if champ.choices:
        return str(dict(champ.flatchoices).get(texte, texte))
    if isinstance(champ, models.BooleanField):
        return {"True": "oui", "False": "non"}.get(texte, texte)
    if isinstance(champ, models.DecimalField | models.FloatField | models.IntegerField) and not champ.is_relation:
        return nombre(texte)
    if isinstance(champ, models.DateTimeField):
        instant = parse_datetime(texte)
        if instant is not None:
            instant = instant if timezone.is_aware(instant) else timezone.make_aware(instant, datetime.UTC)
            return formats.date_format(timezone.localtime(instant), "j F Y à H:i")
    elif isinstance(champ, models.DateField) and (jour := parse_date(texte)) is not None:
        return formats.date_format(jour, "j F Y")
    return texte


def valeur(texte):
    """django-auditlog écrit « None » pour une valeur vide : c'est null."""
    return None if texte in (None, "None") else texte


# La chaîne du journal --------------------------------------------------------------------------------------------

EMPREINTE_INITIALE = "0" * 64  # la « précédente » du premier maillon
# Les colonnes d'une entrée de django-auditlog que couvre son empreinte : toutes, nommées ici pour qu'une colonne
# ajoutée par une version future de django-auditlog ne change pas l'empreinte des entrées déjà chaînées.
CHAMPS_EMPREINTE = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "actor_email",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
)


def empreinte(precedente: str, entree: LogEntry) -> str:
    """SHA-256 de l'empreinte du maillon précédent et des colonnes de l'entrée (JSON trié, instants ISO complets) :
    changer une entrée, ou la précédente, change l'empreinte."""
    valeurs = {nom: getattr(entree, nom) for nom in CHAMPS_EMPREINTE}
    texte = json.dumps(valeurs, sort_keys=True, ensure_ascii=False, default=lambda v: v.isoformat())
    return hashlib.sha256(f"{precedente}\n{texte}".encode()).hexdigest()


class Maillon(models.Model):
    """Le maillon d'une entrée du journal : son rang dans la chaîne, l'empreinte du maillon précédent et la sienne.
    Une entrée modifiée, supprimée ou insérée en base casse la chaîne (`manage.py verifier_journal`). Le lien vers
    l'entrée n'est pas une contrainte : supprimer l'entrée laisse son maillon, qui la désigne encore."""

    rang = models.PositiveBigIntegerField("rang", unique=True)
    entree = models.OneToOneField(
        LogEntry, on_delete=models.DO_NOTHING, db_constraint=False, related_name="maillon", verbose_name="entrée"
    )
    # Unique : deux écritures simultanées ne peuvent pas enchaîner deux maillons au même précédent.
    precedente = models.CharField("empreinte précédente", max_length=64, unique=True)
    empreinte = models.CharField("empreinte", max_length=64, unique=True)

    class Meta:
        verbose_name = "maillon du journal"
        verbose_name_plural = "maillons du journal"

    def __str__(self):
        return f"maillon {self.rang} (entrée {self.entree_id})"


class TeteJournal(models.Model):
    """Une seule ligne : le rang et l'empreinte du dernier maillon. Chaîner commence par la verrouiller (une mise à
    jour : PostgreSQL verrouille la ligne, SQLite prend le verrou d'écriture) : les chaînages se suivent un à un."""

    rang = models.PositiveBigIntegerField("rang", default=0)
    empreinte = models.CharField("empreinte", max_length=64, default=EMPREINTE_INITIALE)

    class Meta:
        verbose_name = "tête du journal"

    def __str__(self):
        return f"tête du journal au rang {self.rang}"
