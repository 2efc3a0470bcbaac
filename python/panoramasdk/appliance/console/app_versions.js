// An application's versions (deploy, roll back to, delete), its deployment history and the clone form.

import { del, post, seg } from "./api.js";
import { field, h, table, when } from "./dom.js";
import { navigate } from "./page.js";
import { NAME_PATTERN } from "./view_cameras.js";

const short = (version) => (version ? String(version).slice(0, 12) : "");
const summary = (object) => Object.entries(object || {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");

function actionButton(page, label, testid, run, done) {
  const button = h("button", { type: "button", "data-testid": testid }, label);
  button.addEventListener("click", () => page.act(button, run, done));
  return button;
}

export function versionsTable(page, app, reload) {
  const path = `/api/apps/${seg(app.name)}`;
  const deployed = app.versions.find((v) => v.version === app.deployed_version);
  const only = app.versions.length === 1;
  const actions = (v) => {
    if (v.version === app.deployed_version) return h("strong", { "data-testid": "version-deployed" }, "deployed");
    const older = deployed && v.seq < deployed.seq;
    const remove = h("button", { type: "button", class: "danger", "data-testid": "version-delete",
      disabled: only, title: only ? "The only version: delete the application instead" : undefined }, "Delete");
    remove.addEventListener("click", async () => {
      if (!window.confirm(`Delete version ${short(v.version)} of ${app.name}?`)) return;
      await page.act(remove, async () => {
        await del(`${path}/versions/${seg(v.version)}`);
        await reload();
      }, `Version ${short(v.version)} deleted.`);
    });
    return [
      older ? actionButton(page, "Roll back to this", "version-rollback", async () => {
        await post(`${path}/rollback`, { version: v.version });
        await reload();
      }, `Rolled back to ${short(v.version)}.`)
        : actionButton(page, "Deploy", "version-deploy", async () => {
          await post(`${path}/deploy`, { version: v.version });
          await reload();
        }, `Version ${short(v.version)} deployed.`),
      " ", remove];
  };
  return table("versions", [
    ["#", (v) => String(v.seq)],
    ["Version", (v) => h("code", { title: v.version, "data-testid": "version-id" }, short(v.version))],
    ["Made", (v) => when(v.created)],
    ["Note", (v) => v.note || ""],
    ["Parameters", (v) => h("span", { "data-testid": "version-parameters" }, summary(v.manifest?.parameters))],
    ["Cameras", (v) => (v.manifest?.cameras || []).join(", ")],
    ["", actions],
  ], [...app.versions].reverse(), (v) => ({ "data-testid": "version-row", "data-version": v.version,
    "data-seq": v.seq, "data-deployed": v.version === app.deployed_version ? "true" : "false" }));
}

export function historyTable(app) {
  const rows = [...(app.history || [])].reverse().slice(0, 10);
  return table("history", [
    ["When", (r) => when(r.at)],
    ["What", (r) => r.action],
    ["Version", (r) => h("code", { title: r.version }, short(r.version))],
  ], rows, () => ({ "data-testid": "history-row" }), "Never deployed.");
}

export function cloneForm(page, app) {
  const pick = app.deployed_version || app.versions[app.versions.length - 1]?.version;
  const form = h("form", { id: "clone-form", "aria-labelledby": "clone-heading" },
    h("h3", { id: "clone-heading" }, "Clone"),
    field("New application's name", { id: "clone-name", name: "new_name", required: true, pattern: NAME_PATTERN,
      autocomplete: "off" }),
    h("div", { class: "field" }, h("label", { for: "clone-version" }, "From version"),
      h("select", { id: "clone-version", name: "version" }, [...app.versions].reverse().map((v) =>
        h("option", { value: v.version, selected: v.version === pick }, `#${v.seq} ${short(v.version)}`)))),
    h("button", { type: "submit", id: "clone", "data-testid": "app-clone" }, "Clone"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    await page.act(form.querySelector("button[type=submit]"), async () => {
      await post(`/api/apps/${seg(app.name)}/clone`, body);
      navigate(`#/apps/${seg(body.new_name)}`, `Cloned ${app.name} as ${body.new_name}.`);
    });
  });
  return form;
}
