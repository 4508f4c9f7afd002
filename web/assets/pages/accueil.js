import { notice, page, params } from "../app.js";

page(async (user) => {
  const main = document.querySelector("main");
  if (params().get("deconnexion")) notice(main, "Vous êtes déconnecté(e). À bientôt !", "succes");
  if (user) notice(main, `Bonjour ${user.prenoms}, retrouvez vos droits dans votre espace personnel.`);
});
