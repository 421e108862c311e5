// @ts-check
/**
 * Sweeps, in the Sweep tab: "vary X over these values", one field or two as a grid, from this
 * run's config, each run trained for a number of epochs on the server (app/sweeps.py: in turn
 * here, in parallel on Ray workers).
 *
 * - Start sends POST /api/sweeps; the page then asks POST /api/sweeps/status every POLL_MS
 *   (which also tells the server the page is still there) until the sweep ends. Cancel stops
 *   it; its finished runs stay saved.
 * - Results: the overlaid curves of every run (the first field's value sets the colour, from
 *   the Okabe–Ito palette, and the second's the dash pattern, so no run is told by colour
 *   alone), a legend, small multiples (each run's output plot as the compare view draws it,
 *   or for data off the plane, the digits, its own curves), and the table, whose values
 *   keep the server's full precision in data-value. Each run opens as a normal session
 *   (Open: its token is kept with this browser's runs, runs.js).
 * - Export: CSV (the server's table) and PNG (the curves, the legend and the small multiples).
 * - Refusals show the server's message, which names the field, the value and what is allowed.
 */

import { CLASS_COLORS } from "./colors.js";
import { drawPlot } from "./compare-view.js";
import * as format from "./format.js";

const POLL_MS = 500;
const KEY = "nnplay.sweep";  // this tab's sweep: its results outlive opening one of its runs
const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [5, 5], [14, 3, 2, 3, 2, 3]];
const PALETTE = CLASS_COLORS.slice(0, 8);  // Okabe–Ito
/** How each field's values are written in the inputs: comma-separated; layers as 64-32. */
const LIST_FIELDS = new Set(["hidden_layers"]);
const NUMBER_FIELDS = new Set(["learning_rate", "batch_size", "l1", "l2", "dropout"]);

/**
 * The values typed for a field: "0.01, 0.1" → [0.01, 0.1]; layers "64-32, 32" → [[64, 32],
 * [32]] ("none": no hidden layer); names as they are. The server checks them.
 * @param {string} field @param {string} text @returns {any[]}
 */
export function parseValues(field, text) {
  const parts = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (LIST_FIELDS.has(field)) {
    return parts.map((p) => (p === "none" ? [] : p.split(/[-x× ]+/).map(Number)));
  }
  if (NUMBER_FIELDS.has(field)) return parts.map(Number);
  return parts;
}

/** "64-32", "0.1", "relu" @param {any} v */
function show(v) {
  if (Array.isArray(v)) return v.length ? v.join("-") : "none";
  return String(v);
}

/**
 * The style of run i of a sweep: the colour of its first field's value, the dash of its
 * second's (one field: the colour cycles and the dash changes every 8 runs).
 * @param {any} sweep @param {number} i
 */
export function styleOf(sweep, i) {
  const fields = Object.keys(sweep.vary);
  if (fields.length === 2) {
    const inner = sweep.vary[fields[1]].length;
    return { color: PALETTE[Math.floor(i / inner) % PALETTE.length],
      dash: DASHES[(i % inner) % DASHES.length] };
  }
  return { color: PALETTE[i % PALETTE.length], dash: DASHES[Math.floor(i / PALETTE.length)] };
}

export class SweepView {
  /**
   * @param {Record<string, HTMLElement>} els  the panel's elements (templates/index.html)
   * @param {import("./store.js").Store} store
   * @param {{runs: import("./runs.js").RecentRuns,
   *          download: (blob: Blob, name: string) => void,
   *          openTab: (name: string) => void}} deps
   */
  constructor(els, store, deps) {
    this.els = els;
    this.store = store;
    this.deps = deps;
    /** @type {any} the sweep as the server last reported it */
    this.sweep = null;
    this.timer = 0;
    this.status = 0;  // the HTTP status of the last request (0: the server was not reached)
    els.start.addEventListener("click", () => this.start());
    els.cancel.addEventListener("click", () => this.cancel());
    els.csv.addEventListener("click", () => this.exportCsv());
    els.png.addEventListener("click", () => this.exportPng());
    els.metric.addEventListener("change", () => this.render());
    /** @type {Record<string, any> | null} the presets, as GET /api/presets lists them */
    this.presets = null;
    store.on("lesson", (name) => this.suggest(name));
    const kept = sessionStorage.getItem(KEY);
    if (kept) this.resume(kept);
  }

  /** Show this tab's sweep again (after Open reloaded the page), if the server still has it. @param {string} id */
  async resume(id) {
    const response = await fetch("/api/sweeps/status", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id }) })
      .catch(() => null);
    if (!response?.ok) {
      sessionStorage.removeItem(KEY);  // forgotten, or the server restarted
      return;
    }
    const reply = await response.json();
    this.fill(reply);
    this.show(reply);
    if (reply.state === "running") this.poll();
  }

  /**
   * A preset that suggests sweeps (the A–Z exercise's) was loaded: offer them, fill in the
   * first, and open the Sweep tab. @param {string | null} name
   */
  async suggest(name) {
    const suggested = this.els.suggested;
    if (!name) return;
    if (!this.presets) {
      try {
        const listed = (await (await fetch("/api/presets")).json()).presets;
        this.presets = Object.fromEntries(listed.map((/** @type {any} */ p) => [p.name, p]));
      } catch {
        return;  // no suggestions: the form works as it is
      }
    }
    const sweeps = this.presets?.[name]?.sweeps;
    suggested.replaceChildren();
    suggested.hidden = !sweeps;
    if (!sweeps) return;
    suggested.append("Suggested: ");
    for (const sweep of sweeps) {
      const button = document.createElement("button");
      button.textContent = sweep.title;
      button.dataset.action = "suggest";
      button.title = "Fill in this sweep of the preset's exercise";
      button.addEventListener("click", () => this.fill(sweep));
      suggested.append(button);
    }
    this.fill(sweeps[0]);
    this.deps.openTab("sweep");
  }

  /** Put a sweep ({vary, epochs}) in the form. @param {any} sweep */
  fill(sweep) {
    const els = /** @type {any} */ (this.els);
    const [first, second] = Object.entries(sweep.vary);
    els.field1.value = first[0];
    els.values1.value = first[1].map(show).join(", ");
    els.field2.value = second ? second[0] : "";
    els.values2.value = second ? second[1].map(show).join(", ") : "";
    els.epochs.value = String(sweep.epochs);
  }

  /** The request the panel's inputs make. */
  request() {
    const { field1, values1, field2, values2, epochs } = /** @type {any} */ (this.els);
    /** @type {Record<string, any[]>} */
    const vary = { [field1.value]: parseValues(field1.value, values1.value) };
    if (field2.value) vary[field2.value] = parseValues(field2.value, values2.value);
    return { token: this.store.hello?.resume_token ?? "", config: this.store.config, vary,
      epochs: Number(epochs.value) };
  }

  async start() {
    this.say("");
    const reply = await this.post("/api/sweeps", this.request());
    if (!reply) return;
    sessionStorage.setItem(KEY, reply.id);
    this.show(reply);
    this.poll();
  }

  async cancel() {
    if (!this.sweep) return;
    const reply = await this.post("/api/sweeps/cancel", { id: this.sweep.id });
    if (reply) this.show(reply);
  }

  poll() {
    clearTimeout(this.timer);
    this.timer = window.setTimeout(async () => {
      if (!this.sweep) return;
      const reply = await this.post("/api/sweeps/status", { id: this.sweep.id });
      if (!reply) {
        if (this.status === 0) this.poll();  // unreachable for now: ask again (a refusal ends it)
        return;
      }
      this.say("");
      this.show(reply);
      if (reply.state === "running") this.poll();
    }, POLL_MS);
  }

  /**
   * POST JSON; the reply, or null after saying the server's refusal.
   * @param {string} url @param {any} body
   */
  async post(url, body) {
    let response;
    try {
      response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body) });
    } catch (e) {
      this.status = 0;
      this.say(`The server could not be reached: ${e}`);
      return null;
    }
    this.status = response.status;
    const reply = await response.json().catch(() => ({}));
    if (!response.ok) {
      const d = reply.detail ?? {};
      this.say(d.message ? `${d.message}${d.allowed ? ` (allowed: ${d.allowed})` : ""}`
        : `The server answered ${response.status}`);
      this.els.message.dataset.field = d.field ?? "";
      return null;
    }
    return reply;
  }

  /** @param {string} text */
  say(text) {
    this.els.message.textContent = text;
  }

  /** @param {any} sweep */
  show(sweep) {
    this.sweep = sweep;
    this.render();
  }

  render() {
    const s = this.sweep;
    const { progress, start, cancel, csv, png, results } = this.els;
    if (!s) return;
    const running = s.state === "running";
    const epochs = s.runs.reduce((/** @type {number} */ n, /** @type {any} */ r) => n + r.epoch, 0);
    progress.textContent = `${s.finished} of ${s.total} runs done · ${epochs} of `
      + `${s.total * s.epochs} epochs · ${s.state}${s.saved ? "" : " (this server does not "
      + "save runs: they cannot be opened)"}`;
    progress.dataset.state = s.state;
    /** @type {HTMLButtonElement} */ (start).disabled = running;
    /** @type {HTMLButtonElement} */ (cancel).disabled = !running;
    /** @type {HTMLButtonElement} */ (csv).disabled = running;
    /** @type {HTMLButtonElement} */ (png).disabled = running;
    results.hidden = false;
    this.drawCurves();
    this.drawLegend();
    this.drawMultiples();
    this.drawTable();
  }

  /** The measure the curves show: test accuracy (or RMSE), or a loss. */
  get key() {
    const metric = /** @type {HTMLSelectElement} */ (this.els.metric).value;
    if (metric !== "score") return metric;
    const run = this.sweep.runs.find((/** @type {any} */ r) => r.history);
    return run && "test_rmse" in run.history ? "test_rmse" : "test_accuracy";
  }

  drawCurves() {
    const canvas = /** @type {HTMLCanvasElement} */ (this.els.curves);
    curves(canvas, this.sweep, this.key, 520, 240, true);
  }

  drawLegend() {
    const legend = this.els.legend;
    legend.replaceChildren();
    this.sweep.runs.forEach((/** @type {any} */ r, /** @type {number} */ i) => {
      const item = document.createElement("span");
      item.className = "sweep-key";
      const swatch = document.createElement("canvas");
      swatch.width = 28;
      swatch.height = 10;
      const ctx = /** @type {CanvasRenderingContext2D} */ (swatch.getContext("2d"));
      const st = styleOf(this.sweep, i);
      ctx.strokeStyle = st.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(st.dash);
      ctx.beginPath();
      ctx.moveTo(0, 5);
      ctx.lineTo(28, 5);
      ctx.stroke();
      item.append(swatch, ` ${label(r.varied)}`);
      legend.append(item);
    });
  }

  drawMultiples() {
    const grid = this.els.multiples;
    grid.replaceChildren();
    const cols = Object.keys(this.sweep.vary).length === 2
      ? this.sweep.vary[Object.keys(this.sweep.vary)[1]].length : Math.min(6, this.sweep.total);
    grid.style.setProperty("--sweep-cols", String(cols));
    for (const r of this.sweep.runs) {
      const fig = document.createElement("figure");
      fig.className = "sweep-multiple";
      fig.dataset.state = r.state;
      const canvas = document.createElement("canvas");
      if (r.plot) {  // its output over the plane; data off the plane: its curves
        canvas.width = canvas.height = 120;
        drawPlot(/** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d")), r.plot, 0, 0,
          120);
      } else {
        curves(canvas, { ...this.sweep, runs: [r] }, this.key, 150, 90, false,
          styleOf(this.sweep, r.index));
      }
      canvas.dataset.kind = r.plot ? "plot" : "curves";
      const caption = document.createElement("figcaption");
      caption.textContent = `${label(r.varied)} · ${r.state}`;
      fig.append(canvas, caption);
      grid.append(fig);
    }
  }

  drawTable() {
    const s = this.sweep;
    const fields = Object.keys(s.vary);
    const score = this.key === "test_rmse" ? "test_rmse" : "test_accuracy";
    const table = /** @type {HTMLTableElement} */ (this.els.table);
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const text of ["#", ...fields, "state", "epoch", score === "test_rmse" ? "test RMSE"
      : "test accuracy", "test loss", "session"]) {
      const th = document.createElement("th");
      th.textContent = text;
      head.append(th);
    }
    const body = table.createTBody();
    for (const r of s.runs) {
      const row = body.insertRow();
      row.dataset.index = String(r.index);
      row.dataset.state = r.state;
      const cells = [String(r.index + 1), ...fields.map((f) => show(r.varied[f])), r.state,
        `${r.epoch}/${s.epochs}`];
      for (const text of cells) row.insertCell().textContent = text;
      for (const [key, text] of [[score, score === "test_accuracy" ? format.percent
        : format.metric], ["test_loss", format.metric]]) {
        const td = row.insertCell();
        const v = r.final?.[/** @type {string} */ (key)];
        td.dataset.key = /** @type {string} */ (key);
        td.dataset.value = v == null ? "" : String(v);
        td.textContent = v == null ? "–" : /** @type {(v: number) => string} */ (text)(v);
      }
      const open = document.createElement("button");
      open.textContent = "Open";
      open.dataset.action = "open";
      open.disabled = !r.token;
      open.title = r.token ? "Open this run here as a normal session"
        : r.state === "done" ? "This server does not save runs" : "Not finished";
      open.addEventListener("click", () => {
        this.deps.runs.remember(r.token);
        this.deps.runs.open(r.token);
      });
      row.insertCell().append(open);
      if (r.error || r.diverged) row.title = r.error ?? r.diverged;
    }
  }

  async exportCsv() {
    if (!this.sweep) return;
    const response = await fetch("/api/sweeps/csv", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: this.sweep.id }) });
    if (!response.ok) {
      this.say(`The CSV could not be made: the server answered ${response.status}`);
      return;
    }
    this.deps.download(await response.blob(), "nnplay-sweep.csv");
  }

  exportPng() {
    if (!this.sweep) return;
    const curvesCanvas = /** @type {HTMLCanvasElement} */ (this.els.curves);
    const thumbs = [...this.els.multiples.querySelectorAll("canvas")];
    const cols = Number(this.els.multiples.style.getPropertyValue("--sweep-cols")) || 6;
    const tw = 150, th = 110;
    const rows = Math.ceil(thumbs.length / cols);
    const legendH = 18 * Math.ceil(this.sweep.total / 3);
    const out = document.createElement("canvas");
    out.width = Math.max(curvesCanvas.width, cols * tw);
    out.height = curvesCanvas.height + legendH + rows * th + 20;
    const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext("2d"));
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(curvesCanvas, 0, 0);
    ctx.font = "12px system-ui, sans-serif";
    this.sweep.runs.forEach((/** @type {any} */ r, /** @type {number} */ i) => {
      const x = (i % 3) * (out.width / 3), y = curvesCanvas.height + 14 + 18 * Math.floor(i / 3);
      const st = styleOf(this.sweep, i);
      ctx.strokeStyle = st.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(st.dash);
      ctx.beginPath();
      ctx.moveTo(x + 4, y - 4);
      ctx.lineTo(x + 30, y - 4);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#111";
      ctx.fillText(label(r.varied), x + 36, y);
    });
    thumbs.forEach((c, i) => {
      const x = (i % cols) * tw, y = curvesCanvas.height + legendH + 10 + Math.floor(i / cols) * th;
      ctx.drawImage(c, x, y);
      ctx.fillStyle = "#111";
      ctx.fillText(label(this.sweep.runs[i].varied), x + 2, y + c.height + 12);
    });
    out.toBlob((blob) => { if (blob) this.deps.download(blob, "nnplay-sweep.png"); });
  }
}

/** "learning_rate 0.1 · relu" @param {Record<string, any>} varied */
function label(varied) {
  return Object.entries(varied).map(([k, v], i) => (i === 0 ? `${k} ${show(v)}` : show(v)))
    .join(" · ");
}

/**
 * Draw runs' curves of `key` over epochs on `canvas` (W × H CSS px): every run in its style,
 * or one run (a small multiple) with its training curve faint under it.
 * @param {HTMLCanvasElement} canvas @param {any} sweep @param {string} key @param {number} W
 * @param {number} H @param {boolean} axes @param {{color: string, dash: number[]}} [one]
 */
function curves(canvas, sweep, key, W, H, axes, one) {
  canvas.width = W;
  canvas.height = H;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  const pad = axes ? { l: 44, r: 8, t: 8, b: 22 } : { l: 4, r: 4, t: 4, b: 4 };
  const score = key.endsWith("accuracy");
  const train = key.replace("test_", "train_");
  const series = sweep.runs.filter((/** @type {any} */ r) => r.history).flatMap(
    (/** @type {any} */ r) => [r.history[key], ...(one ? [r.history[train]] : [])]);
  const values = series.flat().filter((/** @type {any} */ v) => v != null && isFinite(v));
  let lo = score ? 0 : Math.min(0, ...values), hi = score ? 1 : Math.max(1e-9, ...values);
  if (!values.length) { lo = 0; hi = 1; }
  const x = (/** @type {number} */ e) => pad.l + (e / Math.max(1, sweep.epochs)) * (W - pad.l - pad.r);
  const y = (/** @type {number} */ v) => H - pad.b - ((v - lo) / (hi - lo || 1)) * (H - pad.t - pad.b);
  ctx.strokeStyle = "#ccc";
  ctx.strokeRect(pad.l + 0.5, pad.t + 0.5, W - pad.l - pad.r, H - pad.t - pad.b);
  if (axes) {
    ctx.fillStyle = "#444";
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillText(score ? "100%" : format.metric(hi), 2, pad.t + 9);
    ctx.fillText(score ? "0%" : format.metric(lo), 2, H - pad.b);
    ctx.fillText(`epoch ${sweep.epochs}`, W - pad.r - 56, H - 6);
    ctx.fillText(`${key.replace("_", " ")}`, pad.l + 4, H - 6);
  }
  const line = (/** @type {any[]} */ vs, /** @type {string} */ color,
    /** @type {number[]} */ dash, /** @type {number} */ width) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash);
    ctx.beginPath();
    let pen = false;
    vs.forEach((v, e) => {
      if (v == null || !isFinite(v)) { pen = false; return; }
      if (pen) ctx.lineTo(x(e), y(v)); else ctx.moveTo(x(e), y(v));
      pen = true;
    });
    ctx.stroke();
    ctx.setLineDash([]);
  };
  for (const r of sweep.runs) {
    if (!r.history) continue;
    const st = one ?? styleOf(sweep, r.index);
    if (one && r.history[train]) line(r.history[train], "#bbb", [], 1.5);
    line(r.history[key], st.color, st.dash, 2);
  }
}
