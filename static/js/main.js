// @ts-check
/**
 * Wires the modules together: socket events go to the views, view and control events become
 * commands. One frame is drawn per animation frame, from a queue of at most two (so frames
 * that arrive together are both drawn, and a page that falls behind drops the oldest), and
 * every draw is timed, so the page's cost is measurable (window.nnplay.stats).
 */

import { Boundary } from "./boundary.js";
import { Chart } from "./charts.js";
import { CLASS_COLORS, pointColor } from "./colors.js";
import { Controls } from "./controls.js";
import { Inspector } from "./inspector.js";
import { Explainer } from "./explain.js";
import { NetworkView } from "./network-view.js";
import { Tables } from "./tables.js";
import { ActivationPlots, Diagnostics, NeuronToy, renderShapes } from "./teach.js";
import { Connection } from "./socket.js";
import { decodeHash, encodeHash } from "./urlstate.js";

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
const schema = JSON.parse($("schema").textContent);

const state = {
  config: Object.fromEntries(schema.fields.map((f) => [f.name, f.default])),
  session: "paused",
  /** @type {any} */ net: null,
  /** @type {any} */ data: null,
  /** @type {any} */ frame: null,
  /** @type {any[]} frames received, not yet drawn (at most two) */ pending: [],
  selected: /** @type {number | null} */ (null),
  extra: /** @type {Record<string, string>} */ ({}),
  hashApplied: false,
  ready: false, // true once the session is set up as the URL asks
};
const stats = { received: 0, drawn: 0, drawMs: 0, maxDrawMs: 0, rafs: 0, bytes: 0, errors: 0 };

// -- messages to the user --------------------------------------------------------------------
function toast(text, kind = "error", ms = 6000) {
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = text;
  $("toasts").appendChild(el);
  while ($("toasts").children.length > 4) $("toasts").firstChild.remove();
  setTimeout(() => el.remove(), ms);
}

/** An error reply as a sentence that names the field, the value and what is allowed. */
function describe(reply) {
  let text = reply.message || "rejected";
  if (reply.allowed && !text.includes(reply.allowed)) text += ` (allowed: ${reply.allowed})`;
  return text;
}

/** Send a command; an error reply is shown to the user. */
async function act(command) {
  const reply = await socket.send(command);
  if (reply.type === "error") {
    stats.errors += 1;
    toast(describe(reply));
  }
  return reply;
}

// -- views -----------------------------------------------------------------------------------
const controls = new Controls(document, schema, { onSet: (changes) => setConfig(changes) });

const network = new NetworkView($("network"), {
  onEditWeight: (layer, source, target, value) =>
    act({ type: "set_weight", layer, source, target, value }),
  onEditBias: (layer, neuron, value) => act({ type: "set_bias", layer, neuron, value }),
  onSelectNeuron: (layer, index) => {
    inspector.show(layer, index);
    if (state.frame) inspector.update(state.frame);
  },
  onHoverNeuron: (layer, index) => {
    if (layer == null) boundary.showTile(null, "");
    else if (layer < state.net.sizes.length - 1) {
      const canvas = network.tileCanvas(layer, index);
      const name = layer === 0 ? state.net.input_labels[index] : `layer ${layer}, neuron ${index}`;
      if (canvas) boundary.showTile(canvas, name);
    }
  },
  onChangeLayers: (layers) => setConfig({ hidden_layers: layers }),
  onFocusNeuron: (layer, index) => explainer.focusNeuron(layer, index),
});

const boundary = new Boundary({
  plot: $("output-plot"), output: $("output-canvas"), points: $("points-canvas"),
  label: $("hover-label"), legend: $("legend"),
}, {
  onAdd: (x, label) => act({ type: "add_point", x, label }),
  onRemove: (x) => {
    const [lo, hi] = state.data?.header.extent ?? [-6, 6];
    return act({ type: "remove_point", x, radius: (hi - lo) / 30 });
  },
  onSelect: (index) => selectSample(index === state.selected ? null : index),
});

const chart = new Chart($("chart"), $("chart-readout"));
const tables = new Tables($("confusion"), $("predictions"));
const inspector = new Inspector({
  panel: $("inspector"), title: $("inspector-title"), body: $("inspector-body"),
  close: $("inspector-close"),
}, { onClose: () => network.clearSelection() });

// -- the drawer: settings and the teaching panels ----------------------------------------------
const explainer = new Explainer($("explain"), {
  explain: (index) => act({ type: "explain", index }),
  apply: () => act({ type: "explain_apply" }),
  focus: (focus) => network.setFocus(focus),
  pickPoint: () => {
    if (state.selected != null) return state.selected;
    const train = state.data?.arrays.train.data;
    const first = train ? Array.prototype.indexOf.call(train, 1) : -1;
    return first >= 0 ? first : null;
  },
});
new NeuronToy($("neuron-panel"));
const activationPlots = new ActivationPlots($("activation-plots"));
const diagnostics = new Diagnostics({ grad: $("diag-grad"), gradLegend: $("diag-grad-legend"),
  dead: $("diag-dead"), hist: $("diag-hist") });
let openTab = null;

function showTab(name) {
  openTab = openTab === name ? null : name;
  for (const tab of document.querySelectorAll("[data-tab]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.tab === openTab));
  }
  for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.dataset.panel !== openTab;
  document.body.classList.toggle("drawer-open", openTab !== null);
  if (openTab !== "explain") explainer.stop();
  if (openTab === "shapes" && state.net) renderShapes($("shapes-panel"), state.net.sizes, state.config.batch_size);
  if (openTab === "activations") activationPlots.show();
  if (openTab === "diagnostics") diagnostics.draw();
}

for (const tab of document.querySelectorAll("[data-tab]")) {
  tab.addEventListener("click", () => showTab(tab.dataset.tab));
}

async function explainSelected() {
  if (openTab !== "explain") showTab("explain");
  await explainer.start();
}

let presetTexts = null;
async function showLesson(name) {
  presetTexts = presetTexts || Object.fromEntries((await (await fetch("/api/presets")).json())
    .presets.map((p) => [p.name, p]));
  const p = presetTexts[name];
  if (!p) return;
  $("lesson-title").textContent = p.title;
  $("lesson-text").textContent = p.text;
  $("lesson-card").hidden = false;
}

async function loadPreset(name) {
  const reply = await act({ type: "preset", name });
  if (reply.type === "applied") {
    state.extra.preset = "";
    showLesson(name);
  }
  return reply;
}

async function selectSample(index) {
  const reply = await act({ type: "select_sample", index });
  if (reply.type === "applied") {
    state.selected = index;
    boundary.selected = index;
    boundary.drawPoints();
  }
}

// -- configuration ---------------------------------------------------------------------------
async function setConfig(changes) {
  const reply = await act({ type: "set", config: changes });
  if (reply.type === "applied") {
    Object.assign(state.config, reply.changed);
    controls.setConfig(state.config);
    writeHash();
  } else {
    controls.setConfig(state.config); // put the control back to what the server has
  }
  return reply;
}

function writeHash() {
  const hash = encodeHash(state.config, schema.fields, state.extra);
  if (state.extra.hide) applyLessonOptions();
  if (hash !== location.hash && !(hash === "" && location.hash === "")) {
    history.replaceState(null, "", hash || location.pathname);
  }
}

async function applyHash() {
  const { config, extra, errors } = decodeHash(location.hash, schema.fields);
  state.extra = extra;
  for (const e of errors) toast(e);
  applyLessonOptions();
  if (extra.preset) await loadPreset(extra.preset);
  if (Object.keys(config).length) await setConfig(config);
}

function applyLessonOptions() {
  for (const el of document.querySelectorAll("[data-hidden-by-lesson]")) {
    el.removeAttribute("data-hidden-by-lesson");
  }
  for (const name of (state.extra.hide || "").split(",").filter(Boolean)) {
    for (const el of document.querySelectorAll(`[data-control="${name}"], #${CSS.escape(name)}`)) {
      el.setAttribute("data-hidden-by-lesson", "");
    }
  }
  document.body.classList.toggle("present", state.extra.present === "1");
  $("drawer").toggleAttribute("data-hidden-by-lesson", (state.extra.hide || "").split(",").includes("drawer"));
}

// -- socket ----------------------------------------------------------------------------------
const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
const socket = new Connection(wsUrl, {
  onHello: async (hello) => {
    state.config = { ...state.config, ...hello.config };
    state.session = hello.state;
    state.selected = hello.selected;
    boundary.selected = hello.selected;
    controls.setConfig(state.config);
    chart.reset(hello.history);
    setPlayButton();
    if (hello.speed !== "max") $("speed").value = String(hello.speed);
    if (!hello.resumed && !state.hashApplied) {
      state.hashApplied = true;
      await applyHash();
    } else if (hello.resumed) {
      toast("reconnected: the session carried on where it was", "info", 2500);
    }
    writeHash();
    state.ready = true;
  },
  onNetwork: (message) => {
    const h = message.header;
    state.config = { ...state.config, ...h.config };
    state.net = {
      ...h, features: message.arrays.features,
      input_labels: h.input_names.map((n) => schema.features[n] ?? n),
      has_bias: h.config.bias || h.batch_norm.some(Boolean),
    };
    $("layer-count").textContent = String(h.sizes.length - 2);
    controls.setConfig(state.config);
    controls.setPlane(h.plane, state.net);
    boundary.setPlane(h.plane);
    network.setNetwork(state.net);
    inspector.setNetwork(state.net);
    const side = Math.round(Math.sqrt(h.sizes[0]));
    $("network-message").textContent = h.plane ? "" : side * side === h.sizes[0] && side >= 4
      ? `${side}×${side} images: each first-layer neuron below is drawn as its incoming weights`
      : `${h.sizes[0]} inputs: this data is not 2-D, so neurons have no map over a plane`;
    writeHash();
  },
  onData: (message) => {
    state.data = message;
    if (message.header.dataset !== state.config.dataset) { // e.g. a CSV made it "custom"
      state.config.dataset = message.header.dataset;
      controls.setConfig(state.config);
      writeHash();
    }
    boundary.setData(message);
    tables.setData(message, message.header.input_names.map((n) => schema.features[n] ?? n));
    drawClassButtons();
    const h = message.header;
    $("data-message").textContent = h.count === 0 ? "No points: draw some (d), or load a CSV" : "";
    if (state.selected != null && state.selected >= h.count) state.selected = null;
  },
  onFrame: (frame) => {
    stats.received += 1;
    stats.bytes += frame.bytes;
    // Two frames can land within one animation frame; drawing one per animation frame keeps
    // both, but a page that falls behind keeps only the newest two.
    state.pending.push(frame);
    if (state.pending.length > 2) state.pending.shift();
  },
  onEvent: (message) => {
    if (message.type === "diverged") {
      state.session = "diverged";
      setPlayButton();
      toast(message.message, "error", 15000);
    } else if (message.type === "error" && message.id == null) {
      toast(describe(message));
    }
  },
  onStatus: (status, detail) => {
    const el = $("status");
    el.dataset.state = status;
    $("status-text").textContent = status === "reconnecting" ? "reconnecting…" :
      status === "refused" ? `refused: ${detail}` : status;
  },
});

// -- drawing ---------------------------------------------------------------------------------
function draw(frame) {
  const h = frame.header;
  state.frame = frame;
  if (h.state !== state.session) {
    state.session = h.state;
    setPlayButton();
  }
  setText("epoch-count", String(h.epoch).padStart(6, "0").replace(/(\d{3})$/, ",$1"));
  setText("step-count", h.step.toLocaleString("en-US"));
  setText("sps", Math.round(h.steps_per_second).toLocaleString("en-US"));
  const m = h.metrics;
  setText("test-loss", number(m.test_loss));
  setText("train-loss", number(m.train_loss));
  if ("test_accuracy" in m || "train_accuracy" in m) {
    setText("test-score-label", "Test accuracy");
    setText("test-score", percent(m.test_accuracy ?? m.train_accuracy));
  } else {
    setText("test-score-label", "Test R²");
    setText("test-score", number(m.test_r2 ?? m.train_r2));
  }
  if (state.net && h.network_version === state.net.version) {
    network.update(frame);
    if (state.net.plane) boundary.update(frame);
    tables.update(frame, state.net.plane);
    inspector.update(frame);
    diagnostics.add(frame);
    if (openTab === "diagnostics" && stats.drawn % 6 === 0) diagnostics.draw();
  }
  const point = { step: h.step, epoch: Math.round(h.epoch_progress * 1e4) / 1e4 };
  for (const [k, v] of Object.entries(m)) if (k !== "penalty" && typeof v === "number") point[k] = v;
  chart.compare = h.compare ? { label: h.compare.label, base: h.compare.base } : null;
  if (h.compare) {
    for (const [k, v] of Object.entries(h.compare.metrics)) {
      if (k !== "penalty" && typeof v === "number") point[`cmp_${k}`] = v;
    }
  }
  chart.add(point, h.losses);
  chart.flush();
}

/** Set an element's text only when it changes: an unchanged write still costs a repaint. */
function setText(id, text) {
  const el = $(id);
  if (el.textContent !== text) el.textContent = text;
}

function number(v) {
  return typeof v === "number" ? v.toFixed(3) : "–";
}

function percent(v) {
  return typeof v === "number" ? `${(100 * v).toFixed(1)}%` : "–";
}

let second = performance.now();
let drawnThisSecond = 0;
function loop() {
  stats.rafs += 1;
  const frame = state.pending.shift();
  if (frame) {
    const t0 = performance.now();
    draw(frame);
    const ms = performance.now() - t0;
    stats.drawMs += ms;
    stats.maxDrawMs = Math.max(stats.maxDrawMs, ms);
    stats.drawn += 1;
    drawnThisSecond += 1;
  }
  const now = performance.now();
  if (now - second >= 1000) {
    setText("fps", String(drawnThisSecond));
    drawnThisSecond = 0;
    second = now;
  }
  requestAnimationFrame(loop);
}

function setPlayButton() {
  const running = state.session === "running";
  const button = $("play");
  button.classList.toggle("running", running);
  button.setAttribute("aria-label", running ? "Pause" : "Play");
  button.title = running ? "Pause (space)" : "Play (space)";
}

function drawClassButtons() {
  const box = $("draw-classes");
  box.textContent = "";
  const h = state.data?.header;
  if (!h) return;
  const labels = h.task === "regression" ? [-1, 1] : Array.from({ length: h.n_classes }, (_, i) => i);
  if (!labels.includes(boundary.drawClass)) boundary.drawClass = labels[labels.length - 1];
  for (const label of labels) {
    const b = document.createElement("button");
    b.style.background = h.task === "regression" ? pointColor(label, "regression", 0)
      : h.n_classes > 2 ? CLASS_COLORS[label] : pointColor(label, "classification", 2);
    b.title = h.task === "regression" ? `value ${label}` : `class ${label}`;
    b.setAttribute("aria-label", b.title);
    b.setAttribute("aria-pressed", String(label === boundary.drawClass));
    b.addEventListener("click", () => {
      boundary.drawClass = label;
      drawClassButtons();
    });
    box.appendChild(b);
  }
}

// -- buttons ---------------------------------------------------------------------------------
async function togglePlay() {
  const reply = await act({ type: state.session === "running" ? "pause" : "play" });
  if (reply.type === "applied") {
    state.session = reply.state;
    setPlayButton();
  }
}

async function stepOnce() {
  if (state.session === "running") await act({ type: "pause" });
  const reply = await act({ type: "step", n: 1 });
  if (reply.type === "applied") {
    state.session = reply.state;
    setPlayButton();
  }
}

function toggleDraw() {
  boundary.drawing = !boundary.drawing;
  $("draw-toggle").setAttribute("aria-pressed", String(boundary.drawing));
  $("draw-tools").hidden = !boundary.drawing;
  $("output-plot").classList.toggle("drawing", boundary.drawing);
}

function toggleTest() {
  const box = $("show-test");
  box.checked = !box.checked;
  box.dispatchEvent(new Event("change"));
}

function togglePresent() {
  state.extra.present = state.extra.present === "1" ? "" : "1";
  applyLessonOptions();
  writeHash();
}

/** @param {Blob | null} blob @param {string} name */
function download(blob, name) {
  if (!blob) return;
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function loadCsv(file) {
  if (file.size > (socket.hello?.limits.max_upload_bytes ?? 1 << 20)) {
    $("data-message").textContent = `${file.name} is ${file.size} bytes; the limit is 1 MiB`;
    return;
  }
  const reply = await act({ type: "load_csv", text: await file.text() });
  $("data-message").textContent = reply.type === "error" ? `${file.name}: ${describe(reply)}`
    : `${file.name}: ${reply.count} points, ${reply.inputs} inputs`;
  $("data-message").classList.toggle("ok", reply.type !== "error");
}

$("play").addEventListener("click", togglePlay);
$("step").addEventListener("click", stepOnce);
$("reset").addEventListener("click", () => act({ type: "reset" }));
$("speed").addEventListener("change", (e) => {
  const v = e.target.value;
  act({ type: "speed", steps_per_second: v === "max" ? "max" : Number(v) });
});
$("regenerate").addEventListener("click", () => act({ type: "regenerate_data" }));
$("draw-toggle").addEventListener("click", toggleDraw);
$("clear-points").addEventListener("click", () => act({ type: "clear_points" }));
$("csv-input").addEventListener("change", (e) => {
  const file = e.target.files[0];
  e.target.value = "";
  if (file) loadCsv(file);
});
for (const zone of [$("data-panel"), $("output-plot")]) {
  zone.addEventListener("dragover", (e) => e.preventDefault());
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) loadCsv(file);
  });
}
$("layer-add").addEventListener("click", () => {
  const layers = [...state.config.hidden_layers, 2];
  setConfig({ hidden_layers: layers });
});
$("layer-remove").addEventListener("click", () => {
  setConfig({ hidden_layers: state.config.hidden_layers.slice(0, -1) });
});
$("show-test").addEventListener("change", (e) => {
  boundary.showTest = e.target.checked;
  boundary.drawPoints();
});
$("discretize").addEventListener("change", (e) => {
  boundary.discrete = e.target.checked;
  boundary.paintOutput();
  boundary.drawLegend();
});
$("chart-metric").addEventListener("change", (e) => {
  chart.metric = e.target.value;
  chart.draw();
});
$("log-scale").addEventListener("change", (e) => {
  chart.log = e.target.checked;
  chart.draw();
});
$("export-output").addEventListener("click", async () => download(await boundary.png(),
  `nnplay-output-step${state.frame?.header.step ?? 0}.png`));
$("export-chart").addEventListener("click", async () => download(await chart.png(),
  `nnplay-loss-step${state.frame?.header.step ?? 0}.png`));
$("copy-link").addEventListener("click", async () => {
  writeHash();
  try {
    await navigator.clipboard.writeText(location.href);
    toast("link copied: it reproduces this configuration", "info", 2500);
  } catch {
    toast(`copy this link: ${location.href}`, "info", 10000);
  }
});
$("download-state").addEventListener("click", async () => {
  const reply = await act({ type: "export" });
  if (reply.type === "state") {
    download(new Blob([JSON.stringify(reply.state)], { type: "application/json" }),
      `nnplay-run-step${reply.state.trainer.progress.step}.json`);
  }
});
$("state-input").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  e.target.value = "";
  if (!file) return;
  let parsed;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    toast(`${file.name} is not JSON: download a run from nnplay and load that`);
    return;
  }
  const reply = await act({ type: "import", state: parsed });
  if (reply.type === "applied") {
    chart.reset(Array.isArray(parsed.history) ? parsed.history : []);
    toast(`loaded ${file.name}: step ${reply.step}`, "info", 3000);
  }
});
$("preset").addEventListener("change", async (e) => {
  const name = e.target.value;
  e.target.value = "";
  if (name) await loadPreset(name);
});
$("lesson-close").addEventListener("click", () => { $("lesson-card").hidden = true; });
let code = "";
$("code-refresh").addEventListener("click", async () => {
  const reply = await act({ type: "export_code" });
  if (reply.type !== "code") return;
  code = reply.code;
  $("code-text").textContent = code;
  $("code-note").textContent = reply.exact
    ? `${reply.steps} steps: run it and its weights equal the session's`
    : `Note: ${reply.note}`;
});
$("code-copy").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(code);
    toast("code copied", "info", 2000);
  } catch {
    toast("select the code and copy it by hand", "info", 4000);
  }
});
$("code-download").addEventListener("click", () => {
  if (code) download(new Blob([code], { type: "text/x-python" }),
    `nnplay_${state.config.dataset}_step${state.frame?.header.step ?? 0}.py`);
});
$("copy-lesson").addEventListener("click", async () => {
  const hide = [...document.querySelectorAll("#lesson-hide input:checked")].map((i) => i.value);
  const extra = { hide: hide.join(","), present: $("lesson-present").checked ? "1" : "" };
  const url = `${location.origin}${location.pathname}${encodeHash(state.config, schema.fields, extra)}`;
  try {
    await navigator.clipboard.writeText(url);
    toast("lesson link copied", "info", 2500);
  } catch {
    toast(`lesson link: ${url}`, "info", 12000);
  }
});
$("present-button").addEventListener("click", togglePresent);
$("help-button").addEventListener("click", () => $("shortcuts").showModal());

document.addEventListener("keydown", (e) => {
  const target = /** @type {HTMLElement} */ (e.target);
  if (target.matches("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  if (document.querySelector("dialog[open]")) return; // the dialog handles its own keys
  const walking = openTab === "explain" && explainer.active;
  const keys = {
    " ": togglePlay, ArrowRight: walking ? () => explainer.go(explainer.at + 1) : stepOnce,
    ArrowLeft: walking ? () => explainer.go(explainer.at - 1) : null,
    r: () => act({ type: "reset" }), d: toggleDraw, e: explainSelected,
    t: toggleTest, p: togglePresent, "?": () => $("shortcuts").showModal(),
    Escape: openTab ? () => showTab(openTab) : null,
  };
  const handler = keys[e.key];
  if (handler) {
    e.preventDefault();
    handler();
  }
});

// -- start -----------------------------------------------------------------------------------
window.addEventListener("hashchange", () => applyHash());
socket.connect();
requestAnimationFrame(loop);
/** For tests and the browser benchmark. */
window["nnplay"] = { stats, state, socket, act, chart, explainer, showTab };
