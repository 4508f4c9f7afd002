import { api, clearErrors, el, euros, formValues, hours, loginUrl, page, params, showProblem, MODALITES } from "../app.js";

page(async (user) => {
  const form = document.getElementById("recherche");
  const elu = Boolean(user && user.elu);
  // The mandate and reconversion catalogues are for recognised élus only.
  form.querySelectorAll("option[data-elu]").forEach((option) => { if (!elu) option.remove(); });
  const query = params();
  for (const name of ["catalogue", "q", "departement", "modalite", "prix_max"]) {
    const value = query.get(name);
    const field = form.elements[name];
    if (!value || (field.tagName === "SELECT" && !field.querySelector(`option[value="${CSS.escape(value)}"]`))) continue;
    field.value = value;
  }
  if (!elu && ["mandat", "reconversion"].includes(query.get("catalogue"))) {
    const text = user ? "Ce catalogue est réservé aux élus dont le mandat est reconnu. " : "Ce catalogue est réservé aux élus : connectez-vous. ";
    // its own box: the public results' count below must not replace it
    document.getElementById("etat").before(el("div", { class: "alerte", id: "reserve-elus", role: "status" },
      el("p", {}, text, el("a", { href: user ? "/aide" : loginUrl() }, user ? "Demander de l'aide" : "Me connecter"))));
  }
  const pages = [null];  // the cursor of each page seen
  let index = 0;
  const search = async () => {
    const values = formValues(form);
    const search = new URLSearchParams(Object.entries(values).filter(([, v]) => v));
    if (pages[index]) search.set("cursor", pages[index]);
    const { status, data } = await api(`/formations?${search}`);
    const list = document.getElementById("resultats");
    list.replaceChildren();
    clearErrors(form);
    if (status !== 200) { showProblem(form, data, status); return; }
    document.getElementById("etat").textContent = data.formations.length
      ? `Page ${index + 1} : ${data.formations.length} formation${data.formations.length > 1 ? "s" : ""}.`
      : "Aucune formation ne correspond à votre recherche.";
    for (const formation of data.formations) list.append(summary(formation));
    pages[index + 1] = data.cursor;
    document.getElementById("page-suivante").hidden = !data.cursor;
    document.getElementById("page-precedente").hidden = index === 0;
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); pages.length = 1; index = 0; search(); });
  document.getElementById("page-suivante").addEventListener("click", () => { index += 1; search(); });
  document.getElementById("page-precedente").addEventListener("click", () => { index -= 1; search(); });
  await search();
});

function summary(formation) {
  const place = formation.lieu && (formation.lieu.commune || formation.lieu.departement);
  return el("li", {},
    el("h3", {}, el("a", { href: `/formation?id=${encodeURIComponent(formation.id)}` }, formation.titre)),
    el("p", {}, formation.organisme),
    el("p", { class: "aide" }, `${euros(formation.prix)} · ${hours(formation.duree_heures)} · ${MODALITES[formation.modalite] || formation.modalite}`,
      place ? ` · ${place}` : ""));
}
