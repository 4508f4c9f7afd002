import { api, dateFr, el, euros, hours, loginUrl, page } from "../app.js";

page(async (user) => {
  if (!user) { window.location.assign(loginUrl()); return; }
  const panels = document.getElementById("droits");
  const { status, data } = await api("/me/rights");
  if (status !== 200) {
    panels.append(el("div", { class: "alerte alerte-erreur", role: "alert" }, el("p", {}, (data && data.detail) || "Vos droits n'ont pas pu être chargés.")));
    return;
  }
  if (data.rattachement) {
    panels.append(el("div", { class: "alerte", role: "status" }, el("p", {}, data.rattachement),
      el("p", {}, el("a", { class: "bouton", href: "/api/auth/franceconnect?niveau=eidas2&retour=%2Fespace" }, "Certifier mon identité avec FranceConnect+"))));
  }
  panels.append(data.elu ? eluPanel(data.elu, user) : notRecognised());
  panels.append(...cpfPanel(data));
});

function eluPanel(elu, user) {
  const mandats = user.mandats || [];
  const pour = elu.utilisable_pour || [];
  return el("section", { class: "carte carte-elu", "aria-labelledby": "titre-elu" },
    el("h2", { id: "titre-elu" }, el("img", { src: "/assets/cocarde.svg", alt: "Cocarde tricolore", width: "48", height: "48" }), "Votre compte élu"),
    el("p", {}, "Montant disponible"),
    el("p", { class: "montant", id: "montant-elu" }, euros(elu.montant_disponible)),
    el("p", { class: "aide" }, `Droit individuel à la formation des élus (DIF élus), plafonné à ${euros(elu.plafond)}.`,
      elu.prochain_credit ? ` Prochain crédit le ${dateFr(elu.prochain_credit)}.` : ""),
    endOfRights(elu, pour),
    mandats.length ? el("p", {}, "Mandat", mandats.length > 1 ? "s" : "", " : ",
      mandats.map((m) => `${m.libelle} — ${m.collectivite}`).join(" ; ")) : null,
    el("ul", { class: "actions" },
      el("li", {}, el("a", { href: "/historique" }, "Consulter l'historique")),
      el("li", {}, el("a", { href: "/dossiers" }, "Mes dossiers de formation")),
      pour.includes("mandat") ? el("li", {}, el("a", { class: "bouton bouton-principal", href: "/formations?catalogue=mandat" }, "Chercher les formations liées à l'exercice de mon mandat")) : null,
      pour.includes("reconversion") ? el("li", {}, el("a", { class: "bouton", href: "/formations?catalogue=reconversion" }, "Chercher les formations pour me reconvertir")) : null));
}

function endOfRights(elu, pour) {
  if (elu.en_mandat !== false) return null;
  const text = pour.length
    ? `Vos mandats ont pris fin : vos droits restent utilisables jusqu'au ${dateFr(elu.utilisable_jusqu_au)}, pour des formations de reconversion uniquement.`
    : `Vos mandats ont pris fin et vos droits DIF élus ne sont plus utilisables depuis le ${dateFr(elu.utilisable_jusqu_au)}.`;
  return el("div", { class: "alerte", role: "status" }, el("p", {}, text));
}

function notRecognised() {
  return el("section", { class: "carte", "aria-labelledby": "titre-non-reconnu" },
    el("h2", { id: "titre-non-reconnu" }, "Votre compte élu n'apparaît pas"),
    el("p", {}, "Votre mandat est reconnu grâce au Répertoire national des élus, transmis par les préfectures. ",
      "S'il n'apparaît pas, votre nom y figure peut-être sous votre nom de naissance ou d'usage."),
    el("p", {}, el("a", { class: "bouton bouton-principal", href: "/aide" }, "Mon compte élu ne s'affiche pas : demander de l'aide")));
}

// The guide's two kinds of CPF rights, apart: euros (private sector), hours (public agents).
function cpfPanel(rights) {
  const panels = [];
  if (rights.cpf_euros) {
    panels.push(cpfCard("titre-cpf-euros", "Vos droits CPF en euros (privé)",
      el("p", {}, "Montant disponible"), el("p", { class: "montant" }, euros(rights.cpf_euros.montant_disponible))));
  }
  if (rights.cpf_heures) {
    panels.push(cpfCard("titre-cpf-heures", "Vos droits CPF en heures (agent public)",
      el("p", {}, "Heures disponibles"), el("p", { class: "montant" }, hours(rights.cpf_heures.heures_disponibles))));
  }
  if (!panels.length) {
    panels.push(cpfCard("titre-cpf", "Vos droits CPF",
      el("p", {}, "Aucun droit au titre du compte personnel de formation n'est connu pour le moment.")));
  }
  return panels;
}

function cpfCard(id, title, ...body) {
  return el("section", { class: "carte", "aria-labelledby": id },
    el("h2", { id }, title), ...body,
    el("ul", { class: "actions" }, el("li", {}, el("a", { class: "bouton", href: "/formations?catalogue=activite-professionnelle" }, "Chercher une formation pour mon activité professionnelle"))));
}
