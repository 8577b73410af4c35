"""`python -m bench.finess` (`make bench-finess`) : l'import FINESS, puis le réimport, sur une extraction synthétique
au format réel.

- `mesure` : la base jetable et les deux mesures, une ligne JSON chacune ;
- `extraction` : l'écriture de l'extraction synthétique (Latin-1, lignes fictives).
"""
