// @ts-check
/**
 * The notebook widget's front end (app/notebook.py, docs/notebook.md): anywidget's one ES
 * module, bundled with the page's modules it imports into widget.bundle.js (npm run
 * build:widget). The page never loads this file.
 *
 * It draws what the page draws, with the page's own views and styles: the network diagram
 * (network-view.js), the output plot (boundary.js) and the loss chart (charts.js), from the
 * page's binary messages (socket.js decodeMessage), which the kernel keeps in three traits of
 * the widget's model: `network_message`, `data_message`, `frame_message`, the newest of each.
 * Play, pause, step and the learning rate go to the kernel as messages (`model.send`); the
 * kernel trains and answers with frames.
 *
 * Everything lives in a shadow root, so the page's styles (app.css, bundled as text) apply
 * to the widget and nothing else in the notebook. The host element carries what the tests
 * read: data-frames (frames drawn), data-step (the step drawn), data-chart-points.
 */

// @ts-ignore: the bundler reads CSS as text (--loader:.css=text)
import PAGE_CSS from "../css/app.css";
import { Boundary } from "./boundary.js";
import { Chart } from "./charts.js";
import { escapeHtml } from "./dom.js";
import * as format from "./format.js";
import { t } from "./i18n.js";
import { NetworkView } from "./network-view.js";
import { decodeMessage } from "./socket.js";
import { describeNetwork, subscripted } from "./store.js";

/** The widget's own layout, after the page's styles (whose :root is the shadow's :host). */
const WIDGET_CSS = `
:host { display: block; --base: 13px; --tile: 28px; }
.nnplay { font: var(--base) / 1.3 var(--font); color: var(--ink); background: var(--panel);
  border: 1px solid var(--line); border-radius: 8px; padding: 0.5em 0.6em; }
.bar { display: flex; align-items: center; gap: 0.4em 0.8em; flex-wrap: wrap; margin-bottom: 0.4em; }
.bar .play { min-width: 4.6em; }
.bar .readout { min-width: 0; }
.bar .message:empty { display: none; }
.views { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 340px); gap: 0.8em;
  height: 440px; }
.views > .network { height: 100%; }
.output-column { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.output-column .plots { flex: 0 0 62%; }
.chart-panel { margin-top: 0.3em; flex: 1 1 0; display: flex; flex-direction: column; min-height: 0; }
`;

/** A catalogue's text, safe in markup. @param {string} key */
const text = (key) => escapeHtml(t(key));

/** The widget's markup, its text in the page's language (English in a notebook). */
const markup = () => `
<div class="nnplay">
  <div class="bar">
    <button class="play" aria-pressed="false" title="${text("views:widget.play_tip")}">${text("views:widget.play")}</button>
    <button class="step" title="${text("views:widget.step_tip")}">${text("views:widget.step")}</button>
    <label title="${text("views:widget.rate_tip")}">${text("views:widget.rate")} <select class="lr"
      aria-label="${text("views:widget.rate")}"></select></label>
    <span class="readout step-readout">${text("views:widget.no_step")}</span>
    <span class="readout loss-readout"></span>
    <span class="message" role="status"></span>
  </div>
  <div class="views">
    <div class="network" role="img" aria-label="${text("views:widget.network")}"></div>
    <div class="output-column">
      <div class="plots">
        <figure class="plot-figure">
          <figcaption class="plot-caption plot-main-caption" hidden></figcaption>
          <div class="output-plot main-plot">
            <canvas class="fill output-canvas"></canvas>
            <canvas class="fill points-canvas"></canvas>
            <div class="hover-label" hidden></div>
          </div>
        </figure>
        <figure class="plot-figure compare-figure" hidden>
          <figcaption class="plot-caption compare-caption"></figcaption>
          <div class="output-plot">
            <canvas class="fill compare-canvas"></canvas>
            <canvas class="fill compare-points"></canvas>
          </div>
        </figure>
        <div class="legend"></div>
      </div>
      <div class="chart-panel">
        <div class="chart-head">
          <h2 class="chart-title">${text("views:chart.loss")}</h2>
          <select class="chart-metric" aria-label="${text("views:widget.metric")}">
            <option value="loss">${text("views:widget.metric_loss")}</option>
            <option value="score">${text("views:widget.metric_score")}</option>
          </select>
          <label><input type="checkbox" class="log-scale"> ${text("views:widget.log")}</label>
        </div>
        <canvas class="chart"></canvas>
        <div class="chart-legend" role="group" aria-label="${text("views:widget.legend")}"><span
          class="readout chart-readout">&nbsp;</span></div>
      </div>
    </div>
  </div>
  <div class="weight-gallery" hidden></div>
</div>`;

/**
 * A bytes trait's value (a DataView in anywidget and ipywidgets) as an ArrayBuffer of its own,
 * so the message's arrays start where decodeMessage expects them; null when empty.
 * @param {any} value @returns {ArrayBuffer | null}
 */
function bufferOf(value) {
  if (!value) return null;
  if (value instanceof ArrayBuffer) return value.byteLength ? value : null;
  if (ArrayBuffer.isView(value)) {
    if (!value.byteLength) return null;
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  }
  return null;
}

/** @param {ArrayBuffer} buffer @returns {Promise<import("./socket.js").Decoded>} */
async function decoded(buffer) {
  const message = decodeMessage(buffer);
  if (message.unpacked) await message.unpacked;
  return message;
}

/**
 * @typedef {{get: (name: string) => any, on: (event: string, callback: Function) => void,
 *            off: (event?: string | null, callback?: Function | null) => void,
 *            send: (content: any, callbacks?: any, buffers?: any[]) => void}} Model
 *   anywidget's model: the widget's traits, their changes, and messages to the kernel
 */

/** @param {{model: Model, el: HTMLElement}} context */
function render({ model, el }) {
  const host = document.createElement("div");
  host.className = "nnplay-widget";
  el.appendChild(host);
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${String(PAGE_CSS).replace(/:root\b/g, ":host")}${WIDGET_CSS}</style>${markup()}`;
  /** @param {string} selector @returns {any} */
  const $ = (selector) => root.querySelector(selector);
  const store = {
    inputLabel: (/** @type {string} */ name) => (model.get("feature_labels") ?? {})[name] ?? subscripted(name),
  };
  const send = (/** @type {Record<string, any>} */ message) => model.send(message);

  const boundary = new Boundary({
    plot: $(".main-plot"), output: $(".output-canvas"), points: $(".points-canvas"),
    label: $(".hover-label"), legend: $(".legend"), plots: $(".plots"),
    caption: $(".plot-main-caption"), compareFigure: $(".compare-figure"),
    compareCaption: $(".compare-caption"), compareOutput: $(".compare-canvas"),
    comparePoints: $(".compare-points"),
  }, { onAdd: () => {}, onRemove: () => {}, onSelect: () => {} });
  const network = new NetworkView({ container: $(".network"), gallery: $(".weight-gallery"),
    overlay: $(".nnplay") }, {
    onEditWeight: (layer, source, target, value) =>
      send({ type: "set_weight", layer, source, target, value }),
    onEditBias: (layer, neuron, value) => send({ type: "set_bias", layer, neuron, value }),
    onSelectNeuron: () => {},
    onHoverTile: (canvas, name) => boundary.showTile(canvas, name),
    onChangeLayers: (layers) => send({ type: "hidden_layers", value: layers }),
    onFocusNeuron: () => {},
  });
  const chart = new Chart({ canvas: $(".chart"), legend: $(".chart-legend"),
    readout: $(".chart-readout"), metric: $(".chart-metric"), log: $(".log-scale"),
    title: $(".chart-title") });

  // -- the kernel's messages, applied in the order network, data, frame ------------------------
  // Each value is taken when its change is announced, not when it is applied (decoding packed
  // maps waits): a frame that comes while another is being decoded still gives the chart its
  // point and its mini-batch losses. Of frames that come together, the newest is drawn.
  const ORDER = ["network_message", "data_message", "frame_message"];
  /** @type {[string, any][]} trait values announced, not applied yet */
  const inbox = [];
  /** @type {import("./store.js").Network | null} */
  let net = null;
  /** @type {import("./socket.js").Decoded | null} the newest frame, not drawn yet */
  let pending = null;
  let drawn = 0;
  let queue = Promise.resolve();
  const apply = async () => {
    const batch = inbox.splice(0).sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
    for (const [name, value] of batch) {
      const buffer = bufferOf(value);
      if (!buffer) continue;
      const message = await decoded(buffer);
      if (name === "network_message") {
        net = describeNetwork(message, /** @type {any} */ (store));
        network.setNetwork(net);
        boundary.setPlane(net.plane);
        if (drawn) chart.reset([]);  // a rebuilt network: its run starts again
      } else if (name === "data_message") {
        boundary.setData(message);
      } else {
        chart.add(message.header.point, message.header.losses);
        pending = message;
        requestAnimationFrame(draw);
      }
    }
  };
  /** @param {string} name */
  const arrived = (name) => {
    inbox.push([name, model.get(name)]);
    queue = queue.then(apply).catch((error) => console.error("nnplay widget:", error));
  };
  const draw = () => {
    const frame = pending;
    pending = null;
    if (!frame) return;
    const h = frame.header;
    if (net && h.network_version === net.version) {
      network.update(frame);
      if (net.plane) boundary.update(frame);
    }
    chart.flush();
    drawn += 1;
    showFrame(h);
    host.dataset.frames = String(drawn);
    host.dataset.step = String(h.step);
    host.dataset.chartPoints = String(chart.points.length);
  };

  // -- the bar: play/pause, step, the learning rate, and what the newest frame says -------------
  const play = $(".play"), rate = $(".lr"), message = $(".message");
  /** @param {Record<string, any>} h  a frame's header */
  const showFrame = (h) => {
    $(".step-readout").textContent = t("views:widget.step_epoch",
      { step: format.count(h.step), epoch: format.count(h.epoch) });
    const m = h.metrics ?? {};
    const score = m.test_accuracy !== undefined
      ? ` · ${t("views:widget.test_accuracy", { value: format.percent(m.test_accuracy) })}`
      : m.test_r2 !== undefined ? ` · ${t("views:widget.test_r2", { value: format.fixed(m.test_r2, 3) })}` : "";
    $(".loss-readout").textContent = t("views:widget.loss", { train: format.metric(m.train_loss),
      test: format.metric(m.test_loss) }) + score;
    $(".network").setAttribute("aria-label", t("views:widget.network_aria",
      { sizes: net ? net.sizes.join("-") : "", step: format.count(h.step) }) + score);
  };
  const showPlaying = () => {
    const playing = Boolean(model.get("playing"));
    play.textContent = t(playing ? "views:widget.pause" : "views:widget.play");
    play.setAttribute("aria-pressed", String(playing));
  };
  const showRates = () => {
    const current = model.get("learning_rate");
    rate.textContent = "";
    for (const value of model.get("learning_rates") ?? []) {
      rate.add(new Option(String(value), String(value), false, value === current));
    }
  };
  const showError = () => { message.textContent = model.get("error") ?? ""; };
  play.addEventListener("click", () => send({ type: model.get("playing") ? "pause" : "play" }));
  $(".step").addEventListener("click", () => send({ type: "step" }));
  rate.addEventListener("change", () => send({ type: "learning_rate", value: Number(rate.value) }));

  /** @type {[string, Function][]} */
  const listeners = [
    ...ORDER.map((name) => /** @type {[string, Function]} */ ([`change:${name}`, () => arrived(name)])),
    ["change:playing", showPlaying],
    ["change:learning_rate", showRates], ["change:learning_rates", showRates],
    ["change:error", showError],
    ["msg:custom", (/** @type {any} */ content) => {
      if (content?.type === "history") {  // the chart so far, asked for below
        chart.reset(content.points);
        host.dataset.chartPoints = String(chart.points.length);
      }
    }],
  ];
  for (const [event, callback] of listeners) model.on(event, callback);
  showPlaying();
  showRates();
  showError();
  for (const name of ORDER) arrived(name);
  send({ type: "history" });
  return () => {
    for (const [event, callback] of listeners) model.off(event, callback);
    for (const view of [boundary, network, chart]) view.stopLanguage();
    host.remove();
  };
}

export default { render };
