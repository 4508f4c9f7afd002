import { api, busy, clearErrors, el, formValues, notice, page, params, showProblem } from "../app.js";

const STEPS = ["identite", "contact", "adresse", "mot-de-passe"];

page(async (user) => {
  if (user) { window.location.assign("/espace"); return; }
  const form = document.getElementById("inscription");
  const main = document.querySelector("main");
  let current = 0;

  if (params().get("franceconnect") === "identite") await fillFromFranceConnect(form, main);

  const show = (index) => {
    current = index;
    form.querySelectorAll("fieldset[data-etape]").forEach((set) => { set.hidden = set.dataset.etape !== STEPS[index]; });
    document.querySelectorAll(".etapes li").forEach((item) => {
      if (item.dataset.etape === STEPS[index]) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
    document.getElementById("precedent").hidden = index === 0;
    document.getElementById("suivant").textContent = index === STEPS.length - 1 ? "Créer mon compte" : "Étape suivante";
    const first = form.querySelector(`fieldset[data-etape="${STEPS[index]}"] input:not([readonly])`);
    if (first) first.focus();
  };
  show(0);

  document.getElementById("precedent").addEventListener("click", () => { clearErrors(form); show(current - 1); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const step = STEPS[current];
      const values = formValues(form.querySelector(`fieldset[data-etape="${step}"]`));
      if (step === "identite") values.nir = (values.nir || "").replace(/\s/g, "");
      if (step === "mot-de-passe" && values.mot_de_passe !== form.confirmation.value) {
        showProblem(form, { detail: "Les deux mots de passe ne sont pas identiques.",
          errors: [{ champ: "confirmation", message: "Confirmation : saisissez le même mot de passe." }] }, 400);
        return;
      }
      delete values.confirmation;
      const checked = await api(`/signup/steps/${step}`, { method: "POST", body: values });
      if (checked.status !== 200) { showProblem(form, checked.data, checked.status); return; }
      clearErrors(form);
      if (current < STEPS.length - 1) { show(current + 1); return; }
      const all = formValues(form);
      delete all.confirmation;
      all.nir = all.nir.replace(/\s/g, "");
      const created = await api("/accounts", { method: "POST", body: all });
      if (created.status !== 201) {
        showProblem(form, created.data, created.status);
        const wrong = (created.data && created.data.errors || [])[0];
        const step = wrong && STEPS.find((name) => form.querySelector(`fieldset[data-etape="${name}"] [name="${wrong.champ}"]`));
        if (step) show(STEPS.indexOf(step));
        return;
      }
      verify(all.email, main);
    });
  });
});

async function fillFromFranceConnect(form, main) {
  const { status, data } = await api("/auth/franceconnect/identity");
  if (status !== 200) {
    notice(main, "Votre identité FranceConnect n'est plus disponible : reconnectez-vous avec FranceConnect.", "erreur");
    return;
  }
  for (const [name, value] of Object.entries(data.identite)) {
    if (name === "sexe") {
      form.querySelectorAll("[name=sexe]").forEach((radio) => { radio.checked = radio.value === value; radio.disabled = radio.value !== value; });
      continue;
    }
    const field = form.querySelector(`[name="${name}"]`);
    // dates shown as people write them (the API's 1968-09-02 becomes 02/09/1968)
    const shown = field && field.dataset.date !== undefined && value ? value.split("-").reverse().join("/") : value;
    if (field) { field.value = shown || ""; field.readOnly = true; }
  }
  if (data.email) form.email.value = data.email;
  const box = notice(main, "Votre identité est certifiée par FranceConnect : ces champs ne sont pas modifiables. Complétez les autres informations.");
  box.append(el("p", {}, "Vous avez déjà un compte ? ", el("a", { href: "/connexion?franceconnect=lier" }, "Connectez-vous pour y lier FranceConnect")));
}

function verify(email, main) {
  document.getElementById("inscription").hidden = true;
  document.querySelector(".etapes").hidden = true;
  const form = document.getElementById("verification");
  form.hidden = false;
  document.getElementById("verification-texte").textContent =
    `Un code à 6 chiffres vient d'être envoyé à ${email}. Il est valable 15 minutes.`;
  form.code.focus();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const { status, data } = await api("/accounts/verification", { method: "POST", body: { email, code: form.code.value.trim() } });
      if (status !== 200) { showProblem(form, data, status); return; }
      form.hidden = true;
      const done = notice(main, "Votre compte est activé. Vous pouvez vous connecter.", "succes");
      done.append(el("p", {}, el("a", { class: "bouton bouton-principal", href: "/connexion" }, "Me connecter")));
      done.setAttribute("tabindex", "-1");
      done.focus();
    });
  });
  document.getElementById("renvoyer").addEventListener("click", async () => {
    const { data } = await api("/accounts/verification-codes", { method: "POST", body: { email } });
    clearErrors(form);
    notice(form, (data && data.message) || "Si un compte attend sa vérification, un nouveau code a été envoyé.", "succes");
  });
}
