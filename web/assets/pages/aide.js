import { api, busy, el, formValues, page, showProblem } from "../app.js";

page(async (user) => {
  const form = document.getElementById("aide");
  if (user) {
    form.email.value = user.email;
    form.nom_naissance.value = user.nom_naissance || "";
    form.prenoms.value = user.prenoms || "";
  }
  // Case 1 needs nothing more: its answer is a procedure, and nothing is sent.
  const details = document.getElementById("details");
  const submit = form.querySelector("button[type=submit]");
  const onSituation = () => {
    const working = form.situation.value === "creation_impossible_actif";
    details.hidden = working;
    details.querySelectorAll("input").forEach((input) => { input.disabled = working; });
    submit.textContent = working ? "Voir la marche à suivre" : "Envoyer ma demande";
  };
  form.querySelectorAll("[name=situation]").forEach((radio) => radio.addEventListener("change", onSituation));
  onSituation();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const values = formValues(form);
      if (!values.nom_usage) delete values.nom_usage;
      const { status, data } = await api("/support-requests", { method: "POST", body: values });
      const result = document.getElementById("resultat");
      if (status === 202) {
        form.hidden = true;
        result.replaceChildren(el("div", { class: "alerte alerte-succes", role: "status", tabindex: "-1" },
          el("h2", {}, "Votre demande est enregistrée"),
          el("p", {}, "Référence : ", el("strong", { id: "reference" }, data.reference)),
          el("p", {}, `Elle est transmise aux équipes de la Caisse des Dépôts ; la réponse vous parviendra à ${values.email}. Un accusé de réception vous est envoyé.`),
          el("p", {}, el("a", { href: `/suivi?reference=${encodeURIComponent(data.reference)}` }, "Suivre ma demande"))));
        result.firstChild.focus();
      } else if (status === 200) {
        result.replaceChildren(el("div", { class: "alerte", role: "status", tabindex: "-1" },
          el("p", {}, data.message), el("p", {}, el("a", { href: data.procedure, rel: "noopener" }, "Voir la marche à suivre sur Mon Compte Formation"))));
        result.firstChild.focus();
      } else {
        showProblem(form, data, status);
      }
    });
  });
});
