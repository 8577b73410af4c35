from django.apps import AppConfig


class PlanificationConfig(AppConfig):
    name = "planification"
    verbose_name = "Planification : horizons et cibles"
