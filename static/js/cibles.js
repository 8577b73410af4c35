// Grille des cibles : coller dans une case un bloc copié dans un tableur (lignes séparées par des retours, colonnes
// par des tabulations) le recopie dans les cases à partir de celle-ci, comme le fait la zone « Bloc à coller »
// côté serveur. Les nombres restent tels quels : le serveur les lit (« 2,5 », « 1 200 ») et nomme les erreurs.
(function () {
  "use strict";
  const grille = document.getElementById("grille-cibles");
  if (!grille) return;

  function lignesDuBloc(texte) {
    const bloc = texte.replace(/\r\n?/g, "\n").replace(/^\n+|\n+$/g, "");
    return bloc.split("\n").map((ligne) => ligne.split("\t"));
  }

  function caseEn(ligne, colonne) {
    return grille.querySelector(`input.case-cible[data-ligne="${ligne}"][data-colonne="${colonne}"]`);
  }

  grille.addEventListener("paste", (evenement) => {
    const depart = evenement.target;
    if (!depart.classList || !depart.classList.contains("case-cible")) return;
    const texte = (evenement.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n\r]/.test(texte)) return; // une seule valeur : le collage ordinaire
    evenement.preventDefault();
    const ligne0 = Number(depart.dataset.ligne);
    const colonne0 = Number(depart.dataset.colonne);
    let horsGrille = 0;
    lignesDuBloc(texte).forEach((valeurs, i) => {
      valeurs.forEach((valeur, j) => {
        const champ = caseEn(ligne0 + i, colonne0 + j);
        if (!champ) {
          horsGrille += 1;
          return;
        }
        champ.value = valeur.trim();
        champ.closest("td").classList.add("case--collee");
      });
    });
    const etat = document.getElementById("collage-etat");
    if (etat) {
      etat.textContent = horsGrille
        ? `Bloc recopié en partie : ${horsGrille} valeur(s) tombent hors de la grille.`
        : "Bloc recopié dans la grille : vérifiez les cases surlignées, puis enregistrez.";
    }
  });
})();
