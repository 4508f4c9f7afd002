import { api, dateFr, el, euros, loginUrl, page, params, MODALITES } from "../app.js";

const CATALOGUES = { mandat: "Formation liée au mandat", reconversion: "Formation pour la reconversion",
  "activite-professionnelle": "Formation liée à l'activité professionnelle" };

page(async () => {
  const box = document.getElementById("fiche");
  const id = params().get("id") || "";
  const { status, data } = await api(`/formations/${encodeURIComponent(id)}`);
  if (status === 200) { box.replaceChildren(...fiche(data)); document.title = `${data.titre} — Mon Compte Élu`; return; }
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

function fiche(formation) {
  const organisme = formation.organisme;
  const place = [formation.lieu.commune, formation.lieu.departement && `(${formation.lieu.departement})`].filter(Boolean).join(" ");
  return [
    el("p", { class: "aide" }, CATALOGUES[formation.catalogue] || formation.catalogue),
    el("h1", {}, formation.titre),
    el("h2", {}, "Objectifs"), el("p", {}, formation.objectifs),
    el("h2", {}, "En pratique"),
    el("ul", {},
      el("li", {}, `Prix : ${euros(formation.prix)}`),
      el("li", {}, `Durée : ${formation.duree_heures} heures`),
      el("li", {}, `Modalité : ${MODALITES[formation.modalite] || formation.modalite}`),
      place ? el("li", {}, `Lieu : ${place}`) : null,
      el("li", {}, formation.sessions.length ? `Sessions : ${formation.sessions.map(dateFr).join(", ")}` : "Sessions : à définir avec l'organisme")),
    el("h2", {}, "Organisme de formation"),
    el("p", {}, organisme.nom, el("br"), `SIRET ${organisme.siret}`,
      organisme.agrement ? [el("br"), "Organisme agréé pour la formation des élus"] : null),
  ];
}
