// @ts-check
/**
 * The controls the server rendered from its schema (templates/index.html): each element with
 * data-field sends a `set` for its field; `setConfig` shows the store's config without sending
 * anything. Also the dataset thumbnails, the feature toggles, and which optimizer settings apply
 * (the schema says which optimizers each field belongs to). Numbers are shown in the page's
 * language (a decimal comma in Vietnamese and Russian); the values sent are JavaScript's own.
 */

import { pointColor } from "./colors.js";
import { rounded } from "./format.js";
import { paint } from "./heatmap.js";
import { onLanguage, t } from "./i18n.js";

/** A setting's value as the page shows it: 0.03 → "0,03" in Russian. @param {any} value */
export function shownValue(value) {
  const v = typeof value === "number" ? value : Number(value);
  return typeof value === "boolean" || String(value).trim() === "" || !Number.isFinite(v)
    ? String(value) : rounded(v, 12);
}

export class Controls {
  /**
   * @param {Document} doc
   * @param {import("./store.js").Store} store
   * @param {{onSet: (changes: Record<string, any>, origin: Element) => void}} callbacks
   */
  constructor(doc, store, callbacks) {
    const schema = store.schema;
    this.doc = doc;
    this.store = store;
    this.schema = schema;
    this.cb = callbacks;
    this.byName = new Map(schema.fields.map((f) => [f.name, f]));
    /** @type {NodeListOf<HTMLInputElement | HTMLSelectElement>} */
    this.inputs = doc.querySelectorAll("[data-field]");
    for (const el of this.inputs) {
      const name = /** @type {string} */ (el.dataset.field);
      const output = doc.querySelector(`output[data-output="${name}"]`);
      if (el instanceof HTMLInputElement && el.type === "range") {
        el.addEventListener("input", () => { if (output) output.textContent = shownValue(el.value); });
      }
      el.addEventListener("change", () => {
        const value = this.read(el);
        if (value !== undefined) this.cb.onSet(this.withCompanions(name, value), el);
      });
    }
    for (const button of doc.querySelectorAll("[data-dataset]")) {
      button.addEventListener("click", () => this.cb.onSet({
        dataset: /** @type {HTMLElement} */ (button).dataset.dataset }, button));
    }
    for (const button of doc.querySelectorAll("[data-feature]")) {
      button.addEventListener("click", () => {
        const name = /** @type {HTMLElement} */ (button).dataset.feature;
        const now = new Set(this.store.config.features);
        if (now.has(name)) now.delete(name);
        else now.add(name);
        const ordered = Object.keys(schema.features).filter((f) => now.has(f));
        this.cb.onSet({ features: ordered }, button);
      });
    }
    this.previews();
    this.numbers();
    onLanguage(() => this.language());
  }

  /** Write every text this module wrote again in the page's new language. */
  language() {
    this.numbers();
    this.featureTitles();
    for (const button of this.doc.querySelectorAll("[data-dataset]")) {
      const name = /** @type {string} */ (/** @type {HTMLElement} */ (button).dataset.dataset);
      if (this.schema.datasets[name]?.n_inputs !== 2) this.thumbnailText(button, name);
    }
  }

  /** Numbers in the page's language: the sliders' values and the numbers offered in lists. */
  numbers() {
    for (const el of this.inputs) {
      const name = /** @type {string} */ (el.dataset.field);
      const field = this.byName.get(name);
      if (el instanceof HTMLSelectElement && (field?.type === "int" || field?.type === "float")) {
        for (const option of el.options) option.textContent = shownValue(option.value);
      }
      const output = this.doc.querySelector(`output[data-output="${name}"]`);
      if (output && el instanceof HTMLInputElement) output.textContent = shownValue(el.value);
    }
  }

  /** Each feature button's tooltip: "Use x₁² as an input". */
  featureTitles() {
    for (const button of this.doc.querySelectorAll("[data-feature]")) {
      const el = /** @type {HTMLElement} */ (button);
      el.title = t("page:features.use", { label: t(`server:features.${el.dataset.feature}`) });
    }
  }

  /**
   * A change with what must change with it, sent together so that no click is refused:
   * momentum back to 0 turns Nesterov momentum off.
   * @param {string} name @param {any} value
   */
  withCompanions(name, value) {
    if (name === "momentum" && value === 0 && this.store.config.nesterov) {
      return { momentum: 0, nesterov: false };
    }
    return { [name]: value };
  }

  /** The element's value as its field's type, or undefined. @param {HTMLInputElement | HTMLSelectElement} el */
  read(el) {
    const field = this.byName.get(/** @type {string} */ (el.dataset.field));
    if (!field) return undefined;
    if (field.type === "bool") return /** @type {HTMLInputElement} */ (el).checked;
    if (field.type === "int") return parseInt(el.value, 10);
    if (field.type === "float") return Number(el.value);
    return el.value;
  }

  /** Show a config (the store's, i.e. the server's) in every control, without sending anything. @param {Record<string, any>} config */
  setConfig(config) {
    for (const el of this.inputs) {
      const name = /** @type {string} */ (el.dataset.field);
      if (!(name in config)) continue;
      const value = config[name];
      if (el instanceof HTMLInputElement && el.type === "checkbox") el.checked = Boolean(value);
      else {
        if (el instanceof HTMLSelectElement && ![...el.options].some((o) => Number(o.value) === value || o.value === String(value))) {
          const option = this.doc.createElement("option");
          option.value = String(value);
          option.textContent = shownValue(value);
          el.appendChild(option);
        }
        if (el instanceof HTMLSelectElement) {
          const match = [...el.options].find((o) => o.value === String(value) || Number(o.value) === value);
          if (match) el.value = match.value;
        } else el.value = String(value);
        const output = this.doc.querySelector(`output[data-output="${name}"]`);
        if (output) output.textContent = shownValue(value);
      }
    }
    for (const button of this.doc.querySelectorAll("[data-dataset]")) {
      const el = /** @type {HTMLElement} */ (button);
      el.setAttribute("aria-pressed", String(el.dataset.dataset === config.dataset));
    }
    const features = new Set(config.features);
    for (const button of this.doc.querySelectorAll("[data-feature]")) {
      const el = /** @type {HTMLElement} */ (button);
      el.setAttribute("aria-pressed", String(features.has(el.dataset.feature)));
    }
    const spec = this.schema.datasets[config.dataset];
    this.toggle("n_classes", Boolean(spec?.variable_classes));
    this.toggle("n_samples", !spec?.fixed_size && config.dataset !== "custom");
    this.toggle("noise", !spec?.fixed_size && config.dataset !== "custom");
    this.toggle("train_ratio", !spec?.files?.length);  // MNIST's test set is its own
    for (const f of this.schema.fields) {  // an optimizer's settings show with it only
      if (f.optimizers.length) this.toggle(f.name, f.optimizers.includes(config.optimizer));
    }
  }

  /** @param {string} name @param {boolean} visible */
  toggle(name, visible) {
    const box = /** @type {HTMLElement | null} */ (this.doc.querySelector(`[data-control="${name}"]`));
    if (box) box.hidden = !visible;
  }

  /**
   * Enable the feature toggles only for data on the plane, and draw each feature's map.
   * @param {boolean} plane
   * @param {any} [net]  the network message, with every feature's map
   */
  setPlane(plane, net) {
    // data that is not on the plane has no features: none of them looks chosen
    this.doc.getElementById("features")?.setAttribute("data-plane", String(plane));
    for (const button of this.doc.querySelectorAll("[data-feature]")) {
      const el = /** @type {HTMLButtonElement} */ (button);
      el.disabled = !plane;
      const k = net?.feature_names?.indexOf(el.dataset.feature) ?? -1;
      if (k >= 0) {
        const D = net.neuron_density;
        paint(/** @type {HTMLCanvasElement} */ (el.querySelector("canvas")), net.features.data, D,
          undefined, k * D * D);
      }
    }
  }

  /**
   * The thumbnail of data that is not on the plane: how many inputs and classes it has.
   * @param {Element} button @param {string} name
   */
  thumbnailText(button, name) {
    const spec = this.schema.datasets[name];
    const canvas = /** @type {HTMLCanvasElement} */ (button.querySelector("canvas"));
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = "#555";
    ctx.font = "bold 13px system-ui";
    ctx.textAlign = "center";
    const fit = (/** @type {string} */ text, /** @type {number} */ y) =>
      ctx.fillText(text, 24, y, canvas.width - 2);
    fit(t("page:data.thumb_inputs", { count: spec.n_inputs }), 22);
    if (spec.n_classes) fit(t("page:data.thumb_classes", { count: spec.n_classes }), 38);
  }

  /** Draw every 2-D dataset's thumbnail from a preview of its points. */
  async previews() {
    for (const button of this.doc.querySelectorAll("[data-dataset]")) {
      const name = /** @type {HTMLElement} */ (button).dataset.dataset;
      const spec = this.schema.datasets[name];
      const canvas = /** @type {HTMLCanvasElement} */ (button.querySelector("canvas"));
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
      if (spec.n_inputs !== 2) {
        this.thumbnailText(button, name);
        continue;
      }
      try {
        const response = await fetch(`/api/datasets/${name}/preview`);
        const p = await response.json();
        const [lo, hi] = p.extent;
        p.x.forEach((xy, i) => {
          const px = (xy[0] - lo) / (hi - lo) * 48;
          const py = (hi - xy[1]) / (hi - lo) * 48;
          ctx.fillStyle = pointColor(p.y[i], p.task, name === "blobs" ? 4 : 2);
          ctx.fillRect(px - 1.2, py - 1.2, 2.4, 2.4);
        });
      } catch {
        // a thumbnail is decoration; the button still works
      }
    }
  }
}
