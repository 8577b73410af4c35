"""Le backend de connexion a changé de chemin (config.comptes.backends.EmailBackend est devenu
comptes.backends.ConnexionParCourriel) : Django déconnecterait toute session qui garde l'ancien. Les sessions
ouvertes le gardent donc sous son nouveau nom, et personne n'est déconnecté par la mise à jour."""

from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations

ANCIEN = "config.comptes.backends.EmailBackend"
NOUVEAU = "comptes.backends.ConnexionParCourriel"
CLE = "_auth_user_backend"  # django.contrib.auth.BACKEND_SESSION_KEY


def renommer(apps, schema_editor, ancien=ANCIEN, nouveau=NOUVEAU):
    Session = apps.get_model("sessions", "Session")
    magasin = SessionStore()
    for session in Session.objects.iterator():
        donnees = magasin.decode(session.session_data)
        if donnees.get(CLE) == ancien:
            donnees[CLE] = nouveau
            session.session_data = magasin.encode(donnees)
            session.save(update_fields=["session_data"])


def revenir(apps, schema_editor):
    renommer(apps, schema_editor, ancien=NOUVEAU, nouveau=ANCIEN)


class Migration(migrations.Migration):
    dependencies = [
        ("comptes", "0003_demandeinscription"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(renommer, revenir)]
