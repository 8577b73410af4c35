from django.apps import AppConfig


class IndicateursConfig(AppConfig):
    name = "indicateurs"
    verbose_name = "Indicateurs"

    def ready(self):
        from indicateurs import receivers  # noqa: F401 (branche le recalcul après un changement de dispositifs)
