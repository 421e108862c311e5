// @ts-check
/**
 * The smaller teaching panels: one editable neuron, the shapes of every array, the activation
 * functions and their derivatives, and the training diagnostics over time. Every number they
 * show comes from the server (the engine), never from arithmetic done here.
 */

import { escapeHtml, h, swatch } from "./dom.js";
import { CLASS_COLORS } from "./colors.js";
import { exponent, number as fmt, powerOfTen, rounded, wholePercent } from "./format.js";
import { has, onLanguage, t } from "./i18n.js";
import { subscripted } from "./store.js";
import { choiceLabel } from "./names.js";

/**
 * An activation's name in the page's language (the schema's display text of the choice).
 * @param {string} name
 */
function activationName(name) {
  return choiceLabel("activation", name,
    choiceLabel("output_activation", name, name.replace("_", " ")));
}

/**
 * A fact of an activation as the server's catalogue words it (GET /api/activations sends it in
 * English), or the server's own text.
 * @param {string} name @param {string} fact @param {string} english
 */
function activationFact(name, fact, english) {
  const key = `server:activations.${name}.${fact}`;
  return has(key) ? t(key) : english;
}

/** One neuron: inputs, weights, bias and activation, and what it computes. */
export class NeuronToy {
  /** @param {HTMLElement} panel */
  constructor(panel) {
    this.panel = panel;
    this.inputs = [[2, 0.4], [3, 0.6]]; // [x, w]
    this.list = /** @type {HTMLElement} */ (panel.querySelector(".neuron-inputs"));
    this.b = /** @type {HTMLInputElement} */ (panel.querySelector("#toy-b"));
    this.act = /** @type {HTMLSelectElement} */ (panel.querySelector("#toy-activation"));
    this.result = /** @type {HTMLElement} */ (panel.querySelector("#toy-result"));
    this.b.addEventListener("input", () => this.compute());
    this.act.addEventListener("change", () => this.compute());
    panel.querySelector("#toy-add")?.addEventListener("click", () => {
      if (this.inputs.length < 8) this.inputs.push([1, 0.5]);
      this.draw();
    });
    panel.querySelector("#toy-remove")?.addEventListener("click", () => {
      if (this.inputs.length > 1) this.inputs.pop();
      this.draw();
    });
    this.draw();
    onLanguage(() => this.compute());
  }

  draw() {
    this.list.textContent = "";
    this.inputs.forEach((pair, i) => {
      const rowEl = document.createElement("div");
      rowEl.className = "toy-row";
      rowEl.innerHTML = `<label>${subscripted(`x${i + 1}`)} <input type="number" step="any" value="${pair[0]}"></label>` +
        `<label>${subscripted(`w${i + 1}`)} <input type="number" step="any" value="${pair[1]}"></label>`;
      rowEl.querySelectorAll("input").forEach((input, k) => input.addEventListener("input", () => {
        pair[k] = Number(input.value);
        this.compute();
      }));
      this.list.appendChild(rowEl);
    });
    this.compute();
  }

  async compute() {
    const body = { x: this.inputs.map((p) => p[0]), w: this.inputs.map((p) => p[1]),
      b: Number(this.b.value), activation: this.act.value };
    if (![...body.x, ...body.w, body.b].every(Number.isFinite)) {
      this.result.textContent = t("views:toy.not_a_number");
      return;
    }
    const response = await fetch("/api/neuron", { method: "POST", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json" } });
    const r = await response.json();
    if (!response.ok) {
      this.result.textContent = typeof r.detail === "string" ? r.detail : JSON.stringify(r.detail);
      return;
    }
    const terms = this.inputs.map((p) => `${given(p[1])}·${given(p[0])}`).join(" + ");
    this.result.innerHTML = `<div>z = Σ wᵢxᵢ + b = ${terms} + ${given(body.b)} = ` +
      `<b data-key="z" data-value="${r.z}">${fmt(r.z)}</b></div>` +
      `<div>a = ${escapeHtml(activationName(body.activation))}(z) = ` +
      `<b data-key="a" data-value="${r.a}">${fmt(r.a)}</b>` +
      ` &nbsp; (${escapeHtml(t("views:toy.slope", { value: fmt(r.derivative) }))})</div>`;
  }
}

/** A number the person typed, as the page's language writes it. @param {number} v */
function given(v) {
  return rounded(v, 6);
}

/** @type {[HTMLElement, number[], number] | null} the shapes last shown, for another language */
let shapesShown = null;
let shapesListening = false;

/** The shape of every array of the current network, for a batch of N points. */
export function renderShapes(panel, sizes, batch) {
  shapesShown = [panel, sizes, batch];
  if (!shapesListening) {
    shapesListening = true;
    onLanguage(() => { if (shapesShown) renderShapes(...shapesShown); });
  }
  const rows = [];
  for (let l = 1; l < sizes.length; l++) {
    const nIn = sizes[l - 1];
    const nOut = sizes[l];
    rows.push(`<tr><th>${escapeHtml(l === sizes.length - 1 ? t("views:shapes_table.output")
      : t("views:shapes_table.hidden", { layer: l }))}</th>` +
      `<td>W[${l}]: (${nIn}, ${nOut})</td><td>b[${l}]: (${nOut},)</td>` +
      `<td>Z[${l}], A[${l}]: (${batch}, ${nOut})</td><td>dW[${l}]: (${nIn}, ${nOut})</td>` +
      `<td class="alt">${escapeHtml(t("views:shapes_table.as", { name: `W[${l}]`, shape: `(${nOut}, ${nIn})` }))}</td></tr>`);
  }
  const th = (/** @type {string} */ key, values = {}, cls = "") =>
    `<th${cls ? ` class="${cls}"` : ""}>${escapeHtml(t(`views:shapes_table.${key}`, values))}</th>`;
  panel.innerHTML = `<table class="shapes"><tr>${th("layer")}${th("weights")}${th("biases")}` +
    `${th("values", { count: batch, batch })}${th("gradient")}` +
    `${th("convention", {}, "alt")}</tr>${rows.join("")}</table>` +
    `<p class="label">${escapeHtml(t("views:shapes_table.note"))}</p>`;
}

/** Each activation and its derivative, as the engine computes them, with a note. */
export class ActivationPlots {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    this.loaded = false;
    /** @type {any} what GET /api/activations sent */
    this.curves = null;
  }

  async show() {
    if (this.loaded) return;
    this.loaded = true;
    const r = await (await fetch("/api/activations")).json();
    this.curves = r;
    this.render();
    onLanguage(() => this.render());
  }

  /** The figures, in the page's language. */
  render() {
    const r = this.curves;
    this.box.textContent = "";
    for (const [name, curve] of Object.entries(r.activations)) {
      const fig = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.width = 220;
      canvas.height = 130;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", t("views:activations.plot_aria", { name: activationName(name) }));
      fig.appendChild(h("figcaption", {}, h("b", {}, activationName(name)), ": ",
        h("span", { style: { color: ACTIVATION_COLORS[0] } }, "φ(z)"), ", ",
        h("span", { style: { color: ACTIVATION_COLORS[1] } }, t("views:activations.dashed"))));
      fig.appendChild(canvas);
      const p = document.createElement("p");
      p.textContent = activationFact(name, "note", curve.note);
      fig.appendChild(p);
      this.box.appendChild(fig);
      plot(canvas, r.z, [[curve.a, ACTIVATION_COLORS[0], []], [curve.d, ACTIVATION_COLORS[1], [5, 3]]]);
    }
  }
}

// φ in the diverging scale's blue, φ′ in a darker orange than its other end (#e66101 is 3.3:1
// on white, short of the 4.5:1 the caption's text needs), and dashed, so it is not colour alone.
const ACTIVATION_COLORS = ["#0868ac", "#b35806"];

function plot(canvas, xs, series) {
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const W = canvas.width;
  const H = canvas.height;
  let lo = -1.2;
  let hi = 1.2;
  for (const [ys] of series) for (const y of ys) {
    lo = Math.min(lo, y);
    hi = Math.max(hi, y);
  }
  hi = Math.min(hi, 5.2);
  lo = Math.max(lo, -5.2);
  const X = (x) => (x - xs[0]) / (xs[xs.length - 1] - xs[0]) * (W - 8) + 4;
  const Y = (y) => H - 4 - (y - lo) / (hi - lo) * (H - 8);
  ctx.strokeStyle = "#bbb";
  ctx.beginPath();
  ctx.moveTo(0, Y(0));
  ctx.lineTo(W, Y(0));
  ctx.moveTo(X(0), 0);
  ctx.lineTo(X(0), H);
  ctx.stroke();
  for (const [ys, color, dash] of series) {
    ctx.setLineDash(dash);
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ys.forEach((y, i) => (i ? ctx.lineTo(X(xs[i]), Y(y)) : ctx.moveTo(X(xs[i]), Y(y))));
    ctx.stroke();
  }
}

/** Per-layer gradient norms, dead units and weight histograms over time, from the frames. */
export class Diagnostics {
  constructor(els) {
    this.els = els;
    this.reset();
    onLanguage(() => {
      this.els.hist.textContent = "";  // its labels are made again
      this.draw();
    });
  }

  reset() {
    /** @type {{step: number, grad: number[], dead: number[], hist: number[][], range: number[]}[]} */
    this.samples = [];
    this.version = null;
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame */
  add(frame) {
    const h = frame.header;
    const A = frame.arrays;
    if (h.network_version !== this.version) {
      this.reset();
      this.version = h.network_version;
    }
    const last = this.samples[this.samples.length - 1];
    if (last && last.step === h.step) return;
    const L = A.grad_norms.shape[0];
    const bins = A.histograms.shape[1];
    const hist = [];
    for (let l = 0; l < L; l++) hist.push(Array.from(A.histograms.data.slice(l * bins, (l + 1) * bins)));
    this.samples.push({ step: h.step, grad: Array.from(A.grad_norms.data), dead: Array.from(A.dead.data),
      hist, range: h.histogram_range });
    if (this.samples.length > 240) this.samples = this.samples.filter((_, i) => i % 2 === 0);
  }

  draw() {
    const s = this.samples;
    if (!s.length) return;
    const L = s[0].grad.length;
    const colors = Array.from({ length: L }, (_, l) => CLASS_COLORS[(l + 1) % CLASS_COLORS.length]);
    const trained = s.filter((x) => x.grad.some((v) => v > 0)); // step 0 has no gradient yet
    if (trained.length) lines(this.els.grad, trained.map((x) => x.grad.map((v) => Math.log10(Math.max(v, 1e-30)))),
      colors, powerOfTen);
    this.els.gradLegend.replaceChildren(
      ...colors.map((c, l) => h("span", {}, swatch(c), ` ${t("views:diagnostics.layer", { layer: l + 1 })} `)),
      `\u00a0 ${t("views:diagnostics.latest", { values: s[s.length - 1].grad.map((v) => exponent(v, 1)).join(t("views:diagnostics.separator")) })}`);
    lines(this.els.dead, s.map((x) => x.dead.map((v) => 100 * v)), colors, wholePercent, [0, 100]);
    this.strips(s, L);
  }

  strips(s, L) {
    const box = this.els.hist;
    if (box.children.length !== L) {
      box.textContent = "";
      for (let l = 0; l < L; l++) {
        const fig = document.createElement("div");
        fig.innerHTML = `<span class="label">W${l + 1}</span>`;
        const c = document.createElement("canvas");
        fig.appendChild(c);
        box.appendChild(fig);
      }
    }
    const bins = s[0].hist[0].length;
    [...box.querySelectorAll("canvas")].forEach((canvas, l) => {
      const c = /** @type {HTMLCanvasElement} */ (canvas);
      c.width = s.length;
      c.height = bins;
      const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext("2d"));
      const img = ctx.createImageData(s.length, bins);
      s.forEach((sample, t) => {
        const h = sample.hist[l];
        const most = Math.max(...h, 1);
        h.forEach((count, b) => {
          const k = ((bins - 1 - b) * s.length + t) * 4;
          const v = Math.round(255 * (1 - Math.sqrt(count / most)));
          img.data.set([v, v, Math.min(255, v + 40), 255], k);
        });
      });
      ctx.putImageData(img, 0, 0);
      c.title = t("views:diagnostics.weights_tip", { layer: l + 1, range: fmt(s[s.length - 1].range[1]) });
    });
  }
}

function lines(canvas, rows, colors, label, fixed) {
  const rect = canvas.getBoundingClientRect();
  const W = Math.max(50, rect.width);
  const H = Math.max(50, rect.height);
  canvas.width = W;
  canvas.height = H;
  const ctx = canvas.getContext("2d");
  const all = rows.flat().filter(Number.isFinite);
  let lo = fixed ? fixed[0] : Math.min(...all);
  let hi = fixed ? fixed[1] : Math.max(...all);
  if (hi - lo < 1e-9) hi = lo + 1;
  const X = (i) => 36 + (rows.length > 1 ? i / (rows.length - 1) : 0) * (W - 40);
  const Y = (v) => 4 + (1 - (v - lo) / (hi - lo)) * (H - 12);
  ctx.fillStyle = "#555";
  ctx.font = "11px system-ui";
  ctx.fillText(label(hi), 0, 12);
  ctx.fillText(label(lo), 0, H - 4);
  const n = rows[0].length;
  for (let l = 0; l < n; l++) {
    ctx.strokeStyle = colors[l];
    ctx.lineWidth = 2;
    ctx.beginPath();
    rows.forEach((r, i) => (i ? ctx.lineTo(X(i), Y(r[l])) : ctx.moveTo(X(i), Y(r[l]))));
    ctx.stroke();
  }
}
