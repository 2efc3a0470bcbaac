// Applications: the list with each one's state, and creating one from a folder on the appliance.

import { get, post, seg } from "./api.js";
import { badge, field, fill, h, table } from "./dom.js";
import { navigate } from "./page.js";
import { NAME_PATTERN } from "./view_cameras.js";

const REFRESH_MS = 3000;

function cameraChoices(cameras) {
  if (!cameras.length) return h("p", { class: "empty" }, "No camera yet: the manifest's cameras are used.");
  return h("fieldset", { id: "app-cameras" },
    h("legend", {}, "Cameras, in input order (none ticked: the manifest's)"),
    cameras.map((c) => h("div", { class: "field inline" },
      h("input", { type: "checkbox", id: `app-camera-${c.name}`, name: "cameras", value: c.name,
        "data-testid": "app-camera" }),
      h("label", { for: `app-camera-${c.name}` }, c.name))));
}

function createForm(page, cameras) {
  const form = h("form", { id: "app-create-form", "aria-labelledby": "app-create-heading" },
    h("h3", { id: "app-create-heading" }, "Create an application"),
    field("Folder on the appliance", { id: "app-source", name: "source", required: true, autocomplete: "off",
      placeholder: "/data/src/people_counter" }, "The code, with panorama-app.json (its manifest) if it has one."),
    field("Name (optional)", { id: "app-name", name: "name", pattern: NAME_PATTERN, autocomplete: "off" },
      "Defaults to the manifest's name, else the folder's."),
    cameraChoices(cameras),
    h("div", { class: "field inline" },
      h("input", { type: "checkbox", id: "app-deploy-now", name: "deploy" }),
      h("label", { for: "app-deploy-now" }, "Deploy it now")),
    h("button", { type: "submit", id: "app-create", "data-testid": "app-create" }, "Create"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { source: data.get("source") };
    if (data.get("name")) body.name = data.get("name");
    if (data.getAll("cameras").length) body.cameras = data.getAll("cameras");
    await page.act(form.querySelector("button[type=submit]"), async () => {
      const created = await post("/api/apps", body);
      const version = created.version.version;
      const deploy = Boolean(data.get("deploy"));
      if (deploy) await post(`/api/apps/${seg(created.app)}/deploy`, { version });
      navigate(`#/apps/${seg(created.app)}`,
        `Application ${created.app} created (version ${version.slice(0, 12)})${deploy ? " and deployed" : ""}.`);
    });
  });
  return form;
}

export async function renderApps(page) {
  const list = h("div", { id: "app-list" });
  const refresh = async () => {
    const apps = await get("/api/apps");
    if (!page.active) return;
    fill(list, table("apps", [
      ["Name", (a) => h("a", { href: `#/apps/${seg(a.name)}`, "data-testid": "app-link" }, a.name)],
      ["State", (a) => badge(a.status?.state)],
      ["Deployed", (a) => h("code", {}, a.deployed_version || "—")],
      ["Wanted", (a) => a.desired || ""],
      ["Versions", (a) => String(a.versions)],
      ["Newest", (a) => h("code", {}, a.latest_version || "")],
      ["Restarts", (a) => String(a.status?.restarts ?? 0)],
      ["Last error", (a) => h("span", { class: "error-text" }, a.status?.last_error || "")],
    ], apps, (a) => ({ "data-testid": "app-row", "data-name": a.name }), "No application yet: create one below."));
  };
  const cameras = await get("/api/cameras");
  if (!page.active) return;
  fill(page.main, h("h2", {}, "Applications"), list, createForm(page, cameras));
  await page.every(REFRESH_MS, refresh);
}
