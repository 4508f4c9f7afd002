// The training organisme's space, with its API key: the requests to answer and its other files,
// its formations and sessions, its webhook and deliveries, its payments. The key is typed here
// and kept in this tab's sessionStorage only (never in an address, never in a cookie).
import { api, clearErrors, dateFr, dateTimeFr, el, euros, hours, isoDate, MODALITES, page, showProblem } from "../app.js";

const KEY = "mce-organisme-cle";
// The statuses of a file, as its organisme reads them.
const STATUTS = {
  en_attente_organisme: "En attente de votre réponse",
  acceptee: "Acceptée : en attente de la validation de l'élu",
  validee: "Validée par l'élu (droits débités)",
  en_formation: "En formation",
  sortie_declaree: "Sortie de formation déclarée",
  service_fait_declare: "Service fait déclaré : en attente de validation",
  service_fait_valide: "Service fait validé",
  paye: "Payé",
  refusee: "Refusée",
  expiree: "Expirée",
  annulee_titulaire: "Annulée par l'élu",
  annulee_organisme: "Annulée par vous",
};
const CATALOGUES = {
  mandat: "Liée à l'exercice du mandat",
  reconversion: "Reconversion à l'issue du mandat",
  "activite-professionnelle": "Activité professionnelle",
};
const LIVRAISONS = { en_cours: "En cours : nouvel essai prévu", livree: "Livrée", abandonnee: "Abandonnée" };
const LOTS = { attente_iban: "En attente des coordonnées bancaires", emis: "Virement émis", paye: "Payé", rejete: "Rejeté par la banque" };
const LIGNES = { a_payer: "À payer au prochain lot", en_lot: "Dans un lot", paye: "Payée", rejete: "Rejetée" };

let key = null;

// An API call with the key; a refused key (revoked meanwhile) logs out.
async function call(path, options = {}) {
  const answer = await api(path, { ...options, headers: { Authorization: `Bearer ${key}` } });
  if (answer.status === 401 && key) logOut(answer.data && answer.data.detail);
  return answer;
}

const query = (path, cursor) => (cursor ? `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(cursor)}` : path);

// A result the person hears and lands on (its container's previous one replaced).
function say(container, text, kind = "succes") {
  container.querySelectorAll(":scope > .annonce").forEach((node) => node.remove());
  const box = el("div", { class: `alerte annonce ${kind === "erreur" ? "alerte-erreur" : "alerte-succes"}`,
    role: kind === "erreur" ? "alert" : "status", tabindex: "-1" }, el("p", {}, text));
  container.prepend(box);
  box.focus();
  return box;
}

function failure(container, data, fallback) {
  container.replaceChildren(el("div", { class: "alerte alerte-erreur", role: "alert" }, el("p", {}, (data && data.detail) || fallback)));
}

page(async () => {
  document.getElementById("cle").addEventListener("submit", logIn);
  document.getElementById("deconnexion").addEventListener("click", () => logOut());
  key = sessionStorage.getItem(KEY);
  if (key) await open();
  else showLogin();
});

function showLogin(message) {
  const form = document.getElementById("cle");
  document.getElementById("espace").hidden = true;
  form.hidden = false;
  form.reset();
  clearErrors(form);
  if (message) showProblem(form, { detail: message }, 401);
}

async function logIn(event) {
  event.preventDefault();
  const form = event.target;
  const typed = form.cle.value.trim();
  if (!typed) {
    showProblem(form, { detail: "Saisissez votre clé d'API.", errors: [{ champ: "cle", message: "Clé d'API : ce champ est obligatoire." }] }, 400);
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  const { status, data } = await api("/organismes/dossiers?statut=en_attente_organisme",
    { headers: { Authorization: `Bearer ${typed}` } });
  button.disabled = false;
  if (status !== 200) {
    const detail = data && data.detail;
    showProblem(form, { detail, errors: status === 401 && detail ? [{ champ: "cle", message: detail }] : [] }, status);
    return;
  }
  key = typed;
  sessionStorage.setItem(KEY, key);
  await open();
  document.getElementById("titre-a-traiter").focus();
}

function logOut(message) {
  key = null;
  sessionStorage.removeItem(KEY);
  for (const id of ["a-traiter", "dossiers", "formations", "fiche-formation", "livraisons", "paiements", "webhook-secret"]) {
    document.getElementById(id).replaceChildren();
  }
  showLogin(message || null);
  if (!message) document.getElementById("cle-api").focus();
}

async function open() {
  document.getElementById("cle").hidden = true;
  document.getElementById("espace").hidden = false;
  document.getElementById("cle-masquee").textContent = `${key.slice(0, 12)}…`;
  await Promise.all([requests(), files(), formations(), webhook(), payments()]);
}

// A list read page after page: `render` makes an item, "Afficher plus" goes on.
function pager({ list, state, more, path, items, render, empty }) {
  let cursor = null;
  const load = async (first) => {
    if (first) { cursor = null; list.replaceChildren(); }
    const { status, data } = await call(query(path(), cursor));
    if (status !== 200) { state.textContent = (data && data.detail) || "La liste n'a pas pu être chargée."; return; }
    list.append(...items(data).map(render));
    cursor = data.cursor;
    more.hidden = !cursor;
    state.textContent = list.children.length ? "" : empty;
  };
  more.onclick = () => load(false);
  return load;
}

// --- files ---------------------------------------------------------------------------------
const who = (dossier) => (dossier.stagiaire && dossier.stagiaire.nom
  ? `${dossier.stagiaire.prenoms || ""} ${dossier.stagiaire.nom.toUpperCase()}`.trim() : "élu");

// `prefix`: the same file may be in both lists (its ids are the list's).
function fileItem(dossier, prefix, actions = []) {
  const heading = `${prefix}-titre-${dossier.id}`;
  const session = dossier.session && dossier.session.date_debut
    ? `session du ${dateFr(dossier.session.date_debut)} au ${dateFr(dossier.session.date_fin)}` : "";
  return el("li", { id: `${prefix}-${dossier.id}` },
    el("h3", { id: heading }, dossier.titre || dossier.formation_id),
    el("p", {}, [`Dossier ${dossier.id}`, who(dossier), session, euros(dossier.montant)].filter(Boolean).join(" · ")),
    el("p", {}, el("strong", {}, STATUTS[dossier.statut] || dossier.statut),
      dossier.statut === "en_attente_organisme" && dossier.echeance ? ` — répondre avant le ${dateTimeFr(dossier.echeance)}` : ""),
    actions.length ? el("p", { class: "pagination" }, actions) : null);
}

let loadRequests;
async function requests() {
  const list = document.getElementById("a-traiter");
  const state = document.getElementById("a-traiter-etat");
  loadRequests = pager({
    list, state, more: document.getElementById("a-traiter-plus"),
    path: () => "/organismes/dossiers?statut=en_attente_organisme",
    items: (data) => data.dossiers,
    render: (dossier) => {
      const accept = el("button", { type: "button", class: "bouton-principal", "aria-describedby": `demande-titre-${dossier.id}` }, "Accepter");
      const refuse = el("button", { type: "button", "aria-describedby": `demande-titre-${dossier.id}` }, "Refuser");
      const item = fileItem(dossier, "demande", [accept, refuse]);
      accept.addEventListener("click", async () => {
        accept.disabled = true;
        const { status, data } = await call(`/organismes/dossiers/${encodeURIComponent(dossier.id)}/acceptation`, { method: "POST" });
        accept.disabled = false;
        if (status !== 200) { showProblem(item, data, status); return; }
        answered(item, `Demande ${dossier.id} acceptée : l'élu a quatre jours ouvrés pour valider son inscription.`);
      });
      refuse.addEventListener("click", () => refusal(dossier, item));
      return item;
    },
    empty: "Aucune demande n'attend votre réponse.",
  });
  await loadRequests(true);
}

function answered(item, text) {
  const list = item.parentElement;
  item.remove();
  if (!list.children.length) document.getElementById("a-traiter-etat").textContent = "Aucune autre demande n'attend votre réponse.";
  say(document.getElementById("a-traiter-annonces"), text);
  loadFiles(true);
}

function refusal(dossier, item) {
  if (item.querySelector("form")) { item.querySelector("textarea").focus(); return; }
  const id = `motif-${dossier.id}`;
  const form = el("form", { class: "formulaire", novalidate: "" },
    el("div", { class: "champ" },
      el("label", { for: id }, `Motif du refus du dossier ${dossier.id}`),
      el("span", { class: "aide", id: `${id}-aide` }, "L'élu le lira. 500 caractères au plus."),
      el("textarea", { id, name: "motif", rows: "3", maxlength: "500", "aria-describedby": `${id}-aide` })),
    el("p", { class: "pagination" },
      el("button", { type: "submit", class: "bouton-danger" }, "Confirmer le refus"),
      el("button", { type: "button", class: "abandon" }, "Ne pas refuser")));
  form.querySelector(".abandon").addEventListener("click", () => { form.remove(); item.querySelector("button").focus(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const motif = form.motif.value.replace(/\s+/g, " ").trim();
    const { status, data } = await call(`/organismes/dossiers/${encodeURIComponent(dossier.id)}/refus`, { method: "POST", body: { motif } });
    if (status !== 200) { showProblem(form, data, status); return; }
    answered(item, `Demande ${dossier.id} refusée. L'élu est prévenu avec votre motif.`);
  });
  item.append(form);
  form.motif.focus();
}

let loadFiles = async () => {};
async function files() {
  const form = document.getElementById("filtre-dossiers");
  const select = form.statut;
  if (select.options.length === 1) {
    select.append(...Object.entries(STATUTS).map(([value, label]) => el("option", { value }, label)));
  }
  const state = document.getElementById("dossiers-etat");
  loadFiles = pager({
    list: document.getElementById("dossiers"), state, more: document.getElementById("dossiers-plus"),
    path: () => `/organismes/dossiers${select.value ? `?statut=${encodeURIComponent(select.value)}` : ""}`,
    items: (data) => data.dossiers,
    render: (dossier) => fileItem(dossier, "dossier"),
    empty: "Aucun dossier.",
  });
  form.onsubmit = async (event) => {
    event.preventDefault();
    await loadFiles(true);
    state.textContent = state.textContent || `${document.getElementById("dossiers").children.length} dossier(s) affiché(s).`;
  };
  await loadFiles(true);
}

// --- formations and sessions ---------------------------------------------------------------
const frDate = (iso) => (iso ? iso.split("-").reverse().join("/") : "");
const typedNumber = (text) => (text === "" ? null : /^\d+([.,]\d+)?$/.test(text) ? Number(text.replace(",", ".")) : text);
const sessionsText = (n) => (n === 0 ? "aucune session" : `${n} session${n > 1 ? "s" : ""}`);

function formationSummary(formation) {
  const lieu = formation.lieu && formation.lieu.commune ? ` · ${formation.lieu.commune}` : "";
  return `${CATALOGUES[formation.catalogue] || formation.catalogue} · ${hours(formation.duree_heures)} · ${euros(formation.prix)} HT · ${MODALITES[formation.modalite] || formation.modalite}${lieu}`;
}

function formationItem(formation) {
  const heading = `formation-${formation.id}`;
  const manage = el("button", { type: "button", "aria-describedby": heading }, "Gérer la formation");
  manage.addEventListener("click", () => openFormation(formation.id));
  return el("li", { id: `li-${formation.id}` },
    el("h3", { id: heading }, formation.titre),
    el("p", {}, formationSummary(formation)),
    el("p", {}, el("strong", {}, formation.statut === "retiree" ? `Retirée de la recherche le ${dateTimeFr(formation.retiree_le)}` : "Publiée"),
      ` · ${sessionsText(formation.sessions.length)} · ${formation.id}`),
    el("p", {}, manage));
}

async function formations() {
  const load = pager({
    list: document.getElementById("formations"), state: document.getElementById("formations-etat"),
    more: document.getElementById("formations-plus"),
    path: () => "/organismes/formations",
    items: (data) => data.formations,
    render: formationItem,
    empty: "Vous n'avez encore publié aucune formation.",
  });
  document.getElementById("nouvelle-formation").onclick = () => {
    const box = document.getElementById("fiche-formation");
    box.replaceChildren(el("h3", { id: "titre-fiche", tabindex: "-1" }, "Nouvelle formation"), formationForm(null));
    box.querySelector("h3").focus();
  };
  await load(true);
}

function listed(formation) {
  const list = document.getElementById("formations");
  const item = formationItem(formation);
  const old = document.getElementById(`li-${formation.id}`);
  if (old) old.replaceWith(item); else list.prepend(item);
  document.getElementById("formations-etat").textContent = "";
}

function field(id, label, input, help) {
  if (help) input.setAttribute("aria-describedby", `${id}-aide`);
  return el("div", { class: "champ" }, el("label", { for: id }, label),
    help ? el("span", { class: "aide", id: `${id}-aide` }, help) : null, input);
}

function select(id, name, options, value, placeholder) {
  return el("select", { id, name },
    placeholder ? el("option", { value: "" }, placeholder) : null,
    Object.entries(options).map(([code, label]) => el("option", { value: code, selected: code === value }, label)));
}

function formationForm(formation) {
  const f = formation || { lieu: {}, agrement: null };
  const agrement = f.agrement || {};
  const input = (id, name, value, extra = {}) => el("input", { id, name, value: value ?? "", ...extra });
  const objectifs = el("textarea", { id: "f-objectifs", name: "objectifs", rows: "4", maxlength: "4000" });
  objectifs.value = f.objectifs || "";
  const form = el("form", { id: "formation", novalidate: "" },
    formation
      ? el("p", {}, `Catalogue : ${CATALOGUES[f.catalogue] || f.catalogue} (il ne change pas : retirez la formation et publiez-en une autre).`)
      : field("f-catalogue", "Catalogue", select("f-catalogue", "catalogue", CATALOGUES, null, "Choisissez un catalogue")),
    field("f-titre", "Titre", input("f-titre", "titre", f.titre, { maxlength: "300" })),
    field("f-objectifs", "Objectifs", objectifs),
    field("f-duree", "Durée (heures)", input("f-duree", "duree_heures", f.duree_heures ? String(f.duree_heures).replace(".", ",") : "", { inputmode: "decimal" }), "Par exemple 14 ou 3,5"),
    field("f-prix", "Prix HT (€)", input("f-prix", "prix", f.prix ? f.prix.replace(".", ",") : "", { inputmode: "decimal" }),
      "Liée au mandat : 80 € HT par heure au plus"),
    field("f-modalite", "Modalité", select("f-modalite", "modalite", MODALITES, f.modalite, formation ? null : "Choisissez une modalité")),
    el("fieldset", {}, el("legend", {}, "Lieu (en présentiel ou mixte)"),
      field("f-commune", "Commune", input("f-commune", "lieu.commune", f.lieu && f.lieu.commune)),
      field("f-departement", "Département", input("f-departement", "lieu.departement", f.lieu && f.lieu.departement, { maxlength: "3" }), "Numéro, par exemple 35, 2A ou 974")),
    el("fieldset", {}, el("legend", {}, "Agrément du ministère (formations liées au mandat)"),
      field("f-agrement", "Numéro d'agrément", input("f-agrement", "agrement.numero", agrement.numero)),
      field("f-agrement-debut", "Début de l'agrément", input("f-agrement-debut", "agrement.debut", frDate(agrement.debut), { inputmode: "numeric" }), "jj/mm/aaaa"),
      field("f-agrement-fin", "Fin de l'agrément", input("f-agrement-fin", "agrement.fin", frDate(agrement.fin), { inputmode: "numeric" }), "jj/mm/aaaa")),
    el("p", {}, el("button", { type: "submit", class: "bouton-principal" }, formation ? "Enregistrer les modifications" : "Publier la formation")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const body = formationBody(form, !formation);
    const { status, data } = formation
      ? await call(`/organismes/formations/${encodeURIComponent(formation.id)}`, { method: "PATCH", body })
      : await call("/organismes/formations", { method: "POST", body });
    button.disabled = false;
    if (status !== 200 && status !== 201) { showProblem(form, data, status); return; }
    listed(data);
    await openFormation(data.id, formation ? "Modifications enregistrées : la recherche les montre déjà."
      : "Formation publiée : elle est déjà trouvée par la recherche. Ajoutez-lui ses sessions.");
  });
  return form;
}

// The body the API reads: numbers as numbers, empty groups left out, dates in ISO.
function formationBody(form, creating) {
  const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
  const group = (prefix, names, dates = []) => {
    const found = Object.fromEntries(names.map((name) => {
      const typed = value(`${prefix}.${name}`);
      return [name, typed ? (dates.includes(name) ? isoDate(typed) : typed) : null];
    }));
    return Object.values(found).some(Boolean) ? found : null;
  };
  const body = {
    titre: value("titre"),
    objectifs: value("objectifs").replace(/\s+/g, " "),
    duree_heures: typedNumber(value("duree_heures")),
    prix: value("prix").replace(/\s/g, ""),
    modalite: value("modalite"),
    lieu: group("lieu", ["commune", "departement"]),
    agrement: group("agrement", ["numero", "debut", "fin"], ["debut", "fin"]),
  };
  if (creating) body.catalogue = value("catalogue");
  return body;
}

async function openFormation(id, message) {
  const box = document.getElementById("fiche-formation");
  const { status, data } = await call(`/organismes/formations/${encodeURIComponent(id)}`);
  if (status !== 200) { failure(box, data, "La formation n'a pas pu être chargée."); return; }
  const close = el("button", { type: "button" }, "Fermer la fiche");
  close.addEventListener("click", () => {
    box.replaceChildren();
    const manage = document.querySelector(`#li-${CSS.escape(id)} button`);
    if (manage) manage.focus();
  });
  const withdrawn = data.statut === "retiree";
  box.replaceChildren(el("div", { class: "carte" },
    el("h3", { id: "titre-fiche", tabindex: "-1" }, `Formation : ${data.titre}`),
    el("p", {}, `${data.id} · ${formationSummary(data)}`),
    el("p", {}, el("strong", {}, withdrawn ? `Retirée de la recherche le ${dateTimeFr(data.retiree_le)}` : "Publiée : trouvée par la recherche")),
    el("h4", {}, "Sessions"),
    sessionList(data),
    withdrawn ? el("p", {}, "Une formation retirée ne reçoit plus de session ; ses dossiers en cours continuent.") : sessionForm(data),
    withdrawn ? null : el("h4", {}, "Modifier la formation"),
    withdrawn ? null : formationForm(data),
    withdrawn ? null : withdrawal(data),
    el("p", {}, close)));
  listed(data);
  if (message) say(box.firstChild, message);
  else box.querySelector("h3").focus();
}

function sessionLine(session) {
  const current = session.dossiers_en_cours ? ` · ${session.dossiers_en_cours} dossier(s) en cours` : "";
  return `Du ${dateFr(session.date_debut)} au ${dateFr(session.date_fin)} · ${session.places} places${session.lieu ? ` · ${session.lieu}` : ""} · ${session.inscriptions_ouvertes ? "inscriptions ouvertes" : "fermée aux nouvelles demandes"}${current}`;
}

function sessionList(formation) {
  if (!formation.sessions.length) return el("p", {}, "Aucune session : les élus ne peuvent pas encore s'inscrire.");
  return el("ul", { class: "resultats" }, formation.sessions.map((session) => {
    const line = el("p", { id: `session-${session.id}` }, sessionLine(session));
    const change = el("button", { type: "button", "aria-describedby": line.id }, "Modifier la session");
    const remove = el("button", { type: "button", "aria-describedby": line.id }, "Supprimer la session");
    const item = el("li", {}, line, el("p", { class: "pagination" }, change, remove));
    const path = `/organismes/formations/${encodeURIComponent(formation.id)}/sessions/${encodeURIComponent(session.id)}`;
    change.addEventListener("click", () => {
      if (item.querySelector("form")) return;
      const form = sessionForm(formation, session);
      item.append(form);
      form.querySelector("input").focus();
    });
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      const { status, data } = await call(path, { method: "DELETE" });
      remove.disabled = false;
      if (status !== 204) { showProblem(item, data, status); return; }
      await openFormation(formation.id, "Session supprimée.");
    });
    return item;
  }));
}

// Adds a session, or changes one (only what changed is sent: the dates of a session with
// validated files may not move).
function sessionForm(formation, session = null) {
  const prefix = session ? `s-${session.id}` : "s-nouvelle";
  const input = (name, value, extra = {}) => el("input", { id: `${prefix}-${name}`, name, value: value ?? "", ...extra });
  const open = session ? el("input", { type: "checkbox", id: `${prefix}-ouvertes`, name: "inscriptions_ouvertes", checked: session.inscriptions_ouvertes }) : null;
  const form = el("form", { novalidate: "" },
    session ? null : el("p", {}, el("strong", {}, "Ajouter une session")),
    field(`${prefix}-date_debut`, "Date de début", input("date_debut", frDate(session && session.date_debut), { inputmode: "numeric" }), "jj/mm/aaaa, après aujourd'hui"),
    field(`${prefix}-date_fin`, "Date de fin", input("date_fin", frDate(session && session.date_fin), { inputmode: "numeric" }), "jj/mm/aaaa ; vide si la session dure un jour"),
    field(`${prefix}-places`, "Places", input("places", session ? String(session.places) : "", { inputmode: "numeric" }), "Liée au mandat : 15 élus au plus par session"),
    open ? el("p", { class: "choix" }, open, el("label", { for: open.id }, "Inscriptions ouvertes aux nouvelles demandes")) : null,
    el("p", {}, el("button", { type: "submit", class: session ? "" : "bouton-principal" }, session ? "Enregistrer la session" : "Ajouter la session")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const typed = {
      date_debut: isoDate(form.date_debut.value) || null,
      date_fin: isoDate(form.date_fin.value) || null,
      places: typedNumber(form.places.value.trim()),
    };
    const base = `/organismes/formations/${encodeURIComponent(formation.id)}/sessions`;
    let answer;
    if (session) {
      const body = Object.fromEntries(Object.entries(typed).filter(([name, value]) => value !== session[name]));
      if (open.checked !== session.inscriptions_ouvertes) body.inscriptions_ouvertes = open.checked;
      answer = await call(`${base}/${encodeURIComponent(session.id)}`, { method: "PATCH", body });
    } else {
      answer = await call(base, { method: "POST", body: typed });
    }
    if (answer.status !== 200 && answer.status !== 201) { showProblem(form, answer.data, answer.status); return; }
    await openFormation(formation.id, session ? "Session enregistrée." : "Session ajoutée : les élus peuvent s'y inscrire.");
  });
  return form;
}

function withdrawal(formation) {
  const zone = el("div", {});
  const button = el("button", { type: "button", class: "bouton-danger" }, "Retirer la formation de la recherche");
  button.addEventListener("click", () => {
    if (zone.querySelector(".alerte")) return;
    const confirm = el("button", { type: "button", class: "bouton-danger" }, "Confirmer le retrait");
    zone.append(el("div", { class: "alerte", role: "alert" },
      el("p", {}, "La formation ne sera plus trouvée par la recherche et ne recevra plus de demande ; les dossiers en cours continuent."),
      el("p", {}, confirm)));
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      const { status, data } = await call(`/organismes/formations/${encodeURIComponent(formation.id)}/retrait`, { method: "POST" });
      confirm.disabled = false;
      if (status !== 200) { showProblem(zone, data, status); return; }
      await openFormation(formation.id, "Formation retirée de la recherche. Ses dossiers en cours continuent.");
    });
    confirm.focus();
  });
  zone.append(el("h4", {}, "Retirer la formation"), el("p", {}, button));
  return zone;
}

// --- webhook -------------------------------------------------------------------------------
let loadDeliveries = async () => {};
async function webhook() {
  const zone = document.getElementById("webhook-zone");
  const form = document.getElementById("webhook");
  const secretBox = document.getElementById("webhook-secret");
  form.onsubmit = async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const { status, data } = await call("/organismes/webhook", { method: "PUT", body: { url: form.url.value.trim() } });
    button.disabled = false;
    if (status !== 200) { showProblem(form, data, status); return; }
    clearErrors(form);
    showSecret(secretBox, data);
  };
  document.getElementById("webhook-test").onclick = async () => {
    const { status, data } = await call("/organismes/webhook/test", { method: "POST" });
    if (status !== 202) { showProblem(zone, data, status); return; }
    clearErrors(zone);
    say(zone, `Événement de test ${data.id} envoyé : sa livraison apparaît dans les livraisons récentes.`);
    await awaitDelivery(data.id);
  };
  document.getElementById("webhook-suppression").onclick = async () => {
    const { status, data } = await call("/organismes/webhook", { method: "DELETE" });
    if (status !== 204) { showProblem(zone, data, status); return; }
    clearErrors(zone);
    secretBox.replaceChildren();
    say(zone, "Webhook supprimé : plus aucun événement ne lui est envoyé.");
  };
  const list = document.getElementById("livraisons");
  loadDeliveries = pager({
    list, state: document.getElementById("livraisons-etat"), more: document.getElementById("livraisons-plus"),
    path: () => "/organismes/webhook/livraisons",
    items: (data) => data.livraisons,
    render: deliveryItem,
    empty: "Aucune livraison récente.",
  });
  document.getElementById("livraisons-actualiser").onclick = () => loadDeliveries(true);
  await loadDeliveries(true);
}

// The secret is in this answer only: shown once, with what to do with it.
function showSecret(box, registered) {
  const copy = el("button", { type: "button" }, "Copier le secret");
  const hide = el("button", { type: "button" }, "J'ai copié le secret : le masquer");
  const secret = el("input", { id: "webhook-secret-valeur", readonly: "", value: registered.secret, spellcheck: "false" });
  box.replaceChildren(el("div", { class: "alerte", role: "alert", tabindex: "-1" },
    el("p", {}, el("strong", {}, `Webhook enregistré le ${dateTimeFr(registered.enregistre_le)} : ${registered.url}`)),
    el("p", {}, "Copiez maintenant le secret de signature et gardez-le en lieu sûr : il ne sera plus jamais affiché. Votre système en a besoin pour vérifier chaque événement."),
    el("div", { class: "champ" }, el("label", { for: secret.id }, "Secret de signature"), secret),
    el("p", { class: "pagination" }, copy, hide)));
  copy.addEventListener("click", async () => {
    secret.select();
    try { await navigator.clipboard.writeText(registered.secret); copy.textContent = "Secret copié"; } catch { copy.textContent = "Sélectionné : copiez-le (Ctrl+C)"; }
  });
  hide.addEventListener("click", () => { box.replaceChildren(); document.getElementById("webhook-test").focus(); });
  box.firstChild.focus();
}

function deliveryItem(delivery) {
  const what = delivery.type === "test" ? "Événement de test"
    : delivery.type.startsWith("dossier.") ? `Dossier : ${STATUTS[delivery.type.slice(8)] || delivery.type}` : delivery.type;
  const answer = delivery.code_http === null ? "aucune réponse" : `réponse HTTP ${delivery.code_http}`;
  return el("li", { id: `livraison-${delivery.id}` },
    el("p", {}, el("strong", {}, what), ` · ${delivery.id} · ${dateTimeFr(delivery.date)}`),
    el("p", {}, `${LIVRAISONS[delivery.statut] || delivery.statut} · ${delivery.tentatives} tentative${delivery.tentatives > 1 ? "s" : ""} · ${answer} (dernière tentative le ${dateTimeFr(delivery.derniere_tentative)})`));
}

// The delivery is made from a queue a moment later: the list is read again until it shows.
async function awaitDelivery(id) {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    await loadDeliveries(true);
    if (document.getElementById(`livraison-${id}`)) return;
    await new Promise((resolve) => { setTimeout(resolve, 1000); });
  }
}

// --- payments ------------------------------------------------------------------------------
function lineItem(line) {
  return el("li", {}, `Facture ${line.facture} · dossier ${line.dossier} · ${line.titre} · ${euros(line.montant)} · ${LIGNES[line.statut] || line.statut}`);
}

async function payments() {
  const box = document.getElementById("paiements");
  const more = document.getElementById("paiements-plus");
  let cursor = null;
  const load = async (first) => {
    const { status, data } = await call(query("/organismes/paiements", cursor));
    if (status !== 200) { failure(box, data, "Les paiements n'ont pas pu être chargés."); return; }
    if (first) {
      box.replaceChildren(el("h3", {}, "À payer au prochain lot"),
        data.a_payer.length ? el("ul", {}, data.a_payer.map(lineItem)) : el("p", {}, "Aucun service fait validé n'attend de paiement."),
        el("h3", {}, "Lots de paiement"));
      if (!data.lots.length) box.append(el("p", {}, "Aucun lot de paiement pour l'instant."));
    }
    box.append(...data.lots.map((lot) => el("div", { class: "carte" },
      el("h4", {}, `Lot ${lot.reference} du ${dateFr(lot.date)}`),
      el("p", {}, el("strong", {}, `${LOTS[lot.statut] || lot.statut}${lot.date_paiement ? ` le ${dateTimeFr(lot.date_paiement)}` : ""}`),
        lot.motif ? ` : ${lot.motif}` : ""),
      el("p", {}, `${euros(lot.total)} · ${lot.nombre_factures} facture${lot.nombre_factures > 1 ? "s" : ""} · compte ${lot.compte}`),
      el("ul", {}, lot.lignes.map(lineItem)))));
    cursor = data.cursor;
    more.hidden = !cursor;
  };
  more.onclick = () => load(false);
  await load(true);
}
