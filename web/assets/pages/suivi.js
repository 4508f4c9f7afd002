// Where a help request stands: its reference and the email given with it (in the body of the
// request, never in a URL), or the session it was sent with.
import { api, busy, dateTimeFr, el, notice, page, params, showProblem } from "../app.js";

const STATUTS = {
  recue: "Reçue : elle va être examinée.",
  resolue_automatiquement: "Résolue : votre compte élu est reconnu. Connectez-vous pour voir vos droits.",
  transmise: "Transmise aux équipes de la Caisse des Dépôts, qui vous répondront par courriel.",
  echec: "En cours de traitement par les équipes de la Caisse des Dépôts (une vérification manuelle est nécessaire).",
};
const SITUATIONS = {
  creation_impossible_retraite: "Création de compte (retraité ou plus de 70 ans)",
  droits_elu_invisibles: "Mon compte élu ne s'affiche pas",
};

let current = null;  // { reference, email } of the request shown

page(async (user) => {
  const form = document.getElementById("suivi");
  documentForm();
  const reference = params().get("reference") || "";
  form.reference.value = reference;
  if (user) form.email.value = user.email;
  if (user && reference) {
    const { status, data } = await api(`/support-requests/${encodeURIComponent(reference)}`);
    if (status === 200) { current = { reference, email: null }; show(data); return; }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, async () => {
      const ref = form.reference.value.trim().toUpperCase();
      const { status, data } = await api(`/support-requests/${encodeURIComponent(ref)}/consultation`, { method: "POST", body: { email: form.email.value.trim() } });
      if (status !== 200) { showProblem(form, data, status); return; }
      current = { reference: ref, email: form.email.value.trim() };
      show(data);
    });
  });
});

function show(request) {
  const box = document.getElementById("etat-demande");
  box.replaceChildren(el("section", { class: "carte", "aria-labelledby": "titre-demande", tabindex: "-1" },
    el("h2", { id: "titre-demande" }, `Demande ${request.reference}`),
    el("dl", {},
      el("dt", {}, "Situation"), el("dd", {}, SITUATIONS[request.situation] || request.situation),
      request.recue_le ? [el("dt", {}, "Reçue le"), el("dd", {}, dateTimeFr(request.recue_le))] : null,
      el("dt", {}, "État"), el("dd", {}, STATUTS[request.statut] || request.statut),
      el("dt", {}, "Documents joints"),
      el("dd", {}, (request.pieces || []).length ? `${request.pieces.length} document(s)` : "aucun"))));
  document.getElementById("documents").hidden = false;
  box.firstChild.focus();
}

// A document goes from the browser straight to its bucket (a presigned POST the API signs for
// this request, this type and this size): it never passes through the API.
function documentForm() {
  const form = document.getElementById("envoi-document");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const file = form.document.files[0];
    if (!file || !current) {
      showProblem(form, { detail: "Choisissez un document.", errors: [{ champ: "type", message: "Choisissez un fichier PDF, JPEG ou PNG." }] }, 400);
      return;
    }
    busy(form, async () => {
      const body = { type: file.type, taille: file.size, ...(current.email ? { email: current.email } : {}) };
      const { status, data } = await api(`/support-requests/${encodeURIComponent(current.reference)}/pieces`, { method: "POST", body });
      if (status !== 201) { showProblem(form, data, status); return; }
      const upload = new FormData();
      for (const [name, value] of Object.entries(data.champs)) upload.append(name, value);
      upload.append("file", file);
      let sent;
      try { sent = await fetch(data.url, { method: "POST", body: upload }); } catch { sent = null; }
      if (!sent || !sent.ok) { showProblem(form, { detail: "Le document n'a pas pu être envoyé : réessayez." }, 0); return; }
      form.reset();
      notice(form, `Document joint (${file.name}). La Caisse des Dépôts en est informée.`, "succes");
      const refreshed = current.email
        ? await api(`/support-requests/${encodeURIComponent(current.reference)}/consultation`, { method: "POST", body: { email: current.email } })
        : await api(`/support-requests/${encodeURIComponent(current.reference)}`);
      if (refreshed.status === 200) show(refreshed.data);
    });
  });
}
