"""Les formulaires des appels : saisie d'un appel (appels), lettre d'intention (lettre), instruction (instruction)."""
