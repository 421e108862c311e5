// @ts-check
/**
 * The loss chart: train and test loss (or accuracy / R²) over steps, the mini-batch loss as a
 * faint trace, a log scale, and a legend that names every line and reads out its value (at
 * the hovered step, else the newest). With a run side by side (a preset comparing two
 * losses) each run's lines are labelled with its loss, and the chart starts on accuracy: two
 * losses are not on one scale, their accuracies are. Points are thinned (every other one
 * dropped when the series doubles past MAX_POINTS) so a long run stays as fast as a short one.
 */

import { h, setText } from "./dom.js";
import { count, metric as metricText, percent, significant, tick, wholePercent } from "./format.js";
import { onLanguage, t } from "./i18n.js";
import { runWords } from "./tasks.js";

const MAX_POINTS = 1500;
const BATCH_COLOR = "rgba(8,104,172,0.35)";
/**
 * @typedef {{key: string, alt?: string, label: string, color: string, dash: number[],
 *            run?: string}} Series  `label`: its name's key in views:chart; `run`: which run
 *            the line belongs to, when two are compared
 * @type {Record<string, Series[]>}
 */
const SERIES = {
  loss: [
    { key: "train_loss", label: "training", color: "#6a6a6a", dash: [] },
    { key: "test_loss", label: "test", color: "#111111", dash: [6, 3] },
  ],
  score: [
    { key: "train_accuracy", alt: "train_r2", label: "training", color: "#6a6a6a", dash: [] },
    { key: "test_accuracy", alt: "test_r2", label: "test", color: "#111111", dash: [6, 3] },
  ],
};
const COMPARED = ["#e66101", "#b34700"];  // the compared run: training, test

/**
 * Drop every other point but the last while there are more than `max`.
 * @template T @param {T[]} points @param {number} max @returns {T[]}
 */
export function thin(points, max = MAX_POINTS) {
  while (points.length > max) {
    const last = points[points.length - 1];
    points = points.filter((_, i) => i % 2 === 0);
    if (points[points.length - 1] !== last) points.push(last);
  }
  return points;
}

export class Chart {
  /**
   * @param {{canvas: HTMLCanvasElement, legend: HTMLElement, readout: HTMLElement,
   *          metric: HTMLSelectElement, log: HTMLInputElement, title: HTMLElement}} els
   */
  constructor(els) {
    const canvas = els.canvas;
    this.els = els;
    this.canvas = canvas;
    this.readout = els.readout;
    /** @type {Record<string, number>[]} */
    this.points = [];
    /** @type {number[][]} [step, loss] of mini-batches */
    this.batch = [];
    this.metric = "loss";
    this.log = false;
    /** labels of a run side by side (a preset comparing two losses), or null */
    /** @type {{label: string, base: string} | null} */
    this.compare = null;
    /** @type {number | null} */
    this.hoverX = null;
    /** @type {number | null} the step viewed on the timeline, marked on the chart */
    this.marker = null;
    /** @type {((left: number, right: number) => void) | null} told the plot's margins (px)
     *  when they change: the timeline under the chart lines its steps up with the axis */
    this.onMargins = null;
    this.margins = "";
    this.dirty = true;
    /** the legend's items, by series key, and what they were built for */
    /** @type {Map<string, HTMLElement>} */
    this.items = new Map();
    this.legendKey = "";
    canvas.addEventListener("mousemove", (e) => {
      const rect = canvas.getBoundingClientRect();
      this.hoverX = e.clientX - rect.left;
      this.draw();
    });
    canvas.addEventListener("mouseleave", () => {
      this.hoverX = null;
      this.draw();
    });
    els.metric.addEventListener("change", () => this.setMetric(els.metric.value));
    els.log.addEventListener("change", () => this.setLog(els.log.checked));
    new ResizeObserver(() => this.draw()).observe(canvas);
    /** stops writing this view's text again in a new language (a notebook view that goes) */
    this.stopLanguage = onLanguage(() => {
      this.legendKey = "";
      this.draw();
    });
  }

  /** What the chart shows: "loss" or "score" (accuracy or R²). @param {string} metric */
  setMetric(metric) {
    this.metric = metric;
    this.els.metric.value = metric;
    this.draw();
  }

  /** A log scale for the loss, or not. @param {boolean} on */
  setLog(on) {
    this.log = on;
    this.draw();
  }

  /**
   * A run side by side (a preset comparing two losses): the frame's `compare`, or null. When
   * one starts, the chart shows accuracy, the scale the two runs share.
   * @param {{label: string, base: string} | null} compare
   */
  setCompare(compare) {
    const was = this.compare;
    this.compare = compare ? { label: compare.label, base: compare.base } : null;
    if (compare && (!was || was.label !== compare.label || was.base !== compare.base)) {
      this.setMetric("score");
    }
    if (Boolean(was) !== Boolean(compare)) this.dirty = true;
  }

  /** @param {Record<string, number>[]} points */
  reset(points = []) {
    this.points = thin(points.slice());
    this.batch = [];
    this.draw();
  }

  /**
   * Add a frame's chart point and mini-batch losses (point null: a frame of an earlier step,
   * viewed on the timeline, whose point the chart has; its losses are the live run's).
   * @param {Record<string, number> | null} point
   * @param {{steps: number[], values: number[]}} losses
   */
  add(point, losses) {
    const last = this.points[this.points.length - 1];
    if (!point) { /* a view of the past (timeline.js) */ }
    else if (last && last.step === point.step) this.points[this.points.length - 1] = point;
    else if (!last || point.step > last.step) this.points.push(point);
    else { // the run restarted: its old mini-batch losses go too
      this.points = [point];
      this.batch = [];
    }
    this.points = thin(this.points);
    for (let i = 0; i < losses.steps.length; i++) {
      const v = losses.values[i];
      if (typeof v === "number") this.batch.push([losses.steps[i], v]);
    }
    this.batch = thin(this.batch, MAX_POINTS * 2);
    this.dirty = true;
  }

  /**
   * The run goes on from its step `step` (a branch, timeline.js): what came after is the
   * original's, and leaves the chart.
   * @param {number} step
   */
  truncate(step) {
    this.points = this.points.filter((p) => p.step <= step);
    this.batch = this.batch.filter(([s]) => s <= step);
    this.dirty = true;
  }

  /**
   * Mark the step the page shows from the timeline (null: none, the live run).
   * @param {number | null} step
   */
  setMarker(step) {
    if (this.marker === step) return;
    this.marker = step;
    this.dirty = true;
  }

  /** Redraw if anything changed (called once per animation frame). */
  flush() {
    if (this.dirty) this.draw();
  }

  /** The lines the chart draws now: each run's training and test series that have values. */
  series() {
    const last = this.points[this.points.length - 1];
    /** @type {(s: Series) => boolean} */
    const present = (s) => Boolean(last) && (typeof last[s.key] === "number" ||
      (s.alt !== undefined && typeof last[s.alt] === "number"));
    const own = SERIES[this.metric];
    if (!this.compare || !last || !Object.keys(last).some((k) => k.startsWith("cmp_"))) {
      return own.filter(present);
    }
    const base = runWords(this.compare.base);
    const other = runWords(this.compare.label);
    return [
      ...own.map((s) => ({ ...s, run: base })),
      ...own.map((s, i) => ({ ...s, key: `cmp_${s.key}`, alt: s.alt && `cmp_${s.alt}`,
        run: other, color: COMPARED[i] })),
    ].filter(present);
  }

  draw() {
    this.dirty = false;
    const canvas = this.canvas;
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const W = rect.width;
    const H = rect.height;
    const series = this.series();
    const pts = this.points;
    const last = pts[pts.length - 1];
    const regression = Boolean(last) && !("train_accuracy" in last) && "train_r2" in last;
    this.title(regression);
    const batch = this.metric === "loss" && this.batch.length > 0;
    this.legend(series, batch);
    if (W === 0 || H === 0) return;
    if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
    if (canvas.height !== Math.round(H * dpr)) canvas.height = Math.round(H * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    /** @param {Record<string, number>} p @param {Series} s */
    const value = (p, s) => p[s.key] ?? (s.alt ? p[s.alt] : undefined);
    const ys = [];
    for (const p of pts) for (const s of series) {
      const v = value(p, s);
      if (typeof v === "number" && Number.isFinite(v)) ys.push(v);
    }
    if (batch) for (const [, v] of this.batch) if (Number.isFinite(v)) ys.push(v);
    const font = Math.max(10, Math.min(16, Math.round(H / 14)));
    ctx.font = `${font}px system-ui, sans-serif`;
    const padL = Math.round(font * 4);
    const padB = Math.round(font * 1.5);
    const padT = Math.round(font * 0.7);  // room for the top tick's label
    ctx.fillStyle = "#555";
    if (pts.length < 1 || ys.length === 0) {
      ctx.fillText(t("views:chart.empty"), padL, H / 2);
      this.readouts(null, series);
      return;
    }
    const x0 = pts[0].step;
    // (the mini-batch losses run ahead of the points while a past step is viewed)
    const x1 = Math.max(pts[pts.length - 1].step, x0 + 1,
      batch ? this.batch[this.batch.length - 1][0] : 0);
    const log = this.log && this.metric === "loss";
    /** @param {number} v */
    const tf = (v) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
    let lo = Math.min(...ys.map(tf));
    let hi = Math.max(...ys.map(tf));
    if (!log && this.metric === "loss") lo = Math.min(lo, 0);
    if (this.metric === "score") hi = Math.max(hi, 1);
    if (hi - lo < 1e-9) hi = lo + 1;
    /** @param {number} s */
    const X = (s) => padL + (s - x0) / (x1 - x0) * (W - padL - 8);
    if (this.onMargins && this.margins !== `${padL}:8`) {
      this.margins = `${padL}:8`;
      this.onMargins(padL, 8);
    }
    /** @param {number} v */
    const Y = (v) => padT + (1 - (tf(v) - lo) / (hi - lo)) * (H - padB - padT - 4);
    // axes
    ctx.strokeStyle = "#ccc";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(padL, padT);
    ctx.lineTo(padL, H - padB);
    ctx.lineTo(W - 4, H - padB);
    ctx.stroke();
    ctx.fillStyle = "#555";
    ctx.textAlign = "right";
    const percents = this.metric === "score" && !regression;
    for (const u of [lo, (lo + hi) / 2, hi]) {
      const v = log ? 10 ** u : u;
      ctx.fillText(percents ? wholePercent(100 * v) : tick(v), padL - 4,
        padT + (1 - (u - lo) / (hi - lo)) * (H - padB - padT - 4) + font / 3);
    }
    ctx.textAlign = "left";
    ctx.fillText(t("views:chart.step", { step: count(x0) }), padL, H - 3);
    ctx.textAlign = "right";
    ctx.fillText(count(x1), W - 4, H - 3);
    // mini-batch loss, faint
    if (batch) {
      ctx.strokeStyle = BATCH_COLOR;
      ctx.lineWidth = 1;
      ctx.beginPath();
      let started = false;
      for (const [s, v] of this.batch) {
        if (s < x0 || !Number.isFinite(v)) continue;
        if (started) ctx.lineTo(X(s), Y(v));
        else ctx.moveTo(X(s), Y(v));
        started = true;
      }
      ctx.stroke();
    }
    for (const s of series) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash);
      ctx.beginPath();
      let started = false;
      for (const p of pts) {
        const v = value(p, s);
        if (typeof v !== "number" || !Number.isFinite(v)) continue;
        if (started) ctx.lineTo(X(p.step), Y(v));
        else ctx.moveTo(X(p.step), Y(v));
        started = true;
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (this.marker != null && this.marker >= x0 && this.marker <= x1) {  // the viewed step
      ctx.strokeStyle = "#b34700";
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(X(this.marker), padT);
      ctx.lineTo(X(this.marker), H - padB);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    // the read-out's step: the hovered one, else the newest
    let p = last;
    if (this.hoverX != null) {
      const step = x0 + (this.hoverX - padL) / (W - padL - 8) * (x1 - x0);
      p = pts.reduce((a, b) => (Math.abs(b.step - step) < Math.abs(a.step - step) ? b : a));
      ctx.strokeStyle = "#f0a000";
      ctx.beginPath();
      ctx.moveTo(X(p.step), padT);
      ctx.lineTo(X(p.step), H - padB);
      ctx.stroke();
    }
    this.readouts(p, series, regression);
  }

  /** The chart's heading: what its lines measure. @param {boolean} regression */
  title(regression) {
    const text = this.metric === "loss" ? t("views:chart.loss") : regression ? "R²"
      : t("views:chart.accuracy");
    if (this.els.title.textContent !== text) this.els.title.textContent = text;
  }

  /**
   * The legend: one item per line (its stroke, its name, its value), rebuilt only when the
   * lines change.
   * @param {Series[]} series @param {boolean} batch  whether the mini-batch trace is drawn
   */
  legend(series, batch) {
    const key = series.map((s) => `${s.key}:${s.run}`).join("|") + (batch ? "|batch" : "");
    if (key === this.legendKey) return;
    this.legendKey = key;
    for (const el of this.els.legend.querySelectorAll(".item, .group")) el.remove();
    this.items.clear();
    /**
     * @param {HTMLElement} box @param {string} id @param {string} label @param {string} color
     * @param {boolean} dashed @param {number} width @param {string} [run]
     */
    const add = (box, id, label, color, dashed, width, run) => {
      const stroke = h("span", { className: "stroke", style: {
        display: "inline-block", width: "1.8em", height: "0",
        borderTop: `${width}px ${dashed ? "dashed" : "solid"} ${color}` } });
      const name = t(`views:chart.${label}`);
      const item = h("span", { className: "item", title: run ? `${name}, ${run}` : name },
        stroke, h("span", { className: "name" }, name), h("span", { className: "value" }, "–"));
      item.dataset.series = id;
      box.appendChild(item);
      this.items.set(id, item);
    };
    let run;
    /** @type {HTMLElement} */
    let box = this.els.legend;
    for (const s of series) {
      if (s.run && s.run !== run) {  // a compared run: its name, then its lines, together
        run = s.run;
        box = h("span", { className: "group" },
          h("span", { className: "run", style: { color: s.color } }, `${run}:`));
        this.els.legend.appendChild(box);
      }
      add(box, s.key, s.label, s.color, s.dash.length > 0, 2.5, s.run);
    }
    if (batch) add(this.els.legend, "batch", "mini_batch", BATCH_COLOR, false, 2);
  }

  /**
   * The legend's values at a chart point (null: none yet), and the step they are at.
   * @param {Record<string, number> | null} p @param {Series[]} series @param {boolean} [regression]
   */
  readouts(p, series, regression = false) {
    setText(this.readout, p ? t("views:chart.step", { step: count(p.step) }) : "\u00a0");
    for (const s of series) {
      const el = this.items.get(s.key)?.querySelector(".value");
      if (!el) continue;
      const v = p ? p[s.key] ?? (s.alt ? p[s.alt] : undefined) : undefined;
      setText(/** @type {HTMLElement} */ (el), typeof v !== "number" ? "–"
        : this.metric === "loss" ? significant(v, 4) : regression ? metricText(v) : percent(v));
    }
    const batchEl = this.items.get("batch")?.querySelector(".value");
    if (batchEl) {
      const b = p ? nearestBatch(this.batch, p.step) : undefined;
      setText(/** @type {HTMLElement} */ (batchEl), b === undefined ? "–" : significant(b, 4));
    }
  }

  /** @returns {Promise<Blob|null>} */
  png() {
    return new Promise((resolve) => this.canvas.toBlob(resolve, "image/png"));
  }
}

/** The mini-batch loss nearest to `step` (at or before it), from [step, loss] pairs in order. */
function nearestBatch(batch, step) {
  let lo = 0;
  let hi = batch.length - 1;
  if (hi < 0) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (batch[mid][0] <= step) lo = mid;
    else hi = mid - 1;
  }
  return batch[lo][1];
}
