// Metrics: the Prometheus text of /metrics as a filterable table, and a link to the raw text.

import { get } from "./api.js";
import { fill, h, table } from "./dom.js";

const REFRESH_MS = 5000;
const SAMPLE = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)/;

// Prometheus text format -> [{name, labels, value, help}] (comments give the help texts).
export function parseMetrics(text) {
  const help = new Map();
  const samples = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("# HELP ")) {
      const [name, ...words] = line.slice(7).split(" ");
      help.set(name, words.join(" "));
    } else if (line && !line.startsWith("#")) {
      const match = SAMPLE.exec(line);
      if (match) samples.push({ name: match[1], labels: (match[2] || "").slice(1, -1), value: match[3] });
    }
  }
  const family = (name) => help.get(name) ?? help.get(name.replace(/_(bucket|sum|count|total|created)$/, ""));
  return samples.map((s) => ({ ...s, help: family(s.name) || "" }));
}

export async function renderMetrics(page) {
  const filter = h("input", { type: "search", id: "metrics-filter", placeholder: "panorama_", value: "panorama_",
    autocomplete: "off" });
  const list = h("div", { id: "metric-list" });
  let samples = [];
  const draw = () => {
    const wanted = filter.value.trim();
    fill(list, table("metrics", [
      ["Metric", (s) => h("code", { title: s.help }, s.name)],
      ["Labels", (s) => s.labels],
      ["Value", (s) => s.value],
    ], samples.filter((s) => s.name.includes(wanted) || s.labels.includes(wanted)),
    (s) => ({ "data-testid": "metric-row", "data-name": s.name }), "No metric matches."));
  };
  filter.addEventListener("input", draw);
  fill(page.main, h("h2", {}, "Metrics"),
    h("p", {}, "Scraped by Prometheus from ", h("a", { href: "/metrics", "data-testid": "metrics-link" }, "/metrics"),
      " (with the token as a bearer token)."),
    h("div", { class: "field" }, h("label", { for: "metrics-filter" }, "Show metrics whose name or labels contain"),
      filter),
    list);
  await page.every(REFRESH_MS, async () => {
    const text = await get("/metrics");
    if (!page.active) return;
    samples = parseMetrics(String(text));
    draw();
  });
}
