// The 404 page: the header and footer only; it says the page does not exist, to anyone.
import { page } from "../app.js";

page(async () => {});
