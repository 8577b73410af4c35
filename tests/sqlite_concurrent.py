"""Lancé par tests/test_sqlite_concurrent.py dans un processus à part, sur la base SQLite fichier de DATABASE_URL
(neuve) : des fils modifient en même temps la même cible par l'API, avec la même version lue, comme plusieurs
onglets de la démonstration ; puis chacun la sienne, en même temps (autant de chaînages simultanés du journal).
Écrit une ligne JSON : les statuts reçus, la version finale de la cible et la vérification du journal."""

import dataclasses
import json
import sys
import threading

import django


def main(nb_fils: int) -> dict:
    django.setup()
    from auditlog.models import LogEntry
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from dispositifs.models import TypeDispositif
    from journal.verification import verifier_chaine
    from planification.models import Cible
    from tests.comptes.factories import UtilisateurFactory
    from tests.planification.factories import CibleFactory, HorizonFactory

    call_command("migrate", verbosity=0)
    planificateur = UtilisateurFactory(planificateur=True)
    types = list(TypeDispositif.objects.order_by("code")[: nb_fils + 1])  # le catalogue, semé par migration
    horizon = HorizonFactory()
    cible, *autres = [CibleFactory(territoire=planificateur.region, type=t, horizon=horizon) for t in types]
    jeton = Token.objects.create(user=planificateur).key

    def modifier(cibles):
        depart, statuts = threading.Barrier(len(cibles)), [None] * len(cibles)

        def envoyer(rang: int):
            client = Client(raise_request_exception=False)  # une erreur serveur est une réponse 500, comptée
            depart.wait()
            reponse = client.patch(
                f"/api/v1/cibles/{cibles[rang].pk}/",
                {"valeur": 60 + rang, "version": 1, "motif": f"Onglet {rang}"},
                content_type="application/json",
                headers={"Authorization": f"Token {jeton}"},
            )
            statuts[rang] = reponse.status_code
            connections.close_all()

        fils = [threading.Thread(target=envoyer, args=(rang,)) for rang in range(len(cibles))]
        for un_fil in fils:
            un_fil.start()
        for un_fil in fils:
            un_fil.join()
        return statuts

    return {
        "statuts": modifier([cible] * nb_fils),
        "version": Cible.objects.get(pk=cible.pk).version,
        "statuts_chacun_la_sienne": modifier(autres),
        "journal": dataclasses.asdict(verifier_chaine()),
        "entrees": LogEntry.objects.count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
