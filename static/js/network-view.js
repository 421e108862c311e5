// @ts-check
/**
 * The network diagram: inputs, hidden layers and outputs as columns of neuron tiles, each tile
 * the neuron's activation over the input plane; links coloured by the weight's sign and
 * thickened by |w|; a bias square per neuron.
 *
 * Two canvases: one for the links, batched by colour and width (about twenty strokes for a
 * 6×8 network) and redrawn only when some link changes its colour or width step, since
 * rasterising hundreds of thick curves costs Chromium ~10 ms; and one for the tiles, each
 * kept in a small canvas outside the page and scaled into place every frame. (A canvas per
 * neuron made Chromium spend most of each frame compositing.) Hovering finds the nearest link
 * from sampled curve points. Hover a link or a bias to read it, click to edit
 * it, click a neuron to inspect it, hover a neuron to show it large in the output plot.
 *
 * For image inputs (the digits), each first-layer neuron is drawn as its incoming weights, in
 * its tile and, larger, in the weight gallery below the diagram.
 */

import { diverging } from "./colors.js";
import * as format from "./format.js";
import { paint } from "./heatmap.js";

const MAX_LINK = 9; // px, the Playground's 1 + 9·min(|w|, 5)/5
const WIDTH_STEPS = 8;
const COLOR_STEPS = 12;
const MAX_DRAWN_INPUTS = 16; // wider inputs (digits) are drawn as one block
const LINK_RESOLUTION = 0.5;

/**
 * @typedef {{x: number, y: number, size: number, layer: number, index: number,
 *            el: HTMLElement, tile: boolean, bias: HTMLElement | null, last: any,
 *            img: HTMLCanvasElement | null}} Node
 * @typedef {{l: number, i: number, j: number, pts: number[]}} Link
 */

export class NetworkView {
  /**
   * @param {{container: HTMLElement, gallery: HTMLElement}} els
   * @param {{onEditWeight: Function, onEditBias: Function, onSelectNeuron: Function,
   *          onHoverTile: (canvas: HTMLCanvasElement | null, name: string) => void,
   *          onChangeLayers: Function, onFocusNeuron: Function}} callbacks
   */
  constructor(els, callbacks) {
    const container = els.container;
    this.container = container;
    this.gallery = els.gallery;
    this.cb = callbacks;
    this.canvas = document.createElement("canvas");
    this.canvas.style.position = "absolute";
    this.canvas.style.inset = "0";
    this.canvas.style.width = "100%";
    this.canvas.style.height = "100%";
    container.appendChild(this.canvas);
    this.tiles = document.createElement("canvas");
    this.tiles.className = "tiles";
    container.appendChild(this.tiles);
    /** the colour/width step of every link when they were last drawn */
    this.linkSteps = null;
    this.tooltip = document.createElement("div");
    this.tooltip.className = "tooltip";
    this.tooltip.hidden = true;
    document.body.appendChild(this.tooltip);
    /** @type {Node[][]} */
    this.columns = [];
    /** @type {Link[]} */
    this.links = [];
    /** @type {import("./store.js").Network | null} */
    this.net = null;
    this.frame = null;
    /** The step-through's focus: links into `layer` lit (the rest faded), drawn from `values`
     * (e.g. dW) when given, and neuron `neuron` ringed. @type {any} */
    this.focus = null;
    this.canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.canvas.addEventListener("mouseleave", () => { this.tooltip.hidden = true; });
    this.canvas.addEventListener("click", (e) => this.clickLink(e));
    new ResizeObserver(() => this.layout()).observe(container);
  }

  /** The network's shape and input maps (a `network` message). @param {import("./store.js").Network} net */
  setNetwork(net) {
    this.net = net;
    this.gallery.hidden = true;
    this.gallery.textContent = "";
    this.frame = null;
    this.layout();
  }

  layout() {
    const net = this.net;
    if (!net) return;
    for (const col of this.columns) for (const node of col) node.el.remove();
    for (const el of this.container.querySelectorAll(".layer-controls, .layer-label")) el.remove();
    const rect = this.container.getBoundingClientRect();
    const W = Math.max(rect.width, 100);
    const H = Math.max(rect.height, 100);
    const dpr = window.devicePixelRatio || 1;
    // Links are rasterised at half resolution (a quarter of the pixels; they are broad soft
    // curves, so CSS scaling loses little), tiles at full resolution.
    this.linkScale = dpr * LINK_RESOLUTION;
    this.canvas.width = Math.round(W * this.linkScale);
    this.canvas.height = Math.round(H * this.linkScale);
    this.tiles.width = Math.round(W * dpr);
    this.tiles.height = Math.round(H * dpr);
    this.linkSteps = null;
    this.scale = dpr;
    const sizes = net.sizes;
    const inputsDrawn = Math.min(sizes[0], MAX_DRAWN_INPUTS);
    const shown = [inputsDrawn, ...sizes.slice(1)];
    const top = 34; // room for the +/- buttons
    const bottom = 18;
    const most = Math.max(...shown);
    const nCols = shown.length;
    const size = Math.max(12, Math.min(72, (H - top - bottom) / (most * 1.35),
      W / (nCols * 2.4)));
    const gapY = Math.min(size * 0.45, (H - top - bottom - most * size) / Math.max(most - 1, 1));
    const marginX = size * 0.9;
    const stepX = nCols > 1 ? (W - 2 * marginX - size) / (nCols - 1) : 0;
    this.columns = shown.map((n, l) => {
      const x = marginX + l * stepX;
      const total = n * size + (n - 1) * gapY;
      const y0 = top + (H - top - bottom - total) / 2;
      return Array.from({ length: n }, (_, i) => this.makeNode(l, i, x, y0 + i * (size + gapY),
        size));
    });
    this.links = [];
    for (let l = 1; l < this.columns.length; l++) {
      for (const a of this.columns[l - 1]) {
        for (const b of this.columns[l]) {
          this.links.push({ l, i: a.index, j: b.index, pts: curve(a, b) });
        }
      }
    }
    this.addLayerControls(stepX, marginX, size, H);
    this.paintInputs();
    if (this.frame) this.update(this.frame);
    else this.drawLinks(null);
  }

  /** @returns {Node} */
  makeNode(l, i, x, y, size) {
    const el = document.createElement("div");
    el.className = "neuron";
    el.style.left = `${x}px`;
    el.style.top = `${y}px`;
    el.style.width = el.style.height = `${size}px`;
    el.dataset.layer = String(l);
    el.dataset.index = String(i);
    const net = this.net;
    const isInput = l === 0;
    const tile = Boolean(net.plane || (l === 1 && net.image_side));
    if (!tile) el.classList.add("plain");
    if (isInput) {
      el.title = net.sizes[0] > MAX_DRAWN_INPUTS && i === MAX_DRAWN_INPUTS - 1
        ? `${net.sizes[0] - MAX_DRAWN_INPUTS + 1} more inputs` : (net.input_labels?.[i] ?? "");
      el.classList.add("input");
    }
    let bias = null;
    if (!isInput && net.has_bias) {
      bias = document.createElement("div");
      bias.className = "bias";
      const bsize = Math.max(7, size * 0.22);
      bias.style.width = bias.style.height = `${bsize}px`;
      bias.style.left = `${-bsize - 3}px`;
      bias.addEventListener("mouseenter", (e) => this.showBias(l, i, e));
      bias.addEventListener("mouseleave", () => { this.tooltip.hidden = true; });
      bias.addEventListener("click", (e) => { e.stopPropagation(); this.editBias(l, i, e); });
      el.appendChild(bias);
    }
    el.addEventListener("click", () => {
      if (isInput) return;
      if (this.focus && this.cb.onFocusNeuron) this.cb.onFocusNeuron(l, i);
      else this.select(l, i);
    });
    el.addEventListener("mouseenter", () => this.hoverNeuron(l, i));
    el.addEventListener("mouseleave", () => this.cb.onHoverTile(null, ""));
    this.container.appendChild(el);
    return { x, y, size, layer: l, index: i, el, tile, bias, last: null,
      img: tile ? document.createElement("canvas") : null };
  }

  /** Show a hidden or input neuron's map large (not the output's: that is the plot itself). */
  hoverNeuron(l, i) {
    const net = this.net;
    if (!net || l >= net.sizes.length - 1) return;
    const canvas = this.tileCanvas(l, i);
    if (canvas) this.cb.onHoverTile(canvas, l === 0 ? net.input_labels[i] : `layer ${l}, neuron ${i}`);
  }

  addLayerControls(stepX, marginX, size, H) {
    const net = this.net;
    const hidden = net.sizes.slice(1, -1);
    hidden.forEach((n, k) => {
      const l = k + 1;
      const x = marginX + l * stepX + size / 2;
      const box = document.createElement("div");
      box.className = "layer-controls";
      box.style.left = `${x}px`;
      box.style.top = "2px";
      for (const [text, delta, label] of [["−", -1, "Remove a neuron"], ["+", 1, "Add a neuron"]]) {
        const b = document.createElement("button");
        b.className = "round small";
        b.textContent = /** @type {string} */ (text);
        b.title = `${label} (layer ${l})`;
        b.setAttribute("aria-label", `${label} in hidden layer ${l}`);
        b.dataset.layer = String(l);
        b.dataset.delta = String(delta);
        b.addEventListener("click", () => {
          const next = [...hidden];
          next[k] = n + /** @type {number} */ (delta);
          this.cb.onChangeLayers(next);
        });
        box.appendChild(b);
      }
      this.container.appendChild(box);
      const label = document.createElement("div");
      label.className = "layer-label";
      label.style.left = `${x}px`;
      label.style.top = `${H - 16}px`;
      label.textContent = `${n} neuron${n === 1 ? "" : "s"}`;
      this.container.appendChild(label);
    });
  }

  paintInputs() {
    const net = this.net;
    if (!net || !net.features) return;
    const D = net.neuron_density;
    this.columns[0].forEach((node, i) => {
      const k = net.feature_names.indexOf(net.input_names[i]);
      if (node.tile && k >= 0) this.paintTile(node, net.features.data, D, k * D * D);
    });
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame */
  update(frame) {
    this.frame = frame;
    const net = this.net;
    if (!net || frame.header.network_version !== net.version) return;
    const A = frame.arrays;
    for (let l = 1; l < this.columns.length; l++) {
      const tiles = A[`tiles${l}`];
      if (!tiles) continue;
      const D = tiles.shape[1];
      this.columns[l].forEach((node, i) => {
        if (node.tile) this.paintTile(node, tiles.data, D, i * D * D);
      });
    }
    if (net.image_side && A.W1) this.paintWeightImages(A.W1, net.image_side);
    const dead = A.dead?.data;
    for (let l = 1; l < this.columns.length - 1 && dead; l++) {
      const isDead = dead[l - 1] === 1;
      for (const node of this.columns[l]) {
        if (node.el.classList.contains("dead") !== isDead) node.el.classList.toggle("dead", isDead);
      }
    }
    this.drawLinks(frame);
  }

  /**
   * Light up one layer's incoming links for the step-through.
   * @param {{layer: number, neuron?: number, values?: number[][], scale?: number} | null} focus
   */
  setFocus(focus) {
    if (focus?.values) { // gradients are tiny next to weights: scale the largest to full width
      const most = Math.max(...focus.values.flat().map(Math.abs), 1e-12);
      focus = { ...focus, scale: 4 / most };
    }
    this.focus = focus;
    for (const col of this.columns) for (const n of col) n.el.classList.remove("focus");
    if (focus && focus.neuron != null) this.columns[focus.layer]?.[focus.neuron]?.el.classList.add("focus");
    this.drawLinks(this.frame);
  }

  /**
   * Image inputs (8×8 digits): each first-layer neuron drawn as its incoming weights, an
   * image of what it looks for (blue: this pixel raises it, orange: lowers it).
   */
  paintWeightImages(W1, side) {
    const n = W1.shape[1];
    const gallery = this.gallery;
    gallery.hidden = false;
    if (gallery.children.length !== n) {
      gallery.textContent = "";
      for (let j = 0; j < n; j++) {
        const c = document.createElement("canvas");
        c.title = `hidden neuron ${j}: its ${side}×${side} incoming weights`;
        gallery.appendChild(c);
      }
    }
    let most = 1e-12;
    for (let k = 0; k < W1.data.length; k++) most = Math.max(most, Math.abs(W1.data[k]));
    const codes = new Uint8Array(side * side);
    this.columns[1]?.forEach((node, j) => {
      if (!node.tile || j >= n) return;
      for (let p = 0; p < side * side; p++) {
        codes[p] = Math.round((W1.data[p * n + j] / most + 1) * 127.5);
      }
      this.paintTile(node, codes.slice(), side, 0);
      node.el.title = `neuron ${j}: its ${side}×${side} incoming weights`;
      const big = gallery.children[j];
      if (big) paint(/** @type {HTMLCanvasElement} */ (big), codes, side);
    });
  }

  drawLinks(frame) {
    this.drawTiles();
    const focus = this.focus;
    // Each link's (width step, colour step, faded): redraw only if one of them moved.
    const steps = new Int16Array(this.links.length * 3);
    this.links.forEach((link, k) => {
      let w = frame ? weight(frame, link) : 0;
      let faded = 0;
      if (focus) {
        faded = link.l !== focus.layer ? 1 : 0;
        if (!faded && focus.values) w = focus.values[link.i][link.j] * (focus.scale ?? 1);
      }
      steps[3 * k] = frame ? Math.round(Math.min(Math.abs(w), 5) / 5 * WIDTH_STEPS) : 0;
      steps[3 * k + 1] = frame ? Math.round((Math.max(-1, Math.min(1, w)) + 1) / 2 * COLOR_STEPS) : -1;
      steps[3 * k + 2] = faded;
    });
    if (this.linkSteps && this.linkSteps.length === steps.length &&
        this.linkSteps.every((v, k) => v === steps[k])) return;
    this.linkSteps = steps;
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext("2d"));
    ctx.setTransform(this.linkScale, 0, 0, this.linkScale, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.lineCap = "round";
    /** @type {Map<string, Link[]>} */
    const groups = new Map();
    for (const [k, link] of this.links.entries()) {
      const key = `${steps[3 * k]}:${steps[3 * k + 1]}:${steps[3 * k + 2]}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(link);
    }
    for (const [key, links] of groups) {
      const [width, color, faded] = key.split(":").map(Number);
      ctx.globalAlpha = faded ? 0.12 : 1;
      ctx.lineWidth = 1 + (MAX_LINK - 1) * width / WIDTH_STEPS;
      if (color < 0) ctx.strokeStyle = "#bbb";
      else {
        const [r, g, b] = diverging(color / COLOR_STEPS, 0);
        ctx.strokeStyle = `rgb(${r},${g},${b})`;
      }
      ctx.beginPath();
      for (const { pts } of links) {
        ctx.moveTo(pts[0], pts[1]);
        ctx.bezierCurveTo(pts[2], pts[3], pts[4], pts[5], pts[6], pts[7]);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /** @param {MouseEvent} e @returns {Link | null} */
  linkAt(e) {
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    let best = null;
    let bestD = 36; // within 6 px
    for (const link of this.links) {
      const d = distanceToCurve(link.pts, x, y);
      if (d < bestD) {
        bestD = d;
        best = link;
      }
    }
    return best;
  }

  /** @param {MouseEvent} e */
  hover(e) {
    const link = this.frame ? this.linkAt(e) : null;
    this.canvas.style.cursor = link ? "pointer" : "default";
    if (!link) {
      this.tooltip.hidden = true;
      return;
    }
    const w = weight(this.frame, link);
    let text = `W${link.l}[${link.i}→${link.j}] = ${format.number(w)}`;
    const g = this.frame.arrays[`trace_dW${link.l}`];
    if (g) text += `\n∂L/∂w (selected point) = ${format.number(g.data[link.i * g.shape[1] + link.j])}`;
    text += "\nclick to edit";
    this.tip(text, e);
  }

  /** @param {MouseEvent} e */
  clickLink(e) {
    const link = this.frame ? this.linkAt(e) : null;
    if (!link) return;
    const current = weight(this.frame, link);
    this.edit(`W${link.l}[${link.i}→${link.j}]`, current, e, (value) =>
      this.cb.onEditWeight(link.l, link.i, link.j, value));
  }

  showBias(l, i, e) {
    const b = this.frame?.arrays[`b${l}`] || this.frame?.arrays[`beta${l}`];
    if (!b) return;
    this.tip(`b${l}[${i}] = ${format.number(b.data[i])}\nclick to edit`, e);
  }

  editBias(l, i, e) {
    const b = this.frame?.arrays[`b${l}`] || this.frame?.arrays[`beta${l}`];
    if (!b) return;
    this.edit(`b${l}[${i}]`, b.data[i], e, (value) => this.cb.onEditBias(l, i, value));
  }

  tip(text, e) {
    this.tooltip.textContent = text;
    this.tooltip.style.left = `${e.clientX + 14}px`;
    this.tooltip.style.top = `${e.clientY + 14}px`;
    this.tooltip.hidden = false;
  }

  /**
   * A small inline editor next to the pointer.
   * @param {string} name @param {number} value @param {MouseEvent} e @param {(v: number) => void} done
   */
  edit(name, value, e, done) {
    this.tooltip.hidden = true;
    document.querySelector(".editor")?.remove();
    const box = document.createElement("form");
    box.className = "editor";
    box.style.left = `${e.clientX + 8}px`;
    box.style.top = `${e.clientY + 8}px`;
    box.innerHTML = `<label>${name} = <input type="number" step="any" required></label>`;
    const input = /** @type {HTMLInputElement} */ (box.querySelector("input"));
    input.value = format.editable(value);
    box.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = Number(input.value);
      box.remove();
      if (Number.isFinite(v)) done(v);
    });
    input.addEventListener("keydown", (ev) => { if (ev.key === "Escape") box.remove(); });
    input.addEventListener("blur", () => setTimeout(() => box.remove(), 150));
    document.body.appendChild(box);
    input.focus();
    input.select();
  }

  select(l, i) {
    for (const col of this.columns) for (const n of col) n.el.classList.remove("selected");
    this.columns[l][i].el.classList.add("selected");
    this.cb.onSelectNeuron(l, i);
  }

  clearSelection() {
    for (const col of this.columns) for (const n of col) n.el.classList.remove("selected");
  }

  /**
   * Paint a D×D map of 8-bit codes into a neuron's own (off-page) tile canvas; `drawLinks`
   * then scales every tile into place on the shared canvas.
   * @param {Node} node @param {ArrayLike<number>} codes @param {number} D @param {number} offset
   */
  paintTile(node, codes, D, offset) {
    if (node.img) paint(node.img, codes, D, undefined, offset);
    node.last = { codes, D, offset };
  }

  /**
   * The tiles, scaled into place over the links, and each bias as a small square coloured by
   * its value, on the tiles canvas (drawn rather than styled: restyling 48 elements a frame
   * made Chromium repaint the whole panel).
   */
  drawTiles() {
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.tiles.getContext("2d"));
    ctx.setTransform(this.scale, 0, 0, this.scale, 0, 0);
    ctx.clearRect(0, 0, this.tiles.width, this.tiles.height);
    ctx.imageSmoothingEnabled = true;
    for (const col of this.columns) {
      for (const node of col) {
        if (node.img && node.last) ctx.drawImage(node.img, node.x, node.y, node.size, node.size);
      }
    }
    if (!this.frame) return;
    const A = this.frame.arrays;
    for (let l = 1; l < this.columns.length; l++) {
      const b = A[`b${l}`] || A[`beta${l}`];
      if (!b) continue;
      for (const node of this.columns[l]) {
        if (!node.bias) continue;
        const r = this.biasBox(node);
        ctx.fillStyle = weightCss(b.data[node.index]);
        ctx.fillRect(r.x, r.y, r.size, r.size);
      }
    }
  }

  /** Where a node's bias square sits (its element is a transparent hit target over it). */
  biasBox(node) {
    const size = Math.max(7, node.size * 0.22);
    return { x: node.x - size - 3, y: node.y + node.size - size, size };
  }

  /** A canvas of a neuron's last map (for showing it large), or null. */
  tileCanvas(l, i) {
    const last = this.columns[l]?.[i]?.last;
    if (!last) return null;
    const c = document.createElement("canvas");
    paint(c, last.codes, last.D, undefined, last.offset);
    return c;
  }
}

function weight(frame, link) {
  const W = frame.arrays[`W${link.l}`];
  if (!W) return 0;
  return W.data[link.i * W.shape[1] + link.j];
}

/** Bezier from the right edge of a to the left edge of b: [x0, y0, c1x, c1y, c2x, c2y, x1, y1]. */
function curve(a, b) {
  const x0 = a.x + a.size;
  const y0 = a.y + a.size / 2;
  const x1 = b.x;
  const y1 = b.y + b.size / 2;
  const mx = (x0 + x1) / 2;
  return [x0, y0, mx, y0, mx, y1, x1, y1];
}

/** Squared distance from (x, y) to a cubic Bezier, sampled at 17 points. */
function distanceToCurve(p, x, y) {
  let best = Infinity;
  for (let k = 0; k <= 16; k++) {
    const t = k / 16;
    const u = 1 - t;
    const bx = u * u * u * p[0] + 3 * u * u * t * p[2] + 3 * u * t * t * p[4] + t * t * t * p[6];
    const by = u * u * u * p[1] + 3 * u * u * t * p[3] + 3 * u * t * t * p[5] + t * t * t * p[7];
    const d = (bx - x) ** 2 + (by - y) ** 2;
    if (d < best) best = d;
  }
  return best;
}

function weightCss(w) {
  const [r, g, b] = diverging((Math.max(-1, Math.min(1, w)) + 1) / 2, 0);
  return `rgb(${r},${g},${b})`;
}
