import { api, dateFr, dateTimeFr, el, euros, loginUrl, page, STATUTS } from "../app.js";

page(async (user) => {
  if (!user) { window.location.assign(loginUrl()); return; }
  const box = document.getElementById("dossiers");
  const more = document.getElementById("plus");
  const list = el("ul", { class: "resultats" });
  let cursor = null;
  const load = async () => {
    const { status, data } = await api(`/me/dossiers${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (status !== 200) {
      box.append(el("div", { class: "alerte alerte-erreur", role: "alert" }, el("p", {}, (data && data.detail) || "Vos dossiers n'ont pas pu être chargés.")));
      return;
    }
    if (!data.dossiers.length && !list.children.length) {
      box.replaceChildren(el("p", {}, "Vous n'avez pas encore de dossier. "),
        el("p", {}, el("a", { class: "bouton bouton-principal", href: "/formations?catalogue=mandat" }, "Chercher une formation liée à mon mandat")));
      return;
    }
    if (!box.contains(list)) box.replaceChildren(list);
    for (const dossier of data.dossiers) {
      list.append(el("li", {},
        el("h2", { class: "h3" }, el("a", { href: `/dossier?id=${encodeURIComponent(dossier.id)}` }, dossier.titre)),
        el("p", {}, `Session du ${dateFr(dossier.session.date_debut)} · ${euros(dossier.montant)} · dossier ${dossier.id}`),
        el("p", {}, el("strong", {}, STATUTS[dossier.statut] || dossier.statut),
          dossier.echeance ? ` — échéance : ${dateTimeFr(dossier.echeance)}` : "")));
    }
    cursor = data.cursor;
    more.hidden = !cursor;
  };
  more.addEventListener("click", load);
  await load();
});
