// @ts-check
/**
 * The output plot: the network's output over the input plane (the decision boundary, the k
 * class regions, or the regression surface), with the training points (filled) and the test
 * points (ringed), a legend, drawing, and a neuron's tile shown large on hover. The map is
 * painted at the grid's resolution on a continuous scale and scaled up smoothly (bilinear),
 * so the surface shows no bands. With a run side by side (a preset comparing two losses) the
 * other run's map is drawn beside it, with the same points, each captioned with its loss.
 */

import { h } from "./dom.js";
import { CLASS_COLORS, pointColor } from "./colors.js";
import { SHAPES, drawMarker, markerSvg, shapeName, shapeOf } from "./markers.js";
import { onLanguage, t } from "./i18n.js";
import { scaleEnd } from "./format.js";
import { SMOOTH, discreteTable, paint, paintClasses } from "./heatmap.js";
import { runWords } from "./tasks.js";

const DISCRETE = discreteTable();
const REMOVE_RADIUS = 1 / 30; // of the plane's width: how near a shift-click must be to a point

export class Boundary {
  /**
   * @param {{plot: HTMLElement, output: HTMLCanvasElement, points: HTMLCanvasElement,
   *          label: HTMLElement, legend: HTMLElement, plots: HTMLElement,
   *          caption: HTMLElement, compareFigure: HTMLElement, compareCaption: HTMLElement,
   *          compareOutput: HTMLCanvasElement, comparePoints: HTMLCanvasElement}} els
   * @param {{onAdd: (x: number[], label: number) => void,
   *          onRemove: (x: number[], radius: number) => void,
   *          onSelect: (index: number) => void}} callbacks
   */
  constructor(els, callbacks) {
    this.els = els;
    this.cb = callbacks;
    this.data = null;
    this.frame = null;
    this.showTest = false;
    this.discrete = false;
    this.drawing = false;
    this.drawClass = 1;
    /** @type {HTMLCanvasElement | null} */
    this.hoverTile = null;
    this.selected = null;
    this.plane = true;
    /** the compared run's labels while its map is shown, else null */
    /** @type {{label: string, base: string} | null} */
    this.compare = null;
    els.points.addEventListener("click", (e) => this.click(e));
    new ResizeObserver(() => this.drawPoints()).observe(els.plot);
    /** stops writing this view's text again in a new language (a notebook view that goes) */
    this.stopLanguage = onLanguage(() => {
      els.legend.dataset.key = "";
      this.drawLegend();
      if (this.compare) {
        els.caption.textContent = runWords(this.compare.base);
        els.compareCaption.textContent = runWords(this.compare.label);
      }
    });
  }

  /** The points (a `data` message). @param {import("./socket.js").Decoded} data */
  setData(data) {
    this.data = data;
    this.drawPoints();
    this.drawLegend();
  }

  /** Data on the plane has a map; other data has none (the box then holds only tables). @param {boolean} plane */
  setPlane(plane) {
    this.plane = plane;
    for (const el of [this.els.output, this.els.points, this.els.legend]) el.hidden = !plane;
    this.els.plots.classList.toggle("no-plane", !plane);
  }

  /** The selected point (ringed), or null. @param {number | null} index */
  setSelected(index) {
    this.selected = index;
    this.drawPoints();
  }

  /** Show the test points (ringed) too, or not. @param {boolean} on */
  setShowTest(on) {
    this.showTest = on;
    this.drawPoints();
  }

  /** Snap the output to its two ends (or classes to full colour), or not. @param {boolean} on */
  setDiscrete(on) {
    this.discrete = on;
    this.paintOutput();
    if (this.compare) this.paintOutput("compare_", this.els.compareOutput);
    this.drawLegend();
  }

  /** Clicks add points (of `drawClass`) instead of selecting one. @param {boolean} on */
  setDrawing(on) {
    this.drawing = on;
  }

  /** The class (or target value) a click adds. @param {number} label */
  setDrawClass(label) {
    this.drawClass = label;
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame */
  update(frame) {
    this.frame = frame;
    this.setCompare(frame.header.compare && (frame.arrays.compare_output ||
      frame.arrays.compare_output_class) ? frame.header.compare : null);
    if (this.compare) this.paintOutput("compare_", this.els.compareOutput);
    if (this.hoverTile) return; // a neuron is being shown instead
    this.paintOutput();
    this.drawLegend();
  }

  /**
   * Show the compared run's map beside the session's, each captioned with its loss; or only
   * the session's.
   * @param {{label: string, base: string} | null} compare
   */
  setCompare(compare) {
    const was = this.compare;
    if (was?.label === compare?.label && was?.base === compare?.base) return;
    this.compare = compare ? { label: compare.label, base: compare.base } : null;
    const els = this.els;
    els.compareFigure.hidden = !compare;
    els.caption.hidden = !compare;
    els.plots.classList.toggle("compare", Boolean(compare));
    if (compare) {
      els.caption.textContent = runWords(compare.base);
      els.compareCaption.textContent = runWords(compare.label);
    }
    this.drawPoints();
  }

  /**
   * Paint an output map of the frame: the session's (prefix "") or the compared run's
   * ("compare_").
   * @param {string} [prefix] @param {HTMLCanvasElement} [canvas]
   */
  paintOutput(prefix = "", canvas = this.els.output) {
    const frame = this.frame;
    if (!frame) return;
    const A = frame.arrays;
    const output = A[`${prefix}output`];
    const classes = A[`${prefix}output_class`];
    if (output) paint(canvas, output.data, output.shape[0], this.discrete ? DISCRETE : SMOOTH);
    else if (classes) {
      paintClasses(canvas, classes.data, A[`${prefix}output_confidence`].data,
        classes.shape[0], this.data?.header.n_classes ?? 2, this.discrete);
    }
  }

  /** Show a neuron's tile large (null: back to the output). */
  showTile(canvas, name) {
    this.hoverTile = canvas;
    const label = this.els.label;
    if (!canvas) {
      label.hidden = true;
      this.paintOutput();
      return;
    }
    const out = this.els.output;
    out.width = canvas.width;
    out.height = canvas.height;
    const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext("2d"));
    ctx.drawImage(canvas, 0, 0);
    label.textContent = name;
    label.hidden = false;
  }

  /** @param {number[]} p  [x1, x2] @returns {number[]} [px, py] in CSS pixels */
  toPixel(p, W, H) {
    const [lo, hi] = this.data.header.extent;
    return [(p[0] - lo) / (hi - lo) * W, (hi - p[1]) / (hi - lo) * H];
  }

  /** @param {MouseEvent} e @returns {number[]} [x1, x2] */
  toPlane(e) {
    const rect = this.els.points.getBoundingClientRect();
    const [lo, hi] = this.data.header.extent;
    const x1 = lo + (e.clientX - rect.left) / rect.width * (hi - lo);
    const x2 = hi - (e.clientY - rect.top) / rect.height * (hi - lo);
    return [Math.round(x1 * 1000) / 1000, Math.round(x2 * 1000) / 1000];
  }

  /** The points on the plot, and on the compared run's plot when it is shown. */
  drawPoints() {
    this.drawPointsOn(this.els.points);
    if (this.compare) this.drawPointsOn(this.els.comparePoints);
  }

  /** @param {HTMLCanvasElement} canvas */
  drawPointsOn(canvas) {
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const W = rect.width;
    const H = rect.height;
    if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
    if (canvas.height !== Math.round(H * dpr)) canvas.height = Math.round(H * dpr);
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const data = this.data;
    if (!data || !data.arrays.X || data.arrays.X.shape[1] !== 2) return;
    const X = data.arrays.X.data;
    const y = data.arrays.y.data;
    const train = data.arrays.train.data;
    const { task, n_classes: k } = data.header;
    const r = y.length <= 16 ? W / 30 : Math.max(2.5, W / 110);  // tables: big enough to see
    for (const pass of [1, 0]) { // training points first, test points on top
      if (pass === 0 && !this.showTest) continue;
      for (let i = 0; i < y.length; i++) {
        if (train[i] !== pass) continue;
        const [px, py] = this.toPixel([X[2 * i], X[2 * i + 1]], W, H);
        drawMarker(ctx, shapeOf(y[i], task), px, py, r, pointColor(y[i], task, k), !pass);
      }
    }
    if (this.selected != null && this.selected < y.length) {
      const i = this.selected;
      const [px, py] = this.toPixel([X[2 * i], X[2 * i + 1]], W, H);
      ctx.beginPath();
      ctx.arc(px, py, r * 2.2, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#f0a000";
      ctx.stroke();
    }
  }

  /** @param {MouseEvent} e */
  click(e) {
    if (!this.data) return;
    const p = this.toPlane(e);
    if (this.drawing) {
      const [lo, hi] = this.data.header.extent;
      if (e.shiftKey) this.cb.onRemove(p, (hi - lo) * REMOVE_RADIUS);
      else this.cb.onAdd(p, this.drawClass);
      return;
    }
    const i = this.nearest(e);
    if (i != null) this.cb.onSelect(i);
  }

  /** The index of the point under the pointer, if any. @param {MouseEvent} e */
  nearest(e) {
    const data = this.data;
    if (!data?.arrays.X) return null;
    const rect = this.els.points.getBoundingClientRect();
    const X = data.arrays.X.data;
    const train = data.arrays.train.data;
    let best = null;
    let bestD = (Math.max(8, rect.width / 50)) ** 2;
    for (let i = 0; i < data.arrays.y.data.length; i++) {
      if (!train[i] && !this.showTest) continue;
      const [px, py] = this.toPixel([X[2 * i], X[2 * i + 1]], rect.width, rect.height);
      const d = (px - (e.clientX - rect.left)) ** 2 + (py - (e.clientY - rect.top)) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  /**
   * The legend beside the plot: the classes' colours, or the output's scale as a vertical bar
   * (its top the largest output, class 1), with the values at its ends.
   */
  drawLegend() {
    const legend = this.els.legend;
    const data = this.data;
    if (!data) return;
    const { task, n_classes: k } = data.header;
    const range = this.frame?.header.output_range;
    const key = `${task}:${k}:${range?.join(",")}:${this.discrete}`;
    if (legend.dataset.key === key) return;
    legend.dataset.key = key;
    legend.textContent = "";
    legend.classList.toggle("classes", task === "classification" && k > 2);
    if (task === "classification" && k > 2) {
      for (let c = 0; c < k; c++) {
        legend.appendChild(h("span", { title: t("views:classes.class_shape",
          { n: c, shape: shapeName(SHAPES[c % SHAPES.length]) }) },
          markerSvg(shapeOf(c, task), CLASS_COLORS[c % CLASS_COLORS.length]), ` ${c}`));
      }
      return;
    }
    const lo = range ? range[0] : -1;
    const hi = range ? range[1] : 1;
    const classes = task === "classification";
    /** @param {string} name @param {number} v @param {number} c the class at this end */
    const end = (name, v, c) => h("span", { className: "end" }, ...(classes
      ? [markerSvg(shapeOf(c, task), pointColor(c, task, 2)), name,
        h("span", { className: "value" }, scaleEnd(v))] : [scaleEnd(v)]));
    const bar = document.createElement("canvas");
    bar.width = 1;
    bar.height = 256;
    const ctx = /** @type {CanvasRenderingContext2D} */ (bar.getContext("2d"));
    const img = ctx.createImageData(1, 256);
    const table = this.discrete ? DISCRETE : SMOOTH;
    for (let q = 0; q < 256; q++) img.data.set(table.slice(q * 4, q * 4 + 4), (255 - q) * 4);
    ctx.putImageData(img, 0, 0);
    bar.title = classes
      ? t("views:plot.boundary_at", { value: scaleEnd((lo + hi) / 2) }) : t("views:plot.predicted_value");
    legend.append(end(t("views:classes.class", { n: 1 }), hi, 1), bar,
      end(t("views:classes.class", { n: 0 }), lo, 0));
  }

  /** A PNG of the output plot with its points, for slides. @returns {Promise<Blob|null>} */
  async png() {
    const size = 800;
    const c = document.createElement("canvas");
    c.width = c.height = size;
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext("2d"));
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.els.output, 0, 0, size, size);
    ctx.drawImage(this.els.points, 0, 0, size, size);
    return new Promise((resolve) => c.toBlob(resolve, "image/png"));
  }
}
