from django.apps import AppConfig


class ComptesConfig(AppConfig):
    name = "config.comptes"
    label = "comptes"
    verbose_name = "Comptes et rôles"
