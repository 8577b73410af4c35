"""Les pages des déclarations mensuelles : l'opérateur déclare (declarations), l'ARS valide (validation) et
suit l'attendu et le reçu (suivi)."""
