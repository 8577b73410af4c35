"""Les mesures à l'échelle, hors des applications : chacune se lance avec `python -m bench.<nom>` (voir son --help).

- `bench.depots` (`make load-depot`) : la charge des dépôts au moment de la date limite ;
- `bench.indicateurs` (`make bench`) : les indicateurs à l'échelle nationale ;
- `bench.finess` (`make bench-finess`) : l'import FINESS de 100 000 lignes.

Chacune travaille dans une base jetable et n'importe des applications que leurs modèles et leurs services.
"""
