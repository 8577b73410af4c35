from django.apps import AppConfig


class PartenariatsConfig(AppConfig):
    name = "partenariats"
    verbose_name = "Partenariats"
