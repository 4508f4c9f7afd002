import { api, dateFr, el, euros, hours, loginUrl, page, params, showProblem, MODALITES } from "../app.js";

const CATALOGUES = { mandat: "Formation liée au mandat", reconversion: "Formation pour la reconversion",
  "activite-professionnelle": "Formation liée à l'activité professionnelle" };
const FINANCED = ["mandat", "reconversion"]; // what the DIF élus pays for

page(async (user) => {
  const box = document.getElementById("fiche");
  const id = params().get("id") || "";
  const { status, data } = await api(`/formations/${encodeURIComponent(id)}`);
  if (status === 200) {
    box.replaceChildren(...fiche(data, user));
    document.title = `${data.titre} — Mon Compte Élu`;
    return;
  }
  if (status === 401) {
    // An élus-only formation opened from a link while logged out: log in, then come back here.
    box.replaceChildren(el("h1", {}, "Formation réservée aux élus"),
      el("div", { class: "alerte", role: "status" }, el("p", {}, "Cette formation est réservée aux élus locaux. Connectez-vous pour la consulter : vous reviendrez ensuite sur cette page.")),
      el("p", {}, el("a", { class: "bouton bouton-principal", href: loginUrl() }, "Me connecter")));
    return;
  }
  if (status === 403) {
    box.replaceChildren(el("h1", {}, "Formation réservée aux élus"),
      el("div", { class: "alerte", role: "status" }, el("p", {}, (data && data.detail) || "Votre compte n'est pas reconnu comme compte élu.")),
      el("p", {}, el("a", { class: "bouton", href: "/aide" }, "Mon compte élu ne s'affiche pas : demander de l'aide")));
    return;
  }
  box.replaceChildren(el("h1", {}, "Formation introuvable"),
    el("p", {}, (data && data.detail) || "Cette formation n'existe pas ou n'est plus proposée."),
    el("p", {}, el("a", { href: "/formations" }, "Rechercher une autre formation")));
});

function fiche(formation, user) {
  const organisme = formation.organisme;
  const place = [formation.lieu.commune, formation.lieu.departement && `(${formation.lieu.departement})`].filter(Boolean).join(" ");
  return [
    el("p", { class: "aide" }, CATALOGUES[formation.catalogue] || formation.catalogue),
    el("h1", {}, formation.titre),
    el("h2", {}, "Objectifs"), el("p", {}, formation.objectifs),
    el("h2", {}, "En pratique"),
    el("ul", {},
      el("li", {}, `Prix : ${euros(formation.prix)}`),
      el("li", {}, `Durée : ${hours(formation.duree_heures)}`),
      el("li", {}, `Modalité : ${MODALITES[formation.modalite] || formation.modalite}`),
      place ? el("li", {}, `Lieu : ${place}`) : null),
    el("h2", { id: "titre-sessions" }, "Sessions"),
    sessions(formation, user),
    el("h2", {}, "Organisme de formation"),
    el("p", {}, organisme.nom, el("br"), `SIRET ${organisme.siret}`,
      organisme.agrement ? [el("br"), "Organisme agréé pour la formation des élus"] : null),
  ];
}

function sessions(formation, user) {
  if (!formation.sessions.length) return el("p", {}, "Sessions à définir avec l'organisme.");
  const canEnrol = user && user.elu && FINANCED.includes(formation.catalogue);
  const zone = el("div", { id: "inscription" });
  const list = el("ul", { class: "resultats", "aria-labelledby": "titre-sessions" },
    formation.sessions.map((session) => {
      const dates = session.date_debut === session.date_fin
        ? `Le ${dateFr(session.date_debut)}`
        : `Du ${dateFr(session.date_debut)} au ${dateFr(session.date_fin)}`;
      const where = session.lieu ? ` — ${session.lieu}` : "";
      const label = `${dates}${where}`;
      const places = session.places_restantes
        ? `${session.places_restantes} place${session.places_restantes > 1 ? "s" : ""} finançable${session.places_restantes > 1 ? "s" : ""} par le DIF élus`
        : "Complet";
      return el("li", {},
        el("h3", {}, label),
        el("p", {}, `${MODALITES[session.modalite] || session.modalite} · ${places}`),
        canEnrol && session.places_restantes
          ? enrolButton(formation, session, label, zone)
          : null);
    }));
  const note = !user
    ? el("p", {}, el("a", { href: loginUrl() }, "Connectez-vous"), " pour vous inscrire avec vos droits DIF élus.")
    : !FINANCED.includes(formation.catalogue)
      ? el("p", { class: "aide" }, "Cette formation relève du compte personnel de formation (CPF), pas du DIF élus.")
      : null;
  return el("div", {}, note, zone, list);
}

function enrolButton(formation, session, label, zone) {
  // One key per button: a double click or a retry gives back the same file.
  const key = crypto.randomUUID();
  const button = el("button", { type: "button", class: "bouton-principal", "aria-describedby": "inscription" },
    "S'inscrire", el("span", { class: "visuellement-cache" }, ` à la session : ${label}`));
  button.addEventListener("click", async () => {
    button.disabled = true;
    const { status, data } = await api("/me/dossiers", {
      method: "POST", body: { formation_id: formation.id, session_id: session.id }, headers: { "Idempotency-Key": key } });
    button.disabled = false;
    if (status === 201) { window.location.assign(`/dossier?id=${encodeURIComponent(data.id)}`); return; }
    showProblem(zone, data, status);
  });
  return button;
}
