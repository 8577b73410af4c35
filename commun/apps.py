from django.apps import AppConfig


class CommunConfig(AppConfig):
    """Sans modèle : enregistre au démarrage ce que commun ajoute à l'ORM (la recherche `__in` bornée)."""

    name = "commun"

    def ready(self):
        from commun import entrees  # noqa: F401 — enregistre InBorne sur IntegerField
