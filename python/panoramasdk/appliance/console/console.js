// The console: a single page whose hash (#/status, #/apps/NAME, ...) picks the view.

import { fill, h } from "./dom.js";
import { Page } from "./page.js";
import { renderApp } from "./view_app.js";
import { renderApps } from "./view_apps.js";
import { renderCameras } from "./view_cameras.js";
import { renderMetrics } from "./view_metrics.js";
import { renderModel, renderModels } from "./view_models.js";
import { renderStatus } from "./view_status.js";

// [pattern, section (the nav entry to mark), render(page, ...captured names)]
const ROUTES = [
  [/^#\/status$/, "status", renderStatus],
  [/^#\/cameras$/, "cameras", renderCameras],
  [/^#\/models$/, "models", renderModels],
  [/^#\/models\/([^/]+)$/, "models", renderModel],
  [/^#\/apps$/, "apps", renderApps],
  [/^#\/apps\/([^/]+)$/, "apps", renderApp],
  [/^#\/metrics$/, "metrics", renderMetrics],
];

const main = document.getElementById("main");
const notice = document.getElementById("notice");
let page = null;

function markSection(section) {
  for (const link of document.querySelectorAll("nav a[data-section]")) {
    if (link.dataset.section === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  const hash = window.location.hash;
  if (!hash.startsWith("#/")) {
    window.location.replace("#/status");
    return;
  }
  const match = ROUTES.map(([pattern, section, render]) => [pattern.exec(hash), section, render])
    .find(([found]) => found);
  if (page) page.leave();
  page = new Page(main, notice);
  page.showCarried();
  main.setAttribute("aria-busy", "true");
  if (!match) {
    markSection(null);
    fill(main, h("h2", {}, "Not found"), h("p", {}, "No such page. ", h("a", { href: "#/status" }, "Go to status")));
    main.removeAttribute("aria-busy");
    return;
  }
  const [found, section, render] = match;
  markSection(section);
  fill(main);
  const current = page;
  try {
    await render(current, ...found.slice(1).map(decodeURIComponent));
    const heading = main.querySelector("h2");
    if (current.active && heading) document.title = `${heading.textContent} · Panorama appliance`;
  } catch (err) {
    if (current.active) {
      fill(main, h("h2", {}, "Could not load this page"), h("p", { class: "error", "data-testid": "page-error" },
        err.message));
    }
  } finally {
    if (current.active) main.removeAttribute("aria-busy");
  }
}

// The skip link moves focus without touching the hash (the hash is the route).
document.querySelector("a.skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener("hashchange", route);
route();
