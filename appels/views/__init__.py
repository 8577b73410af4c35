"""Les pages des appels, une famille par module : appels, candidatures (opérateurs), instruction (ARS)."""
