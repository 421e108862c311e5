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
 * Data that is not 2-D has no plane to map neurons over, and may be wide (64 or 784 inputs):
 *   - image data's input layer is one picture, the selected sample (or the first test image);
 *     other inputs are labelled nodes showing the selected sample's values;
 *   - each first-layer neuron of image data is drawn as its incoming weights, an h×w image
 *     (hover it to see it large); other neurons are filled with the selected sample's
 *     activation, and outputs are labelled with their class and a bar of the sample's output;
 *   - a layer too tall for one column of readable tiles is laid out as a grid of them;
 *   - a neuron with more than MAX_FULL_FAN_IN inputs shows only its STRONGEST incoming links
 *     by |w| (a legend says so), so a 64-32-10 network draws about a hundred links, not 2,368.
 * The plane's diagram is laid out and drawn as it always was.
 */

import { diverging } from "./colors.js";
import * as format from "./format.js";
import { DIVERGING, paint } from "./heatmap.js";
import { onLanguage, t } from "./i18n.js";
import { imageShape, paintCodes, paintValues } from "./image-views.js";

const MAX_LINK = 9; // px, the Playground's 1 + 9·min(|w|, 5)/5
const WIDTH_STEPS = 8;
const COLOR_STEPS = 12;
const MAX_DRAWN_INPUTS = 16; // wider inputs (digits) are drawn as one block
const LINK_RESOLUTION = 0.5;
// Off the plane:
const MAX_FULL_FAN_IN = 12; // a neuron with more inputs than this shows its strongest links only
const STRONGEST = 3; // how many: the largest |w| into each such neuron
const MAX_CACHED_LINKS = 20000; // the strongest links met so far, kept made (a long run meets many)
const LINK_GAIN = 0.8; // a wide layer's largest |w| is drawn as this weight: strong colour, 2 px
const MAX_TILE = 56; // px, a tile's largest side
const MAX_OUTPUT_TILE = 40; // px, an output's (its label and bar need room too)
const WEIGHTS_MIN = 32; // px: weight images smaller than this in one column go in a grid
const HEAVY_WEIGHTS = 20000; // off the plane, a network with more weights (MNIST's 109,184) …
const HEAVY_EVERY_MS = 150; // … redraws its weight images and links this often
const LINK_ROOM = 32; // px between two columns, at least, for the links
const NARROW_MIN = 16; // px: plain neurons stay in one column while their tiles are this big
const BIAS_MIN = 18; // px: smaller tiles have no bias square
const TOP = 34; // room for the +/- buttons
const BOTTOM = 18; // room for the layer labels
const MARGIN = 8;
/** activations whose values have a fixed range: neurons are coloured on it, not on the layer's largest */
const BOUNDED = { sigmoid: 1, softmax: 1, step: 1, tanh: 1 };

/**
 * @typedef {{x: number, y: number, size: number, layer: number, index: number,
 *            el: HTMLElement, tile: boolean, bias: HTMLElement | null, last: any,
 *            img: HTMLCanvasElement | null, value?: boolean, weights?: boolean}} Node
 *   `value`: off the plane, filled with the selected sample's activation (or input value);
 *   `weights`: drawn as its incoming weights (image data's first layer), from the atlas
 * @typedef {{l: number, i: number, j: number, pts: number[]}} Link
 * @typedef {{n: number, c: number, rows: number, size: number, gx: number}} Column
 *   a column of n tiles of side `size`, as c sub-columns `gx` apart and `rows` rows
 */

export class NetworkView {
  /**
   * @param {{container: HTMLElement, gallery: HTMLElement, overlay?: HTMLElement}} els
   *   overlay: where the tooltip, the weight zoom and the editor go (the page's body, unless
   *   given: the notebook widget keeps them in its own shadow root, under its styles)
   * @param {{onEditWeight: Function, onEditBias: Function, onSelectNeuron: Function,
   *          onHoverTile: (canvas: HTMLCanvasElement | null, name: string) => void,
   *          onChangeLayers: Function, onFocusNeuron: Function}} callbacks
   */
  constructor(els, callbacks) {
    const container = els.container;
    this.container = container;
    this.gallery = els.gallery;
    this.cb = callbacks;
    this.overlay = els.overlay ?? document.body;
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
    this.overlay.appendChild(this.tooltip);
    /** @type {Node[][]} */
    this.columns = [];
    /** @type {Link[]} the links drawn (on the plane: every link) */
    this.links = [];
    /** @type {Link[]} off the plane: the links of layers drawn in full */
    this.fullLinks = [];
    /** @type {number[]} off the plane: the layers whose strongest links only are drawn */
    this.pruned = [];
    /** @type {Map<number, Link>} those links, made once each */
    this.linkCache = new Map();
    /** @type {Link[] | null} the links as last drawn */
    this.drawnLinks = null;
    /** @type {number[] | null} [h, w] of image inputs */
    this.shape = null;
    /** the picture of the input layer (image data), and what it shows */
    this.inputImage = null;
    this.inputKey = "";
    /** @type {HTMLElement | null} */
    this.inputCaption = null;
    /** off the plane: the output labels' width and the bars' room after them */
    this.outputRoom = { label: 0, bar: 0 };
    /** a large network (off the plane): its weights are redrawn every HEAVY_EVERY_MS */
    this.heavy = false;
    this.weightsDrawn = 0;
    /** image data's first-layer weight images, side by side (paintWeightImages) */
    this.atlas = document.createElement("canvas");
    this.atlasReady = false;
    this.zoom = document.createElement("div");
    this.zoom.className = "weight-zoom";
    this.zoom.hidden = true;
    this.zoom.append(document.createElement("canvas"), document.createElement("div"));
    this.overlay.appendChild(this.zoom);
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
    // labels, legends, titles and captions are all written by layout: write them again
    /** stops writing this view's text again in a new language (a notebook view that goes) */
    this.stopLanguage = onLanguage(() => {
      this.zoom.hidden = true;
      this.tooltip.hidden = true;
      this.layout();
    });
  }

  /** The network's shape and input maps (a `network` message). @param {import("./store.js").Network} net */
  setNetwork(net) {
    this.net = net;
    let weights = 0;
    for (let l = 1; l < net.sizes.length; l++) weights += net.sizes[l - 1] * net.sizes[l];
    /** a network whose weights are redrawn a few times a second, not every frame */
    this.heavy = !net.plane && weights > HEAVY_WEIGHTS;
    this.weightsDrawn = 0;
    // The first layer's weight images are drawn in the diagram itself now (large on hover).
    this.gallery.hidden = true;
    this.gallery.textContent = "";
    this.shape = null;
    this.inputImage = null;
    this.inputCaption = null;
    this.pruned = [];
    this.fullLinks = [];
    this.zoom.hidden = true;
    this.atlasReady = false;
    this.frame = null;
    this.layout();
  }

  layout() {
    const net = this.net;
    if (!net) return;
    for (const col of this.columns) for (const node of col) node.el.remove();
    for (const el of this.container.querySelectorAll(
      ".layer-controls, .layer-label, .input-label, .output-label, .input-caption, .link-legend")) {
      el.remove();
    }
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
    this.drawnLinks = null;
    this.weightsDrawn = 0; // the cleared link canvas is drawn again at once
    this.scale = dpr;
    if (net.plane) this.layoutPlane(W, H);
    else this.layoutOther(W, H);
    this.paintInputs();
    if (this.frame) this.update(this.frame);
    else this.drawLinks(null);
  }

  /** The plane's diagram: a column of tiles per layer, every link. */
  layoutPlane(W, H) {
    const net = this.net;
    const sizes = net.sizes;
    const inputsDrawn = Math.min(sizes[0], MAX_DRAWN_INPUTS);
    const shown = [inputsDrawn, ...sizes.slice(1)];
    const top = TOP;
    const bottom = BOTTOM;
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
    this.addLayerControls(sizes.slice(1, -1).map((_, k) => marginX + (k + 1) * stepX + size / 2), H);
  }

  /**
   * Data that is not 2-D: the input picture (image data) or labelled input nodes, then each
   * layer as a column, or a grid when one column of readable tiles would not fit; output
   * labels and bars at the right. The tile side is the largest that lets every column fit.
   */
  layoutOther(W, H) {
    const net = this.net;
    const sizes = net.sizes;
    const shape = imageShape(net);
    this.shape = shape;
    const avail = Math.max(40, H - TOP - BOTTOM);
    const font = parseFloat(getComputedStyle(this.container).fontSize) || 14;
    const charW = 0.75 * font * 0.62; // a character of the labels (0.75em)
    const nIn = shape ? 1 : Math.min(sizes[0], MAX_DRAWN_INPUTS);
    const names = shape ? [] : Array.from({ length: nIn }, (_, i) => inputName(net, i, nIn));
    const labelW = names.length
      ? Math.min(W * 0.18, 10 + charW * Math.max(...names.map((n) => n.length))) : 0;
    const classes = outputNames(net);
    const outLabelW = 8 + charW * Math.max(...classes.map((n) => n.length));
    const barW = net.task === "classification" ? Math.max(24, Math.min(W * 0.08, 70)) : 0;
    const rightW = outLabelW + barW;
    const captionH = shape ? 2.8 * 0.75 * font : 0;
    const imgSize = shape ? Math.round(Math.max(40, Math.min(W * 0.2, (avail - captionH) * 0.7, 220))) : 0;
    // One column for the inputs, the outputs and any layer whose neurons fit one at a
    // readable size; the width left is shared by the other layers in proportion to their
    // neurons (weight images count double), each laid out as the grid of largest tiles that fits.
    const last = sizes.length - 1;
    /** @type {(Column | null)[]} */
    const plan = sizes.map((n, l) => {
      if (l === 0) return shape ? { n: 1, c: 1, rows: 1, size: imgSize, gx: 0 } : column(nIn, avail, MAX_TILE);
      const one = column(n, avail, l === last ? MAX_OUTPUT_TILE : MAX_TILE);
      const weights = Boolean(shape) && l === 1;
      return l === last || one.size >= (weights ? WEIGHTS_MIN : NARROW_MIN) ? one : null;
    });
    const fixed = 2 * MARGIN + labelW + rightW + last * LINK_ROOM +
      plan.reduce((sum, p) => sum + (p ? columnWidth(p) : 0), 0);
    const share = sizes.map((n, l) => (plan[l] ? 0 : n * (shape && l === 1 ? 2 : 1)));
    const shares = share.reduce((a, b) => a + b, 0);
    for (let l = 1; l < last; l++) {
      if (!plan[l]) plan[l] = this.bestGrid(sizes[l], Math.max(0, W - fixed) * share[l] / shares, avail);
    }
    const used = plan.reduce((sum, p) => sum + columnWidth(p), 0);
    const gap = plan.length > 1
      ? Math.max(8, (W - 2 * MARGIN - labelW - used - rightW) / (plan.length - 1)) : 0;
    let x0 = MARGIN + labelW;
    this.columns = plan.map((p, l) => {
      const gy = p.rows > 1 ? Math.min(p.size * 0.45, (avail - p.rows * p.size) / (p.rows - 1)) : 0;
      const total = p.rows * p.size + (p.rows - 1) * gy;
      const y0 = TOP + (avail - total - (l === 0 ? captionH : 0)) / 2;
      const col = Array.from({ length: p.n }, (_, k) => this.makeNode(l, k,
        x0 + (k % p.c) * (p.size + p.gx), y0 + Math.floor(k / p.c) * (p.size + gy), p.size));
      x0 += columnWidth(p) + gap;
      return col;
    });
    this.outputRoom = { label: outLabelW, bar: barW };
    for (const [i, node] of this.columns[0].entries()) {
      if (names.length) this.addLabel("input-label", names[i], node, labelW);
    }
    for (const [j, node] of this.columns[this.columns.length - 1].entries()) {
      this.addLabel("output-label", classes[j] ?? "", node, outLabelW);
    }
    if (shape) this.addCaption(this.columns[0][0]);
    // Links: layers with few inputs in full, made once; wider ones their strongest, each frame.
    this.fullLinks = [];
    this.pruned = [];
    this.linkCache = new Map();
    for (let l = 1; l < this.columns.length; l++) {
      if (sizes[l - 1] > MAX_FULL_FAN_IN || (shape && l === 1)) {
        this.pruned.push(l);
        continue;
      }
      for (const a of this.columns[l - 1]) {
        for (const b of this.columns[l]) this.fullLinks.push({ l, i: a.index, j: b.index, pts: curve(a, b) });
      }
    }
    this.links = this.fullLinks;
    const centres = this.columns.map((col) => {
      const xs = col.map((n) => n.x);
      return (Math.min(...xs) + Math.max(...xs) + col[0].size) / 2;
    });
    this.addLayerControls(centres.slice(1, -1), H);
    if (this.pruned.length) {
      const legend = document.createElement("div");
      legend.className = "link-legend";
      legend.textContent = t("views:network.strongest", { count: STRONGEST });
      legend.title = t("views:network.strongest_tip", { count: STRONGEST, inputs: MAX_FULL_FAN_IN });
      legend.style.left = `${MARGIN}px`;
      legend.style.maxWidth = `${Math.max(90, centres[1] - MARGIN - 36)}px`;
      this.container.appendChild(legend);
    }
  }

  /**
   * The grid of largest tiles (up to MAX_TILE) for n neurons in width × avail: every number of
   * sub-columns is tried. Tiles of BIAS_MIN or more keep their bias squares, which need room
   * beside them; smaller ones have none (the inspector shows the bias) and pack closer.
   * @param {number} n @param {number} width @param {number} avail @returns {Column}
   */
  bestGrid(n, width, avail) {
    /** @type {Column} */
    let best = { n, c: 1, rows: n, size: 0, gx: 0 };
    for (let c = 1; c <= n; c++) {
      const rows = Math.ceil(n / c);
      let size = Math.min(MAX_TILE, width / (c + 0.15 * (c - 1)), avail / (rows + 0.15 * (rows - 1)));
      let gx = 0.15 * size;
      if (this.net?.has_bias && size >= BIAS_MIN) {
        const tall = avail / (rows + 0.3 * (rows - 1));
        const wide = (width - 5 * (c - 1)) / (c + 0.22 * (c - 1));
        const withBias = Math.min(MAX_TILE, tall, wide);
        gx = Math.max(12, 0.22 * withBias + 5);
        size = withBias >= BIAS_MIN ? Math.min(withBias, (width - (c - 1) * gx) / c) : Math.min(size, BIAS_MIN - 1);
        if (size < BIAS_MIN) gx = 0.15 * size;
      }
      if (size > best.size) best = { n, c, rows, size: Math.floor(size), gx };
    }
    best.size = Math.max(6, best.size);
    return best;
  }

  /** A label beside a node: inputs' on the left, outputs' on the right. */
  addLabel(className, text, node, width) {
    const label = document.createElement("div");
    label.className = className;
    label.textContent = text;
    label.title = text;
    label.style.top = `${node.y + node.size / 2}px`;
    label.style.maxWidth = `${width - 6}px`;
    if (className === "input-label") label.style.right = `calc(100% - ${node.x - 6}px)`;
    else label.style.left = `${node.x + node.size + 4}px`;
    label.dataset.index = String(node.index);
    this.container.appendChild(label);
  }

  /** The caption under the input picture (which sample it is). @param {Node} node */
  addCaption(node) {
    const caption = document.createElement("div");
    caption.className = "input-caption";
    caption.style.left = `${node.x}px`;
    caption.style.top = `${node.y + node.size + 3}px`;
    caption.style.width = `${Math.max(node.size, 80)}px`;
    this.container.appendChild(caption);
    this.inputCaption = caption;
    this.inputKey = "";
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
    const picture = isInput && Boolean(this.shape) && !net.plane;
    const tile = Boolean(net.plane || (l === 1 && this.shape));
    // off the plane, nodes are painted on the tiles canvas: white, and the sample's value
    const value = !net.plane && !tile && !picture;
    if (isInput) {
      el.title = picture ? t("views:network.input_picture", { count: net.sizes[0],
        shape: this.shape.join("×"), inputs: format.count(net.sizes[0]) })
        : net.sizes[0] > MAX_DRAWN_INPUTS && i === MAX_DRAWN_INPUTS - 1
          ? t("views:network.more_inputs", { count: net.sizes[0] - MAX_DRAWN_INPUTS + 1,
            n: format.count(net.sizes[0] - MAX_DRAWN_INPUTS + 1) })
          : (net.input_labels?.[i] ?? "");
      el.classList.add("input");
    } else if (!net.plane && l === 1 && this.shape) {
      el.title = t("views:network.weights_tile", { neuron: i, shape: this.shape.join("×") });
    }
    if (picture) {
      el.classList.add("input-picture");
      const canvas = document.createElement("canvas");
      canvas.className = "input-image";
      el.appendChild(canvas);
      this.inputImage = canvas;
      this.inputKey = "";
    }
    let bias = null;
    if (!isInput && net.has_bias && (net.plane || size >= BIAS_MIN)) {
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
    el.addEventListener("mouseleave", () => {
      this.zoom.hidden = true;
      this.cb.onHoverTile(null, "");
    });
    this.container.appendChild(el);
    const weights = !net.plane && l === 1 && Boolean(this.shape);
    return { x, y, size, layer: l, index: i, el, tile, bias, last: null,
      img: tile && !weights ? document.createElement("canvas") : null, value, weights };
  }

  /** Show a hidden or input neuron's map large (not the output's: that is the plot itself). */
  hoverNeuron(l, i) {
    const net = this.net;
    if (!net || l >= net.sizes.length - 1) return;
    if (!net.plane) {
      if (l === 1 && this.shape) this.showZoom(this.columns[1][i]);
      return;
    }
    const canvas = this.tileCanvas(l, i);
    if (canvas) {
      this.cb.onHoverTile(canvas, l === 0 ? net.input_labels[i]
        : t("views:network.layer_neuron", { layer: l, neuron: i }));
    }
  }

  /**
   * A first-layer neuron of image data, large: its incoming weights as an image.
   * @param {Node} node
   */
  showZoom(node) {
    if (!node || !this.atlasReady || !this.shape) return;
    const [rows, cols] = this.shape;
    const [canvas, caption] = /** @type {[HTMLCanvasElement, HTMLElement]} */ ([...this.zoom.children]);
    canvas.width = cols;
    canvas.height = rows;
    /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"))
      .drawImage(this.atlas, node.index * cols, 0, cols, rows, 0, 0, cols, rows);
    caption.textContent = t("views:network.weights_zoom", { neuron: node.index,
      shape: this.shape.join("×") });
    this.zoom.hidden = false;
    const r = node.el.getBoundingClientRect();
    const box = this.zoom.getBoundingClientRect();
    const left = r.right + 10 + box.width > innerWidth ? r.left - 10 - box.width : r.right + 10;
    this.zoom.style.left = `${Math.max(4, left)}px`;
    this.zoom.style.top = `${Math.max(4, Math.min(innerHeight - box.height - 4, r.top - box.height / 3))}px`;
  }

  /** The +/- buttons over each hidden layer and its label under it, centred on `xs`. */
  addLayerControls(xs, H) {
    const net = this.net;
    const hidden = net.sizes.slice(1, -1);
    hidden.forEach((n, k) => {
      const l = k + 1;
      const x = xs[k];
      const box = document.createElement("div");
      box.className = "layer-controls";
      box.style.left = `${x}px`;
      box.style.top = "2px";
      for (const [text, delta, name] of [["−", -1, "remove"], ["+", 1, "add"]]) {
        const b = document.createElement("button");
        b.className = "round small";
        b.textContent = /** @type {string} */ (text);
        b.title = t(`views:network.${name}_neuron_tip`, { layer: l });
        b.setAttribute("aria-label", t(`views:network.${name}_neuron_label`, { layer: l }));
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
      label.textContent = t("views:network.neurons", { count: n, n: format.count(n) });
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
    // A large network's weight images and strongest links cost milliseconds to work out (100,352
    // weights for MNIST's first layer) and change little from one frame to the next: they are
    // redrawn a few times a second; the sample's values in the nodes, every frame.
    let weightsDue = true;
    if (!net.plane) {
      const now = performance.now();
      weightsDue = !this.heavy || !this.atlasReady || now - this.weightsDrawn >= HEAVY_EVERY_MS;
      if (weightsDue) this.weightsDrawn = now;
      if (weightsDue && this.shape && A.W1) this.paintWeightImages(A.W1, this.shape);
      if (this.shape) this.showInput(frame);
    }
    const dead = A.dead?.data;
    for (let l = 1; l < this.columns.length - 1 && dead; l++) {
      const isDead = dead[l - 1] === 1;
      for (const node of this.columns[l]) {
        if (node.el.classList.contains("dead") !== isDead) node.el.classList.toggle("dead", isDead);
      }
    }
    if (weightsDue) this.drawLinks(frame);
    else this.drawTiles();
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
   * Image inputs (the digits, MNIST): each first-layer neuron drawn as its incoming weights,
   * an h×w image of what it looks for (blue: this pixel raises it, orange: lowers it), all on
   * one scale (the largest |w|).
   * @param {{data: ArrayLike<number>, shape: number[]}} W1 @param {number[]} shape
   */
  paintWeightImages(W1, shape) {
    const [rows, cols] = shape;
    const n = W1.shape[1];
    const pixels = rows * cols;
    if (W1.shape[0] !== pixels) return;
    const W = W1.data;
    let most = 1e-12;
    for (let k = 0; k < W.length; k++) {
      const a = W[k] < 0 ? -W[k] : W[k];
      if (a > most) most = a;
    }
    const scale = 127.5 / most;
    // One image, the neurons side by side (neuron j at x = j·cols), written in W1's own order
    // and put at once: a canvas per neuron cost MNIST's 128 neurons 128 putImageData a frame.
    const atlas = this.atlas;
    if (atlas.width !== n * cols || atlas.height !== rows) {
      atlas.width = n * cols;
      atlas.height = rows;
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (atlas.getContext("2d"));
    const image = ctx.createImageData(n * cols, rows);
    const px = image.data;
    const stride = n * cols * 4;
    for (let p = 0; p < pixels; p++) {
      const base = Math.floor(p / cols) * stride + (p % cols) * 4;
      const row = p * n;
      for (let j = 0; j < n; j++) {
        const q = Math.round(W[row + j] * scale + 127.5) * 4;
        const o = base + j * cols * 4;
        px[o] = DIVERGING[q];
        px[o + 1] = DIVERGING[q + 1];
        px[o + 2] = DIVERGING[q + 2];
        px[o + 3] = 255;
      }
    }
    ctx.putImageData(image, 0, 0);
    this.atlasReady = true;
  }

  /**
   * The input picture: the selected sample (the frame's trace), or else the first test image
   * of the gallery, with a caption saying which.
   * @param {{header: any, arrays: Record<string, any>}} frame
   */
  showInput(frame) {
    const canvas = this.inputImage;
    const shape = this.shape;
    if (!canvas || !shape) return;
    const [rows, cols] = shape;
    const h = frame.header;
    const trace = h.trace;
    const G = frame.arrays.gallery_index;
    const range = h.gallery_range ?? [0, 1];
    if (trace && Array.isArray(trace.x) && trace.x.length === rows * cols) {
      const key = `${h.data_version}:${trace.index}`;
      if (key === this.inputKey) return;
      this.inputKey = key;
      paintValues(canvas, trace.x, rows, cols, range[0], range[1]);
      const label = trace.y.length > 1 ? trace.y.indexOf(Math.max(...trace.y)) : trace.y[0];
      this.setCaption(t("views:network.input_sample", { index: trace.index, label }));
    } else if (G && G.data.length) {
      const key = `${h.data_version}:g${G.data[0]}`;
      if (key === this.inputKey) return;
      this.inputKey = key;
      paintCodes(canvas, frame.arrays.gallery_pixels.data, 0, rows, cols);
      this.setCaption(t("views:network.input_test_image", { index: G.data[0],
        label: frame.arrays.gallery_label.data[0] }));
    }
    canvas.dataset.sample = this.inputKey.split(":")[1] ?? "";
  }

  /** @param {string} text */
  setCaption(text) {
    if (this.inputCaption && this.inputCaption.textContent !== text) this.inputCaption.textContent = text;
  }

  drawLinks(frame) {
    this.drawTiles();
    const focus = this.focus;
    /** per layer, what a weight is multiplied by to be drawn (off the plane's wide layers) */
    let gain = null;
    if (this.net && !this.net.plane) [this.links, gain] = this.currentLinks(frame);
    const links = this.links;
    // Each link's (width step, colour step, faded): redraw only if one of them moved.
    const steps = new Int16Array(links.length * 3);
    links.forEach((link, k) => {
      let w = frame ? weight(frame, link) * (gain ? gain[link.l] : 1) : 0;
      let faded = 0;
      if (focus) {
        faded = link.l !== focus.layer ? 1 : 0;
        if (!faded && focus.values) w = focus.values[link.i][link.j] * (focus.scale ?? 1);
      }
      steps[3 * k] = frame ? Math.round(Math.min(Math.abs(w), 5) / 5 * WIDTH_STEPS) : 0;
      steps[3 * k + 1] = frame ? Math.round((Math.max(-1, Math.min(1, w)) + 1) / 2 * COLOR_STEPS) : -1;
      steps[3 * k + 2] = faded;
    });
    const drawn = this.drawnLinks;
    if (this.linkSteps && this.linkSteps.length === steps.length &&
        (drawn === links || (drawn && drawn.every((link, k) => link === links[k]))) &&
        this.linkSteps.every((v, k) => v === steps[k])) return;
    this.linkSteps = steps;
    this.drawnLinks = links;
    if (this.container.dataset.links !== String(links.length)) {
      this.container.dataset.links = String(links.length);
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (this.canvas.getContext("2d"));
    ctx.setTransform(this.linkScale, 0, 0, this.linkScale, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.lineCap = "round";
    /** @type {Map<string, Link[]>} */
    const groups = new Map();
    for (const [k, link] of links.entries()) {
      const key = `${steps[3 * k]}:${steps[3 * k + 1]}:${steps[3 * k + 2]}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(link);
    }
    for (const [key, group] of groups) {
      const [width, color, faded] = key.split(":").map(Number);
      ctx.globalAlpha = faded ? 0.12 : 1;
      ctx.lineWidth = 1 + (MAX_LINK - 1) * width / WIDTH_STEPS;
      if (color < 0) ctx.strokeStyle = "#bbb";
      else {
        const [r, g, b] = diverging(color / COLOR_STEPS, 0);
        ctx.strokeStyle = `rgb(${r},${g},${b})`;
      }
      ctx.beginPath();
      for (const { pts } of group) {
        ctx.moveTo(pts[0], pts[1]);
        ctx.bezierCurveTo(pts[2], pts[3], pts[4], pts[5], pts[6], pts[7]);
      }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /**
   * Off the plane: the links to draw, those of narrow layers and the strongest of wide ones,
   * and per layer the factor a weight is drawn with (a wide layer's largest |w| is drawn as
   * LINK_GAIN, so its strongest links read whatever the weights' scale).
   * @param {{header: any, arrays: Record<string, any>} | null} frame
   * @returns {[Link[], Float64Array]}
   */
  currentLinks(frame) {
    const gain = new Float64Array(this.columns.length + 1).fill(1);
    if (!frame || !this.pruned.length) return [this.fullLinks, gain];
    const links = this.fullLinks.slice();
    for (const l of this.pruned) {
      const W = frame.arrays[`W${l}`];
      if (!W) continue;
      const focused = this.focus?.values && this.focus.layer === l ? this.focus.values : null;
      gain[l] = this.strongest(W, l, links, focused);
    }
    return [links, gain];
  }

  /**
   * Add layer l's STRONGEST links into each neuron (by |w|, or by |focused| in the
   * step-through) to `links`; returns LINK_GAIN / the layer's largest |w|.
   * @param {{data: ArrayLike<number>, shape: number[]}} W @param {number} l
   * @param {Link[]} links @param {number[][] | null} focused
   */
  strongest(W, l, links, focused) {
    const [nIn, nOut] = W.shape;
    const k = Math.min(STRONGEST, nIn);
    const data = W.data;
    const best = new Int32Array(k);
    const mag = new Float64Array(k);
    let most = 1e-12;
    for (let j = 0; j < nOut && j < this.columns[l].length; j++) {
      mag.fill(-1);
      for (let i = 0; i < nIn; i++) {
        const v = focused ? focused[i][j] : data[i * nOut + j];
        const m = v < 0 ? -v : v;
        if (m <= mag[k - 1]) continue;
        let p = k - 1;
        while (p > 0 && mag[p - 1] < m) {
          mag[p] = mag[p - 1];
          best[p] = best[p - 1];
          p -= 1;
        }
        mag[p] = m;
        best[p] = i;
      }
      for (let p = 0; p < k; p++) {
        links.push(this.linkFor(l, best[p], j));
        const a = Math.abs(data[best[p] * nOut + j]);
        if (a > most) most = a;
      }
    }
    return LINK_GAIN / most;
  }

  /**
   * The link W{l}[i→j], made once. From the input picture it leaves the picture's right edge
   * at the height of pixel i's row; from a layer drawn in part, from the last node drawn.
   * @param {number} l @param {number} i @param {number} j @returns {Link}
   */
  linkFor(l, i, j) {
    const key = (l * 4096 + i) * 4096 + j;
    let link = this.linkCache.get(key);
    if (link) return link;
    const sources = this.columns[l - 1];
    const b = this.columns[l][j];
    if (l === 1 && this.shape) {
      const a = sources[0];
      const [rows, cols] = this.shape;
      const y = a.y + (Math.floor(i / cols) + 0.5) / rows * a.size;
      link = { l, i, j, pts: curve({ x: a.x, y: y - a.size / 2, size: a.size }, b) };
    } else {
      link = { l, i, j, pts: curve(sources[Math.min(i, sources.length - 1)], b) };
    }
    if (this.linkCache.size >= MAX_CACHED_LINKS) this.linkCache.clear();
    this.linkCache.set(key, link);
    return link;
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
    if (g) {
      text += `\n${t("views:network.gradient_tip",
        { value: format.number(g.data[link.i * g.shape[1] + link.j]) })}`;
    }
    text += `\n${t("views:network.click_to_edit")}`;
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
    this.tip(`b${l}[${i}] = ${format.number(b.data[i])}\n${t("views:network.click_to_edit")}`, e);
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
    this.overlay.querySelector(".editor")?.remove();
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
    this.overlay.appendChild(box);
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
    const plane = !this.net || this.net.plane;
    ctx.imageSmoothingEnabled = plane; // weight images show their pixels
    if (!plane) this.drawValues(ctx);
    for (const col of this.columns) {
      for (const node of col) {
        if (node.img && node.last) ctx.drawImage(node.img, node.x, node.y, node.size, node.size);
      }
    }
    if (!plane && this.atlasReady && this.shape) {
      const [rows, cols] = this.shape;
      for (const node of this.columns[1] ?? []) {
        if (node.weights) {
          ctx.drawImage(this.atlas, node.index * cols, 0, cols, rows, node.x, node.y, node.size, node.size);
        }
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
    if (!plane) this.drawOutputBars(ctx);
  }

  /**
   * Off the plane, the selected sample in the nodes: each neuron filled with its activation
   * (blue positive, orange negative; on the activation's own range when it has one, else on
   * the layer's largest |a|), each input node with its value written in it.
   * @param {CanvasRenderingContext2D} ctx
   */
  drawValues(ctx) {
    const net = this.net;
    const frame = this.frame;
    const t = frame && frame.header.network_version === net.version ? frame.header.trace : null;
    const last = this.columns.length - 1;
    for (let l = 0; l < this.columns.length; l++) {
      const a = t && l > 0 ? frame.arrays[`trace_a${l}`]?.data : null;
      const activation = l === last ? net.output_activation : net.activation;
      let most = 1e-12;
      if (a && !BOUNDED[activation]) for (const v of a) most = Math.max(most, Math.abs(v));
      for (const node of this.columns[l]) {
        if (!node.value) continue;
        ctx.fillStyle = "#fff";
        ctx.fillRect(node.x, node.y, node.size, node.size);
        if (a) {
          const v = a[node.index];
          const u = activation === "tanh" ? (v + 1) / 2 : BOUNDED[activation] ? 0.5 + v / 2
            : 0.5 + v / (2 * most);
          const [r, g, b] = diverging(u, 0);
          ctx.fillStyle = `rgb(${r},${g},${b})`;
          ctx.fillRect(node.x + 1, node.y + 1, node.size - 2, node.size - 2);
        } else if (l === 0 && t && Array.isArray(t.x) && node.size >= 16 &&
                   !(net.sizes[0] > MAX_DRAWN_INPUTS && node.index === MAX_DRAWN_INPUTS - 1)) {
          ctx.fillStyle = "#222";
          ctx.font = `${Math.min(14, node.size * 0.34)}px system-ui, sans-serif`;
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillText(format.rounded(t.x[node.index], 2), node.x + node.size / 2,
            node.y + node.size / 2, node.size - 2);
        }
      }
    }
  }

  /**
   * Off the plane, for classification: beside each output's class label, a bar of the
   * selected sample's output (the largest dark blue, the others grey).
   * @param {CanvasRenderingContext2D} ctx
   */
  drawOutputBars(ctx) {
    const net = this.net;
    const t = this.frame?.header.trace;
    const room = this.outputRoom;
    if (net.task !== "classification" || !t || !Array.isArray(t.y_hat) || room.bar < 10) return;
    const out = this.columns[this.columns.length - 1];
    const top = t.y_hat.indexOf(Math.max(...t.y_hat));
    for (const node of out) {
      const v = Math.max(0, Math.min(1, t.y_hat[node.index] ?? 0));
      const x = node.x + node.size + 4 + room.label;
      const len = room.bar - 6;
      const h = Math.max(4, node.size * 0.5);
      const y = node.y + (node.size - h) / 2;
      ctx.fillStyle = "#e8e8e8";
      ctx.fillRect(x, y, len, h);
      ctx.fillStyle = node.index === top ? "#0868ac" : "#8a8a8a";
      ctx.fillRect(x, y, len * v, h);
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

/** The width a column of tiles takes. @param {Column} p */
function columnWidth(p) {
  return p.c * p.size + (p.c - 1) * p.gx;
}

/**
 * An input node's label: its name (x₁, a CSV column's header), or "+N more" for the last
 * node drawn of inputs too many to draw.
 * @param {import("./store.js").Network} net @param {number} i @param {number} drawn
 */
function inputName(net, i, drawn) {
  if (net.sizes[0] > drawn && i === drawn - 1) {
    const more = net.sizes[0] - drawn + 1;
    return t("views:network.more_label", { count: more, n: format.count(more) });
  }
  return net.input_labels?.[i] ?? `x${i + 1}`;
}

/**
 * The outputs' labels: the class of each (one sigmoid output: class 1's score), or ŷ.
 * @param {import("./store.js").Network} net @returns {string[]}
 */
function outputNames(net) {
  const n = net.sizes[net.sizes.length - 1];
  if (net.task !== "classification") return Array.from({ length: n }, (_, j) => (n > 1 ? `ŷ${j + 1}` : "ŷ"));
  return n === 1 ? [t("views:classes.class", { n: 1 })] : Array.from({ length: n }, (_, j) => String(j));
}

/**
 * One column of n tiles, as large as fit the height `avail` (up to `cap`).
 * @param {number} n @param {number} avail @param {number} cap @returns {Column}
 */
function column(n, avail, cap) {
  return { n, c: 1, rows: n, size: Math.max(6, Math.min(cap, Math.floor(avail / (n * 1.3 - 0.3)))), gx: 0 };
}
