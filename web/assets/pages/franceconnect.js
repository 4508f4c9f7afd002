// The page FranceConnect's login ends on: what happened, in words.
import { el, page, params } from "../app.js";

const MOTIFS = {
  refus_usager: "Vous avez annulé la connexion avec FranceConnect.",
  etat_invalide: "La connexion a expiré ou a été ouverte dans un autre navigateur. Recommencez.",
  code_invalide: "FranceConnect n'a pas confirmé la connexion. Recommencez.",
  jeton_invalide: "La réponse de FranceConnect n'a pas pu être vérifiée : par sécurité, vous n'êtes pas connecté(e).",
  identite_incomplete: "FranceConnect n'a pas transmis toute votre identité. Utilisez votre numéro de sécurité sociale.",
  compte_non_verifie: "Votre adresse électronique n'est pas encore vérifiée : saisissez le code reçu par courriel.",
  identite_differente: "L'identité certifiée par FranceConnect n'est pas celle de votre compte (nom de naissance, prénoms, sexe, date et lieu de naissance) : elle n'a pas été liée. Si votre compte comporte une erreur, faites une demande d'aide.",
  niveau_insuffisant: "FranceConnect+ n'a pas confirmé le niveau de sécurité demandé. Recommencez.",
  fournisseur_indisponible: "FranceConnect est momentanément indisponible. Réessayez plus tard ou connectez-vous avec votre numéro de sécurité sociale.",
};

page(async (user) => {
  const query = params();
  const box = document.getElementById("issue");
  if (query.get("statut") === "connecte" && user) { window.location.replace("/espace"); return; }
  const text = MOTIFS[query.get("motif")] || "La connexion avec FranceConnect n'a pas abouti. Recommencez.";
  box.replaceChildren(el("div", { class: "alerte alerte-erreur", role: "alert" }, el("p", {}, text)));
});
