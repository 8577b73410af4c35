"""Ce que la base jetable contient pour la charge : les opérateurs chacun dans son organisme, un appel ouvert dont la
date limite est fixée au dernier moment ; et les dépôts qu'on y relit ensuite."""

import secrets
from datetime import timedelta

from django.utils import timezone

from appels.models import Appel, Depot, Nature, StatutAppel
from bench.commun import hacher_comme_en_production
from bench.depots.verification import DepotEnBase
from comptes.models import Role, Utilisateur
from dispositifs.models import Organisme


def creer_operateurs(nombre: int) -> tuple[list[str], str]:
    """`nombre` opérateurs, chacun membre de son propre organisme ; un seul hachage (coûteux) pour tous."""
    mot_de_passe = secrets.token_urlsafe(16)
    hachage = hacher_comme_en_production(mot_de_passe)
    organismes = Organisme.objects.bulk_create(
        Organisme(nom=f"Association de la mesure de charge n° {i} (fictive)", fictif=True) for i in range(nombre)
    )
    comptes = Utilisateur.objects.bulk_create(
        Utilisateur(email=f"operateur{i}@charge.example", role=Role.OPERATEUR, password=hachage, last_name=f"n° {i}")
        for i in range(nombre)
    )
    Membre = Utilisateur.organismes.through
    Membre.objects.bulk_create(
        Membre(utilisateur_id=compte.pk, organisme_id=organisme.pk)
        for compte, organisme in zip(comptes, organismes, strict=True)
    )
    return [compte.email for compte in comptes], mot_de_passe


def ouvrir_appel(region) -> Appel:
    """Un appel ouvert ; sa date limite, lointaine le temps que les opérateurs se préparent, est fixée ensuite."""
    maintenant = timezone.now()
    return Appel.objects.create(
        nature=Nature.AMI,
        titre="Appel de la mesure de charge (fictif)",
        reference="charge-depots",
        region=region,
        description="Appel inventé pour la mesure de charge à la date limite.",
        ouverture=maintenant - timedelta(seconds=1),
        cloture=maintenant + timedelta(minutes=10),
        statut=StatutAppel.PUBLIE,
        fictif=True,
    )


def fixer_date_limite(appel, fenetre: int) -> float:
    appel.cloture = timezone.now() + timedelta(seconds=fenetre)
    appel.save(update_fields=["cloture"])
    return appel.cloture.timestamp()


def depots_en_base(appel) -> list[DepotEnBase]:
    lignes = Depot.objects.filter(candidature__appel=appel).values_list("numero", "cle_idempotence", "depose_le")
    return [DepotEnBase(numero, cle, depose_le.timestamp()) for numero, cle, depose_le in lignes]


def accuses_manquants(appel) -> int:
    return Depot.objects.filter(candidature__appel=appel, accuse="").count()
