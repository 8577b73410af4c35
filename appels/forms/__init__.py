"""Les formulaires des appels : saisie d'un appel (appels), lettre d'intention (lettre) et ses pièces
jointes (pieces), instruction (instruction)."""
