from django.db import models

from dispositifs.validators import valider_siren


class Organisme(models.Model):
    """Organisme gestionnaire (association, établissement de santé…) qui porte des dispositifs."""

    nom = models.CharField("nom", max_length=200)
    statut_juridique = models.CharField("statut juridique", max_length=100, blank=True)
    siren = models.CharField(
        "SIREN",
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[valider_siren],
    )
    fictif = models.BooleanField(
        "fictif", default=False, help_text="Organisme inventé pour la démonstration ou les tests."
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "organisme gestionnaire"
        verbose_name_plural = "organismes gestionnaires"
        ordering = ["nom"]

    def __str__(self):
        return self.nom
