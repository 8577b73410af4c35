"""Comptes de démonstration : un par rôle, tous avec le mot de passe MOT_DE_PASSE_DEMO."""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from comptes.models import Role, Utilisateur
from dispositifs.models import Organisme
from territoires.models import Territoire

ORGANISMES_DEMO = [
    {"nom": "Association Solidarité Santé Nord (fictive)", "statut_juridique": "Association loi 1901"},
    {"nom": "Association Accueil et Soins Picardie (fictive)", "statut_juridique": "Association loi 1901"},
]

COMPTES_DEMO = [
    # (courriel, prénom, nom, rôle, code de région, index de l'organisme)
    ("admin@demo.example", "Alice", "Administratrice", Role.ADMINISTRATEUR, None, None),
    ("planificateur@demo.example", "Paul", "Planificateur", Role.PLANIFICATEUR, "32", None),
    ("instructeur@demo.example", "Inès", "Instructrice", Role.INSTRUCTEUR, "32", None),
    ("planificateur-idf@demo.example", "Pauline", "Planificatrice", Role.PLANIFICATEUR, "11", None),
    ("dreets@demo.example", "Denis", "Agent DREETS", Role.DREETS, "32", None),
    # L'appel d'Île-de-France s'instruit par l'ARS et la DREETS de la région.
    ("instructeur-idf@demo.example", "Ilan", "Instructeur", Role.INSTRUCTEUR, "11", None),
    ("dreets-idf@demo.example", "Diane", "Agente DREETS", Role.DREETS, "11", None),
    # Le ministère (issue 14) : toutes les régions en lecture, les cibles nationales en écriture.
    ("national@demo.example", "Nadia", "Agente nationale", Role.NATIONAL, None, None),
    ("operateur@demo.example", "Omar", "Opérateur", Role.OPERATEUR, None, 0),
    ("operateur2@demo.example", "Odile", "Opératrice", Role.OPERATEUR, None, 1),
]


@transaction.atomic
def creer_comptes_demo() -> list[Utilisateur]:
    """Crée ou remet à zéro les comptes de démonstration (idempotent)."""
    organismes = [
        Organisme.objects.update_or_create(nom=o["nom"], defaults={**o, "fictif": True})[0] for o in ORGANISMES_DEMO
    ]
    regions = {r.code: r for r in Territoire.objects.regions()}
    mot_de_passe = make_password(settings.MOT_DE_PASSE_DEMO)  # un seul hachage, coûteux à dessein
    comptes = []
    for email, prenom, nom, role, code_region, index_organisme in COMPTES_DEMO:
        administrateur = role == Role.ADMINISTRATEUR
        user, _ = Utilisateur.objects.update_or_create(
            email=email,
            defaults={
                "first_name": prenom,
                "last_name": nom,
                "role": role,
                "region": regions[code_region] if code_region else None,
                "is_staff": administrateur,
                "is_superuser": administrateur,
                "password": mot_de_passe,
            },
        )
        if index_organisme is not None:
            user.organismes.set([organismes[index_organisme]])
        comptes.append(user)
    return comptes
