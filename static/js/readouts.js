// @ts-check
/**
 * The page's read-outs: the epoch and step counters, steps/s and frames/s, the losses and the
 * accuracy (or R²), the play button's state, the connection status, the number of hidden
 * layers, and the notes under the network and the data. Text is written only when it changes:
 * an unchanged write still costs a repaint.
 */

import { setText } from "./dom.js";
import * as format from "./format.js";
import { setTitle } from "./limits.js";

export class Readouts {
  /** @param {Document} doc */
  constructor(doc) {
    /** what the status's tooltip says of the newest save ("" before one) */
    this.lastSave = "";
    /** @param {string} id */
    const el = (id) => /** @type {HTMLElement} */ (doc.getElementById(id));
    this.els = {
      epoch: el("epoch-count"), step: el("step-count"), sps: el("sps"), fps: el("fps"),
      testLoss: el("test-loss"), testLossBox: el("test-loss-box"), trainLoss: el("train-loss"),
      scoreLabel: el("test-score-label"), score: el("test-score"), play: el("play"),
      status: el("status"), statusText: el("status-text"), layers: el("layer-count"),
      layerWord: el("layer-word"), network: el("network-message"), data: el("data-message"),
      limited: el("frame-limited"),
    };
  }

  /**
   * A frame's counters and metrics. Without test points (a table, drawn points, all of the
   * data for training) there is no test figure: the score is the training one, and says so.
   * @param {Record<string, any>} h  the frame's header
   */
  frame(h) {
    const e = this.els;
    setText(e.epoch, format.epoch(h.epoch));
    setText(e.step, format.count(h.step));
    setText(e.sps, format.count(h.steps_per_second));
    const m = h.metrics;
    const test = typeof m.test_loss === "number";
    if (e.testLossBox.hidden === test) e.testLossBox.hidden = !test;
    setText(e.testLoss, format.metric(m.test_loss));
    setText(e.trainLoss, format.metric(m.train_loss));
    const which = test ? "Test" : "Training";
    if ("test_accuracy" in m || "train_accuracy" in m) {
      setText(e.scoreLabel, `${which} accuracy`);
      setText(e.score, format.percent(test ? m.test_accuracy : m.train_accuracy));
    } else {
      setText(e.scoreLabel, `${which} R²`);
      setText(e.score, format.metric(test ? m.test_r2 : m.train_r2));
    }
    if (e.limited.hidden === Boolean(h.frame_limited)) e.limited.hidden = !h.frame_limited;
  }

  /**
   * Frames started or stopped waiting for training (the server's `frame_rate` event): said in
   * the status area, where it covers nothing.
   * @param {{limited: boolean, message?: string}} event
   */
  frameRate(event) {
    this.els.limited.hidden = !event.limited;
    this.els.limited.title = event.message ?? "";
  }

  /** Frames drawn in the last second. @param {number} n */
  fps(n) {
    setText(this.els.fps, String(n));
  }

  /** The play button shows pause while training runs. @param {string} session */
  session(session) {
    const running = session === "running";
    const button = this.els.play;
    button.classList.toggle("running", running);
    button.setAttribute("aria-label", running ? "Pause" : "Play");
    setTitle(button, running ? "Pause (space)" : "Play (space)");
  }

  /** The connection's status. @param {string} status @param {string} [detail] */
  status(status, detail) {
    this.els.status.dataset.state = status;
    this.els.statusText.textContent = status === "reconnecting" ? "reconnecting…" :
      status === "refused" ? `refused: ${detail}` : status === "replaced" ? "opened elsewhere"
        : status;
    this.els.status.title = status === "replaced" || status === "refused" ? detail ?? ""
      : status === "connected" && this.lastSave ? this.lastSave : "";
  }

  /** A save of the run: said in the status's tooltip. @param {{step: number, at: number}} saved */
  saved(saved) {
    this.lastSave = `saved on the server at step ${format.count(saved.step)}, ` +
      new Date(saved.at).toLocaleTimeString();
    this.els.status.dataset.saved = String(saved.step);
    if (this.els.status.dataset.state === "connected") this.els.status.title = this.lastSave;
  }

  /** @param {import("./store.js").Network} net */
  network(net) {
    const hidden = net.sizes.length - 2;
    this.els.layers.textContent = String(hidden);
    this.els.layerWord.textContent = hidden === 1 ? "hidden layer" : "hidden layers";
    const side = net.image_side;
    this.els.network.textContent = net.plane ? "" : side
      ? `${side}×${side} images: each first-layer neuron below is drawn as its incoming weights`
      : `${net.sizes[0]} inputs: this data is not 2-D, so neurons have no map over a plane`;
  }

  /** @param {import("./socket.js").Decoded} data */
  data(data) {
    this.dataMessage(data.header.count === 0 ? "No points: draw some (d), or load a CSV" : "");
  }

  /**
   * The note under the data panel; `ok` marks a success (a CSV that loaded).
   * @param {string} text @param {boolean} [ok]
   */
  dataMessage(text, ok) {
    this.els.data.textContent = text;
    if (ok !== undefined) this.els.data.classList.toggle("ok", ok);
  }
}
