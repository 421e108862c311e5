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
 * - Export: CSV (the server's table) and PNG, a figure for a slide (composition(): a title
 *   saying what was varied over which values, the curves, the legend and the small multiples,
 *   each captioned under its plot).
 * - Refusals show the server's message, which names the field, the value and what is allowed.
 *
 * Its text is the page's language's (`experiments:sweep.*`; each run named as the compare view
 * names it, with `server:fields` and `server:choices`), the exports' included, written again
 * when the language changes.
 */

import { CLASS_COLORS } from "./colors.js";
import { clip, drawPlot, fieldName, lines as wrap, niceStep, phrase, valueText }
  from "./compare-view.js";
import * as format from "./format.js";
import { has, language, onLanguage, t } from "./i18n.js";
import { errorText } from "./toasts.js";

const POLL_MS = 500;
const KEY = "nnplay.sweep";  // this tab's sweep: its results outlive opening one of its runs
const DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [5, 5], [14, 3, 2, 3, 2, 3]];
const PALETTE = CLASS_COLORS.slice(0, 8);  // Okabe–Ito
/** How each field's values are written in the inputs: comma-separated; layers as 64-32. */
const LIST_FIELDS = new Set(["hidden_layers"]);
const NUMBER_FIELDS = new Set(["learning_rate", "batch_size", "l1", "l2", "dropout"]);
/** The settings a figure's subtitle names, when the sweep does not vary them. */
const SUBTITLE_FIELDS = ["hidden_layers", "activation", "learning_rate", "optimizer", "batch_size"];
/** The measures the curves can show (named by experiments:measure.<key>). */
const MEASURES = new Set(["test_accuracy", "test_rmse", "test_loss", "train_accuracy", "train_rmse",
  "train_loss"]);
const FONT = "system-ui, sans-serif";

/**
 * The values typed for a field: "0.01, 0.1" → [0.01, 0.1]; layers "64-32, 32" → [[64, 32],
 * [32]] ("none": no hidden layer); names as they are. The server checks them.
 * @param {string} field @param {string} text @returns {any[]}
 */
export function parseValues(field, text) {
  const parts = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (LIST_FIELDS.has(field)) {
    const none = ["none", t("experiments:value.none")];
    return parts.map((p) => (none.includes(p) ? [] : p.split(/[-x× ]+/).map(Number)));
  }
  if (NUMBER_FIELDS.has(field)) return parts.map(Number);
  return parts;
}

/** What a measure is called ("test accuracy"). @param {string} key */
function measureName(key) {
  return MEASURES.has(key) ? t(`experiments:measure.${key}`) : key.replace(/_/g, " ");
}

/** "64-32", "0.1", "relu": a value as the form's inputs take it. @param {any} v */
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
   *          openTab: (name: string) => void,
   *          closeCompare?: () => void}} deps
   */
  constructor(els, store, deps) {
    this.els = els;
    this.store = store;
    this.deps = deps;
    /** @type {Record<string, string>} each field's label in the schema ("Learning rate") */
    this.labels = Object.fromEntries(store.schema.fields.map((f) => [f.name, f.label]));
    /** @type {any} the sweep as the server last reported it */
    this.sweep = null;
    this.timer = 0;
    this.status = 0;  // the HTTP status of the last request (0: the server was not reached)
    els.start.addEventListener("click", () => this.start());
    els.cancel.addEventListener("click", () => this.cancel());
    els.csv.addEventListener("click", () => this.exportCsv());
    els.png.addEventListener("click", () => this.exportPng());
    els.metric.addEventListener("change", () => this.render());
    // the full view: the same results, moved over the playground while it is open
    this.isOpen = false;
    this.home = /** @type {HTMLElement} */ (els.results.parentElement);
    this.anchor = els.results.nextSibling;  // where the results go back to
    els.expand.addEventListener("click", () => this.toggle(true));
    els.viewClose.addEventListener("click", () => this.toggle(false));
    els.viewCancel.addEventListener("click", () => this.cancel());
    // Esc goes back to the run wherever the keyboard is (a button that was rebuilt or
    // disabled under it leaves it on the page's body), before the page's own Esc, which
    // would close the drawer's tab under the view
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.isOpen) {
        e.stopPropagation();
        e.preventDefault();
        this.toggle(false);
      }
    }, { capture: true });
    let queued = 0;  // one render a frame, however many resizes
    new ResizeObserver(() => {
      if (!this.isOpen || queued) return;
      queued = requestAnimationFrame(() => { queued = 0; if (this.sweep) this.render(); });
    }).observe(els.viewBody);
    /** @type {Record<string, any> | null} the presets, as GET /api/presets lists them */
    this.presets = null;
    /** @type {string | null} the preset whose sweeps are suggested */
    this.suggested = null;
    store.on("lesson", (name) => this.suggest(name));
    /** @type {[string, Record<string, any>] | null} the message's key and values (said again in another language) */
    this.message = null;
    onLanguage(() => {
      if (this.message) this.say(...this.message);
      this.offer();
      this.render();
    });
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
    this.suggested = sweeps ? name : null;
    this.offer();
    if (!sweeps) return;
    this.fill(sweeps[0]);
    this.deps.openTab("sweep");
  }

  /** The buttons of the loaded preset's suggested sweeps, titled in the page's language. */
  offer() {
    const suggested = this.els.suggested;
    const name = this.suggested;
    const sweeps = name ? this.presets?.[name]?.sweeps : null;
    suggested.replaceChildren();
    suggested.hidden = !sweeps;
    if (!sweeps) return;
    suggested.append(t("experiments:sweep.suggested"));
    sweeps.forEach((/** @type {any} */ sweep, /** @type {number} */ i) => {
      const button = document.createElement("button");
      const key = `server:presets.${name}.sweeps.${i}.title`;
      button.textContent = has(key) ? t(key) : sweep.title;
      button.dataset.action = "suggest";
      button.title = t("experiments:sweep.suggest_tip");
      button.addEventListener("click", () => this.fill(sweep));
      suggested.append(button);
    });
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
    this.say(null);
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
      this.say(null);
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
      this.say("experiments:sweep.unreachable", { error: String(e) });
      return null;
    }
    this.status = response.status;
    const reply = await response.json().catch(() => ({}));
    if (!response.ok) {
      const d = reply.detail ?? {};
      if (d.message) this.say("experiments:sweep.refused", { reason: errorText(d) });
      else this.say("experiments:sweep.answered", { status: response.status });
      this.els.message.dataset.field = d.field ?? "";
      return null;
    }
    return reply;
  }

  /**
   * The message beside the form: a key of the catalogue and its values, or nothing (null).
   * @param {string | null} key @param {Record<string, any>} [values]
   */
  say(key, values = {}) {
    this.message = key ? [key, values] : null;
    this.els.message.textContent = key ? t(key, values) : "";
    this.els.viewMessage.textContent = this.els.message.textContent;  // (the full view's bar)
  }

  /**
   * Open the full view (or close it): the results move over the playground, drawn at its
   * size, and back. The keyboard goes in, and back to Full view (`focus` false: where it
   * is, when another view is opening). @param {boolean} open @param {boolean} [focus]
   */
  toggle(open, focus = true) {
    if (open === this.isOpen) return;
    const { view, viewBody, viewClose, results, expand, behind } = this.els;
    if (open) this.deps.closeCompare?.();
    this.isOpen = open;
    if (open) viewBody.append(results);
    else this.home.insertBefore(results, this.anchor);
    view.hidden = !open;
    behind.inert = open;
    expand.setAttribute("aria-pressed", String(open));
    if (this.sweep) this.render();
    if (focus) (open ? viewClose : expand).focus();
  }

  /** @param {any} sweep */
  show(sweep) {
    this.sweep = sweep;
    this.render();
  }

  render() {
    const s = this.sweep;
    const { progress, start, cancel, csv, png, results, viewProgress, viewCancel } = this.els;
    if (!s) return;
    const running = s.state === "running";
    const epochs = s.runs.reduce((/** @type {number} */ n, /** @type {any} */ r) => n + r.epoch, 0);
    progress.textContent = [
      t("experiments:sweep.runs_done", { done: format.count(s.finished), count: s.total }),
      t("experiments:sweep.epochs_done", { done: format.count(epochs), count: s.total * s.epochs }),
      stateName(s.state) + (s.saved ? "" : t("experiments:sweep.not_saved")),
    ].join(" · ");
    progress.dataset.state = s.state;
    viewProgress.textContent = progress.textContent;
    /** @type {HTMLButtonElement} */ (start).disabled = running;
    /** @type {HTMLButtonElement} */ (cancel).disabled = !running;
    if (!running && this.isOpen && document.activeElement === viewCancel) {
      this.els.viewClose.focus();  // before it is disabled under the keyboard
    }
    /** @type {HTMLButtonElement} */ (viewCancel).disabled = !running;
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

  /**
   * The overlaid curves: 520 × 240 in the tab; in the full view as wide as their box and at
   * most about half the view's height, in the page's type size, at the screen's resolution.
   */
  drawCurves() {
    const canvas = /** @type {HTMLCanvasElement} */ (this.els.curves);
    let W = 520, H = 240, font = 11, scale = 1;
    if (this.isOpen) {
      const box = /** @type {HTMLElement} */ (canvas.parentElement);
      const inner = box.clientWidth - 2 * parseFloat(getComputedStyle(box).paddingLeft);
      font = Math.round(parseFloat(getComputedStyle(this.els.view).fontSize));
      W = Math.max(200, Math.floor(inner));
      H = Math.round(Math.max(12 * font, Math.min(W * 0.56, this.els.viewBody.clientHeight * 0.55)));
      scale = window.devicePixelRatio || 1;
    }
    canvas.style.width = this.isOpen ? `${W}px` : "";
    canvas.style.height = this.isOpen ? `${H}px` : "";
    drawRuns(sized(canvas, W, H, scale), W, H, this.sweep, this.key, font);
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
      item.append(swatch, ` ${label(r.varied, this.labels)}`);
      legend.append(item);
    });
  }

  drawMultiples() {
    const grid = this.els.multiples;
    grid.replaceChildren();
    const cols = Object.keys(this.sweep.vary).length === 2
      ? this.sweep.vary[Object.keys(this.sweep.vary)[1]].length : Math.min(6, this.sweep.total);
    grid.style.setProperty("--sweep-cols", String(cols));
    const scale = window.devicePixelRatio || 1;
    const cell = this.isOpen ? this.cellSize(cols) : 0;
    if (cell) grid.style.setProperty("--sweep-cell", `${cell}px`);
    else grid.style.removeProperty("--sweep-cell");
    for (const r of this.sweep.runs) {
      const fig = document.createElement("figure");
      fig.className = "sweep-multiple";
      fig.dataset.state = r.state;
      const canvas = document.createElement("canvas");
      const at = cell ? scale : 1;
      if (r.plot) {  // its output over the plane; data off the plane: its curves
        const size = cell || 120;
        drawPlot(sized(canvas, size, size, at), r.plot, 0, 0, size);
      } else {
        const [w, h] = cell ? [cell, Math.round(cell * 0.6)] : [150, 90];
        drawRuns(sized(canvas, w, h, at), w, h, { ...this.sweep, runs: [r] }, this.key, 11,
          styleOf(this.sweep, r.index));
      }
      canvas.dataset.kind = r.plot ? "plot" : "curves";
      const caption = document.createElement("figcaption");
      caption.textContent = `${label(r.varied, this.labels)} · ${stateName(r.state)}`;
      caption.title = caption.textContent;  // (two lines at most in the full view)
      fig.append(canvas, caption);
      grid.append(fig);
    }
  }

  /**
   * In the full view, how wide each small multiple is: as wide as its column allows, and no
   * taller, with its caption, than lets them all be seen without scrolling (or, on a screen
   * too short for that, beside the curves).
   * @param {number} cols
   */
  cellSize(cols) {
    const grid = this.els.multiples;
    const body = this.els.viewBody;
    const style = getComputedStyle(grid);
    const gap = parseFloat(style.columnGap) || 0;
    const rows = Math.ceil(this.sweep.runs.length / cols);
    const caption = 2 * 1.3 * parseFloat(style.fontSize) * 0.8 + 4;  // two lines of 0.8em
    const aspect = this.sweep.runs.some((/** @type {any} */ r) => r.plot) ? 1 : 0.6;
    const top = grid.getBoundingClientRect().top - body.getBoundingClientRect().top + body.scrollTop;
    const tall = Math.max(body.clientHeight - top - parseFloat(getComputedStyle(body).paddingBottom),
      /** @type {HTMLElement} */ (this.els.curves.parentElement).offsetHeight);
    const byWidth = (grid.clientWidth - (cols - 1) * gap) / cols;
    const byHeight = ((tall - (rows - 1) * gap) / rows - caption) / aspect;
    return Math.max(60, Math.floor(Math.min(byWidth, byHeight)));
  }

  drawTable() {
    const s = this.sweep;
    const fields = Object.keys(s.vary);
    const score = this.key === "test_rmse" ? "test_rmse" : "test_accuracy";
    const table = /** @type {HTMLTableElement} */ (this.els.table);
    // the keyboard on a row's Open stays on it when the rows are made again (each poll)
    const focused = /** @type {HTMLElement | null} */ (table.contains(document.activeElement)
      ? document.activeElement?.closest("tr[data-index]") ?? null : null)?.dataset.index;
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const text of [t("experiments:sweep.head.index"),
      ...fields.map((f) => fieldName(f, this.labels[f])), t("experiments:sweep.head.state"),
      t("experiments:sweep.head.epoch"), t(`experiments:sweep.head.${score}`),
      t("experiments:sweep.head.test_loss"), t("experiments:sweep.head.session")]) {
      const th = document.createElement("th");
      th.textContent = text;
      head.append(th);
    }
    const body = table.createTBody();
    for (const r of s.runs) {
      const row = body.insertRow();
      row.dataset.index = String(r.index);
      row.dataset.state = r.state;
      const cells = [String(r.index + 1), ...fields.map((f) => valueText(f, r.varied[f])),
        stateName(r.state), `${r.epoch}/${s.epochs}`];
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
      open.textContent = t("experiments:sweep.open");
      open.dataset.action = "open";
      open.disabled = !r.token;
      open.title = t(r.token ? "experiments:sweep.open_tip"
        : r.state === "done" ? "experiments:sweep.no_save" : "experiments:sweep.unfinished");
      open.addEventListener("click", () => {
        this.toggle(false, false);  // the run opens in the playground, under the view
        this.deps.runs.remember(r.token);
        this.deps.runs.open(r.token);
      });
      row.insertCell().append(open);
      if (focused === String(r.index)) open.focus();
      if (r.error) row.title = t("experiments:sweep.failed_tip", { error: r.error });
      else if (r.diverged) row.title = t("experiments:sweep.diverged_tip");
    }
  }

  async exportCsv() {
    if (!this.sweep) return;
    const response = await fetch("/api/sweeps/csv", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ id: this.sweep.id }) });
    if (!response.ok) {
      this.say("experiments:sweep.csv_failed", { status: response.status });
      return;
    }
    this.deps.download(new Blob([csvHeader(await response.text(), this.labels)], { type: "text/csv" }),
      "nnplay-sweep.csv");
  }

  /** The figure (title, curves, legend, small multiples) as a PNG. */
  exportPng() {
    if (!this.sweep) return;
    composition(this.sweep, this.key, this.labels).toBlob((blob) => {
      if (blob) this.deps.download(blob, "nnplay-sweep.png");
    }, "image/png");
  }
}

/**
 * The canvas sized to w × h CSS pixels at `scale` device pixels each; its context, drawing in
 * CSS pixels. @param {HTMLCanvasElement} canvas @param {number} w @param {number} h
 * @param {number} scale
 */
function sized(canvas, w, h, scale) {
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  return ctx;
}

/**
 * What a run varied, worded as the compare view's legend, in the page's language:
 * "learning rate 0.1, relu". @param {Record<string, any>} varied
 * @param {Record<string, string>} labels  each field's label in the schema (English: the fallback)
 */
function label(varied, labels) {
  return Object.entries(varied).map(([k, v]) => phrase(k, v, labels[k])).join(", ");
}

/** A run's or a sweep's state in the page's language ("done"). @param {string} state */
function stateName(state) {
  const key = `experiments:state.${state}`;
  return has(key) ? t(key) : state;
}

/**
 * The server's CSV in the page's language: its header (`experiments:csv.*`, the fields by their
 * labels) and its state column (`experiments:state.*`); in English as the server wrote it (the
 * columns' names, as scripts read them). The numbers stay as the server wrote them.
 * @param {string} text @param {Record<string, string>} labels
 */
export function csvHeader(text, labels) {
  if (language() === "en") return text;
  const quoted = (/** @type {string} */ cell) =>
    (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  const [first, ...rows] = text.split("\n");
  const names = first.split(",");
  const head = names.map((name) => {
    const final = /^final_(.+)$/.exec(name);
    return quoted(final ? t("experiments:csv.final", { measure: measureName(final[1]) })
      : has(`experiments:csv.${name}`) ? t(`experiments:csv.${name}`) : fieldName(name, labels[name]));
  });
  const at = names.indexOf("state");
  const body = rows.map((row) => {  // its cells have no commas (names, numbers, "64-32")
    const cells = row.split(",");
    if (at < 0 || cells.length !== names.length || row.includes('"')) return row;
    cells[at] = quoted(stateName(cells[at]));
    return cells.join(",");
  });
  return [head.join(","), ...body].join("\n");
}

/**
 * A run's line sample (legend and captions): its colour and dash, `w` px long at (x, y).
 * @param {CanvasRenderingContext2D} ctx @param {{color: string, dash: number[]}} st
 * @param {number} x @param {number} y @param {number} w @param {number} width  line width
 */
function sample(ctx, st, x, y, w, width) {
  ctx.save();
  ctx.strokeStyle = st.color;
  ctx.lineWidth = width;
  ctx.setLineDash(st.dash.map((d) => d * width / 2));
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x + w, y);
  ctx.stroke();
  ctx.restore();
}

/**
 * Draw runs' curves of `key` over epochs in a W × H box at ctx's origin: every run in its
 * style, on axes with round ticks and the measure's name, in `font` px type; or one run (a
 * small multiple, no axes) with its training curve faint under it.
 * @param {CanvasRenderingContext2D} ctx @param {number} W @param {number} H @param {any} sweep
 * @param {string} key @param {number} font @param {{color: string, dash: number[]}} [one]
 */
function drawRuns(ctx, W, H, sweep, key, font, one) {
  ctx.save();
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  const axes = !one;
  const pad = axes ? { l: Math.round(font * 4.6), r: Math.round(font * 1.2), t: Math.round(font * 0.8),
    b: Math.round(font * 3) } : { l: 4, r: 4, t: 4, b: 4 };
  const score = key.endsWith("accuracy");
  const train = key.replace("test_", "train_");
  const runs = sweep.runs.filter((/** @type {any} */ r) => r.history);
  const values = runs.flatMap((/** @type {any} */ r) => [r.history[key] ?? [],
    ...(one ? [r.history[train] ?? []] : [])]).flat()
    .filter((/** @type {any} */ v) => v != null && isFinite(v));
  let lo = score ? 0 : Math.min(0, ...values), hi = score ? 1 : Math.max(1e-9, ...values);
  if (!values.length) { lo = 0; hi = 1; }
  let step = 0;
  if (axes && values.length) {  // from a round number to a round number, in round steps
    lo = score ? Math.min(...values) : lo;
    if (hi - lo < 1e-9) hi = lo + 1;
    step = niceStep((hi - lo) / 4);
    lo = Math.max(score ? 0 : -Infinity, Math.floor(lo / step + 1e-9) * step);
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  const plotW = W - pad.l - pad.r, plotH = H - pad.t - pad.b;
  const epochs = Math.max(1, sweep.epochs);
  const x = (/** @type {number} */ e) => pad.l + (e / epochs) * plotW;
  const y = (/** @type {number} */ v) => pad.t + (1 - (v - lo) / (hi - lo || 1)) * plotH;
  ctx.lineWidth = 1;
  if (axes) {
    ctx.font = `${font}px ${FONT}`;
    ctx.fillStyle = "#444";
    ctx.strokeStyle = "#e4e4e4";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let k = 0; step && lo + k * step <= hi + step * 1e-6; k++) {
      const v = lo + k * step;
      ctx.beginPath();
      ctx.moveTo(pad.l, Math.round(y(v)) + 0.5);
      ctx.lineTo(W - pad.r, Math.round(y(v)) + 0.5);
      ctx.stroke();
      ctx.fillText(score ? format.wholePercent(100 * v) : format.tick(v), pad.l - font * 0.4, y(v));
    }
    ctx.strokeStyle = "#888";
    ctx.beginPath();
    ctx.moveTo(pad.l + 0.5, pad.t);
    ctx.lineTo(pad.l + 0.5, H - pad.b + 0.5);
    ctx.lineTo(W - pad.r, H - pad.b + 0.5);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const every = Math.max(1, Math.ceil(niceStep(epochs / 5)));
    for (let e = 0; e <= epochs; e += every) {
      ctx.beginPath();
      ctx.moveTo(x(e), H - pad.b);
      ctx.lineTo(x(e), H - pad.b + font * 0.3);
      ctx.stroke();
      ctx.fillText(String(e), x(e), H - pad.b + font * 0.4);
    }
    ctx.fillText(t("experiments:sweep.axis_epoch"), pad.l + plotW / 2, H - pad.b + font * 1.6);
    ctx.save();
    ctx.translate(font * 0.2, pad.t + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(clip(ctx, measureName(key), plotH), 0, 0);
    ctx.restore();
  } else {
    ctx.strokeStyle = "#ccc";
    ctx.strokeRect(pad.l + 0.5, pad.t + 0.5, plotW, plotH);
  }
  const line = (/** @type {any[]} */ vs, /** @type {any[]} */ at, /** @type {string} */ color,
    /** @type {number[]} */ dash, /** @type {number} */ width) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.setLineDash(dash.map((d) => d * width / 2));
    ctx.beginPath();
    let pen = false;
    vs.forEach((v, i) => {
      const e = typeof at?.[i] === "number" ? at[i] : i;
      if (v == null || !isFinite(v)) { pen = false; return; }
      if (pen) ctx.lineTo(x(e), y(v)); else ctx.moveTo(x(e), y(v));
      pen = true;
    });
    ctx.stroke();
    ctx.setLineDash([]);
  };
  const width = axes ? Math.max(2, font * 0.14) : 2;
  for (const r of runs) {
    const st = one ?? styleOf(sweep, r.index);
    if (one && r.history[train]) line(r.history[train], r.history.epoch, "#bbb", [], 1.5);
    if (r.history[key]) line(r.history[key], r.history.epoch, st.color, st.dash, width);
  }
  ctx.restore();
}

/**
 * The sweep as one figure, 1600 px wide for a slide: a title (what was varied over which
 * values, the epochs, the data), the overlaid curves, a legend laid out by measuring its
 * entries (rows wrap, nothing clipped or overlapping), and the small multiples, each with its
 * run's label and final measure under it.
 * @param {any} sweep @param {string} key @param {Record<string, string>} labels
 */
export function composition(sweep, key, labels) {
  const W = 1600, pad = 40, inner = W - 2 * pad, font = 20;
  const fields = Object.keys(sweep.vary);
  const measure = measureName(key);
  const score = key.endsWith("accuracy");
  const scratch = /** @type {CanvasRenderingContext2D} */ (document.createElement("canvas")
    .getContext("2d"));
  // the title, and what the runs share
  const varied = fields.map((f) => t("experiments:png.varied", { field: fieldName(f, labels[f]),
    values: sweep.vary[f].map((/** @type {any} */ v) => valueText(f, v)).join(", ") }));
  const dataset = sweep.base?.dataset;
  const what = t("experiments:png.title", { fields: varied.join(" × ") });
  const how = t("experiments:png.epochs", { count: sweep.epochs })
    + (dataset ? ` · ${t("experiments:png.data", { dataset: valueText("dataset", dataset) })}` : "");
  scratch.font = `600 ${font + 8}px ${FONT}`;
  const titleLines = scratch.measureText(`${what} · ${how}`).width <= inner ? [`${what} · ${how}`]
    : [...wrap(scratch, what, inner, 2), how];  // the epochs and the data: a line of their own
  const shared = Object.fromEntries(SUBTITLE_FIELDS.filter((f) => !fields.includes(f)
    && sweep.base?.[f] != null).map((f) => [f, sweep.base[f]]));
  const subtitle = t("experiments:png.subtitle", { count: sweep.total, measure })
    + (Object.keys(shared).length ? t("experiments:png.shared", { settings: label(shared, labels) }) : "");
  scratch.font = `${font - 2}px ${FONT}`;
  const subtitleLines = wrap(scratch, subtitle, inner, 2);
  const chartH = 440;
  // the legend: a grid of equal columns, as many as the longest entry allows
  const legendFont = font - 2, sampleW = 44, legendRow = 30, legendGap = 36;
  scratch.font = `${legendFont}px ${FONT}`;
  const names = sweep.runs.map((/** @type {any} */ r) => label(r.varied, labels));
  const entryW = Math.min(inner, Math.max(...names.map((n) => sampleW + 10
    + scratch.measureText(n).width)));
  const group = fields.length === 2 ? sweep.vary[fields[1]].length : 1;
  const legendCols = keepGroups(Math.max(1, Math.floor((inner + legendGap) / (entryW + legendGap))),
    group, sweep.runs.length);
  const legendColW = (inner + legendGap) / legendCols;
  const legendRows = Math.ceil(sweep.runs.length / legendCols);
  // the small multiples: whole groups of the second field's values on each row
  const plots = sweep.runs.some((/** @type {any} */ r) => r.plot);
  const gap = 24;
  const cols = keepGroups(Math.max(1, Math.floor((inner + gap) / (200 + gap))), group,
    sweep.runs.length);
  const cell = Math.min(280, Math.floor((inner - (cols - 1) * gap) / cols));
  const cellH = plots ? cell : Math.round(cell * 0.62);
  const captionFont = 17, captionLine = 22;
  const blockH = cellH + 10 + 3 * captionLine + 18;
  // each run's caption on one line; if one does not fit, every one a line per field
  scratch.font = `${captionFont}px ${FONT}`;
  const captionW = cell - 34;
  const split = names.some((n) => scratch.measureText(n).width > captionW);
  const captions = sweep.runs.map((/** @type {any} */ r, /** @type {number} */ i) => (split
    ? Object.entries(r.varied).map(([f, v]) => label({ [f]: v }, labels)).join("\n")
    : names[i]));
  const rows = Math.ceil(sweep.runs.length / cols);
  const gridX = pad + Math.floor((inner - (cols * cell + (cols - 1) * gap)) / 2);
  const H = pad + titleLines.length * 36 + subtitleLines.length * 26 + 16 + chartH + 24
    + legendRows * legendRow + 28 + 34 + rows * blockH + pad - 18;

  const canvas = document.createElement("canvas");
  canvas.width = W;
  canvas.height = Math.ceil(H);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, canvas.height);
  ctx.textBaseline = "alphabetic";
  ctx.fillStyle = "#1a1a1a";
  let y = pad;
  ctx.font = `600 ${font + 8}px ${FONT}`;
  for (const text of titleLines) {
    y += 36;
    ctx.fillText(text, pad, y - 8);
  }
  ctx.font = `${font - 2}px ${FONT}`;
  ctx.fillStyle = "#555";
  for (const text of subtitleLines) {
    y += 26;
    ctx.fillText(text, pad, y - 4);
  }
  y += 16;
  ctx.save();
  ctx.translate(pad, y);
  drawRuns(ctx, inner, chartH, sweep, key, font);
  ctx.restore();
  y += chartH + 24;
  ctx.font = `${legendFont}px ${FONT}`;
  ctx.textBaseline = "middle";
  names.forEach((name, i) => {
    const x = pad + (i % legendCols) * legendColW;
    const ly = y + Math.floor(i / legendCols) * legendRow + legendRow / 2;
    sample(ctx, styleOf(sweep, i), x, ly, sampleW, 3);
    ctx.fillStyle = "#1a1a1a";
    ctx.fillText(clip(ctx, name, legendColW - legendGap - sampleW - 10), x + sampleW + 10, ly);
  });
  y += legendRows * legendRow + 28;
  ctx.textBaseline = "alphabetic";
  ctx.font = `600 ${font}px ${FONT}`;
  ctx.fillStyle = "#1a1a1a";
  ctx.fillText(plots ? t("experiments:png.outputs", { count: sweep.epochs })
    : t("experiments:png.curves", { measure }), pad, y + 20);
  y += 34;
  sweep.runs.forEach((/** @type {any} */ r, /** @type {number} */ i) => {
    const x = gridX + (i % cols) * (cell + gap);
    const top = y + Math.floor(i / cols) * blockH;
    const st = styleOf(sweep, r.index);
    if (r.plot) drawPlot(ctx, r.plot, x, top, cell);
    else {
      ctx.save();
      ctx.translate(x, top);
      drawRuns(ctx, cell, cellH, { ...sweep, runs: [r] }, key, font, st);
      ctx.restore();
    }
    ctx.font = `${captionFont}px ${FONT}`;
    const lines = captions[i].split("\n").flatMap((part) => wrap(ctx, part, captionW, 2))
      .slice(0, 2);
    sample(ctx, st, x, top + cellH + 10 + captionLine / 2, 26, 3);
    ctx.fillStyle = "#1a1a1a";
    ctx.textBaseline = "middle";
    lines.forEach((text, k) => ctx.fillText(text, x + 34, top + cellH + 10 + captionLine * (k + 0.5)));
    const v = r.final?.[key];
    const value = v == null ? "–" : score ? format.percent(v) : format.metric(v);
    const state = r.state === "done" ? "" : ` · ${stateName(r.state)}`;
    ctx.fillStyle = "#555";
    ctx.font = `${captionFont - 1}px ${FONT}`;
    // the measure named, where it fits (the heading above names it too); the value always
    const named = t("experiments:png.result", { measure, value }) + state;
    const result = ctx.measureText(named).width <= cell - 34 ? named : clip(ctx, value + state, cell - 34);
    ctx.fillText(result, x + 34, top + cellH + 10 + captionLine * (lines.length + 0.5));
    ctx.textBaseline = "alphabetic";
  });
  return canvas;
}

/**
 * Columns for a grid of `n` runs: at most `fit`, a multiple of `group` (the second field's
 * values) when that fits, so each row holds whole groups; never more than `n`.
 * @param {number} fit @param {number} group @param {number} n
 */
function keepGroups(fit, group, n) {
  const cols = group > 1 && fit >= group ? group * Math.floor(fit / group) : fit;
  return Math.max(1, Math.min(cols, n));
}
