import { el, page } from "../app.js";

// Without Swagger UI's own title and server choice (the page has its title, the API one server)
// nor its "Authorize" button: the page documents the operations, it never calls them.
const nothing = () => () => null;
const READING_ONLY = { wrapComponents: { InfoContainer: nothing, ServersContainer: nothing, AuthorizeBtnContainer: nothing } };

// The reference is the description the API itself serves, rendered by Swagger UI
// (swagger-ui-dist from npm, served from node_modules: see infra/web_files.py), so it can never
// drift from the routes.
page(async () => {
  const target = document.getElementById("reference");
  if (!window.SwaggerUIBundle) {
    target.replaceChildren(el("p", { class: "alerte alerte-erreur" },
      "La documentation n'a pas pu être affichée : consultez la description ",
      el("a", { href: "/api/openapi.json" }, "/api/openapi.json"), "."));
    return;
  }
  window.SwaggerUIBundle({
    url: "/api/openapi.json",
    domNode: target,
    presets: [window.SwaggerUIBundle.presets.apis],
    plugins: [READING_ONLY],
    supportedSubmitMethods: [], // no "Try it out": curl and the demo accounts are for that
    layout: "BaseLayout",
    deepLinking: false, // its links sit inside each operation's button (nested controls)
    docExpansion: "list",
    validatorUrl: null, // never a call to swagger.io's validator
  });
});
