// Cameras: the list with live state and fps, the add form, ONVIF discovery and removal.
// Passwords only ever go from a form to the API; the API never returns one.

import { del, get, post, seg } from "./api.js";
import { badge, field, fill, fps, h, table } from "./dom.js";

const REFRESH_MS = 3000;
export const NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}";
const NAME_HINT = "Letters, digits, '-', '_' or '.', starting with a letter or digit.";

// A camera name from what discovery found ("Lobby Cam" + "Profile 1" -> "Lobby-Cam-Profile-1").
function suggestedName(device, profile) {
  const text = [device.name || device.model || device.address, profile.name].filter(Boolean).join("-");
  const name = text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return name || "camera";
}

function addForm(page, refresh) {
  const form = h("form", { id: "camera-add-form", "data-testid": "camera-add-form", "aria-labelledby": "camera-add-heading" },
    h("h3", { id: "camera-add-heading" }, "Add a camera"),
    field("Name", { id: "camera-name", name: "name", required: true, pattern: NAME_PATTERN, autocomplete: "off" },
      NAME_HINT),
    field("Stream URL", { id: "camera-url", name: "url", required: true, placeholder: "rtsp://host:554/path",
      autocomplete: "off" }),
    field("User name", { id: "camera-username", name: "username", autocomplete: "off" }),
    field("Password", { id: "camera-password", name: "password", type: "password", autocomplete: "new-password" },
      "Stored encrypted; never shown again."),
    field("Description", { id: "camera-description", name: "description", autocomplete: "off" }),
    h("button", { type: "submit", id: "camera-add", "data-testid": "camera-add" }, "Add camera"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    const ok = await page.act(form.querySelector("button[type=submit]"), async () => {
      await post("/api/cameras", values);
      await refresh();
    }, `Camera ${values.name} added.`);
    if (ok) form.reset();
  });
  return form;
}

function discoverForm(page, addTo) {
  const results = h("div", { id: "discover-results", "data-testid": "discover-results", "aria-live": "polite" });
  const form = h("form", { id: "camera-discover-form", "aria-labelledby": "camera-discover-heading" },
    h("h3", { id: "camera-discover-heading" }, "Discover cameras (ONVIF)"),
    h("p", {}, "Probes the local network; the credentials are used to ask each camera for its streams."),
    field("User name", { id: "discover-username", name: "username", autocomplete: "off" }),
    field("Password", { id: "discover-password", name: "password", type: "password", autocomplete: "off" }),
    field("Wait (seconds)", { id: "discover-timeout", name: "timeout_s", type: "number", min: "1", max: "30",
      step: "1", value: "3" }),
    h("button", { type: "submit", id: "camera-discover", "data-testid": "camera-discover" }, "Discover"),
    results);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    values.timeout_s = Number(values.timeout_s);
    fill(results, h("p", {}, "Searching…"));
    await page.act(form.querySelector("button[type=submit]"), async () => {
      const devices = await post("/api/cameras/discover", values);
      fill(results, devices.length ? devices.map((device) => deviceCard(device, values, addTo))
        : h("p", { "data-testid": "discover-none" }, "No camera answered."));
    });
    if (results.textContent === "Searching…") fill(results);
  });
  return form;
}

function deviceCard(device, credentials, addTo) {
  const title = [device.manufacturer, device.model].filter(Boolean).join(" ") || device.name || "Camera";
  const profiles = device.profiles || [];
  return h("article", { class: "device", "data-testid": "discovered-device", "data-address": device.address },
    h("h4", {}, `${title} at ${device.address}`),
    device.error ? h("p", { class: "error-text" }, device.error) : null,
    table("discovered-profiles", [
      ["Profile", (p) => p.name],
      ["Size", (p) => (p.width ? `${p.width}×${p.height}` : "")],
      ["Encoding", (p) => p.encoding || ""],
      ["Stream URL", (p) => h("code", {}, p.uri)],
      ["", (p) => h("button", { type: "button", "data-testid": "discovered-add",
        "aria-label": `Add ${p.name} of ${title}`,
        onclick: () => addTo(suggestedName(device, p), p.uri, credentials) }, "Add")],
    ], profiles, () => ({}), "No stream profile was read."));
}

export async function renderCameras(page) {
  const list = h("div", { id: "camera-list" });
  const refresh = async () => {
    const cameras = await get("/api/cameras");
    if (!page.active) return;
    fill(list, table("cameras", [
      ["Name", (c) => c.name],
      ["Stream URL", (c) => h("code", {}, c.url)],
      ["User", (c) => c.username || ""],
      ["Password", (c) => (c.has_password ? "set" : "none")],
      ["State", (c) => badge(c.status?.state)],
      ["fps", (c) => h("span", { "data-testid": "fps" }, fps(c.status?.fps))],
      ["Decoder", (c) => h("span", { "data-testid": "decoder" }, c.status?.decoder || "")],
      ["Used by", (c) => (c.status?.apps || []).join(", ")],
      ["Last error", (c) => h("span", { class: "error-text" }, c.status?.last_error || "")],
      ["Description", (c) => c.description || ""],
      ["", (c) => h("button", { type: "button", class: "danger", "data-testid": "camera-remove",
        "aria-label": `Remove camera ${c.name}`, onclick: (event) => remove(event.currentTarget, c.name) },
      "Remove")],
    ], cameras, (c) => ({ "data-testid": "camera-row", "data-name": c.name }), "No camera yet: add one below."));
  };
  const remove = async (button, name) => {
    if (!window.confirm(`Remove camera ${name}? Applications that use it lose this input.`)) return;
    await page.act(button, async () => {
      await del(`/api/cameras/${seg(name)}`);
      await refresh();
    }, `Camera ${name} removed.`);
  };

  const add = addForm(page, refresh);
  const addTo = (name, url, credentials) => {
    add.elements.name.value = name;
    add.elements.url.value = url;
    add.elements.username.value = credentials.username || "";
    add.elements.password.value = credentials.password || "";
    add.scrollIntoView({ block: "start" });
    add.elements.name.focus();
  };
  fill(page.main, h("h2", {}, "Cameras"), list, h("div", { class: "columns" }, add, discoverForm(page, addTo)));
  await page.every(REFRESH_MS, refresh);
}
