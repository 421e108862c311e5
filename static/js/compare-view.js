// @ts-check
/**
 * Compare runs: up to six pinned runs side by side, over the playground (as the class view).
 *
 * - Pins are resume tokens of this browser's own runs (the ones Recent runs lists, and this
 *   run), kept in localStorage so that they outlive opening another run (a reload).
 * - The server answers POST /api/runs/compare (app/pins.py) with each run's label (what
 *   differs from the others), its chart history, finals, the first step it reached the target
 *   accuracy (nncore computes it) and its output plot as quantised codes.
 * - Drawn here: the curves overlaid in one chart (each run its colour from the Okabe–Ito
 *   palette AND its dash pattern AND its marker, so no run is told by colour alone), a legend
 *   naming what differs, the output plots side by side, and the table. Export PNG composes
 *   the three on one canvas; Export CSV writes the table with the values as the server sent
 *   them (full precision).
 *
 * Its text, the legend's included, is the page's language's (`experiments:compare.*`): the
 * legend says each difference with the field's label (`server:fields.<field>.label`) and the
 * choice's name (`server:choices.<field>.<value>`), as app/pins.py phrase() does in English;
 * the exports follow the language too. Written again when the language changes.
 */

import { pointColor } from "./colors.js";
import { h, setText } from "./dom.js";
import * as format from "./format.js";
import { DIVERGING, paint, paintClasses } from "./heatmap.js";
import { has, language, onLanguage, t } from "./i18n.js";
import { drawMarker, shapeOf } from "./markers.js";
import { errorText } from "./toasts.js";
import { choiceLabel, fieldLabel } from "./names.js";

const KEY = "nnplay.pins";
export const MAX_PINS = 6;  // the server's limit (app/pins.py MAX_PINS)
/** Colour, dash and marker of the i-th pinned run: each differs from every other's. */
export const STYLES = [
  { color: "#0072b2", dash: [], marker: "circle" },
  { color: "#d55e00", dash: [9, 4], marker: "square" },
  { color: "#009e73", dash: [2, 3], marker: "triangle" },
  { color: "#cc79a7", dash: [12, 4, 2, 4], marker: "diamond" },
  { color: "#e69f00", dash: [5, 5], marker: "down" },
  { color: "#000000", dash: [14, 3, 2, 3, 2, 3], marker: "plus" },
];
/** @type {Record<string, {keys: string[], score: boolean}>} (named by experiments:metric.<key>) */
const METRICS = {
  score: { keys: ["test_accuracy", "test_r2"], score: true },
  test_loss: { keys: ["test_loss"], score: false },
  train_loss: { keys: ["train_loss"], score: false },
};
const MARKERS_PER_LINE = 7;
/** Choices whose value names itself ("relu"); the others are said with their field's label
 * ("learning rate 0.3"), as app/pins.py SELF_NAMED. */
export const SELF_NAMED = new Set(["dataset", "activation", "loss", "init", "dtype", "optimizer"]);

/** What a metric is called ("Test accuracy"). @param {string} metric */
function metricName(metric) {
  return t(`experiments:metric.${metric}`);
}

/**
 * A field's label as a legend says it: lower-cased unless its capital is part of a name
 * ("learning rate", "L2", "β₁"), as app/pins.py phrase() does.
 * @param {string} name @param {string} [fallback]
 */
export function fieldName(name, fallback) {
  const label = fieldLabel(name, fallback);
  return label.length > 1 && /\p{Ll}/u.test(label[1]) ? label[0].toLowerCase() + label.slice(1) : label;
}

/**
 * A config value as a legend says it, in the page's language: 0.3 (0,3), relu, 8-8, on; a
 * choice by its name (`server:choices.<field>.<value>`), as app/pins.py shown() does.
 * @param {string} field @param {any} value
 */
export function valueText(field, value) {
  if (Array.isArray(value)) {
    if (field === "features") {
      return value.map((v) => (has(`server:features.${v}`) ? t(`server:features.${v}`) : String(v)))
        .join(" + ");
    }
    return value.length ? value.join("-") : t("experiments:value.none");
  }
  if (typeof value === "boolean") return t(value ? "experiments:value.on" : "experiments:value.off");
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : format.rounded(value, 6);
  if (value == null) return "–";
  return choiceLabel(field, value, String(value).replace(/_/g, " "));
}

/** One difference as a legend says it: "relu", "learning rate 0.3". @param {string} field @param {any} value @param {string} [fallback] */
export function phrase(field, value, fallback) {
  const text = valueText(field, value);
  return SELF_NAMED.has(field) ? text : t("experiments:phrase", { field: fieldName(field, fallback), value: text });
}

/**
 * A run's title in the page's language: the server's ("spiral · 2-8-8-1 tanh", app/session.py
 * title(); "… · before a branch at step 120" for a branch's original, app/commands/timeline.py)
 * with its data named by `server:choices.dataset.<name>` and the branch's part translated.
 * @param {{title?: string, config?: {dataset?: string}}} run
 */
export function runTitle(run) {
  const parts = String(run.title ?? "").split(" · ");
  const key = `server:choices.dataset.${run.config?.dataset}`;
  if (parts.length < 2) return parts[0];
  if (run.config?.dataset && has(key)) parts[0] = t(key);
  return parts.map((part) => {
    const branch = /^before a branch at step (\d+)$/.exec(part);
    return branch ? t("experiments:compare.title_branch", { step: format.count(Number(branch[1])) }) : part;
  }).join(" · ");
}

/**
 * Each run's label in the page's language: what differs (its diff's phrases), or its title
 * when nothing does; the same label twice told apart by the runs' steps (as app/pins.py).
 * @param {any} comparison @returns {string[]}
 */
export function runLabels(comparison) {
  const runs = comparison?.runs ?? [];
  const labels = runs.map((/** @type {any} */ r) => r.diff.map((/** @type {any} */ d) =>
    phrase(d.field, d.value, d.label)).join(", ") || runTitle(r));
  return labels.map((label, i) => (labels.filter((l) => l === label).length > 1
    ? t("experiments:compare.at_step", { label, step: format.count(runs[i].step) }) : label));
}

/** The pinned runs' tokens, kept in this browser, in the order pinned. */
export class Pins {
  constructor() {
    /** @type {string[]} */
    this.tokens = [];
    try {
      const list = JSON.parse(localStorage.getItem(KEY) ?? "[]");
      if (Array.isArray(list)) this.tokens = list.filter((t) => typeof t === "string").slice(0, MAX_PINS);
    } catch {
      // storage disabled or garbled: no pins
    }
    /** @type {(() => void)[]} */
    this.listeners = [];
  }

  /** @param {() => void} listener  called after every change */
  on(listener) {
    this.listeners.push(listener);
  }

  /** @param {string} token */
  has(token) {
    return this.tokens.includes(token);
  }

  get full() {
    return this.tokens.length >= MAX_PINS;
  }

  /** Pin a run; false (and nothing changes) when six are pinned. @param {string} token */
  add(token) {
    if (this.has(token)) return true;
    if (this.full) return false;
    this.save([...this.tokens, token]);
    return true;
  }

  /** @param {string} token */
  remove(token) {
    if (this.has(token)) this.save(this.tokens.filter((t) => t !== token));
  }

  /** @param {string[]} tokens */
  save(tokens) {
    this.tokens = tokens;
    try {
      localStorage.setItem(KEY, JSON.stringify(tokens));
    } catch {
      // storage full or disabled: the pins last as long as the page
    }
    for (const listener of this.listeners) listener();
  }
}

/** A run's value of a metric at a history index (accuracy, or R² for regression). */
function valueAt(run, metric, i) {
  for (const key of METRICS[metric].keys) {
    const v = run.history[key]?.[i];
    if (typeof v === "number") return v;
  }
  return undefined;
}

/** A run's final value of a metric. */
function finalOf(run, metric) {
  for (const key of METRICS[metric].keys) {
    if (typeof run.final[key] === "number") return run.final[key];
  }
  return undefined;
}

/**
 * A marker at (x, y) of radius r: filled in `color`, edged in white so it shows on a line.
 * @param {CanvasRenderingContext2D} ctx @param {string} kind @param {number} x @param {number} y
 * @param {number} r @param {string} color
 */
export function marker(ctx, kind, x, y, r, color) {
  ctx.save();
  ctx.setLineDash([]);
  ctx.beginPath();
  if (kind === "circle") ctx.arc(x, y, r, 0, 2 * Math.PI);
  else if (kind === "square") ctx.rect(x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
  else if (kind === "triangle" || kind === "down") {
    const s = kind === "triangle" ? 1 : -1;
    ctx.moveTo(x, y - s * r * 1.2);
    ctx.lineTo(x + r * 1.1, y + s * r * 0.8);
    ctx.lineTo(x - r * 1.1, y + s * r * 0.8);
    ctx.closePath();
  } else if (kind === "diamond") {
    ctx.moveTo(x, y - r * 1.25);
    ctx.lineTo(x + r * 1.05, y);
    ctx.lineTo(x, y + r * 1.25);
    ctx.lineTo(x - r * 1.05, y);
    ctx.closePath();
  } else {  // plus
    const w = r * 0.42;
    const e = r * 1.2;
    ctx.moveTo(x - w, y - e); ctx.lineTo(x + w, y - e); ctx.lineTo(x + w, y - w);
    ctx.lineTo(x + e, y - w); ctx.lineTo(x + e, y + w); ctx.lineTo(x + w, y + w);
    ctx.lineTo(x + w, y + e); ctx.lineTo(x - w, y + e); ctx.lineTo(x - w, y + w);
    ctx.lineTo(x - e, y + w); ctx.lineTo(x - e, y - w); ctx.lineTo(x - w, y - w);
    ctx.closePath();
  }
  ctx.fillStyle = color;
  ctx.fill();
  ctx.lineWidth = Math.max(1, r * 0.3);
  ctx.strokeStyle = "#ffffff";
  ctx.stroke();
  ctx.restore();
}

/**
 * A run's line sample (as the legend and the table show it): its dash and its marker.
 * @param {CanvasRenderingContext2D} ctx @param {number} i @param {number} x @param {number} y
 * @param {number} w @param {number} r
 */
export function sample(ctx, i, x, y, w, r) {
  const s = STYLES[i];
  ctx.save();
  ctx.strokeStyle = s.color;
  ctx.lineWidth = Math.max(2, r * 0.5);
  ctx.setLineDash(s.dash.map((d) => d * Math.max(1, r / 5)));
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + w, y);
  ctx.stroke();
  ctx.restore();
  marker(ctx, s.marker, x + w / 2, y, r, s.color);
}

/** A small canvas with a run's line sample, for the legend and the table. @param {number} i */
function sampleCanvas(i) {
  const canvas = document.createElement("canvas");
  canvas.className = "cmp-sample";
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(48 * dpr);
  canvas.height = Math.round(18 * dpr);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.scale(dpr, dpr);
  sample(ctx, i, 2, 9, 44, 5);
  return canvas;
}

/**
 * The overlaid curves of every run on one chart, in a box of W × H (CSS pixels).
 * @param {CanvasRenderingContext2D} ctx @param {number} W @param {number} H @param {any[]} runs
 * @param {string} metric  a key of METRICS @param {number} target  a fraction (score only)
 * @param {number} font  px
 */
export function drawCurves(ctx, W, H, runs, metric, target, font) {
  ctx.save();
  ctx.font = `${font}px system-ui, sans-serif`;
  const padL = Math.round(font * 3.6);
  const padB = Math.round(font * 1.9);
  const padT = Math.round(font * 0.8);
  const padR = Math.round(font * 0.8);
  const m = METRICS[metric];
  const ys = [];
  let x1 = 1;
  for (const run of runs) {
    run.history.steps.forEach((/** @type {number} */ s, /** @type {number} */ i) => {
      const v = valueAt(run, metric, i);
      if (typeof v === "number" && Number.isFinite(v)) {
        ys.push(v);
        x1 = Math.max(x1, s);
      }
    });
  }
  ctx.fillStyle = "#555";
  if (ys.length === 0) {
    ctx.fillText(t(runs.length ? "experiments:compare.no_points" : "experiments:compare.no_runs"),
      padL, H / 2);
    ctx.restore();
    return;
  }
  // the axis: from a round number to a round number, in round steps
  let lo = Math.min(...ys, ...(m.score ? [target] : [0]));
  let hi = Math.max(...ys, ...(m.score ? [1] : []));
  if (hi - lo < 1e-9) hi = lo + 1;
  const tickStep = niceStep((hi - lo) / 4);
  lo = Math.floor(lo / tickStep + 1e-9) * tickStep;
  hi = Math.ceil(hi / tickStep - 1e-9) * tickStep;
  if (m.score) {
    lo = Math.max(0, lo);
    hi = Math.min(hi, Math.max(1, ...ys));
  }
  const plotW = W - padL - padR;
  const plotH = H - padB - padT;
  /** @param {number} s */
  const X = (s) => padL + (s / x1) * plotW;
  /** @param {number} v */
  const Y = (v) => padT + (1 - (v - lo) / (hi - lo)) * plotH;
  // grid and axes
  ctx.strokeStyle = "#e2e2e2";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let k = 0; lo + k * tickStep <= hi + tickStep * 1e-6; k++) {
    const v = lo + k * tickStep;
    ctx.beginPath();
    ctx.moveTo(padL, Y(v));
    ctx.lineTo(W - padR, Y(v));
    ctx.stroke();
    ctx.fillText(m.score && runs.some((r) => r.final.score_name === "test_accuracy")
      ? format.wholePercent(100 * v) : format.tick(v), padL - 6, Y(v));
  }
  ctx.strokeStyle = "#888";
  ctx.beginPath();
  ctx.moveTo(padL, padT);
  ctx.lineTo(padL, H - padB);
  ctx.lineTo(W - padR, H - padB);
  ctx.stroke();
  ctx.textBaseline = "alphabetic";
  ctx.textAlign = "left";
  ctx.fillText(t("experiments:compare.axis_start", { step: format.count(0) }), padL, H - padB + font * 1.3);
  ctx.textAlign = "center";
  for (let k = 1; k < 4; k++) {
    const s = Math.round(x1 * k / 4);
    ctx.fillText(format.count(s), X(s), H - padB + font * 1.3);
  }
  ctx.textAlign = "right";
  ctx.fillText(format.count(x1), W - padR, H - padB + font * 1.3);
  // the target
  if (m.score && target >= lo && target <= hi) {
    ctx.strokeStyle = "#777";
    ctx.setLineDash([3, 4]);
    ctx.beginPath();
    ctx.moveTo(padL, Y(target));
    ctx.lineTo(W - padR, Y(target));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#444";
    ctx.textAlign = "left";
    ctx.fillText(t("experiments:compare.target_line", { percent: format.wholePercent(100 * target) }),
      padL + 6, Y(target) - 5);
  }
  // the runs: lines, then markers spread evenly along each
  const r = Math.max(4, font * 0.36);
  runs.forEach((run, i) => {
    const s = STYLES[i];
    const pts = [];
    run.history.steps.forEach((/** @type {number} */ step, /** @type {number} */ j) => {
      const v = valueAt(run, metric, j);
      if (typeof v === "number" && Number.isFinite(v)) pts.push([X(step), Y(v)]);
    });
    ctx.strokeStyle = s.color;
    ctx.lineWidth = Math.max(2, font * 0.16);
    ctx.setLineDash(s.dash.map((d) => d * Math.max(1, font / 14)));
    ctx.beginPath();
    pts.forEach(([x, y], j) => (j ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
    ctx.setLineDash([]);
    const every = Math.max(1, Math.floor(pts.length / MARKERS_PER_LINE));
    // offset by the run's index: two runs' markers do not sit on the same steps
    for (let j = Math.min(pts.length - 1, Math.floor(every * (i + 1) / (runs.length + 1)));
      j < pts.length; j += every) marker(ctx, s.marker, pts[j][0], pts[j][1], r, s.color);
    if (pts.length) marker(ctx, s.marker, ...pts[pts.length - 1], r, s.color);  // the final
  });
  ctx.restore();
}

/** The smallest of 1, 2, 2.5 or 5 × 10ᵏ at or above v > 0: an axis's step. @param {number} v */
export function niceStep(v) {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((k) => k * p).find((t) => t >= v * (1 - 1e-9)) ?? 10 * p;
}

/**
 * A run's output plot in a square of `size` px at (x, y): its map, then its points.
 * @param {CanvasRenderingContext2D} ctx @param {any} plot @param {number} x @param {number} y
 * @param {number} size
 */
export function drawPlot(ctx, plot, x, y, size) {
  const D = plot.size;
  const raw = atob(plot.codes);
  const codes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) codes[i] = raw.charCodeAt(i);
  const tile = document.createElement("canvas");
  if (plot.classes) paintClasses(tile, codes, codes, D, plot.classes, true);
  else paint(tile, codes, D, DIVERGING);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  if (plot.classes) {  // class regions, lighter than the points' own class colours on them
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(x, y, size, size);
    ctx.globalAlpha = 0.55;
  }
  ctx.drawImage(tile, x, y, size, size);
  ctx.globalAlpha = 1;
  const [lo, hi] = plot.extent;
  const nClasses = plot.classes ?? 2;
  const radius = Math.max(2.5, size / 90);
  for (const [x1, x2, label] of plot.points) {  // each class its marker, as on the run's plot
    drawMarker(ctx, shapeOf(label, plot.task), x + (x1 - lo) / (hi - lo) * size,
      y + (1 - (x2 - lo) / (hi - lo)) * size, radius, pointColor(label, plot.task, nClasses),
      false, 0.6);
  }
  ctx.strokeStyle = "#999";
  ctx.strokeRect(x + 0.5, y + 0.5, size - 1, size - 1);
  ctx.restore();
}

/** A CSV cell: quoted when it must be. @param {unknown} v */
function cell(v) {
  const text = v == null ? "" : String(v);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = ["run", "label", "title", "steps", "final_step", "test_accuracy", "test_r2",
  "test_loss", "train_loss", "target", "reached_step"];

/**
 * The comparison's table as CSV: one row per run, its values as the server sent them (full
 * precision), then the config fields that differ between the runs. Its header is in the page's
 * language (`experiments:csv.*`; in English the columns' names, as scripts read them), and so
 * are `labels`, the runs' labels (by default the server's).
 * @param {any} comparison @param {string[]} [labels]
 */
export function toCsv(comparison, labels) {
  const fields = comparison.fields;
  const english = language() === "en";
  const head = [...CSV_COLUMNS.map((c) => t(`experiments:csv.${c}`)),
    ...fields.map((/** @type {string} */ f) => (english ? f : fieldName(f, comparison.labels?.[f])))];
  const rows = comparison.runs.map((/** @type {any} */ r, /** @type {number} */ i) => [
    i + 1, labels?.[i] ?? r.label, runTitle(r), r.step, r.final.step, r.final.test_accuracy, r.final.test_r2,
    r.final.test_loss, r.final.train_loss, comparison.target, r.reached,
    ...r.diff.map((/** @type {any} */ d) => (Array.isArray(d.value) ? d.text : d.value))]);
  return [head, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

export class CompareView {
  /**
   * @param {{view: HTMLElement, count: HTMLElement, pinThis: HTMLButtonElement,
   *          metric: HTMLSelectElement, target: HTMLInputElement, refresh: HTMLButtonElement,
   *          png: HTMLButtonElement, csv: HTMLButtonElement, close: HTMLButtonElement,
   *          note: HTMLElement, chart: HTMLCanvasElement, chartTitle: HTMLElement,
   *          legend: HTMLElement, plots: HTMLElement, table: HTMLTableElement,
   *          reachedHead: HTMLElement, open: HTMLButtonElement[], behind: HTMLElement}} els
 *   behind: what the view covers (the playground): out of the keyboard's way while shown
   * @param {import("./store.js").Store} store
   * @param {Pins} pins
   * @param {{download: (blob: Blob | null, name: string) => void,
   *          toasts: import("./toasts.js").Toasts}} page
   */
  constructor(els, store, pins, page) {
    this.els = els;
    this.store = store;
    this.pins = pins;
    this.page = page;
    this.isOpen = false;
    /** @type {HTMLElement | null} where the keyboard was when the view opened */
    this.opener = null;
    /** @type {any} the server's newest answer, or null */
    this.comparison = null;
    /** @type {string[]} the tokens of the runs compared, in their order */
    this.compared = [];
    this.metric = "score";
    this.target = 0.9;
    this.asked = 0;  // requests sent; an answer to an older one is dropped
    /** @type {[string, any, boolean] | null} the note's key, values, error */
    this.note = null;
    /** @type {string[]} each run's label, in the page's language */
    this.labels = [];
    this.loading = false;
    els.close.addEventListener("click", () => this.toggle(false));
    for (const button of els.open) button.addEventListener("click", () => this.toggle());
    els.pinThis.addEventListener("click", () => this.pinThis());
    els.refresh.addEventListener("click", () => this.load());
    els.metric.addEventListener("change", () => {
      this.metric = els.metric.value;
      this.draw();
    });
    els.target.addEventListener("change", () => this.setTarget(els.target.value));
    els.png.addEventListener("click", () => this.exportPng());
    els.csv.addEventListener("click", () => this.exportCsv());
    els.view.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();  // the page's own Escape closes a drawer tab: not this time
        this.toggle(false);
      }
    });
    pins.on(() => {
      this.showCount();
      if (this.isOpen) this.load();
    });
    store.on("hello", () => this.showCount());
    onLanguage(() => {
      this.showCount();
      if (this.note) this.say(...this.note);
      if (this.isOpen) this.render();
    });
    new ResizeObserver(() => { if (this.isOpen) this.layout(); }).observe(els.view);
    this.showCount();
  }

  /** Open the view (or close it; by default the other of the two). @param {boolean} [open] */
  toggle(open = !this.isOpen) {
    this.isOpen = open;
    this.els.view.hidden = !open;
    this.els.behind.inert = open;
    for (const button of this.els.open) button.setAttribute("aria-pressed", String(open));
    if (!open) {  // the keyboard goes back where it was (the button that opened the view)
      (this.opener?.isConnected ? this.opener : this.els.open[0])?.focus();
      return;
    }
    const active = document.activeElement;
    this.opener = active instanceof HTMLElement && !this.els.view.contains(active) ? active : null;
    this.els.close.focus();
    this.layout();
    this.load();
  }

  /** Pin the run this page holds (as it is now; "Refresh" reads it again). */
  pinThis() {
    const token = this.store.hello?.resume_token;
    if (!token) return;
    if (this.pins.has(token)) this.pins.remove(token);
    else if (!this.pins.add(token)) this.refuseFull();
  }

  refuseFull() {
    this.page.toasts.show(t("experiments:compare.full", { count: MAX_PINS }), "info", 4000);
  }

  showCount() {
    const n = this.pins.tokens.length;
    setText(this.els.count, t("experiments:compare.count", { pinned: format.count(n), count: MAX_PINS }));
    for (const button of this.els.open) {
      setText(button, n ? t("experiments:compare.open_count", { count: n }) : t("experiments:compare.open"));
    }
    const token = this.store.hello?.resume_token;
    const pinned = Boolean(token && this.pins.has(token));
    setText(this.els.pinThis, t(pinned ? "experiments:compare.unpin_this" : "experiments:compare.pin_this"));
    this.els.pinThis.setAttribute("aria-pressed", String(pinned));
    this.els.pinThis.disabled = !token || (!pinned && this.pins.full);
    this.els.pinThis.title = this.els.pinThis.disabled && token
      ? t("experiments:compare.pin_full", { count: MAX_PINS }) : t("experiments:compare.pin_tip");
  }

  /** @param {string} text  a percentage, as typed */
  setTarget(text) {
    const percent = Number(text);
    if (!(percent > 0 && percent <= 100)) {
      this.say("experiments:compare.bad_target", { text: JSON.stringify(text) }, true);
      this.els.target.value = String(Math.round(this.target * 1000) / 10);
      return;
    }
    this.target = percent / 100;
    this.load();
  }

  /**
   * The note under the bar: a key of the catalogue and its values (said again when the
   * language changes). @param {string} key
   * @param {Record<string, any> | (() => Record<string, any>)} [values]  or a function that
   *   writes them in the page's language @param {boolean} [error]
   */
  say(key, values = {}, error = false) {
    this.note = [key, values, error];
    setText(this.els.note, t(key, typeof values === "function" ? values() : values));
    this.els.note.classList.toggle("error", error);
  }

  /** Ask the server for the pinned runs, then draw them. */
  async load() {
    const tokens = this.pins.tokens;
    const asked = ++this.asked;
    if (tokens.length === 0) {
      this.comparison = null;
      this.say("experiments:compare.empty", { count: MAX_PINS });
      this.render();
      return;
    }
    this.say("experiments:compare.reading");
    this.els.view.setAttribute("aria-busy", "true");
    let response;
    let body;
    try {
      response = await fetch("/api/runs/compare", { method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ tokens, target: this.target }) });
      body = await response.json();
    } catch (e) {
      if (asked === this.asked) this.say("experiments:compare.unreadable", { error: String(e) }, true);
      return;
    } finally {
      if (asked === this.asked) this.els.view.removeAttribute("aria-busy");
    }
    if (asked !== this.asked) return;
    if (!response.ok) {
      const detail = body?.detail ?? {};
      const bad = /^tokens\[(\d+)\]$/.exec(detail.field ?? "");
      if (response.status === 404 && bad) {  // that run is gone: unpinned, the rest compared
        this.page.toasts.show(t("experiments:compare.gone"), "info", 5000);
        this.pins.remove(tokens[Number(bad[1])]);
        return;
      }
      this.say("experiments:compare.refused",
        { reason: detail.message ? errorText(detail) : String(response.status) }, true);
      return;
    }
    this.comparison = body;
    this.compared = tokens;  // the pins these runs are, in their order
    this.say(body.runs.length < 2 ? "experiments:compare.one"
      : body.fields.length ? "experiments:compare.differ" : "experiments:compare.same",
    () => ({ fields: body.fields.map((/** @type {string} */ f) =>
      fieldLabel(f, body.labels[f]).toLocaleLowerCase(language())).join(", ") }));
    this.render();
  }

  render() {
    this.labels = runLabels(this.comparison);
    this.renderLegend();
    this.renderPlots();
    this.renderTable();
    this.layout();
  }

  get runs() {
    return this.comparison?.runs ?? [];
  }

  renderLegend() {
    this.els.legend.replaceChildren(...this.runs.map((/** @type {any} */ run, /** @type {number} */ i) => {
      const li = h("li", { className: "cmp-item", title: runTitle(run) },
        sampleCanvas(i), h("span", { className: "cmp-label" }, this.labels[i]));
      li.dataset.run = String(i);
      return li;
    }));
  }

  renderPlots() {
    // small plots (three or more) are captioned with the values alone ("4-2, relu, 0.3"):
    // the legend and the table, with the same line and marker, say what each value is
    const terse = this.runs.length > 2;
    const figures = this.runs.map((/** @type {any} */ run, /** @type {number} */ i) => {
      const label = this.labels[i];
      const text = terse && run.diff.length
        ? run.diff.map((/** @type {any} */ d) => valueText(d.field, d.value)).join(", ") : label;
      const caption = h("figcaption", { title: t("experiments:compare.caption_tip",
        { label, title: runTitle(run) }) }, sampleCanvas(i), h("span", { className: "cmp-label" }, text));
      if (!run.plot) {
        return h("figure", { className: "cmp-plot none" }, h("div", { className: "cmp-noplot" },
          t("experiments:compare.no_plot")), caption);
      }
      const canvas = document.createElement("canvas");
      canvas.className = "cmp-plot-canvas";
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", t("experiments:compare.plot_label", { label }));
      const fig = h("figure", { className: "cmp-plot" }, canvas, caption);
      fig.dataset.run = String(i);
      return fig;
    });
    this.els.plots.replaceChildren(...figures);
    this.els.plots.dataset.count = String(figures.length);
  }

  renderTable() {
    const c = this.comparison;
    setText(this.els.reachedHead, t("experiments:compare.reached_head",
      { percent: format.wholePercent(100 * this.target) }));
    const tbody = /** @type {HTMLTableSectionElement} */ (this.els.table.tBodies[0]);
    tbody.replaceChildren(...this.runs.map((/** @type {any} */ run, /** @type {number} */ i) => {
      const tr = document.createElement("tr");
      tr.dataset.run = String(i);
      const name = h("td", { className: "cmp-run", title: runTitle(run) }, sampleCanvas(i),
        h("span", { className: "cmp-label" }, this.labels[i]));
      const cells = tableCells(run).slice(1).map((text) => h("td", { className: "num" }, text));
      const unpin = document.createElement("button");
      unpin.textContent = t("experiments:compare.unpin");
      unpin.title = t("experiments:compare.unpin_tip", { label: this.labels[i] });
      const token = this.compared[i];
      unpin.addEventListener("click", () => this.pins.remove(token));
      tr.append(name, ...cells, h("td", {}, unpin));
      return tr;
    }));
    this.els.table.hidden = !c || this.runs.length === 0;
  }

  /** Size the plots to the space they have, then draw the chart and the plots. */
  layout() {
    const box = this.els.plots;
    const n = this.runs.filter((/** @type {any} */ r) => r.plot).length || this.runs.length;
    const cols = n <= 2 ? Math.max(1, n) : 3;
    const rows = Math.max(1, Math.ceil(n / cols));
    const caption = 2.6 * parseFloat(getComputedStyle(box).fontSize || "16");
    const size = Math.max(60, Math.floor(Math.min((box.clientWidth - (cols - 1) * 8) / cols,
      (box.clientHeight - rows * caption) / rows)));
    box.style.setProperty("--cols", String(cols));
    box.style.setProperty("--plot", `${size}px`);
    this.draw();
  }

  draw() {
    const m = METRICS[this.metric];
    const regression = this.runs.length > 0 && this.runs.every((/** @type {any} */ r) =>
      r.final.score_name === "test_r2");
    setText(this.els.chartTitle, metricName(m.score && regression ? "r2" : this.metric));
    const canvas = this.els.chart;
    const rect = canvas.getBoundingClientRect();
    if (rect.width > 0 && rect.height > 0) {
      const dpr = window.devicePixelRatio || 1;
      canvas.width = Math.round(rect.width * dpr);
      canvas.height = Math.round(rect.height * dpr);
      const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, rect.width, rect.height);
      // the page's type (it follows the viewport): a projector's chart reads as its text
      const font = Math.max(13, Math.round(parseFloat(getComputedStyle(canvas).fontSize) || 14));
      drawCurves(ctx, rect.width, rect.height, this.runs, this.metric, this.target, font);
    }
    for (const fig of this.els.plots.querySelectorAll("figure[data-run]")) {
      const run = this.runs[Number(/** @type {HTMLElement} */ (fig).dataset.run)];
      const plotCanvas = /** @type {HTMLCanvasElement} */ (fig.querySelector("canvas.cmp-plot-canvas"));
      const size = plotCanvas.getBoundingClientRect().width;
      if (!run?.plot || size === 0) continue;
      const dpr = window.devicePixelRatio || 1;
      plotCanvas.width = plotCanvas.height = Math.round(size * dpr);
      const ctx = /** @type {CanvasRenderingContext2D} */ (plotCanvas.getContext("2d"));
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      drawPlot(ctx, run.plot, 0, 0, size);
      /** @type {HTMLElement} */ (fig).dataset.drawn = "true";
    }
  }

  exportCsv() {
    if (!this.comparison) return;
    this.page.download(new Blob([toCsv(this.comparison, runLabels(this.comparison))], { type: "text/csv" }),
      "nnplay-comparison.csv");
  }

  /** The chart, the legend, the plots and the table on one canvas, as a PNG. */
  async exportPng() {
    if (!this.comparison) return;
    const blob = await new Promise((resolve) => composition(this.comparison, this.metric,
      this.target).toBlob(resolve, "image/png"));
    this.page.download(/** @type {Blob | null} */ (blob), "nnplay-comparison.png");
  }

  /** What the view shows, for the tests (window.nnplayTest.compare()). */
  snapshot() {
    return {
      open: this.isOpen, pins: this.pins.tokens.length, metric: this.metric, target: this.target,
      legend: [...this.els.legend.querySelectorAll(".cmp-label")].map((el) => el.textContent),
      plotsDrawn: this.els.plots.querySelectorAll("figure[data-drawn]").length,
      comparison: this.comparison && structuredClone(this.comparison),
    };
  }
}

/**
 * The comparison drawn on one canvas (1600 px wide): a title, the chart with its legend, the
 * plots side by side, and the table.
 * @param {any} c @param {string} metric @param {number} target
 */
export function composition(c, metric, target) {
  const W = 1600;
  const pad = 32;
  const font = 20;
  const runs = c.runs;
  const withPlots = runs.filter((/** @type {any} */ r) => r.plot);
  const plotSize = withPlots.length ? Math.min(240, Math.floor((W - 2 * pad) / withPlots.length) - 16) : 0;
  const chartH = 480;
  const rowH = 34;
  const regression = runs.length > 0 && runs.every((/** @type {any} */ r) => r.final.score_name === "test_r2");
  // the table's columns, and its header, each in at most two lines (a longer language's wrap)
  const cols = [pad, pad + 620, pad + 760, pad + 940, pad + 1100, pad + 1270];
  const widths = cols.map((x, k) => (cols[k + 1] ?? W - pad) - x - 12);
  const scratch = /** @type {CanvasRenderingContext2D} */ (document.createElement("canvas").getContext("2d"));
  scratch.font = `600 ${font}px system-ui, sans-serif`;
  const head = ["run", "steps", regression ? "r2" : "accuracy", "test_loss", "train_loss"]
    .map((k) => t(`experiments:png.${k}`))
    .concat(t("experiments:png.reached", { percent: format.wholePercent(100 * target) }))
    .map((text, k) => lines(scratch, text, widths[k], 2));
  const headH = rowH + (Math.max(...head.map((l) => l.length)) - 1) * (font + 4);
  const H = pad + 40 + chartH + 16 + Math.ceil(runs.length / 2) * rowH + 16
    + (plotSize ? plotSize + 70 : 0) + headH + runs.length * rowH + pad;
  const canvas = document.createElement("canvas");
  canvas.width = W;
  canvas.height = H;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#1a1a1a";
  ctx.font = `600 ${font + 6}px system-ui, sans-serif`;
  let y = pad + 24;
  const measure = metricName(METRICS[metric].score && regression ? "r2" : metric);
  ctx.fillText(clip(ctx, t("experiments:compare.png_title", { count: runs.length,
    metric: measure.toLocaleLowerCase(language()) }), W - 2 * pad), pad, y);
  const labels = runLabels(c);
  y += 16;
  ctx.save();
  ctx.translate(pad, y);
  drawCurves(ctx, W - 2 * pad, chartH, runs, metric, target, font);
  ctx.restore();
  y += chartH + 16;
  ctx.font = `${font}px system-ui, sans-serif`;
  runs.forEach((/** @type {any} */ run, /** @type {number} */ i) => {  // the legend, two columns
    const x = pad + (i % 2) * (W - 2 * pad) / 2;
    const ly = y + Math.floor(i / 2) * rowH + rowH / 2;
    sample(ctx, i, x, ly, 56, 7);
    ctx.fillStyle = "#1a1a1a";
    ctx.textBaseline = "middle";
    ctx.fillText(clip(ctx, labels[i], (W - 2 * pad) / 2 - 80), x + 68, ly);
  });
  ctx.textBaseline = "alphabetic";
  y += Math.ceil(runs.length / 2) * rowH + 16;
  if (plotSize) {
    let x = pad;
    const terse = runs.length > 2;  // as the view captions its small plots: the values alone
    runs.forEach((/** @type {any} */ run, /** @type {number} */ i) => {
      if (!run.plot) return;
      drawPlot(ctx, run.plot, x, y, plotSize);
      sample(ctx, i, x, y + plotSize + 22, 40, 6);
      ctx.fillStyle = "#1a1a1a";
      ctx.font = `${font - 4}px system-ui, sans-serif`;
      const caption = terse && run.diff.length
        ? run.diff.map((/** @type {any} */ d) => valueText(d.field, d.value)).join(", ") : labels[i];
      ctx.fillText(clip(ctx, caption, plotSize - 48), x + 48, y + plotSize + 28);
      x += plotSize + 16;
    });
    y += plotSize + 70;
  }
  // the table: the header's lines stand on its last line's baseline
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  head.forEach((parts, k) => parts.forEach((text, j) => ctx.fillText(text, cols[k],
    y + headH - rowH * 0.3 - (parts.length - 1 - j) * (font + 4))));
  ctx.font = `${font}px system-ui, sans-serif`;
  runs.forEach((/** @type {any} */ run, /** @type {number} */ i) => {
    const ry = y + headH + i * rowH;
    sample(ctx, i, cols[0], ry + rowH / 2, 40, 6);
    ctx.fillStyle = "#1a1a1a";
    const texts = [clip(ctx, labels[i], 560), ...tableCells(run).slice(1)];
    texts.forEach((text, k) => ctx.fillText(k ? clip(ctx, text, widths[k]) : text,
      cols[k] + (k === 0 ? 52 : 0), ry + rowH * 0.7));
  });
  return canvas;
}

/**
 * A run's row as the table says it: its label (left to the caller), steps, final score (R² for
 * regression), losses, and the step it reached the target. @param {any} run @returns {string[]}
 */
function tableCells(run) {
  const score = finalOf(run, "score");
  return ["", format.count(run.step),
    run.final.score_name === "test_r2" ? t("experiments:compare.r2", { value: format.metric(score) })
      : format.percent(score),
    format.metric(run.final.test_loss), format.metric(run.final.train_loss),
    run.reached == null ? t("experiments:compare.not_reached") : format.count(run.reached)];
}

/**
 * Text broken at spaces into at most `max` lines of `width` px (in ctx's font), the last cut
 * with an ellipsis if it must be. @param {CanvasRenderingContext2D} ctx @param {string} text
 * @param {number} width @param {number} max @returns {string[]}
 */
export function lines(ctx, text, width, max) {
  /** @type {string[]} */
  const out = [];
  let line = "";
  for (const word of text.split(" ")) {
    const longer = line ? `${line} ${word}` : word;
    if (!line || ctx.measureText(longer).width <= width) line = longer;
    else {
      out.push(line);
      line = word;
    }
  }
  out.push(line);
  const kept = out.slice(0, max);
  if (out.length > max) kept[max - 1] = out.slice(max - 1).join(" ");
  return kept.map((l) => clip(ctx, l, width));
}

/** Text cut to fit `width` px, with an ellipsis. @param {CanvasRenderingContext2D} ctx @param {string} text @param {number} width */
export function clip(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let t = text;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}
