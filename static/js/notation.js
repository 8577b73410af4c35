// Grille de notation : recalcule le total pondéré à chaque frappe, comme le serveur le calcule
// (Σ note × poids / Σ poids, ramené sur 100). Tant qu'un critère manque, le total est dit provisoire.
(function () {
  "use strict";
  const form = document.getElementById("form-avis");
  const sortie = document.getElementById("total-avis");
  if (!form || !sortie) return;
  const champs = Array.from(form.querySelectorAll("input[data-poids]"));
  const format = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  function noteLue(champ) {
    if (champ.value.trim() === "") return null;
    const note = Number(champ.value.replace(",", "."));
    return Number.isInteger(note) && note >= 0 && note <= 10 ? note : NaN;
  }

  function recalculer() {
    let somme = 0;
    let poidsNotes = 0;
    let notes = 0;
    for (const champ of champs) {
      const note = noteLue(champ);
      if (note === null) continue;
      if (Number.isNaN(note)) {
        sortie.textContent = "Note invalide : un entier de 0 à 10.";
        return;
      }
      const poids = Number(champ.dataset.poids);
      somme += note * poids;
      poidsNotes += poids;
      notes += 1;
    }
    if (notes === 0) {
      sortie.textContent = "—";
    } else if (notes === champs.length) {
      sortie.textContent = format.format((somme * 10) / poidsNotes) + " / 100";
    } else {
      sortie.textContent =
        format.format((somme * 10) / poidsNotes) + " / 100, provisoire : " + notes + " critère" +
        (notes > 1 ? "s" : "") + " noté" + (notes > 1 ? "s" : "") + " sur " + champs.length;
    }
  }

  form.addEventListener("input", recalculer);
  recalculer();
})();
