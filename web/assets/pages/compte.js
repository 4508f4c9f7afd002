// "Mon compte": identity (read only), contact data, email and password changes, export, deletion.
import { api, busy, clearErrors, el, formValues, loginUrl, notice, page, showProblem } from "../app.js";

const IDENTITE = [
  ["Nom de naissance", "nom_naissance"], ["Nom d'usage", "nom_usage"], ["Prénom(s)", "prenoms"],
];

page(async (user) => {
  if (!user) { window.location.assign(loginUrl()); return; }
  show(user);
  contactForm(user);
  emailForms();
  passwordForm();
  deletionForm();
});

function show(user) {
  const list = document.getElementById("identite");
  list.replaceChildren(...IDENTITE.flatMap(([label, key]) => [el("dt", {}, label), el("dd", {}, user[key] || "—")]),
    el("dt", {}, "Identité"), el("dd", {}, user.identite === "certifiee" ? "Certifiée par FranceConnect" : "Déclarée à l'inscription"));
  document.getElementById("email-actuel").textContent = user.email;
  const form = document.getElementById("coordonnees");
  form.telephone.value = user.telephone || "";
  for (const key of ["ligne1", "code_postal", "commune", "pays"]) form[`adresse.${key}`].value = (user.adresse || {})[key] || "";
  form.diplome.value = user.diplome || "";
}

function contactForm() {
  const form = document.getElementById("coordonnees");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const { status, data } = await api("/me", { method: "PATCH", body: formValues(form) });
      if (status !== 200) { showProblem(form, data, status); return; }
      clearErrors(form);
      show(data);
      notice(form, "Vos coordonnées sont enregistrées.", "succes");
    });
  });
}

function emailForms() {
  const ask = document.getElementById("email");
  const confirm = document.getElementById("email-code");
  ask.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(ask, async () => {
      const { status, data } = await api("/me/email", { method: "POST", body: formValues(ask) });
      if (status !== 202) { showProblem(ask, data, status); return; }
      clearErrors(ask);
      ask.hidden = true;
      confirm.hidden = false;
      notice(confirm, data.message, "succes");
      confirm.code.focus();
    });
  });
  confirm.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(confirm, async () => {
      const { status, data } = await api("/me/email/verification", { method: "POST", body: formValues(confirm) });
      if (status !== 200) { showProblem(confirm, data, status); return; }
      clearErrors(confirm);
      confirm.hidden = true;
      ask.hidden = false;
      ask.reset();
      show(data);
      notice(ask, `Votre adresse est maintenant ${data.email}.`, "succes");
    });
  });
}

function passwordForm() {
  const form = document.getElementById("mot-de-passe");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const { status, data } = await api("/me/mot-de-passe", { method: "POST", body: formValues(form) });
      if (status !== 204) { showProblem(form, data, status); return; }
      clearErrors(form);
      form.reset();
      notice(form, "Votre mot de passe est changé. Vos autres sessions sont fermées.", "succes");
    });
  });
}

function deletionForm() {
  const form = document.getElementById("suppression");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.confirmation.checked) {
      showProblem(form, { detail: "Cochez la case pour confirmer la suppression.", errors: [{ champ: "confirmation", message: "Confirmez en cochant la case." }] }, 400);
      return;
    }
    busy(form, async () => {
      const { status, data } = await api("/me", { method: "DELETE", body: { mot_de_passe: form.mot_de_passe.value } });
      if (status !== 204) { showProblem(form, data, status); return; }
      const main = document.querySelector("main");
      main.replaceChildren(el("h1", {}, "Votre compte est supprimé"),
        el("p", {}, "Vos données ont été effacées. Un message de confirmation vous a été envoyé."),
        el("p", {}, el("a", { class: "bouton", href: "/" }, "Retour à l'accueil")));
      main.focus();
    });
  });
}
