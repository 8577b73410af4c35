from django.apps import AppConfig


class CommunConfig(AppConfig):
    """Sans modèle : ce que commun règle au démarrage (la recherche `__in` bornée, le rendu des formulaires)."""

    name = "commun"

    def ready(self):
        from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

        from commun import entrees  # noqa: F401 — enregistre InBorne sur IntegerField

        # DsfrBaseForm.default_renderer (django-dsfr 3.x) rend la classe de son moteur de rendu : Django en crée une
        # instance par formulaire, donc un moteur de gabarits neuf qui recompile les gabarits de chaque champ à chaque
        # page (la moitié du rendu de la cartographie France). Une instance partagée garde ses gabarits compilés,
        # comme le moteur par défaut de Django (get_default_renderer). Même classe : même rendu.
        DsfrBaseForm.default_renderer = DsfrDjangoTemplates()
