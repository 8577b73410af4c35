from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, Tags.database, deploy=True)
def aucun_compte_de_demonstration(app_configs, databases=None, **kwargs):
    """`manage.py check --deploy --database default` échoue si un compte actif a le mot de passe public
    de la démonstration : la production refuse alors de démarrer (voir docker-compose.yml)."""
    if not databases or settings.DEBUG:
        return []
    from comptes.models import Utilisateur

    try:
        comptes = list(Utilisateur.objects.filter(is_active=True, email__endswith="@demo.example"))
    except DatabaseError:  # base pas encore migrée : rien à vérifier
        return []
    return [
        Error(
            f"Le compte {compte.email} a le mot de passe public de démonstration.",
            hint="Désactivez-le ou changez son mot de passe avant de mettre en production.",
            id="praps.E001",
        )
        for compte in comptes
        if compte.check_password(settings.MOT_DE_PASSE_DEMO)
    ]
