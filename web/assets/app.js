// What every page shares: calls to the API (same origin, session in an HttpOnly cookie),
// the header and footer, inline form errors from problem+json answers, French formats.

export async function api(path, { method = "GET", body, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      credentials: "same-origin",
      headers: { ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { status: 0, data: { detail: "Le service est injoignable : vérifiez votre connexion puis réessayez." } };
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  return { status: response.status, data };
}

// Builds an element; children are nodes or text (never parsed as HTML).
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

// Numbers as French readers write them: "800,00 €", "1,5 heure", "1 200 heures" (one helper).
const FRENCH = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });
export const number = (value) => FRENCH.format(Number(value));
export const euros = (amount) =>
  new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(Number(amount));
export const hours = (value) => `${number(value)} heure${Math.abs(Number(value)) >= 2 ? "s" : ""}`;

export const dateFr = (iso) =>
  new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" }).format(new Date(`${iso}T12:00:00Z`));

export const MODALITES = { presentiel: "En présentiel", a_distance: "À distance", mixte: "Mixte" };

// The statuses of an enrolment file, as the élu reads them.
export const STATUTS = {
  en_attente_organisme: "En attente de la réponse de l'organisme",
  acceptee: "Acceptée par l'organisme : à valider",
  validee: "Validée (droits débités)",
  en_formation: "En formation",
  sortie_declaree: "Sortie de formation déclarée par l'organisme",
  service_fait_declare: "Service fait déclaré : en attente de validation",
  service_fait_valide: "Service fait validé",
  paye: "Organisme payé",
  service_fait: "Formation terminée",
  refusee: "Refusée par l'organisme",
  expiree: "Expirée",
  annulee_titulaire: "Annulée par vous",
  annulee_organisme: "Annulée par l'organisme",
};

export const dateTimeFr = (iso) =>
  new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" }).format(new Date(iso));

export const params = () => new URLSearchParams(window.location.search);

// Only a path of this site: "/formation?id=x", never "//elsewhere", "https://..." or "/\t/x"
// (browsers drop tabs and newlines from addresses). Parsed as the browser will, not matched.
export function safeReturn(value, fallback = "/espace", origin = window.location.origin) {
  if (!value || !value.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let url;
  try { url = new URL(value, origin); } catch { return fallback; }
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : fallback;
}

function header(user) {
  // the guide: « recherche » at the top right, on every page, and the help beside it
  const everyone = [el("li", {}, el("a", { href: "/formations" }, "Recherche")), el("li", {}, el("a", { href: "/aide" }, "Aide"))];
  const links = user
    ? [el("li", {}, el("a", { class: "bouton", href: "/compte", "aria-label": `Mon compte : ${user.prenoms} ${user.nom.toUpperCase()}` },
          `${user.prenoms} ${user.nom.toUpperCase()}`)),
       // a form (POST): no link, however placed, can log anyone out
       el("li", {}, el("form", { method: "post", action: "/api/auth/franceconnect/logout", class: "deconnexion" },
         el("button", { type: "submit" }, "Se déconnecter")))]
    : [el("li", {}, el("a", { href: "/inscription" }, "Création de compte")),
       el("li", {}, el("a", { href: "/connexion", class: "bouton-principal" }, "Connexion"))];
  return el("header", { class: "entete" },
    el("div", { class: "entete-interieur" },
      el("a", { class: "marque", href: user ? "/espace" : "/", title: "Mon Compte Élu : accueil" },
        el("span", { class: "marque-bandeau", "aria-hidden": "true" }),
        el("span", { class: "marque-nom" }, "Mon Compte Élu",
          el("span", { class: "marque-sous-titre" }, "La formation des élus locaux, avec la Caisse des Dépôts"))),
      el("nav", { class: "acces", "aria-label": "Accès au compte" }, el("ul", {}, everyone, links))));
}

function footer() {
  return el("footer", {},
    el("div", { class: "pied-interieur" },
      el("p", {}, "Mon Compte Élu — droit individuel à la formation des élus locaux (DIF élus). ",
        el("a", { href: "/aide" }, "Aide et contact"), " · ",
        el("a", { href: "/formations" }, "Rechercher une formation"), " · ",
        el("a", { href: "/documentation-api" }, "Documentation de l'API"), " · ",
        el("a", { href: "/organisme" }, "Espace organisme de formation"))));
}

let userPromise;
export function currentUser() {
  userPromise ??= api("/me").then(({ status, data }) => (status === 200 ? data : null));
  return userPromise;
}

// Runs a page: header and footer around its <main>, then its own code with the person (or null).
export async function page(run) {
  const user = await currentUser();
  const main = document.querySelector("main");
  main.before(el("a", { class: "lien-evitement", href: "#contenu" }, "Aller au contenu"), header(user));
  main.after(footer());
  await run(user);
}

// Sends the person to log in, then back here.
export function loginUrl() {
  return `/connexion?retour=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

// "31/05/1970" (what people type) -> "1970-05-31" (the API's format); anything else as typed,
// for the API to say what is wrong with it.
export function isoDate(text) {
  const found = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text);
  return found ? `${found[3]}-${found[2].padStart(2, "0")}-${found[1].padStart(2, "0")}` : text.trim();
}

export function formValues(form) {
  const values = {};
  for (const field of form.querySelectorAll("input, select, textarea")) {
    if (!field.name || field.disabled || (field.type === "radio" && !field.checked)) continue;
    const value = field.dataset.date !== undefined ? isoDate(field.value) : field.value.trim();
    if (field.name.includes(".")) {
      const [group, name] = field.name.split(".");
      values[group] ??= {};
      values[group][name] = value;
    } else {
      values[field.name] = value === "" && field.dataset.optional !== undefined ? null : value;
    }
  }
  return values;
}

export function clearErrors(container) {
  container.querySelectorAll(".message-erreur, .alerte-erreur").forEach((node) => node.remove());
  container.querySelectorAll("[aria-invalid]").forEach((field) => {
    field.removeAttribute("aria-invalid");
    const describedBy = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-erreur"));
    if (describedBy.length) field.setAttribute("aria-describedby", describedBy.join(" "));
    else field.removeAttribute("aria-describedby");
  });
}

// A problem+json answer: each error next to its field, and a summary the screen reader hears.
export function showProblem(container, problem, status) {
  clearErrors(container);
  const errors = (problem && problem.errors) || [];
  const placed = [];
  for (const { champ, message } of errors) {
    const name = champ.replace(/^adresse\./, "adresse.");
    const field = container.querySelector(`[name="${CSS.escape(name)}"]`) || container.querySelector(`[name^="${CSS.escape(name)}"]`);
    if (!field) continue;
    const id = `${field.id || field.name}-erreur`;
    if (!document.getElementById(id)) {
      const anchor = field.closest(".champ") || field.parentElement;
      anchor.append(el("p", { class: "message-erreur", id }, message));
    }
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${id}`.trim());
    placed.push(message);
  }
  const detail = (problem && problem.detail) || messageFor(status);
  const summary = el("div", { class: "alerte alerte-erreur", role: "alert", tabindex: "-1" },
    el("p", {}, detail),
    placed.length > 1 ? el("ul", {}, placed.map((message) => el("li", {}, message))) : null);
  container.prepend(summary);
  summary.focus();
}

function messageFor(status) {
  if (status === 0) return "Le service est injoignable : vérifiez votre connexion puis réessayez.";
  return "Une erreur est survenue. Réessayez dans quelques instants.";
}

export function notice(container, text, kind = "info") {
  const box = el("div", { class: `alerte ${kind === "succes" ? "alerte-succes" : kind === "erreur" ? "alerte-erreur" : ""}`, role: kind === "erreur" ? "alert" : "status" },
    el("p", {}, text));
  container.prepend(box);
  return box;
}

// Disables the button while the request runs (no double submission).
export async function busy(form, work) {
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  try { return await work(); } finally { if (button) button.disabled = false; }
}
