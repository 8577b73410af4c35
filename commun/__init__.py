"""Les outils que plusieurs applications partagent, écrits une seule fois : mois, notifications, erreurs,
tri alphabétique, exports tableur et PDF. Aucun modèle ni aucune règle métier ici."""
