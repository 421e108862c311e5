// @ts-check
/**
 * The page's read-outs: the epoch and step counters, steps/s and frames/s, the losses and the
 * accuracy (or R²), the play button's state, the connection status, the number of hidden
 * layers, and the notes under the network and the data; and the text alternatives of the
 * pictures a screen reader cannot see: the network (its size), the output plot and the chart
 * (the step and the current loss and accuracy). Text is written only when it changes: an
 * unchanged write still costs a repaint.
 */

import { setText } from "./dom.js";
import * as format from "./format.js";
import { language, onLanguage, t } from "./i18n.js";
import { setTitle } from "./limits.js";

/**
 * What a `frame_rate` event says, in the page's language, from its figures (the server's
 * `message` is English): frames slower than the session's pace (each takes `frame_ms` to
 * build), a connection that carries fewer (`link_fps`, lean frames), or back to the pace.
 * @param {any} e
 */
function frameRateText(e) {
  const fps = format.count(e.link_fps ?? e.fps ?? 0);
  if (e.link_fps == null) {
    return e.limited && e.frame_ms != null
      ? t("page:rates.slow", { fps, ms: format.count(e.frame_ms) }) : t("page:rates.back", { fps });
  }
  if (e.lean || e.link_fps < e.fps) {
    const kb = format.count((e.bytes_per_second ?? 0) / 1024);
    return t(e.lean ? "page:rates.link_lean" : "page:rates.link", { kb, fps });
  }
  return t("page:rates.back", { fps });
}

/**
 * A picture's text alternative (aria-label), written only when it changes.
 * @param {HTMLElement | null} el @param {string} text
 */
function describe(el, text) {
  if (el && el.getAttribute("aria-label") !== text) el.setAttribute("aria-label", text);
}

export class Readouts {
  /** @param {Document} doc */
  constructor(doc) {
    /** what the status's tooltip says of the newest save ("" before one) */
    this.lastSave = "";
    /** what was last shown, to write again in another language */
    this.shown = {
      /** @type {Record<string, any> | null} */ header: null,
      /** @type {string | null} */ session: null,
      /** @type {[string, string | undefined] | null} */ status: null,
      /** @type {{step: number, at: number} | null} */ saved: null,
      /** @type {import("./store.js").Network | null} */ net: null,
      /** @type {import("./socket.js").Decoded | null} */ data: null,
      /** @type {any} */ frameRate: null,
      /** @type {(() => string) | null} */ dataNote: null,
    };
    /** @param {string} id */
    const el = (id) => /** @type {HTMLElement} */ (doc.getElementById(id));
    this.els = {
      epoch: el("epoch-count"), step: el("step-count"), sps: el("sps"), fps: el("fps"),
      testLoss: el("test-loss"), testLossBox: el("test-loss-box"), trainLoss: el("train-loss"),
      scoreLabel: el("test-score-label"), score: el("test-score"), play: el("play"),
      status: el("status"), statusText: el("status-text"), layers: el("layer-count"),
      layerWord: el("layer-word"), network: el("network-message"), data: el("data-message"),
      limited: el("frame-limited"), networkPicture: el("network"),
      plotPicture: el("output-canvas"), chartPicture: el("chart"),
    };
    onLanguage(() => this.again());
  }

  /** Write everything again in the page's new language. */
  again() {
    const s = this.shown;
    if (s.header) this.frame(s.header);
    if (s.session) this.session(s.session);
    if (s.saved) this.saved(s.saved);
    if (s.status) this.status(...s.status);
    if (s.net) this.network(s.net);
    if (s.data?.header.count === 0) this.data(s.data);
    if (s.frameRate) this.frameRate(s.frameRate);
    if (s.dataNote) this.dataMessage(s.dataNote);
  }

  /**
   * A frame's counters and metrics. Without test points (a table, drawn points, all of the
   * data for training) there is no test figure: the score is the training one, and says so.
   * @param {Record<string, any>} h  the frame's header
   */
  frame(h) {
    const e = this.els;
    this.shown.header = h;
    setText(e.epoch, format.epoch(h.epoch));
    setText(e.step, format.count(h.step));
    setText(e.sps, format.count(h.steps_per_second));
    const m = h.metrics;
    const test = typeof m.test_loss === "number";
    if (e.testLossBox.hidden === test) e.testLossBox.hidden = !test;
    setText(e.testLoss, format.metric(m.test_loss));
    setText(e.trainLoss, format.metric(m.train_loss));
    if ("test_accuracy" in m || "train_accuracy" in m) {
      setText(e.scoreLabel, t(test ? "page:output.test_accuracy" : "page:output.train_accuracy"));
      setText(e.score, format.percent(test ? m.test_accuracy : m.train_accuracy));
    } else {
      setText(e.scoreLabel, t(test ? "page:output.test_r2" : "page:output.train_r2"));
      setText(e.score, format.metric(test ? m.test_r2 : m.train_r2));
    }
    if (e.limited.hidden === Boolean(h.frame_limited)) e.limited.hidden = !h.frame_limited;
    const values = { step: format.count(h.step), loss: format.metric(test ? m.test_loss : m.train_loss),
      score: e.score.textContent, scoreName: e.scoreLabel.textContent };
    describe(e.plotPicture, t("page:pictures.plot", values));
    describe(e.chartPicture, t("page:pictures.chart", values));
  }

  /**
   * Frames started or stopped waiting for training (the server's `frame_rate` event): said in
   * the status area, where it covers nothing.
   * @param {{limited: boolean, message?: string}} event
   */
  frameRate(event) {
    this.shown.frameRate = event;
    this.els.limited.hidden = !event.limited;
    // English is the server's own sentence; another language says it again from its figures
    this.els.limited.title = language() === "en" && event.message ? event.message
      : frameRateText(event);
  }

  /** Frames drawn in the last second. @param {number} n */
  fps(n) {
    setText(this.els.fps, String(n));
  }

  /** The play button shows pause while training runs. @param {string} session */
  session(session) {
    this.shown.session = session;
    const running = session === "running";
    const button = this.els.play;
    button.classList.toggle("running", running);
    button.setAttribute("aria-label", t(running ? "page:run.pause" : "page:run.play"));
    setTitle(button, t(running ? "page:run.pause_tip" : "page:run.play_tip"));
  }

  /** The connection's status. @param {string} status @param {string} [detail] */
  status(status, detail) {
    this.shown.status = [status, detail];
    this.els.status.dataset.state = status;
    const key = `page:status.${status}`;
    this.els.statusText.textContent = status === "refused" ? t(key, { detail })
      : ["connecting", "connected", "reconnecting", "replaced", "closed"].includes(status) ? t(key)
        : status;
    this.els.status.title = status === "replaced" || status === "refused" ? detail ?? ""
      : status === "connected" && this.lastSave ? this.lastSave : "";
  }

  /** A save of the run: said in the status's tooltip. @param {{step: number, at: number}} saved */
  saved(saved) {
    this.shown.saved = saved;
    this.lastSave = t("page:status.saved", { step: format.count(saved.step),
      time: new Date(saved.at).toLocaleTimeString(language()) });
    this.els.status.dataset.saved = String(saved.step);
    if (this.els.status.dataset.state === "connected") this.els.status.title = this.lastSave;
  }

  /** @param {import("./store.js").Network} net */
  network(net) {
    this.shown.net = net;
    const hidden = net.sizes.length - 2;
    this.els.layers.textContent = String(hidden);
    this.els.layerWord.textContent = t("page:network.hidden_layers", { count: hidden });
    const neurons = net.sizes.slice(1).reduce((a, b) => a + b, 0);
    describe(this.els.networkPicture, t("page:pictures.network", { shape: net.sizes.join("-"),
      layers: t("page:pictures.layers", { count: hidden, n: format.count(hidden) }),
      neurons: t("page:pictures.neurons", { count: neurons, n: format.count(neurons) }) }));
    const side = net.image_side;
    this.els.network.textContent = net.plane ? "" : side
      ? t("page:network.images", { side: format.count(side) })
      : t("page:network.not_plane", { count: net.sizes[0], inputs: format.count(net.sizes[0]) });
  }

  /** @param {import("./socket.js").Decoded} data */
  data(data) {
    this.shown.data = data;
    this.dataMessage(data.header.count === 0 ? t("page:data.no_points") : "");
  }

  /**
   * The note under the data panel; `ok` marks a success (a CSV that loaded). Given as a
   * function, it is written again when the language changes.
   * @param {string | (() => string)} text @param {boolean} [ok]
   */
  dataMessage(text, ok) {
    this.shown.dataNote = typeof text === "function" ? text : null;
    this.els.data.textContent = typeof text === "function" ? text() : text;
    if (ok !== undefined) this.els.data.classList.toggle("ok", ok);
  }
}
