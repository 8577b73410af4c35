"""Lancé par tests/test_sqlite_concurrent.py dans un processus à part, sur la base SQLite fichier de DATABASE_URL
(neuve) : des fils modifient en même temps la même cible par l'API, avec la même version lue, comme plusieurs
onglets de la démonstration. Écrit une ligne JSON : les statuts reçus et la version finale de la cible."""

import json
import sys
import threading

import django


def main(nb_fils: int) -> dict:
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from planification.models import Cible
    from tests.comptes.factories import UtilisateurFactory
    from tests.planification.factories import CibleFactory

    call_command("migrate", verbosity=0)
    planificateur = UtilisateurFactory(planificateur=True)
    cible = CibleFactory(territoire=planificateur.region)
    jeton = Token.objects.create(user=planificateur).key
    depart = threading.Barrier(nb_fils)
    statuts = [None] * nb_fils

    def modifier(rang: int):
        client = Client(raise_request_exception=False)  # une erreur serveur est une réponse 500, comptée
        depart.wait()
        reponse = client.patch(
            f"/api/v1/cibles/{cible.pk}/",
            {"valeur": 60 + rang, "version": 1, "motif": f"Onglet {rang}"},
            content_type="application/json",
            headers={"Authorization": f"Token {jeton}"},
        )
        statuts[rang] = reponse.status_code
        connections.close_all()

    fils = [threading.Thread(target=modifier, args=(rang,)) for rang in range(nb_fils)]
    for un_fil in fils:
        un_fil.start()
    for un_fil in fils:
        un_fil.join()
    return {"statuts": statuts, "version": Cible.objects.get(pk=cible.pk).version}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
