// @ts-check
/**
 * The loss chart: train and test loss (or accuracy / R²) over steps, the mini-batch loss as a
 * faint trace, a hover read-out of exact values, and a log scale. Points are thinned (every
 * other one dropped when the series doubles past MAX_POINTS) so a long run stays as fast as a
 * short one.
 */

import { significant, tick } from "./format.js";

const MAX_POINTS = 1500;
const SERIES = {
  loss: [
    { key: "train_loss", label: "training loss", color: "#6a6a6a", dash: [] },
    { key: "test_loss", label: "test loss", color: "#111111", dash: [6, 3] },
  ],
  score: [
    { key: "train_accuracy", alt: "train_r2", label: "training", color: "#6a6a6a", dash: [] },
    { key: "test_accuracy", alt: "test_r2", label: "test", color: "#111111", dash: [6, 3] },
  ],
};

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
   * @param {HTMLCanvasElement} canvas
   * @param {HTMLElement} readout
   */
  constructor(canvas, readout) {
    this.canvas = canvas;
    this.readout = readout;
    /** @type {Record<string, number>[]} */
    this.points = [];
    /** @type {number[][]} [step, loss] of mini-batches */
    this.batch = [];
    this.metric = "loss";
    this.log = false;
    /** labels of a run side by side (a preset comparing two losses), or null */
    this.compare = null;
    this.hoverX = null;
    this.dirty = true;
    canvas.addEventListener("mousemove", (e) => {
      const rect = canvas.getBoundingClientRect();
      this.hoverX = e.clientX - rect.left;
      this.draw();
    });
    canvas.addEventListener("mouseleave", () => {
      this.hoverX = null;
      this.draw();
    });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** What the chart shows: "loss" or "score" (accuracy or R²). @param {string} metric */
  setMetric(metric) {
    this.metric = metric;
    this.draw();
  }

  /** A log scale for the loss, or not. @param {boolean} on */
  setLog(on) {
    this.log = on;
    this.draw();
  }

  /**
   * A run side by side (a preset comparing two losses): the frame's `compare`, or null.
   * @param {{label: string, base: string} | null} compare
   */
  setCompare(compare) {
    this.compare = compare ? { label: compare.label, base: compare.base } : null;
  }

  /** @param {Record<string, number>[]} points */
  reset(points = []) {
    this.points = thin(points.slice());
    this.batch = [];
    this.draw();
  }

  /**
   * Add a frame's chart point and mini-batch losses.
   * @param {Record<string, number>} point
   * @param {{steps: number[], values: number[]}} losses
   */
  add(point, losses) {
    const last = this.points[this.points.length - 1];
    if (last && last.step === point.step) this.points[this.points.length - 1] = point;
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

  /** Redraw if anything changed (called once per animation frame). */
  flush() {
    if (this.dirty) this.draw();
  }

  draw() {
    this.dirty = false;
    const canvas = this.canvas;
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const W = rect.width;
    const H = rect.height;
    if (W === 0 || H === 0) return;
    if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
    if (canvas.height !== Math.round(H * dpr)) canvas.height = Math.round(H * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const series = [...SERIES[this.metric]];
    const pts = this.points;
    const last = pts[pts.length - 1];
    if (this.compare && last && Object.keys(last).some((k) => k.startsWith("cmp_"))) {
      for (const s of SERIES[this.metric]) {
        series.push({ ...s, key: `cmp_${s.key}`, alt: s.alt && `cmp_${s.alt}`,
          label: `${s.label} (${this.compare.label})`, color: s.dash.length ? "#b34700" : "#e66101" });
      }
      series[0] = { ...series[0], label: `${series[0].label} (${this.compare.base})` };
      series[1] = { ...series[1], label: `${series[1].label} (${this.compare.base})` };
    }
    const value = (p, s) => p[s.key] ?? p[s.alt];
    const ys = [];
    for (const p of pts) for (const s of series) {
      const v = value(p, s);
      if (typeof v === "number" && Number.isFinite(v)) ys.push(v);
    }
    if (this.metric === "loss") for (const [, v] of this.batch) if (Number.isFinite(v)) ys.push(v);
    const padL = 46;
    const padB = 16;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = "#555";
    if (pts.length < 1 || ys.length === 0) {
      ctx.fillText("press play to train", padL, H / 2);
      this.readout.textContent = "\u00a0";
      return;
    }
    const x0 = pts[0].step;
    const x1 = Math.max(pts[pts.length - 1].step, x0 + 1);
    const log = this.log && this.metric === "loss";
    const tf = (v) => (log ? Math.log10(Math.max(v, 1e-12)) : v);
    let lo = Math.min(...ys.map(tf));
    let hi = Math.max(...ys.map(tf));
    if (!log && this.metric === "loss") lo = Math.min(lo, 0);
    if (this.metric === "score") hi = Math.max(hi, 1);
    if (hi - lo < 1e-9) hi = lo + 1;
    const X = (s) => padL + (s - x0) / (x1 - x0) * (W - padL - 6);
    const Y = (v) => 4 + (1 - (tf(v) - lo) / (hi - lo)) * (H - padB - 8);
    // axes
    ctx.strokeStyle = "#ccc";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(padL, 4);
    ctx.lineTo(padL, H - padB);
    ctx.lineTo(W - 4, H - padB);
    ctx.stroke();
    ctx.fillStyle = "#555";
    ctx.textAlign = "right";
    for (const t of [lo, (lo + hi) / 2, hi]) {
      const v = log ? 10 ** t : t;
      ctx.fillText(tick(v), padL - 4, 4 + (1 - (t - lo) / (hi - lo)) * (H - padB - 8) + 4);
    }
    ctx.textAlign = "left";
    ctx.fillText(`step ${x0}`, padL, H - 3);
    ctx.textAlign = "right";
    ctx.fillText(`${x1}`, W - 4, H - 3);
    // mini-batch loss, faint
    if (this.metric === "loss" && this.batch.length) {
      ctx.strokeStyle = "rgba(8,104,172,0.25)";
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
    // hover read-out
    let p = pts[pts.length - 1];
    if (this.hoverX != null) {
      const step = x0 + (this.hoverX - padL) / (W - padL - 6) * (x1 - x0);
      p = pts.reduce((a, b) => (Math.abs(b.step - step) < Math.abs(a.step - step) ? b : a));
      ctx.strokeStyle = "#f0a000";
      ctx.beginPath();
      ctx.moveTo(X(p.step), 4);
      ctx.lineTo(X(p.step), H - padB);
      ctx.stroke();
    }
    const parts = [`step ${p.step}`];
    for (const s of series) {
      const v = value(p, s);
      if (typeof v === "number") parts.push(`${s.label.replace("training", "train")} ${significant(v, 4)}`);
    }
    this.readout.textContent = parts.join(" · ");
  }

  /** @returns {Promise<Blob|null>} */
  png() {
    return new Promise((resolve) => this.canvas.toBlob(resolve, "image/png"));
  }
}
