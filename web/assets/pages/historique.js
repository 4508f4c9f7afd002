import { api, dateFr, el, euros, loginUrl, page } from "../app.js";

page(async (user) => {
  if (!user) { window.location.assign(loginUrl()); return; }
  const rows = document.getElementById("operations");
  const more = document.getElementById("plus");
  let cursor = null;
  const load = async () => {
    const { status, data } = await api(`/me/rights/history${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (status !== 200) { rows.append(el("tr", {}, el("td", { colspan: "3" }, (data && data.detail) || "L'historique n'a pas pu être chargé."))); return; }
    if (!data.operations.length && !rows.children.length) rows.append(el("tr", {}, el("td", { colspan: "3" }, "Aucune opération pour le moment.")));
    for (const operation of data.operations) {
      const sign = operation.sens === "debit" ? "−" : "+";
      rows.append(el("tr", {}, el("td", {}, dateFr(operation.date)), el("td", {}, operation.libelle),
        el("td", { class: "nombre" }, `${sign} ${euros(operation.montant)}`)));
    }
    cursor = data.cursor;
    more.hidden = !cursor;
  };
  more.addEventListener("click", load);
  await load();
});
