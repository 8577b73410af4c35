"""`python -m bench.depots` (`make load-depot`) : la charge simulée au moment de la date limite d'un appel.

- `charge` : le déroulement de bout en bout et le bilan en JSON ;
- `donnees` : ce que la base jetable contient (opérateurs, appel) et les dépôts qu'on y relit ;
- `reference` : la vue de référence (POST connecté, CSRF, une ligne) et sa mesure ;
- `navigateur` : un client HTTP qui garde ses cookies, et ce qu'on lit dans les réponses ;
- `operateurs` : les opérateurs simulés, qui déposent en rafale ;
- `verification` : ce que les opérateurs ont reçu confronté à la base (fonctions pures).

gunicorn et le worker Celery sont lancés par `bench.serveur`, avec les adresses de `bench.urls`.
"""
