// "Mot de passe oublié" (ask for a link) and "Nouveau mot de passe" (the link's page).
import { api, busy, el, notice, page, params, showProblem } from "../app.js";

page(async () => {
  const ask = document.getElementById("oubli");
  const choose = document.getElementById("nouveau");
  if (ask) {
    ask.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(ask, async () => {
        const { status, data } = await api("/password-resets", { method: "POST", body: { nir: ask.nir.value.replace(/\s/g, "") } });
        if (status !== 202) { showProblem(ask, data, status); return; }
        ask.hidden = true;
        notice(document.querySelector("main"), data.message, "succes");
      });
    });
  }
  if (choose) {
    // the link carries its token in the fragment, which no server sees
    const token = new URLSearchParams(window.location.hash.slice(1)).get("jeton") || "";
    choose.addEventListener("submit", (event) => {
      event.preventDefault();
      busy(choose, async () => {
        const { status, data } = await api("/password-resets/confirmation", { method: "POST", body: { jeton: token, mot_de_passe: choose.mot_de_passe.value } });
        if (status !== 200) { showProblem(choose, data, status); return; }
        choose.hidden = true;
        notice(document.querySelector("main"), "Votre mot de passe est modifié. Toutes vos sessions ont été fermées.", "succes")
          .append(el("p", {}, el("a", { class: "bouton bouton-principal", href: "/connexion" }, "Me connecter")));
      });
    });
  }
});
