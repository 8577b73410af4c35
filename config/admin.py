from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db import DataError, router, transaction
from django.urls import reverse

from config.policy import Regle, autorise


class ListeBornee:
    """Les listes de l'administration : un paramètre de filtre qu'on ne peut pas lire est un paramètre invalide.

    Django lit lui-même les paramètres de sa hiérarchie de dates (`cloture__day=…` → `datetime(…)`) et de ses
    filtres, et laisse passer OverflowError (quarante chiffres : hors de ce que datetime ou SQLite rangent) et
    la ValueError des filtres de tiers (« abc » pour l'identifiant du type de ressource du journal), ou sur
    PostgreSQL la DataError d'un identifiant hors de sa colonne dans ces filtres : un 500.
    Ici, comme pour tout paramètre invalide, Django renvoie à la liste sans filtre (`?e=1`)."""

    def get_changelist_instance(self, request):
        try:
            with transaction.atomic(using=router.db_for_read(self.model)):  # PostgreSQL : DataError, puis rien
                return super().get_changelist_instance(request)
        except (OverflowError, ValueError, DataError) as erreur:
            raise IncorrectLookupParameters(erreur) from erreur


class SiteAdministration(admin.AdminSite):
    site_header = "Pilotage PRAPS — administration"
    site_title = "Administration Pilotage PRAPS"
    index_title = "Référentiels, comptes et catalogues"

    def has_permission(self, request):
        return autorise(request.user, Regle.ADMINISTRATION)

    def register(self, model_or_iterable, admin_class=None, **options):
        """Chaque modèle enregistré, le nôtre comme celui d'une application de tiers (journal, axes, django-otp),
        a une liste bornée : la classe d'administration reçue, dérivée de ListeBornee si elle ne l'est pas."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ListeBornee):
            admin_class = type(
                admin_class.__name__, (ListeBornee, admin_class), {"__module__": admin_class.__module__}
            )
        super().register(model_or_iterable, admin_class, **options)

    @login_not_required
    def login(self, request, extra_context=None):
        """Pas de connexion à part pour l'administration : la page commune demande le second facteur (le mot de passe
        seul n'y suffit pas, comptes/backends.py)."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next", reverse("admin:index")))
        return super().login(request, extra_context)
