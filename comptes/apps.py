from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "comptes"
    label = "comptes"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from comptes import checks  # noqa: F401 — enregistre les vérifications de déploiement
