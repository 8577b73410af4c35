"""Les modèles que suit le journal d'audit, écrits une fois : les réglages de django-auditlog
(AUDITLOG_INCLUDE_TRACKING_MODELS) s'en déduisent, et le journal y lit le chemin qui range chaque ligne dans sa
région (un modèle journalisé sans région serait invisible des agents). Aucun modèle importé ici : les réglages
lisent ce module avant que les applications soient chargées."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q


@dataclass(frozen=True)
class ObjetJournalise:
    """Un modèle suivi par le journal, le chemin de ses lignes vers leur territoire (ou leur région) et les champs
    qui n'entrent pas au journal."""

    modele: str  # « app.Modele »
    territoire: str
    exclus: tuple[str, ...] = ()

    @property
    def reglage(self) -> str | dict:
        """L'entrée de AUDITLOG_INCLUDE_TRACKING_MODELS."""
        return {"model": self.modele, "exclude_fields": list(self.exclus)} if self.exclus else self.modele

    @property
    def classe(self):
        return apps.get_model(self.modele)

    @property
    def code(self) -> str:
        """Le nom du modèle en minuscules (« cible », « demandecomplement ») : la valeur du filtre et de l'API."""
        return self.classe._meta.model_name

    @property
    def libelle(self) -> str:
        return str(self.classe._meta.verbose_name)

    def entrees(self) -> Q:
        """Les entrées de ce modèle (par le nom de son type, joint : aucune requête sur les types de contenu)."""
        app_label, _, _ = self.modele.partition(".")
        return Q(content_type__app_label=app_label, content_type__model=self.code)

    def dans(self, chemins: list[str]) -> Q:
        """Les entrées de ce modèle dont l'objet est (encore) dans l'une des régions de `chemins`."""
        dans_les_regions = Q()
        for chemin in chemins:
            dans_les_regions |= Q(**{f"{self.territoire}__chemin__startswith": chemin})
        return self.entrees() & Q(object_id__in=self.classe.objects.filter(dans_les_regions).values("pk"))


OBJETS = (
    ObjetJournalise("planification.Cible", "territoire"),
    ObjetJournalise("dispositifs.Organisme", "dispositifs__territoire"),  # visible des régions de ses dispositifs
    ObjetJournalise("dispositifs.Dispositif", "territoire"),
    ObjetJournalise("dispositifs.EvenementCapacite", "dispositif__territoire"),
    ObjetJournalise("financements.Credit", "dispositif__territoire"),
    ObjetJournalise("financements.Enveloppe", "region"),
    ObjetJournalise("appels.Appel", "region"),
    ObjetJournalise("appels.Critere", "appel__region"),
    # Le brouillon enregistré à chaque frappe n'entre pas au journal : seuls comptent les actes (dépôt, décision…).
    ObjetJournalise(
        "appels.Candidature",
        "appel__region",
        exclus=("brouillon", "version_brouillon", "brouillon_enregistre_le", "brouillon_modifie_depuis_depot"),
    ),
    ObjetJournalise("appels.Depot", "candidature__appel__region"),
    ObjetJournalise("appels.PieceJointe", "candidature__appel__region"),
    # L'annotation est privée, même pour l'administration.
    ObjetJournalise("appels.Avis", "candidature__appel__region", exclus=("annotation_privee",)),
    ObjetJournalise("appels.Decision", "candidature__appel__region"),
    ObjetJournalise("appels.DemandeComplement", "candidature__appel__region"),
    ObjetJournalise("indicateurs.Declaration", "dispositif__territoire"),
    ObjetJournalise("indicateurs.Valeur", "declaration__dispositif__territoire"),
    ObjetJournalise("indicateurs.Derogation", "dispositif__territoire"),
    # L'étape en cours change plusieurs fois par génération : seuls les changements de statut comptent.
    ObjetJournalise("indicateurs.Rapport", "territoire", exclus=("etape",)),
    ObjetJournalise("indicateurs.VersionRapport", "rapport__territoire"),
    ObjetJournalise("programme.Action", "feuille_de_route__region"),
    ObjetJournalise("programme.Jalon", "action__feuille_de_route__region"),
    ObjetJournalise("programme.RevueAnnuelle", "feuille_de_route__region"),
    ObjetJournalise("partenariats.Convention", "territoire"),
    ObjetJournalise("partenariats.Contact", "territoire"),
    ObjetJournalise("partenariats.RencontreBilaterale", "territoire"),
)
