// @ts-check
/**
 * The views of image data (the digits, MNIST): in the Output panel, instead of a plot over a
 * plane that such data does not have,
 *   - the selected sample as an image, with its label and the network's class probabilities
 *     as bars (the frame's trace: `x`, `y`, `y_hat`);
 *   - a pad to draw a digit on: the drawing, cropped, centred and shrunk to the data's size,
 *     goes to the server as `try_input`, and the bars follow `tried_output` frame by frame
 *     while the network trains;
 *   - a strip of test images with their predictions, mistakes first (the frame's gallery),
 *     each a button that selects its sample; mistakes are marked by a symbol and a dashed
 *     frame, not by colour alone;
 *   - the test confusion matrix, folded away (tables.js draws it).
 *
 * It also decides what the Output panel shows for data that is not 2-D: `data-view` on the
 * panel is "plane", "image" or "table" (images.css lays each out; the confusion matrix and the
 * predictions table of "table" are tables.js's).
 *
 * Installed by main.js; it listens to the store and sends commands, nothing else.
 */

import { h } from "./dom.js";
import { count, fixed, percent } from "./format.js";
import { onLanguage, t } from "./i18n.js";
import { confusionTable } from "./tables.js";

/** ms between two `try_input` while drawing: about 8 a second (the server allows 50) */
const TRY_EVERY_MS = 120;
/** MNIST-like images (28×28) keep their digit in a 20×20 box, centred by its mass */
const MNIST_SIDE = 28;
const MNIST_BOX = 20;
/** a stroke's coverage of a cell rarely reaches 1: this much more ink reads as a full pixel */
const INK_GAIN = 1.25;

/**
 * The data's image shape [h, w], or null when its points are not images.
 * @param {import("./store.js").Network | null} net
 * @returns {number[] | null}
 */
export function imageShape(net) {
  if (!net || net.plane) return null;
  const shape = net.image_shape;
  if (Array.isArray(shape) && shape.length === 2 && shape[0] * shape[1] === net.sizes[0]) return shape;
  const side = net.image_side;
  return side ? [side, side] : null;
}

/**
 * A 8-bit code (0 ↦ lo, 255 ↦ hi, as the server quantises) for a value on [lo, hi].
 * @param {number} v @param {number} lo @param {number} hi
 */
export function quantize(v, lo, hi) {
  return Math.min(255, Math.max(0, Math.round((v - lo) * (255 / (hi - lo || 1)))));
}

/**
 * Paint an h×w image of 8-bit codes (row 0 at the top) into a canvas of that size, ink dark
 * on white: code 255 (the data's largest value, the ink of a digit) is black.
 * @param {HTMLCanvasElement} canvas @param {ArrayLike<number>} codes @param {number} offset
 * @param {number} rows @param {number} cols
 */
export function paintCodes(canvas, codes, offset, rows, cols) {
  if (canvas.width !== cols || canvas.height !== rows) {
    canvas.width = cols;
    canvas.height = rows;
  }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const image = ctx.createImageData(cols, rows);
  const px = image.data;
  for (let i = 0; i < rows * cols; i++) {
    const grey = 255 - codes[offset + i];
    px[4 * i] = grey;
    px[4 * i + 1] = grey;
    px[4 * i + 2] = grey;
    px[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/**
 * Paint an h×w image of values on [lo, hi] (a network input), as `paintCodes`.
 * @param {HTMLCanvasElement} canvas @param {ArrayLike<number>} values
 * @param {number} rows @param {number} cols @param {number} lo @param {number} hi
 */
export function paintValues(canvas, values, rows, cols, lo, hi) {
  const codes = new Uint8Array(rows * cols);
  for (let i = 0; i < codes.length; i++) codes[i] = quantize(values[i], lo, hi);
  paintCodes(canvas, codes, 0, rows, cols);
}

/**
 * @param {Document} doc
 * @param {import("./store.js").Store} store
 * @param {import("./commands.js").Commands} commands
 */
export function installImageViews(doc, store, commands) {
  const root = doc.getElementById("image-views");
  if (!root) return null;
  const views = new ImageViews(doc, root, store, commands);
  store.on("net", (net) => views.setNetwork(net));
  store.on("frame", (frame) => views.update(frame));
  store.on("selected", () => views.markSelected());
  store.on("data", () => views.markSelected());
  return views;
}

/** @param {ArrayLike<number>} a @returns {number} the index of the largest entry */
function argmax(a) {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

class ImageViews {
  /**
   * @param {Document} doc @param {HTMLElement} root
   * @param {import("./store.js").Store} store
   * @param {import("./commands.js").Commands} commands
   */
  constructor(doc, root, store, commands) {
    /** @param {string} id @returns {any} */
    const $ = (id) => doc.getElementById(id);
    this.root = root;
    this.panel = root.closest(".panel") ?? $("output-panel");
    this.store = store;
    this.commands = commands;
    this.els = {
      sampleName: $("iv-sample-name"), sampleImage: $("iv-sample-image"),
      sampleVerdict: $("iv-sample-verdict"), pad: $("iv-draw-canvas"), seen: $("iv-draw-seen"),
      drawVerdict: $("iv-draw-verdict"), clear: $("iv-draw-clear"), gallery: $("iv-gallery"),
      galleryCount: $("iv-gallery-count"), confusionBox: $("iv-confusion-box"),
      confusion: $("iv-confusion"), drawTitle: $("iv-draw-title"),
      predictions: $("predictions"),
    };
    /** @type {string} the Output panel's view: plane, image or table */
    this.view = "plane";
    this.sampleBars = new Bars($("iv-sample-bars"));
    this.drawBars = new Bars($("iv-draw-bars"));
    /** @type {number[] | null} [h, w] of the data's images, null when the view is off */
    this.shape = null;
    this.net = null;
    /** the trace last shown: `${data_version}:${index}` */
    this.shownSample = "";
    this.lastConfusion = "";
    /** the data version whose first gallery image was selected for the person */
    this.autoSelected = -1;
    /** @type {number | null} */
    this.autoIndex = null;
    /** whether the server holds our drawing (frames then carry tried_output) */
    this.tried = false;
    this.inked = false;
    this.lastSent = 0;
    this.timer = 0;
    /** @type {number[] | null} the drawing's point a stroke last reached */
    this.pen = null;
    this.range = [0, 1];
    this.bindPad();
    this.bindGallery();
    this.bindRows();
    this.els.clear.addEventListener("click", () => this.clearPad());
    // the confusion matrix opens over the figures above it, as tall as they are
    this.els.confusionBox.addEventListener("toggle", () => {
      const head = /** @type {HTMLElement} */ (this.els.confusionBox.parentElement);
      this.els.confusion.style.maxHeight = `${Math.max(120, head.offsetTop - 4)}px`;
      if (this.els.confusionBox.open && this.store.frame) this.showConfusion(this.store.frame);
    });
    /** the drawing's outputs last shown (null: the hint is shown) */
    this.triedOutput = null;
    // the server wrote the page in the cookie's language, perhaps not the page's
    this.again();
    onLanguage(() => this.again());
  }

  /** Write every text again, in the page's new language. */
  again() {
    if (this.net && this.shape) {
      this.sampleBars.bars = [];  // made again, with their labels
      this.drawBars.bars = [];
      this.setClasses(this.net);
      this.drawBars.clear();
    } else {
      this.els.drawTitle.textContent = t("views:images.draw_digit");
    }
    this.lastConfusion = "";
    if (this.triedOutput) this.showTried(this.triedOutput);
    else this.els.drawVerdict.textContent = t("views:images.draw_hint");
    this.els.sampleVerdict.textContent = "";
    for (const card of /** @type {HTMLCollectionOf<HTMLElement>} */ (this.els.gallery.children)) {
      card.lastChild.textContent = "";
    }
    this.els.galleryCount.textContent = "";
    if (this.store.frame) this.update(this.store.frame);
    if (!this.shownSample) this.els.sampleVerdict.textContent = t("views:images.click_image");
  }

  /** A new network: choose the Output panel's view. @param {import("./store.js").Network} net */
  setNetwork(net) {
    const shape = imageShape(net);
    const view = net.plane ? "plane" : shape ? "image" : "table";
    if (this.panel) this.panel.dataset.view = view;
    this.root.hidden = view !== "image";
    const sameShape = shape && this.shape && shape[0] === this.shape[0] && shape[1] === this.shape[1];
    if (!sameShape && this.inked) this.clearPad(Boolean(shape));
    if (view === "plane" && this.autoIndex != null && this.store.selected === this.autoIndex) {
      // the sample picked for the person off the plane would be a stray ring on the plot
      this.commands.selectSample(null);
    }
    if (view !== this.view) this.autoIndex = null;
    this.view = view;
    this.shape = shape;
    this.net = net;
    this.shownSample = "";
    this.lastConfusion = "";
    if (!shape) return;
    this.setClasses(net);
    if (!this.tried) this.drawBars.clear();
  }

  /** The bars' classes and the pad's title, for image data. @param {import("./store.js").Network} net */
  setClasses(net) {
    const k = net.sizes[net.sizes.length - 1];
    const probabilities = net.output_activation === "softmax";
    this.sampleBars.setClasses(k, probabilities);
    this.drawBars.setClasses(k, probabilities);
    const dataset = String(net.config?.dataset ?? "");
    this.els.drawTitle.textContent = t(/digit|mnist/i.test(dataset) && !/fashion/i.test(dataset)
      ? "views:images.draw_digit" : "views:images.draw_image");
  }

  /** A drawn frame. @param {import("./socket.js").Decoded} frame */
  update(frame) {
    const net = this.net;
    if (!net || frame.header.network_version !== net.version || this.view === "plane") return;
    if (this.view === "table") {
      if (frame.header.data_version === this.store.data?.header.version) this.pickFirst(frame);
      return;
    }
    const A = frame.arrays;
    const range = frame.header.gallery_range;
    if (range) this.range = range;
    if (A.gallery_index) this.showGallery(frame);
    this.pickFirst(frame);
    this.showSample(frame);
    if (this.tried && A.tried_output) this.showTried(A.tried_output.data);
    this.showConfusion(frame);
  }

  /**
   * With nothing selected, select a sample once per data, so that the network diagram and
   * the bars show a real one from the start: image data's first test image (the first
   * mistake), a table's first training point.
   * @param {import("./socket.js").Decoded} frame
   */
  pickFirst(frame) {
    const version = frame.header.data_version;
    const first = this.view === "image" ? frame.arrays.gallery_index?.data[0]
      : this.store.pointToExplain();
    if (this.store.selected != null || this.autoSelected === version || first == null) return;
    this.autoSelected = version;
    this.autoIndex = first;
    this.commands.selectSample(first);
  }

  /** The selected sample: its image, label, and the network's outputs for it. */
  showSample(frame) {
    const trace = frame.header.trace;
    const [rows, cols] = /** @type {number[]} */ (this.shape);
    if (!trace || !Array.isArray(trace.x) || trace.x.length !== rows * cols) {
      if (this.shownSample !== "") {
        this.shownSample = "";
        this.els.sampleName.textContent = "";
        this.els.sampleVerdict.textContent = t("views:images.click_image");
        this.sampleBars.clear();
      }
      return;
    }
    const key = `${frame.header.data_version}:${trace.index}`;
    if (key !== this.shownSample) {
      this.shownSample = key;
      paintValues(this.els.sampleImage, trace.x, rows, cols, this.range[0], this.range[1]);
      this.els.sampleName.textContent = `#${trace.index}`;
    }
    this.sampleBars.set(trace.y_hat);
    const label = trace.y.length > 1 ? argmax(trace.y) : (trace.y[0] >= 0.5 ? 1 : 0);
    const predicted = this.sampleBars.top;
    const right = trace.y.length > 1 ? predicted === label : null;
    const text = right == null ? t("views:images.label", { label })
      : t("views:images.label_says", { label, predicted, mark: right ? "✓" : "✗" });
    if (this.els.sampleVerdict.textContent !== text) {
      this.els.sampleVerdict.textContent = text;
      this.els.sampleVerdict.classList.toggle("wrong", right === false);
      this.els.sampleImage.setAttribute("aria-label",
        t("views:images.sample_aria", { index: trace.index, text }));
    }
    this.sampleBars.mark(label);
  }

  /** The drawing's outputs. @param {ArrayLike<number>} output */
  showTried(output) {
    this.triedOutput = output;
    this.drawBars.set(output);
    const top = this.drawBars.top;
    const text = output.length > 1
      ? t("views:images.says", { predicted: top, share: percent(output[top]) })
      : t("views:images.output", { value: fixed(output[0], 3) });
    if (this.els.drawVerdict.textContent !== text) this.els.drawVerdict.textContent = text;
  }

  // -- the gallery ---------------------------------------------------------------------------
  /** @param {import("./socket.js").Decoded} frame */
  showGallery(frame) {
    const A = frame.arrays;
    const index = A.gallery_index.data;
    const [rows, cols] = A.gallery_pixels.shape.slice(1);
    const gallery = this.els.gallery;
    while (gallery.children.length > index.length) gallery.lastElementChild.remove();
    while (gallery.children.length < index.length) gallery.appendChild(this.makeCard());
    let wrong = 0;
    for (let k = 0; k < index.length; k++) {
      const card = /** @type {HTMLElement} */ (gallery.children[k]);
      const label = A.gallery_label.data[k];
      const predicted = A.gallery_predicted.data[k];
      const confidence = A.gallery_confidence.data[k] / 255;
      const mistake = label !== predicted;
      if (mistake) wrong += 1;
      const key = `${frame.header.data_version}:${index[k]}`;
      if (card.dataset.key !== key) {
        card.dataset.key = key;
        card.dataset.index = String(index[k]);
        paintCodes(/** @type {HTMLCanvasElement} */ (card.firstChild), A.gallery_pixels.data,
          k * rows * cols, rows, cols);
      }
      const text = mistake ? `✗ ${label}→${predicted}` : `✓ ${label}`;
      const caption = /** @type {HTMLElement} */ (card.lastChild);
      if (caption.textContent !== text) {
        caption.textContent = text;
        card.classList.toggle("wrong", mistake);
        card.dataset.label = String(label);
        card.dataset.predicted = String(predicted);
      }
      const title = t(mistake ? "views:images.card_mistake" : "views:images.card",
        { index: index[k], label, predicted, share: percent(confidence) });
      if (card.title !== title) card.title = title;
    }
    const C = A.confusion;
    let summary = t("views:images.shown_wrong", { count: index.length, wrong: count(wrong),
      total: count(index.length) });
    if (C) {
      const k = C.shape[0];
      let total = 0;
      let right = 0;
      for (let i = 0; i < C.data.length; i++) total += C.data[i];
      for (let i = 0; i < k; i++) right += C.data[i * k + i];
      summary = t("views:images.wrong", { count: total, wrong: count(total - right),
        total: count(total) });
    }
    if (this.els.galleryCount.textContent !== summary) this.els.galleryCount.textContent = summary;
    this.markSelected();
  }

  makeCard() {
    const card = h("button", { className: "iv-card" }, h("canvas", { className: "iv-thumb" }),
      h("span", { className: "iv-caption" }));
    card.setAttribute("role", "option");
    card.setAttribute("aria-selected", "false");
    card.tabIndex = this.els.gallery.children.length === 0 ? 0 : -1;
    return card;
  }

  /** Mark the selected sample's card (and its row in a table's predictions). */
  markSelected() {
    const selected = this.store.selected;
    const rows = this.els.predictions;
    if (rows && rows.dataset.selected !== String(selected ?? "")) {
      rows.dataset.selected = String(selected ?? "");
      for (const row of rows.querySelectorAll("tr[data-index]")) {
        row.classList.toggle("selected", /** @type {HTMLElement} */ (row).dataset.index === rows.dataset.selected);
      }
    }
    for (const card of /** @type {HTMLCollectionOf<HTMLElement>} */ (this.els.gallery.children)) {
      const on = selected != null && card.dataset.index === String(selected);
      if ((card.getAttribute("aria-selected") === "true") !== on) {
        card.setAttribute("aria-selected", String(on));
      }
    }
  }

  bindGallery() {
    const gallery = this.els.gallery;
    gallery.addEventListener("click", (e) => {
      const card = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest(".iv-card"));
      if (card?.dataset.index) this.choose(card);
    });
    gallery.addEventListener("keydown", (e) => {
      const cards = /** @type {HTMLElement[]} */ ([...gallery.children]);
      const at = cards.indexOf(/** @type {HTMLElement} */ (ownerDocument(e).activeElement));
      if (at < 0) return;
      const moves = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
        Home: 0, End: cards.length - 1 };
      if (e.key in moves) {
        const next = cards[Math.max(0, Math.min(cards.length - 1, moves[e.key]))];
        for (const c of cards) c.tabIndex = c === next ? 0 : -1;
        next.focus();
        next.scrollIntoView({ block: "nearest", inline: "nearest" });
      } else if (e.key === " " || e.key === "Enter") {
        this.choose(cards[at]);
      } else {
        return;
      }
      // the page's shortcuts (space plays, → steps) do not apply inside the strip
      e.preventDefault();
      e.stopPropagation();
    });
  }

  /** A table's rows of predictions (tables.js): a click or Enter selects the row's point. */
  bindRows() {
    const rows = this.els.predictions;
    if (!rows) return;
    /** @param {Event} e */
    const pick = (e) => {
      const row = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest("tr[data-index]"));
      if (row) this.commands.selectSample(Number(row.dataset.index));
    };
    rows.addEventListener("click", pick);
    rows.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      e.preventDefault();
      pick(e);
    });
  }

  /** @param {HTMLElement} card */
  choose(card) {
    for (const c of /** @type {HTMLCollectionOf<HTMLElement>} */ (this.els.gallery.children)) {
      c.tabIndex = c === card ? 0 : -1;
    }
    this.commands.selectSample(Number(card.dataset.index));
  }

  /**
   * The confusion matrix: kept up to date while its fold is open (made once before, so that
   * opening it shows one at once; the toggle brings it up to date).
   * @param {import("./socket.js").Decoded} frame
   */
  showConfusion(frame) {
    const C = frame.arrays.confusion;
    if (!C || (!this.els.confusionBox.open && this.lastConfusion)) return;
    const key = Array.prototype.join.call(C.data, ",");
    if (key === this.lastConfusion) return;
    this.lastConfusion = key;
    this.els.confusion.replaceChildren(...confusionTable(C));
  }

  // -- the drawing pad -----------------------------------------------------------------------
  bindPad() {
    const pad = this.els.pad;
    const ctx = /** @type {CanvasRenderingContext2D} */ (pad.getContext("2d", { willReadFrequently: true }));
    /** @param {PointerEvent} e @returns {number[]} */
    const at = (e) => {
      const r = pad.getBoundingClientRect();
      return [(e.clientX - r.left) / r.width * pad.width, (e.clientY - r.top) / r.height * pad.height];
    };
    /** @param {number[]} from @param {number[]} to */
    const stroke = (from, to) => {
      ctx.strokeStyle = "#111";
      ctx.lineWidth = pad.width * 0.1;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(from[0], from[1]);
      ctx.lineTo(to[0], to[1]);
      ctx.stroke();
      this.inked = true;
    };
    pad.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      this.pen = at(e);
      stroke(this.pen, this.pen);
      this.schedule();
    });
    pad.addEventListener("pointermove", (e) => {
      if (!this.pen) return;
      const next = at(e);
      stroke(this.pen, next);
      this.pen = next;
      this.schedule();
    });
    const lift = () => {
      if (!this.pen) return;
      this.pen = null;
      this.sendDrawing();
    };
    pad.addEventListener("pointerup", lift);
    pad.addEventListener("pointercancel", lift);
  }

  /** Send the drawing soon: at most one `try_input` every TRY_EVERY_MS while drawing. */
  schedule() {
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + TRY_EVERY_MS - performance.now());
    this.timer = window.setTimeout(() => this.sendDrawing(), wait);
  }

  sendDrawing() {
    window.clearTimeout(this.timer);
    this.timer = 0;
    this.lastSent = performance.now();
    const x = this.drawingAsInput();
    if (!x) return;
    this.commands.act({ type: "try_input", x }).then((reply) => {
      if (reply.type === "applied") this.tried = this.inked;
    });
  }

  /**
   * The drawing as the network's input: the ink's bounding box, squared and shrunk to the
   * data's h×w (each cell the ink it covers; MNIST-sized images keep a 20×20 box centred by
   * its mass, as MNIST was made), on the data's value range. Also shown small ("what the
   * network sees"). Null when there is no ink.
   * @returns {number[] | null}
   */
  drawingAsInput() {
    if (!this.shape || !this.inked) return null;
    const [rows, cols] = this.shape;
    const pad = this.els.pad;
    const S = pad.width;
    const ink = /** @type {CanvasRenderingContext2D} */ (pad.getContext("2d", { willReadFrequently: true }))
      .getImageData(0, 0, S, S).data;
    let x0 = S, y0 = S, x1 = -1, y1 = -1;
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        if (ink[(y * S + x) * 4 + 3] > 0) {
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    if (x1 < 0) return null;
    const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
    const mnist = rows === cols && rows >= MNIST_BOX;
    const fit = mnist ? Math.round(rows * MNIST_BOX / MNIST_SIDE) : Math.min(rows, cols);
    const left = (x0 + x1 + 1) / 2 - side / 2;
    const top = (y0 + y1 + 1) / 2 - side / 2;
    const cell = side / fit;
    const offR = Math.floor((rows - fit) / 2);
    const offC = Math.floor((cols - fit) / 2);
    let v = new Float64Array(rows * cols);
    for (let y = y0; y <= y1; y++) {
      const r = Math.min(fit - 1, Math.floor((y + 0.5 - top) / cell));
      for (let x = x0; x <= x1; x++) {
        const a = ink[(y * S + x) * 4 + 3];
        if (!a) continue;
        const c = Math.min(fit - 1, Math.floor((x + 0.5 - left) / cell));
        v[(offR + r) * cols + offC + c] += a / 255;
      }
    }
    for (let i = 0; i < v.length; i++) v[i] = Math.min(1, v[i] / (cell * cell) * INK_GAIN);
    if (mnist) v = centreByMass(v, rows, cols);
    const [lo, hi] = this.range;
    paintValues(this.els.seen, v, rows, cols, 0, 1);
    this.els.seen.hidden = false;
    return Array.from(v, (u) => Math.round((lo + u * (hi - lo)) * 1e4) / 1e4);
  }

  /** Wipe the drawing; the server stops trying it. @param {boolean} [tell] */
  clearPad(tell = true) {
    const pad = this.els.pad;
    /** @type {CanvasRenderingContext2D} */ (pad.getContext("2d", { willReadFrequently: true }))
      .clearRect(0, 0, pad.width, pad.height);
    const seen = this.els.seen;
    seen.getContext("2d")?.clearRect(0, 0, seen.width, seen.height);
    window.clearTimeout(this.timer);
    this.timer = 0;
    this.pen = null;
    const had = this.inked || this.tried;
    this.inked = false;
    this.tried = false;
    this.drawBars.clear();
    this.triedOutput = null;
    this.els.seen.hidden = true;
    this.els.drawVerdict.textContent = t("views:images.draw_hint");
    if (had && tell) this.commands.act({ type: "try_input", x: null });
  }
}

/** @param {Event} e @returns {Document} */
function ownerDocument(e) {
  return /** @type {Node} */ (e.currentTarget).ownerDocument ?? document;
}

/**
 * Shift an image so that its centre of mass sits in the middle (whole pixels).
 * @param {Float64Array} v @param {number} rows @param {number} cols
 */
function centreByMass(v, rows, cols) {
  let m = 0, mr = 0, mc = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const a = v[r * cols + c];
      m += a;
      mr += a * r;
      mc += a * c;
    }
  }
  if (!m) return v;
  const dr = Math.round((rows - 1) / 2 - mr / m);
  const dc = Math.round((cols - 1) / 2 - mc / m);
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const r2 = r + dr;
      const c2 = c + dc;
      if (r2 >= 0 && r2 < rows && c2 >= 0 && c2 < cols) out[r2 * cols + c2] = v[r * cols + c];
    }
  }
  return out;
}

/**
 * Class-probability bars: one per output, its height the output (clipped to [0, 1]), the
 * largest filled dark, the sample's true class marked under its bar (a ring and bold digit,
 * not only a colour). Each bar keeps its value in `data-value` for the tests.
 */
class Bars {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {HTMLElement[]} */
    this.bars = [];
    /** @type {HTMLElement[]} */
    this.fills = [];
    this.top = 0;
    this.marked = -1;
    this.values = new Float64Array(0);
  }

  /** @param {number} k outputs @param {boolean} probabilities (softmax) */
  setClasses(k, probabilities) {
    this.el.title = t(probabilities ? "views:images.bars_probability" : "views:images.bars_output");
    if (this.bars.length === k) return;
    this.bars = [];
    this.fills = [];
    const columns = [];
    for (let j = 0; j < k; j++) {
      const fill = h("span", { className: "iv-fill" });
      const bar = h("span", { className: "iv-bar" }, fill);
      bar.dataset.cls = String(j);
      const column = h("span", { className: "iv-column" }, bar,
        h("span", { className: "iv-class" }, k === 1 ? t("views:images.out") : String(j)));
      this.bars.push(bar);
      this.fills.push(fill);
      columns.push(column);
    }
    this.el.replaceChildren(...columns);
    this.values = new Float64Array(k).fill(NaN);
    this.marked = -1;
  }

  clear() {
    this.values.fill(NaN);
    this.fills.forEach((f, j) => {
      f.style.transform = "scaleY(0)";
      delete this.bars[j].dataset.value;
      this.bars[j].parentElement?.classList.remove("top");
    });
    this.mark(-1);
  }

  /** @param {ArrayLike<number>} values */
  set(values) {
    if (values.length !== this.bars.length) return;
    const top = argmax(values);
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      if (Math.abs(v - this.values[j]) < 5e-4) continue;
      this.values[j] = v;
      const u = Math.max(0, Math.min(1, v));
      this.fills[j].style.transform = `scaleY(${u.toFixed(4)})`;
      this.bars[j].dataset.value = String(v);
      this.bars[j].title = `${j}: ${fixed(v, 3)}`;
    }
    if (top !== this.top || !this.bars[top].parentElement?.classList.contains("top")) {
      this.bars[this.top]?.parentElement?.classList.remove("top");
      this.bars[top].parentElement?.classList.add("top");
      this.top = top;
      this.el.setAttribute("aria-label", t("views:images.highest", { top, value: fixed(values[top], 2) }));
    }
  }

  /** Mark the true class (-1: none). @param {number} j */
  mark(j) {
    if (j === this.marked) return;
    this.bars[this.marked]?.parentElement?.classList.remove("truth");
    this.bars[j]?.parentElement?.classList.add("truth");
    this.marked = j;
  }
}
