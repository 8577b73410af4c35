from django.apps import AppConfig


class AppelsConfig(AppConfig):
    name = "appels"
    verbose_name = "Appels à projets"
