// Status: the appliance (version, uptime, supervisor, host) and every application's state, refreshed.

import { get, seg } from "./api.js";
import { badge, duration, facts, fill, h, table } from "./dom.js";

const REFRESH_MS = 2000;

function bytes(n) {
  if (typeof n !== "number") return "?";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

function hostFacts(host) {
  const memory = host.memory || {};
  const disk = host.disk || {};
  const gpus = host.gpus || [];
  return [
    ["CPUs", String(host.cpu_count ?? "?"), "status-cpus"],
    ["Load (1, 5, 15 min)", (host.load_average || []).map((x) => x.toFixed(2)).join(", "), "status-load"],
    ["Memory free", `${bytes(memory.available_bytes)} of ${bytes(memory.total_bytes)}`, "status-memory"],
    ["Disk free", `${bytes(disk.free_bytes)} of ${bytes(disk.total_bytes)}`, "status-disk"],
    ["GPUs", gpus.length ? gpus.map((g) => g.name || JSON.stringify(g)).join("; ") : "none", "status-gpus"],
  ];
}

export async function renderStatus(page) {
  const appliance = h("section", { "aria-labelledby": "appliance-heading" });
  const apps = h("section", { "aria-labelledby": "status-apps-heading" });
  fill(page.main, h("h2", {}, "Status"), appliance, apps);

  await page.every(REFRESH_MS, async () => {
    const status = await get("/api/status");
    if (!page.active) return;
    const supervisor = status.supervisor || {};
    const counts = status.counts || {};
    fill(appliance,
      h("h3", { id: "appliance-heading" }, "Appliance"),
      facts("status-appliance", [
        ["Version", status.version, "status-version"],
        ["Up for", duration(status.uptime_s), "status-uptime"],
        ["Supervisor", supervisor.running ? `running (pid ${supervisor.pid})` : "not running",
          "status-supervisor"],
        ["Data folder", h("code", {}, status.data_folder || ""), "status-data-folder"],
        ["Holds", h("span", {}, h("a", { href: "#/cameras" }, `${counts.cameras ?? 0} cameras`), ", ",
          h("a", { href: "#/models" }, `${counts.models ?? 0} models`), ", ",
          h("a", { href: "#/apps" }, `${counts.apps ?? 0} applications`)), "status-counts"],
        ...hostFacts(status.host || {}),
      ]));
    fill(apps,
      h("h3", { id: "status-apps-heading" }, "Applications"),
      table("status-apps", [
        ["Application", (row) => h("a", { href: `#/apps/${seg(row.name)}` }, row.name)],
        ["State", (row) => badge(row.state)],
        ["Wanted", (row) => row.desired || ""],
        ["Version", (row) => h("code", {}, (row.version || row.deployed_version || "").slice(0, 12))],
        ["Process", (row) => (row.pid ? String(row.pid) : "")],
        ["Restarts", (row) => String(row.restarts ?? 0)],
        ["Last error", (row) => h("span", { class: "error-text" }, row.last_error || "")],
      ], status.apps || [], (row) => ({ "data-testid": "status-app-row", "data-name": row.name }),
      "No application yet."));
  });
}
