// Lettre d'intention : enregistre le brouillon une seconde après la dernière frappe, dit clairement
// « enregistré » et ce qui est déposé ou non (texte du serveur), et ajoute des lignes à l'équipe et aux partenariats.
// Rien ne se perd : une saisie en attente est enregistrée avant qu'un autre formulaire de la page
// (pièce jointe, choix de l'organisme) ne recharge la page, et envoyée par balise si l'on ferme l'onglet.
(function () {
  "use strict";
  const form = document.getElementById("lettre");
  const etat = document.getElementById("etat-brouillon");
  if (!form || !etat) return;
  let minuteur = null;

  async function enregistrer() {
    clearTimeout(minuteur);
    minuteur = null;
    const reponse = await fetch(form.dataset.urlBrouillon, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const resultat = await reponse.json();
    if (reponse.ok) {
      form.elements.version_brouillon.value = resultat.version;
      etat.textContent = resultat.etat;  // écrit par le serveur, qui sait si la lettre est déjà déposée
    } else {
      etat.textContent = resultat.erreur;
    }
  }

  form.addEventListener("input", function () {
    clearTimeout(minuteur);
    etat.textContent = "Modifications en cours d'enregistrement…";
    minuteur = setTimeout(enregistrer, 1000);
  });

  document.querySelectorAll("form").forEach(function (autre) {
    if (autre === form) return;
    autre.addEventListener("submit", async function (evenement) {
      if (minuteur === null) return;
      evenement.preventDefault();
      await enregistrer();
      autre.submit();
    });
  });

  window.addEventListener("pagehide", function () {
    if (minuteur !== null) navigator.sendBeacon(form.dataset.urlBrouillon, new FormData(form));
  });

  form.querySelectorAll(".liste-lignes").forEach(function (liste) {
    const total = liste.querySelector('input[name$="-TOTAL_FORMS"]');
    liste.querySelector(".ajouter-ligne").addEventListener("click", function () {
      // Le rang dans les noms des champs, le numéro (à partir de 1) dans leurs libellés.
      const modele = liste
        .querySelector("template")
        .innerHTML.replace(/__prefix__/g, total.value)
        .replace(/__numero__/g, Number(total.value) + 1);
      liste.querySelector(".lignes").insertAdjacentHTML("beforeend", modele);
      total.value = Number(total.value) + 1;
    });
  });
})();
