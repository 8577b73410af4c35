from django.apps import AppConfig


class DonneesConfig(AppConfig):
    """Les données ouvertes (issue 14) : sans modèle, chaque jeu se calcule depuis les tables des autres
    applications."""

    name = "donnees"
    verbose_name = "Données ouvertes"
