// One application: its state, actions, versions, parameters editor, live output and log.

import { del, get, post, seg } from "./api.js";
import { cloneForm, historyTable, versionsTable } from "./app_versions.js";
import { liveOutput, logFollower } from "./app_live.js";
import { parameterEditor } from "./app_parameters.js";
import { badge, facts, fill, h } from "./dom.js";
import { navigate } from "./page.js";

const REFRESH_MS = 2000;

function statusFacts(app) {
  const status = app.status || {};
  return facts("app-status", [
    ["State", badge(status.state), "app-state"],
    ["Deployed version", h("code", {}, app.deployed_version || "none"), "app-deployed-version"],
    ["Wanted", app.desired || "", "app-desired"],
    ["Running version", h("code", {}, status.version || ""), "app-running-version"],
    ["Process", status.pid ? String(status.pid) : "", "app-pid"],
    ["Restarts", String(status.restarts ?? 0), "app-restarts"],
    ["Last error", h("span", { class: "error-text" }, status.last_error || ""), "app-last-error"],
    ...(status.log_error ? [["Log", h("span", { class: "error-text" }, status.log_error), "app-log-error"]] : []),
  ]);
}

function appActions(page, app, reload) {
  const path = `/api/apps/${seg(app.name)}`;
  const newest = app.versions[app.versions.length - 1];
  const button = (label, testid, run, done, extra = {}) => {
    const el = h("button", { type: "button", "data-testid": testid, ...extra }, label);
    el.addEventListener("click", async () => {
      if (extra.class === "danger" && !window.confirm(`${label} ${app.name}? This cannot be undone.`)) return;
      await page.act(el, run, done);
    });
    return el;
  };
  const stopped = app.desired !== "running";
  return h("div", { class: "actions", role: "group", "aria-label": "Application actions" },
    newest && (newest.version !== app.deployed_version || stopped)
      ? button(newest.version === app.deployed_version ? "Start" : "Deploy newest", "app-deploy", async () => {
        await post(`${path}/deploy`, { version: newest.version });
        await reload();
      }, "Deployed.") : null,
    (app.history || []).some((r) => r.version !== app.deployed_version)
      ? button("Roll back", "app-rollback", async () => {
        await post(`${path}/rollback`, {});
        await reload();
      }, "Rolled back to the version deployed before.") : null,
    !stopped ? button("Stop", "app-stop", async () => {
      await post(`${path}/stop`, {});
      await reload();
    }, "Stopping.") : null,
    button("Delete application", "app-delete", async () => {
      await del(path);
      navigate("#/apps", `Application ${app.name} deleted.`);
    }, undefined, { class: "danger" }));
}

export async function renderApp(page, name) {
  const path = `/api/apps/${seg(name)}`;
  let app = await get(path);
  if (!page.active) return;

  const statusBox = h("section", { "aria-labelledby": "app-status-heading" });
  const actionsBox = h("div");
  const versionsBox = h("section", { "aria-labelledby": "versions-heading" });
  const paramsBox = h("section");
  const cloneBox = h("section");
  const live = liveOutput(page, name);
  // Parts with forms are rebuilt only when what they show changes, never under the user's typing.
  let versionsKey = null;

  const draw = () => {
    fill(statusBox, h("h3", { id: "app-status-heading" }, "Status"), statusFacts(app));
    live.update(app.status);
    const key = JSON.stringify([app.deployed_version, app.desired, app.versions.map((v) => v.version),
      (app.history || []).length]);
    if (key === versionsKey) return;
    versionsKey = key;
    fill(actionsBox, appActions(page, app, reload));
    fill(versionsBox, h("h3", { id: "versions-heading" }, "Versions"), versionsTable(page, app, reload),
      h("h4", {}, "Deployments"), historyTable(app));
    const base = app.versions.find((v) => v.version === app.deployed_version) || app.versions[app.versions.length - 1];
    fill(paramsBox, parameterEditor(page, name, base.version, base.manifest?.parameters, reload));
    fill(cloneBox, cloneForm(page, app));
  };
  const reload = async () => {
    const fresh = await get(path);
    if (!page.active) return;
    app = fresh;
    draw();
  };

  fill(page.main,
    h("p", { class: "crumbs" }, h("a", { href: "#/apps" }, "Applications"), " / "),
    h("h2", {}, `Application ${name}`),
    actionsBox,
    h("div", { class: "columns" }, statusBox, live.element),
    versionsBox,
    h("div", { class: "columns" }, paramsBox, cloneBox),
    logFollower(page, name));
  draw();
  page.every(REFRESH_MS, reload);
}
