// The parameters editor: saving makes a new version from `base` (versions are immutable), and deploys it
// unless the user unticks that.

import { post, seg } from "./api.js";
import { field, h } from "./dom.js";

// An input that keeps the parameter's type: number, true/false or text.
function control(key, value) {
  const common = { id: `param-${key}`, name: key, "data-testid": "param", "data-name": key };
  if (typeof value === "boolean") return h("input", { ...common, type: "checkbox", checked: value });
  if (typeof value === "number") return h("input", { ...common, type: "number", step: "any", required: true, value });
  return h("input", { ...common, type: "text", value: String(value), autocomplete: "off" });
}

function valueOf(input) {
  if (input.type === "checkbox") return input.checked;
  if (input.type === "number") {
    const number = Number(input.value);
    if (input.value.trim() === "" || !Number.isFinite(number)) {
      throw new Error(`parameter ${input.name}: "${input.value}" is not a number`);
    }
    return number;
  }
  return input.value;
}

// A new parameter's text as a number or true/false when it reads as one, else as text.
function typed(text) {
  const trimmed = text.trim();
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (trimmed !== "" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return text;
}

export function parameterEditor(page, app, base, parameters, onSaved) {
  const entries = Object.entries(parameters || {}).sort(([a], [b]) => a.localeCompare(b));
  const inputs = entries.map(([key, value]) => control(key, value));
  const form = h("form", { id: "param-form", "data-testid": "param-form", "data-base": base,
    "aria-labelledby": "param-heading" },
  h("h3", { id: "param-heading" }, "Parameters"),
  h("p", {}, "Of version ", h("code", {}, base), ". Saving makes a new version."),
  entries.length ? null : h("p", { class: "empty" }, "This version sets no parameter."),
  entries.map(([key], i) => h("div", { class: typeof entries[i][1] === "boolean" ? "field inline" : "field" },
    typeof entries[i][1] === "boolean" ? [inputs[i], h("label", { for: inputs[i].id }, key)]
      : [h("label", { for: inputs[i].id }, key), inputs[i]])),
  h("details", {},
    h("summary", {}, "Add a parameter"),
    field("Name", { id: "param-new-name", autocomplete: "off" }),
    field("Value", { id: "param-new-value", autocomplete: "off" }, "A number, true, false or text.")),
  field("Note (optional)", { id: "param-note", name: "note", autocomplete: "off",
    placeholder: "why this change" }),
  h("div", { class: "field inline" },
    h("input", { type: "checkbox", id: "param-deploy", checked: true }),
    h("label", { for: "param-deploy" }, "Deploy the new version")),
  h("button", { type: "submit", id: "param-save", "data-testid": "param-save" }, "Save as a new version"));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const deploy = form.querySelector("#param-deploy").checked;
    let made = null;
    await page.act(form.querySelector("button[type=submit]"), async () => {
      const values = Object.fromEntries(inputs.map((input) => [input.name, valueOf(input)]));
      const newName = form.querySelector("#param-new-name").value.trim();
      if (newName) values[newName] = typed(form.querySelector("#param-new-value").value);
      const note = form.querySelector("#param-note").value.trim() || "parameters changed in the console";
      made = await post(`/api/apps/${seg(app)}/versions`, { base, parameters: values, note, deploy });
    }, () => `Version ${made.version} made${deploy ? " and deployed" : ""}.`);
    if (made) await onSaved();
  });
  return form;
}
