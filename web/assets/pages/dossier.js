import { api, clearErrors, dateFr, dateTimeFr, el, euros, hours, loginUrl, number, page, params, showProblem, STATUTS } from "../app.js";

const BY = { titulaire: "vous", organisme: "l'organisme", systeme: "la Caisse des Dépôts", operateur: "la Caisse des Dépôts" };
// The system also validates a consistent service done and pays: only an expiry is a deadline.
const by = (step) => (step.statut === "expiree" ? "délai dépassé" : BY[step.par] || step.par);
const CANCELLABLE = ["en_attente_organisme", "acceptee", "validee"];
// From the declaration of the exit on, the training can be rated; once the service done is
// validated, the attestation can be downloaded.
const AFTER_EXIT = ["sortie_declaree", "service_fait_declare", "service_fait_valide", "paye"];
const ATTESTED = ["service_fait_valide", "paye"];
const PARTIAL = { abandon: "abandon", force_majeure: "force majeure", absence: "absences" };

page(async (user) => {
  if (!user) { window.location.assign(loginUrl()); return; }
  const box = document.getElementById("dossier");
  const id = params().get("id") || "";
  const show = async () => {
    const { status, data } = await api(`/me/dossiers/${encodeURIComponent(id)}`);
    if (status !== 200) {
      box.replaceChildren(el("h1", {}, "Dossier introuvable"), el("p", {}, (data && data.detail) || "Ce dossier n'existe pas."));
      return;
    }
    box.replaceChildren(...render(data, show));
    document.title = `Dossier ${data.id} — Mon Compte Élu`;
  };
  await show();
});

function render(dossier, refresh) {
  const actions = el("div", { id: "actions" });
  const today = new Date().toISOString().slice(0, 10);
  if (dossier.statut === "acceptee") actions.append(validateButton(dossier, actions, refresh));
  if (CANCELLABLE.includes(dossier.statut) && dossier.session.date_debut > today) {
    actions.append(cancelButton(dossier, actions, refresh));
  }
  return [
    el("h1", {}, dossier.titre),
    el("p", { class: "aide" }, `Dossier ${dossier.id} · ${dossier.organisme.nom}`),
    el("div", { class: "alerte", role: "status" },
      el("p", {}, el("strong", {}, STATUTS[dossier.statut] || dossier.statut)),
      dossier.echeance ? el("p", {}, `Échéance : ${dateTimeFr(dossier.echeance)}`) : null,
      dossier.rembourse ? el("p", {}, `Vos droits ont été recrédités de ${euros(dossier.montant)}.`) : null),
    el("ul", {},
      el("li", {}, `Session : du ${dateFr(dossier.session.date_debut)} au ${dateFr(dossier.session.date_fin)}`),
      el("li", {}, `Montant pris sur vos droits DIF élus : ${euros(dossier.montant)}`)),
    actions,
    el("h2", {}, "Suivi du dossier"),
    el("ol", { class: "chronologie" }, dossier.historique.map((step) => el("li", {},
      el("strong", {}, STATUTS[step.statut] || step.statut), ` — ${dateTimeFr(step.date)} (par ${by(step)})`,
      step.motif ? el("span", { class: "aide" }, `Motif : ${step.motif}`) : null))),
    dossier.sortie ? endOfTraining(dossier) : null,
    ATTESTED.includes(dossier.statut) ? attestationButton(dossier) : null,
    AFTER_EXIT.includes(dossier.statut) ? ratingForm(dossier) : null,
    el("p", {}, el("a", { href: `/formation?id=${encodeURIComponent(dossier.formation_id)}` }, "Voir la formation")),
  ];
}

// The exit as the organisme declared it, what the funder pays it, and what came back.
function endOfTraining(dossier) {
  const { sortie } = dossier;
  const partial = sortie.motif_partiel
    ? ` (${PARTIAL[sortie.motif_partiel] || sortie.motif_partiel}${sortie.heures_realisees ? `, ${hours(sortie.heures_realisees)} suivies` : ""})`
    : "";
  return el("section", { "aria-labelledby": "fin-formation" },
    el("h2", { id: "fin-formation" }, "Fin de la formation"),
    el("ul", {},
      el("li", {}, `Sortie le ${dateFr(sortie.date_sortie)} : formation réalisée à ${number(sortie.taux_realisation)}\u00a0%${partial}`),
      dossier.montant_du ? el("li", {}, `${dossier.statut === "paye" ? "Payé" : "À payer"} à l'organisme : ${euros(dossier.montant_du)}`) : null,
      dossier.rendu && Number(dossier.rendu) > 0
        ? el("li", {}, `Recrédité sur vos droits DIF élus (part non réalisée) : ${euros(dossier.rendu)}`) : null));
}

// Fetched asking for a PDF (API Gateway returns bytes to that Accept only), then saved.
function attestationButton(dossier) {
  const zone = el("p", {});
  const button = el("button", { type: "button" }, "Télécharger l'attestation de formation (PDF)");
  button.addEventListener("click", async () => {
    button.disabled = true;
    const response = await fetch(`/api/me/dossiers/${encodeURIComponent(dossier.id)}/attestation`,
      { credentials: "same-origin", headers: { Accept: "application/pdf" } }).catch(() => null);
    button.disabled = false;
    if (!response || !response.ok) {
      const problem = response ? await response.json().catch(() => null) : null;
      showProblem(zone, problem, response ? response.status : 0);
      return;
    }
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `attestation-${dossier.id}.pdf` });
    link.click();
    URL.revokeObjectURL(link.href);
  });
  zone.append(button);
  return zone;
}

function ratingForm(dossier) {
  const path = `/me/dossiers/${encodeURIComponent(dossier.id)}/evaluation`;
  const status = el("div", { role: "status", class: "aide" });
  const notes = [1, 2, 3, 4, 5].map((n) => el("label", { class: "choix" },
    el("input", { type: "radio", name: "note", value: String(n), required: "" }), ` ${n}`));
  const comment = el("textarea", { id: "commentaire", name: "commentaire", maxlength: "500", rows: "3" });
  const form = el("form", { class: "formulaire", novalidate: "" },
    el("fieldset", { class: "champ" }, el("legend", {}, "Votre note (1 : décevante, 5 : excellente)"), ...notes),
    el("div", { class: "champ" }, el("label", { for: "commentaire" }, "Commentaire (facultatif, 500 caractères au plus)"), comment),
    el("button", { type: "submit", class: "bouton-principal" }, "Enregistrer mon évaluation"),
    status);
  const fill = (rating) => {
    clearErrors(form);
    form.querySelector(`[name=note][value="${rating.note}"]`).checked = true;
    comment.value = rating.commentaire || "";
    status.textContent = `Évaluation enregistrée, modifiable jusqu'au ${dateTimeFr(rating.modifiable_jusqu_au)}.`;
  };
  api(path).then(({ status: code, data }) => { if (code === 200) fill(data); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector("[name=note]:checked");
    const body = { note: chosen ? Number(chosen.value) : null, commentaire: comment.value.trim() || null };
    const { status: code, data } = await api(path, { method: "PUT", body });
    if (code === 200) { fill(data); return; }
    showProblem(form, data, code);
  });
  return el("section", { "aria-labelledby": "evaluer" }, el("h2", { id: "evaluer" }, "Évaluer la formation"), form);
}

function validateButton(dossier, zone, refresh) {
  const button = el("button", { type: "button", class: "bouton-principal" }, `Valider mon inscription (${euros(dossier.montant)} débités)`);
  button.addEventListener("click", async () => {
    button.disabled = true;
    const { status, data } = await api(`/me/dossiers/${encodeURIComponent(dossier.id)}/validation`, { method: "POST" });
    button.disabled = false;
    if (status === 200) { await refresh(); return; }
    if (status === 403 && data && data.connexion) {
      // Spending rights needs FranceConnect+: log in with it, come back here, validate.
      zone.replaceChildren(el("div", { class: "alerte", role: "alert" },
        el("p", {}, data.detail),
        el("p", {}, el("a", { class: "franceconnect", href: data.connexion }, "Confirmer mon identité avec FranceConnect+"))));
      return;
    }
    showProblem(zone, data, status);
  });
  return button;
}

function cancelButton(dossier, zone, refresh) {
  const button = el("button", { type: "button" }, "Annuler mon inscription");
  button.addEventListener("click", () => {
    const confirm = el("button", { type: "button", class: "bouton-principal" }, "Confirmer l'annulation");
    const note = el("div", { class: "alerte", role: "alert" },
      el("p", {}, dossier.statut === "validee"
        ? `L'inscription sera annulée et ${euros(dossier.montant)} recrédités sur vos droits DIF élus.`
        : "L'inscription sera annulée et la place libérée."),
      confirm);
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      const { status, data } = await api(`/me/dossiers/${encodeURIComponent(dossier.id)}/annulation`, { method: "POST" });
      if (status === 200) { await refresh(); return; }
      confirm.disabled = false;
      showProblem(zone, data, status);
    });
    zone.append(note);
    confirm.focus();
  });
  return button;
}
