import { api, busy, el, notice, page, params, safeReturn, showProblem } from "../app.js";

page(async (user) => {
  const form = document.getElementById("connexion");
  const query = params();
  const retour = safeReturn(query.get("retour"));
  if (user) { window.location.assign(retour); return; }
  if (query.get("retour")) {
    notice(document.querySelector("main"), "Connectez-vous pour continuer : vous reviendrez ensuite à la page demandée.");
    // FranceConnect brings the person back to the same page (a shared training link)
    document.querySelector("a.franceconnect").href = `/api/auth/franceconnect?retour=${encodeURIComponent(retour)}`;
  }
  if (query.get("franceconnect") === "lier") {
    document.getElementById("franceconnect-bloc").hidden = true;
    notice(document.querySelector("main"), "Connectez-vous une fois avec votre numéro de sécurité sociale : votre identité FranceConnect sera liée à votre compte.");
  }
  document.getElementById("afficher").addEventListener("change", (event) => {
    document.getElementById("mot_de_passe").type = event.target.checked ? "text" : "password";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const nir = form.nir.value.replace(/\s/g, "");
      const { status, data } = await api("/sessions", { method: "POST", body: { nir, mot_de_passe: form.mot_de_passe.value } });
      if (status !== 200) { showProblem(form, data, status); return; }
      const next = data.retour ? safeReturn(data.retour) : retour;
      if (data.franceconnect === "non_lie") {
        // an identity left waiting on this browser was someone else's: say so, then go on
        form.replaceChildren(notice(form, data.franceconnect_motif, "erreur"),
          el("p", {}, el("a", { class: "bouton bouton-principal", href: next }, "Continuer")));
        return;
      }
      window.location.assign(next);
    });
  });
});
