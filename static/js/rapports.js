// Suivi de la génération d'un rapport : relit l'état toutes les deux secondes et met à jour l'étape ;
// la page se recharge une fois le rapport prêt (ou en échec) pour afficher le lien de téléchargement.
(function () {
  "use strict";
  const suivi = document.getElementById("suivi-rapport");
  if (!suivi || suivi.dataset.enTravail !== "1") return;
  const INTERVALLE_MS = 2000;
  const DUREE_MAX_MS = 20 * 60 * 1000; // au-delà, la tâche est tenue pour perdue : on cesse d'interroger
  const debut = Date.now();

  function champ(nom) {
    return suivi.querySelector('[data-suivi="' + nom + '"]');
  }

  function afficher(etat) {
    champ("etape").textContent = etat.etape;
    champ("rang").textContent = "Étape " + etat.rang + " sur " + etat.nombre_etapes;
    champ("barre").dataset.frCurrentStep = etat.rang;
    champ("suivante").textContent = etat.etape_suivante ? "Étape suivante : " + etat.etape_suivante : "";
  }

  async function relire() {
    try {
      const reponse = await fetch(suivi.dataset.urlStatut, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (reponse.ok) {
        const etat = await reponse.json();
        if (!etat.en_travail) {
          window.location.reload();
          return;
        }
        afficher(etat);
      }
    } catch (erreur) {
      // Réseau coupé un instant : on réessaie au tour suivant.
    }
    if (Date.now() - debut < DUREE_MAX_MS) {
      setTimeout(relire, INTERVALLE_MS);
    } else {
      champ("message").textContent = "La génération prend plus de temps que prévu : rechargez la page plus tard.";
    }
  }

  setTimeout(relire, INTERVALLE_MS);
})();
