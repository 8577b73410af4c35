"""Les écritures des appels, chacune dans une transaction qui vérifie l'état de départ : publication et saisie
d'un appel (appels), brouillon, pièces et dépôts des opérateurs (candidatures), instruction par l'ARS
(instruction). Un refus est une ValidationError en français, avec un code ; une modification concurrente, un
commun.erreurs.Conflit."""
