// Models: the list, one model described, import from a file on the appliance, delete.

import { del, get, post, seg } from "./api.js";
import { facts, field, fill, h, shape, table, when } from "./dom.js";
import { navigate } from "./page.js";
import { NAME_PATTERN } from "./view_cameras.js";

const tensors = (list) => (list || []).map((t) => `${t.name} ${shape(t.shape)} ${t.dtype}`).join("; ");

function tensorTable(testid, list) {
  return table(testid, [
    ["Name", (t) => t.name],
    ["Shape", (t) => h("span", { "data-testid": "shape" }, shape(t.shape))],
    ["Type", (t) => t.dtype],
  ], list || [], (t) => ({ "data-testid": `${testid}-row`, "data-name": t.name }));
}

// "1,3,512,512" or "[1, 3, 512, 512]" -> [1, 3, 512, 512]; throws naming what is wrong.
function parseShape(text) {
  const parts = text.replace(/^\s*\[|\]\s*$/g, "").split(",").map((p) => p.trim());
  const dims = parts.map(Number);
  if (!parts.length || dims.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new Error(`input shape "${text}" is not valid: expected positive whole numbers separated by commas`);
  }
  return dims;
}

function importForm(page, refresh) {
  const form = h("form", { id: "model-import-form", "aria-labelledby": "model-import-heading" },
    h("h3", { id: "model-import-heading" }, "Import a model"),
    field("Name", { id: "model-name", name: "name", required: true, pattern: NAME_PATTERN, autocomplete: "off" }),
    field("File on the appliance", { id: "model-path", name: "path", required: true,
      placeholder: "/data/models/people-ssd.onnx", autocomplete: "off" },
    "ONNX file, TorchScript file or TensorFlow SavedModel folder."),
    field("Input name (optional)", { id: "model-input-name", name: "input_name", autocomplete: "off",
      placeholder: "data" }),
    field("Input shape (optional)", { id: "model-input-shape", name: "input_shape", autocomplete: "off",
      placeholder: "1,3,512,512" }, "Needed when the model's input has free dimensions, or to check it."),
    h("div", { class: "field inline" },
      h("input", { type: "checkbox", id: "model-replace", name: "replace" }),
      h("label", { for: "model-replace" }, "Replace a model of the same name")),
    h("button", { type: "submit", id: "model-import", "data-testid": "model-import" }, "Import"),
    h("p", { class: "progress", "data-testid": "model-import-progress", "aria-live": "polite" }));
  const progress = form.querySelector(".progress");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    fill(progress, "Importing (converting and checking the model can take a while)…");
    const ok = await page.act(form.querySelector("button[type=submit]"), async () => {
      const body = { name: values.name, path: values.path, replace: values.replace === "on" };
      if (values.input_shape.trim()) {
        if (!values.input_name.trim()) throw new Error("give the input's name with its shape");
        body.inputs = { [values.input_name.trim()]: parseShape(values.input_shape) };
      }
      await post("/api/models", body);
      await refresh();
    }, `Model ${values.name} imported.`);
    fill(progress);
    if (ok) form.reset();
  });
  return form;
}

export async function renderModels(page) {
  const list = h("div", { id: "model-list" });
  const refresh = async () => {
    const models = await get("/api/models");
    if (!page.active) return;
    fill(list, table("models", [
      ["Name", (m) => h("a", { href: `#/models/${seg(m.name)}` }, m.name)],
      ["Framework", (m) => m.framework],
      ["Inputs", (m) => h("span", { "data-testid": "model-inputs" }, tensors(m.inputs))],
      ["Outputs", (m) => tensors(m.outputs)],
      ["Preprocessing", (m) => (m.preprocess ? "recorded" : "none")],
      ["Imported", (m) => when(m.created)],
    ], models, (m) => ({ "data-testid": "model-row", "data-name": m.name }), "No model yet: import one below."));
  };
  fill(page.main, h("h2", {}, "Models"), list, importForm(page, refresh));
  await refresh();
}

export async function renderModel(page, name) {
  const model = await get(`/api/models/${seg(name)}`);
  if (!page.active) return;
  const remove = h("button", { type: "button", class: "danger", "data-testid": "model-delete" }, "Delete model");
  remove.addEventListener("click", async () => {
    if (!window.confirm(`Delete model ${name}? Applications that use it will fail to start.`)) return;
    await page.act(remove, async () => {
      await del(`/api/models/${seg(name)}`);
      navigate("#/models", `Model ${name} deleted.`);
    });
  });
  const known = new Set(["name", "framework", "inputs", "outputs", "preprocess", "created"]);
  const other = Object.entries(model).filter(([key, value]) => !known.has(key) && typeof value !== "object");
  fill(page.main,
    h("p", { class: "crumbs" }, h("a", { href: "#/models" }, "Models"), " / "),
    h("h2", {}, `Model ${model.name}`),
    facts("model-facts", [
      ["Framework", model.framework, "model-framework"],
      ["Imported", when(model.created)],
      ...other.map(([key, value]) => [key.replaceAll("_", " "), String(value)]),
    ]),
    h("h3", {}, "Inputs"), tensorTable("model-inputs", model.inputs),
    h("h3", {}, "Outputs"), tensorTable("model-outputs", model.outputs),
    h("h3", {}, "Preprocessing"),
    model.preprocess ? h("pre", { "data-testid": "model-preprocess" }, JSON.stringify(model.preprocess, null, 2))
      : h("p", {}, "None recorded: applications prepare the input themselves."),
    remove);
}
