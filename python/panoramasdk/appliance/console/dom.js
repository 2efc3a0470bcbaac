// Builds elements with the DOM API only (never innerHTML), so data from the API is always text.

// h("button", {class: "x", "data-testid": "y", onclick: fn}, "text", child, ...)
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "value" || key === "checked") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces an element's children.
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A table: columns are [heading, (row) => cell content]; rowAttrs(row) gives each <tr>'s attributes.
export function table(testid, columns, rows, rowAttrs = () => ({}), empty = "None yet.") {
  if (!rows.length) return h("p", { class: "empty", "data-testid": `${testid}-empty` }, empty);
  return h("table", { "data-testid": testid },
    h("thead", {}, h("tr", {}, columns.map(([heading]) => h("th", { scope: "col" }, heading)))),
    h("tbody", {}, rows.map((row) => h("tr", rowAttrs(row), columns.map(([, cell]) => h("td", {}, cell(row)))))));
}

// <dl> from [term, value] pairs.
export function facts(testid, pairs) {
  return h("dl", { class: "facts", "data-testid": testid },
    pairs.flatMap(([term, value, id]) => [h("dt", {}, term), h("dd", { "data-testid": id }, value)]));
}

// A labelled form field; `attrs` go to the <input> (or <select>/<textarea> with attrs.tag).
export function field(label, attrs, hint) {
  const { tag = "input", ...rest } = attrs;
  const control = h(tag, rest);
  const hintEl = hint ? h("small", { id: `${rest.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: rest.id }, label), control, hintEl);
}

// A state word as a coloured badge (RUNNING, ERROR, STOPPED, CONNECTED, ...).
export function badge(state) {
  const word = state ? String(state) : "UNKNOWN";
  return h("span", { class: `badge state-${word.toLowerCase()}`, "data-testid": "state" }, word);
}

export function duration(seconds) {
  if (seconds === undefined || seconds === null) return "";
  let s = Math.floor(seconds);
  const parts = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["min", 60]]) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
  }
  if (!parts.length || s) parts.push(`${s} s`);
  return parts.join(" ");
}

// A time from the API: Unix seconds (the appliance's records) or ISO 8601 text (model descriptors).
export function when(value) {
  if (value === undefined || value === null || value === "") return "";
  const date = new Date(typeof value === "number" ? value * 1000 : value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export const shape = (dims) => `[${(dims || []).map((d) => (d === null ? "?" : d)).join(", ")}]`;

export const fps = (value) => (typeof value === "number" ? value.toFixed(1) : "");
