"""`python -m bench.indicateurs` (`make bench`) : les indicateurs à l'échelle nationale, dans une base PostgreSQL
à eux, créée puis détruite.

- `mesure` : le déroulement et l'ordre des figures ;
- `donnees_nationales` : le jeu synthétique national, écrit par COPY ;
- `agregats` : l'agrégation face au GROUP BY brut, et le recalcul après une validation ;
- `pages` : chaque page (catalogue déclaratif), le tableau de bord régional et l'API des agrégats, par le client de
  test de Django, aux deux tailles du jeu ;
- `rapport` : le rapport PDF régional face à WeasyPrint seul, et sa mémoire.

Chaque mesure est une ligne JSON sur la sortie standard (`{"figure": …}`) ; l'avancement va sur la sortie d'erreur.
Les temps sont ceux d'un processus, sur une machine peut-être partagée : ce sont les rapports (agrégation face au
GROUP BY brut, rapport face à WeasyPrint seul), mesurés dans le même passage, qui se comparent d'une machine à
l'autre.
"""

OBJECTIFS = {
    "agregation": "ratio ≤ 2 (au plus 2 fois le GROUP BY brut)",
    "incremental": "p95 ≤ 0,1 s à 9 M valeurs",
    "tableau": "p95 < 150 ms, nombre de requêtes constant",
    "api": "p95 < 150 ms (même exigence que les pages)",
    "pdf": "< 3 s et ratio ≤ 1,2 (WeasyPrint seul)",
    "pages": "p95 ≤ 100 ms, requêtes égales aux deux tailles",
}
