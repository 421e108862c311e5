// @ts-check
/**
 * Wires the page together, and does nothing else: it creates the store and the modules, and
 * connects the socket's messages to the store, the store's changes to the views, and the
 * page's controls to commands and views. Each job is done in a module of its own:
 *
 *   store.js        the page's state            messages.js   server messages → store
 *   commands.js     commands and their replies  frame-loop.js frames → views, one per rAF
 *   link.js         the URL hash                readouts.js   counters, metrics, status
 *   files.js        uploads and downloads       keyboard.js   the shortcuts
 *   drawer.js       the bottom tabs             draw-tools.js drawing points
 *   share.js        links, presets, lessons     code-panel.js the NumPy script
 *   format.js       every number as text        test-api.js   window.nnplayTest
 *   limits.js       buttons disabled at limits  toasts.js     toasts, refusals by controls
 *   runs.js         recent (saved) runs       classroom.js  the teacher's class (Class tab)
 *   class-link.js   the teacher's connection to the class
 *   class-view.js   the class view: every student's run, and the room's commands
 *   student.js      a student's page: joining a class, following, trying it yourself
 *   compare-view.js pinned runs compared side by side (the Compare view)
 *   timeline.js     the run's timeline under the chart: view an earlier step, branch
 *   sweep-view.js   sweeps: many runs of this one's settings, varied (the Sweep tab)
 *   and the views: network-view.js, boundary.js, charts.js, tables.js, inspector.js,
 *   controls.js, tasks.js (output + loss), speed.js, explain.js, teach.js.
 */

import { Boundary } from "./boundary.js";
import { Chart } from "./charts.js";
import { ClassLink } from "./class-link.js";
import { ClassView } from "./class-view.js";
import { ClassPanel } from "./classroom.js";
import { CodePanel } from "./code-panel.js";
import { CompareView, Pins } from "./compare-view.js";
import { Commands } from "./commands.js";
import { Controls } from "./controls.js";
import { DrawTools } from "./draw-tools.js";
import { installDownloads } from "./downloads.js";
import { Drawer } from "./drawer.js";
import { Explainer } from "./explain.js";
import { Files, onFileChosen } from "./files.js";
import { FrameLoop } from "./frame-loop.js";
import { installImageViews } from "./image-views.js";
import { Inspector } from "./inspector.js";
import { bindKeys } from "./keyboard.js";
import { Limits } from "./limits.js";
import { Link } from "./link.js";
import { Messages } from "./messages.js";
import { NetworkView } from "./network-view.js";
import { Readouts } from "./readouts.js";
import { RecentRuns } from "./runs.js";
import { Share } from "./share.js";
import { Connection } from "./socket.js";
import { SpeedControl } from "./speed.js";
import { Store } from "./store.js";
import { Tables } from "./tables.js";
import { TaskControl } from "./tasks.js";
import { StudentPage } from "./student.js";
import { SweepView } from "./sweep-view.js";
import { ActivationPlots, Diagnostics, NeuronToy } from "./teach.js";
import { testInterface } from "./test-api.js";
import { TimelineBar } from "./timeline.js";
import { Toasts } from "./toasts.js";
import { LANGUAGES, isLanguage, language, onLanguage, setLanguage, startLanguage, t } from "./i18n.js";

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);
/** @param {string} id @param {string} event @param {(e: any) => any} handler */
const on = (id, event, handler) => $(id).addEventListener(event, handler);

await startLanguage().catch((e) => console.error("nnplay: the language did not load;", e));  // before any module writes text
const schema = JSON.parse($("schema").textContent);
const student = document.body.dataset.mode === "student";  // /join: a student's page
const store = new Store(schema);
const toasts = new Toasts($("toasts"));
const link = new Link(store);

// -- the socket: its messages go to the store (frames to the frame loop) ----------------------
const socket = new Connection(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`, {
  onHello: (hello) => messages.hello(hello),
  onNetwork: (message) => messages.network(message),
  onData: (message) => messages.data(message),
  onFrame: (frame) => frames.receive(frame),
  onEvent: (message) => messages.event(message),
  onStatus: (status, detail) => readouts.status(status, detail),
}, { role: student ? "student" : "session" });
const commands = new Commands(store, socket, link, toasts);
const readouts = new Readouts(document);
const messages = new Messages(store, commands, link, toasts, readouts);

// -- the views --------------------------------------------------------------------------------
/** @param {Record<string, any>} changes @param {Element} [origin] */
const setConfig = (changes, origin) =>
  timeline.takes(changes, origin) || commands.setConfig(changes, origin);  // viewing: a branch's
const controls = new Controls(document, store, { onSet: setConfig });
const tasks = new TaskControl({ select: $("task"), note: $("task-note") }, store, { onSet: setConfig });
const speed = new SpeedControl({ range: $("speed-range"), value: $("speed-value"), max: $("speed-max") },
  { onSpeed: (value, origin) => commands.setSpeed(value, origin) });
const limits = new Limits(document, store);
/**
 * What a control does to the session, unless the page may not change it now (a student
 * following the teacher): then it says why.
 * @template {any[]} A @param {(...args: A) => any} action @returns {(...args: A) => any}
 */
const mine = (action) => (...args) =>
  limits.locked ? toasts.show(limits.locked, "info", 3000) : action(...args);
const network = new NetworkView({ container: $("network"), gallery: $("weight-gallery") }, {
  onEditWeight: mine((layer, source, target, value) =>
    commands.act({ type: "set_weight", layer, source, target, value })),
  onEditBias: mine((layer, neuron, value) => commands.act({ type: "set_bias", layer, neuron, value })),
  onSelectNeuron: (layer, index) => {
    inspector.show(layer, index);
    if (store.frame) inspector.update(store.frame);
  },
  onHoverTile: (canvas, name) => boundary.showTile(canvas, name),
  onChangeLayers: mine((layers) => setConfig({ hidden_layers: layers })),
  onFocusNeuron: (layer, index) => explainer.focusNeuron(layer, index),
});
/**
 * The elements of an output plot (templates/index.html's `plots` macro), as Boundary takes them.
 * @param {string} [p]  their ids' prefix: "" for the page's own
 */
const plotElements = (p = "") => ({
  plot: $(`${p}output-plot`), output: $(`${p}output-canvas`), points: $(`${p}points-canvas`),
  label: $(`${p}hover-label`), legend: $(`${p}legend`), plots: $(`${p}plots`),
  caption: $(`${p}plot-caption`), compareFigure: $(`${p}compare-figure`),
  compareCaption: $(`${p}compare-caption`), compareOutput: $(`${p}compare-canvas`),
  comparePoints: $(`${p}compare-points`),
});
const boundary = new Boundary(plotElements(), {
  onAdd: mine((x, label) => commands.act({ type: "add_point", x, label })),
  onRemove: mine((x, radius) => commands.act({ type: "remove_point", x, radius })),
  onSelect: mine((index) => commands.toggleSample(index)),
});
const chart = new Chart({ canvas: $("chart"), legend: $("chart-legend"), readout: $("chart-readout"),
  metric: $("chart-metric"), log: $("log-scale"), title: $("chart-title") });
const tables = new Tables($("confusion"), $("predictions"));
const inspector = new Inspector({
  panel: $("inspector"), title: $("inspector-title"), body: $("inspector-body"),
  close: $("inspector-close"), network: $("network"),
}, {
  onOpen: () => drawer.show("inspector"),
  onClose: () => { if (store.openTab === "inspector") drawer.close(); },
  onRelease: () => network.clearSelection(),
});
const drawTools = new DrawTools({ toggle: $("draw-toggle"), tools: $("draw-tools"),
  classes: $("draw-classes"), plot: $("output-plot") }, boundary);

// the drawer: settings, the teaching panels and the inspector
const explainer = new Explainer($("explain"), {
  explain: (index) => commands.act({ type: "explain", index }),
  apply: () => commands.act({ type: "explain_apply" }, $("explain").querySelector(".explain-apply")),
  focus: (focus) => network.setFocus(focus),
  pickPoint: () => store.pointToExplain(),
  networkKey: () => JSON.stringify([store.net?.sizes, store.net?.config]),
  // a teacher's page: the class's followers show the stage this page shows
  walked: (stage) => {
    if (store.classroom && !store.room) commands.act({ type: "explain_stage", stage }, null, true);
  },
}, schema);
// a follower's page: the teacher's step-through, shown as the teacher walks it (messages.js)
store.on("teacherExplanation", (e) => {
  if (store.room?.mode !== "follow") return;
  if (store.openTab !== "explain") drawer.show("explain");
  explainer.show(e);
});
store.on("teacherStage", (stage) => {
  if (store.room?.mode === "follow") explainer.go(stage);
});
new NeuronToy($("neuron-panel"));
const activationPlots = new ActivationPlots($("activation-plots"));
const diagnostics = new Diagnostics({ grad: $("diag-grad"), gradLegend: $("diag-grad-legend"),
  dead: $("diag-dead"), hist: $("diag-hist") });
const files = new Files(store, commands, toasts, { chart, boundary, readouts });
const share = new Share({
  copyLink: $("copy-link"), copyLesson: $("copy-lesson"), hide: $("lesson-hide"),
  present: $("lesson-present"), preset: $("preset"), card: $("lesson-card"),
  cardTitle: $("lesson-title"), cardText: $("lesson-text"), cardClose: $("lesson-close"),
}, commands, link, toasts);
const code = new CodePanel({ text: $("code-text"), note: $("code-note"), refresh: $("code-refresh"),
  copy: $("code-copy"), download: $("code-download") }, store, commands, files, toasts);
const runs = new RecentRuns({ list: $("runs-list"), note: $("runs-note") }, store, toasts);
// pinned runs compared side by side (a teacher's page: the compare view is not a student's)
const compareView = student ? null : new CompareView({
  view: $("compare-view"), count: $("cmp-count"), pinThis: $("cmp-pin-this"),
  metric: $("cmp-metric"), target: $("cmp-target"), refresh: $("cmp-refresh"), png: $("cmp-png"),
  csv: $("cmp-csv"), close: $("cmp-close"), note: $("cmp-note"), chart: $("cmp-chart"),
  chartTitle: $("cmp-chart-title"), legend: $("cmp-legend"), plots: $("cmp-plots"),
  table: $("cmp-table"), reachedHead: $("cmp-reached-head"),
  open: [$("compare-button"), $("runs-compare")], behind: $("playground"),
}, store, new Pins(), { download: (blob, name) => files.download(blob, name), toasts });
if (compareView) runs.usePins(compareView.pins);
const drawer = new Drawer(document, store, { explainer, activationPlots, diagnostics,
  shapes: $("shapes-panel"), inspector, code });
// sweeps: many runs of this one's settings, varied (the Sweep tab; not a student's page)
// Its full view and the compare view take the same place: either one opening closes the other.
const sweepView = student ? null : new SweepView({ field1: $("sweep-field1"), values1: $("sweep-values1"),
  field2: $("sweep-field2"), values2: $("sweep-values2"), epochs: $("sweep-epochs"),
  start: $("sweep-start"), cancel: $("sweep-cancel"), progress: $("sweep-progress"),
  message: $("sweep-message"), results: $("sweep-results"), metric: $("sweep-metric"),
  csv: $("sweep-csv"), png: $("sweep-png"), curves: $("sweep-curves"), legend: $("sweep-legend"),
  multiples: $("sweep-multiples"), table: $("sweep-table"), suggested: $("sweep-suggested"),
  expand: $("sweep-expand"), view: $("sweep-view"), viewBody: $("sweep-view-body"),
  viewProgress: $("sweep-view-progress"), viewCancel: $("sweep-view-cancel"),
  viewClose: $("sweep-view-close"), viewMessage: $("sweep-view-message"),
  behind: $("playground") }, store, { runs,
  download: (blob, name) => files.download(blob, name), openTab: (name) => drawer.show(name),
  closeCompare: () => { if (compareView?.isOpen) compareView.toggle(false); } });
for (const button of [$("compare-button"), $("runs-compare")]) {  // before the compare view's own
  button?.addEventListener("click", () => sweepView?.toggle(false, false), { capture: true });
}
// the run's timeline under the chart: view an earlier step, branch from it (timeline.js)
const timeline = new TimelineBar({ bar: $("timeline"), range: $("timeline-range"),
  ticks: $("timeline-ticks"), status: $("timeline-status"), live: $("timeline-live"),
  branch: $("timeline-branch") }, store, { commands, chart, toasts,
  remember: (token) => runs.remember(token), locked: () => limits.locked });
const frames = new FrameLoop(store, { readouts, network, boundary, tables, inspector,
  diagnostics, chart });
if (!student) new ClassPanel({ tab: document.querySelector('[data-tab="class"]'),
  start: $("class-start"), open: $("class-open"), reach: $("class-reach"), error: $("class-error"),
  live: $("class-live"), qr: $("class-qr"), qrMissing: $("class-qr-missing"), url: $("class-url"),
  code: $("class-code"), count: $("class-count"), close: $("class-close") }, store, drawer);
// the class view, and the teacher's connection it speaks through (a teacher's page only)
const classView = student ? null : new ClassView({
  view: $("class-view"), title: $("cv-title"), count: $("cv-count"), sort: $("cv-sort"),
  pushWhat: $("cv-push-what"), push: $("cv-push"), preset: $("cv-preset"),
  pushPreset: $("cv-push-preset"), lock: $("cv-lock"), lockKeys: $("cv-lock-keys"),
  lockApply: $("cv-lock-apply"), unlock: $("cv-unlock"), locked: $("cv-locked"),
  showNames: $("cv-show-names"), close: $("cv-close"), legend: $("cv-legend"), grid: $("cv-grid"),
  empty: $("cv-empty"), result: $("cv-result"), confirm: $("cv-confirm"),
  confirmText: $("cv-confirm-text"), spot: $("cv-spotlight"), spotName: $("cv-spot-name"),
  spotStats: $("cv-spot-stats"), spotEnd: $("cv-spot-end"), spotPlots: plotElements("cv-spot-"),
}, store, { send: (command) => classLink?.send(command) });
const classLink = classView && new ClassLink(store, new Toasts($("cv-toasts")), classView);
if (classView) {
  on("class-show", "click", () => classView.toggle(true));
  // the Class tab says when a student's run is shown to the class (with the class view
  // closed too), and ends it
  const spotEnd = $("class-spot-end");
  const showSpot = (/** @type {any} */ spot) => {
    spotEnd.hidden = !spot;
    spotEnd.title = spot ? t("page:class.spot_end_tip", { name: spot.name }) : "";
  };
  store.on("spotlight", showSpot);
  onLanguage(() => showSpot(store.spotlight));
  on("class-spot-end", "click", () => classView.spotlight(null));
}
const studentPage = student ? new StudentPage({ banner: $("room-banner"), text: $("room-text"),
  who: $("room-who"), fork: $("room-fork"), follow: $("room-follow"), dialog: $("join"),
  form: $("join-form"), code: $("join-code"), name: $("join-name"), codeError: $("join-code-error"),
  nameError: $("join-name-error"), showName: $("join-show-name"), submit: $("join-submit") }, store,
{ socket, commands, limits, toasts }) : null;
installImageViews(document, store, commands);  // image data: static/js/image-views.js
installDownloads(document, store, commands, toasts);  // datasets to fetch: downloads.js

// -- the store's changes, to the views ----------------------------------------------------------
store.on("hello", (hello) => {
  chart.reset(hello.history);
  if (hello.resume_token) runs.remember(hello.resume_token);
});
store.on("openTab", (tab) => { if (tab === "lesson") runs.refresh(); });
store.on("saved", (saved) => {
  readouts.saved(saved);
  if (store.openTab === "lesson") runs.refresh();
});
// #frames=lean|full|auto: what frames carry (lean: this page computes the maps, frame-loop.js)
store.on("hello", () => { if (store.extra.frames) commands.act({ type: "frames", mode: store.extra.frames }); });
store.on("speed", (value) => speed.show(value));  // the session's real pace, "max" included
store.on("taskNote", (text) => tasks.say(text));
store.on("dataChanging", (waiting) => tasks.setWaiting(waiting));
store.on("config", (config) => {
  controls.setConfig(config);
  tasks.setConfig(config);
  limits.update();
  drawer.refresh();
});
store.on("session", (session) => readouts.session(session));
store.on("selected", (index) => boundary.setSelected(index));
store.on("net", (net) => {
  readouts.network(net);
  controls.setPlane(net.plane, net);
  boundary.setPlane(net.plane);
  network.setNetwork(net);
  inspector.setNetwork(net);
  limits.update();
  drawer.networkChanged();
});
store.on("data", (data) => {
  tasks.setKind(data.header.kind);
  boundary.setData(data);
  tables.setData(data, data.header.input_names.map((/** @type {string} */ n) => store.inputLabel(n)));
  drawTools.setData(data);
  readouts.data(data);
});
store.on("density", (d) => { $("density").value = `${d.neuron},${d.output}`; });
store.on("extra", () => link.showLessonOptions());
store.on("lesson", (name) => share.showLesson(name));

// -- the language: the picker in the top bar (and the l key) ------------------------------------
const picker = /** @type {HTMLSelectElement} */ ($("language"));
/** Switch the page's language live (the run goes on), and say so in the link. @param {string} lang */
function switchLanguage(lang) {
  setLanguage(lang).catch((e) => {
    picker.value = language();
    toasts.show(String(e.message ?? e));
  });
}
picker.value = language();
picker.addEventListener("change", () => switchLanguage(picker.value));
onLanguage((lang) => {
  picker.value = lang;
  if (store.ready) link.write();  // before that, the link is written once the session is set up
});

// -- the controls, to commands and views ---------------------------------------------------------
on("play", "click", () => commands.togglePlay());
on("step", "click", () => commands.step());
on("reset", "click", () => commands.reset());
on("density", "change", (e) => {
  const [neuron, output] = e.target.value.split(",").map(Number);
  commands.setDensity(neuron, output, e.target);
});
on("regenerate", "click", () => commands.act({ type: "regenerate_data" }));
on("clear-points", "click", () => commands.act({ type: "clear_points" }));
onFileChosen($("csv-input"), (file) => files.loadCsv(file));
for (const zone of [$("data-panel"), $("output-plot")]) files.acceptDrops(zone);
on("layer-add", "click", () => commands.addLayer());
on("layer-remove", "click", () => commands.removeLayer());
on("show-test", "change", (e) => boundary.setShowTest(e.target.checked));
on("discretize", "change", (e) => boundary.setDiscrete(e.target.checked));
on("export-output", "click", () => files.outputPng());
on("export-chart", "click", () => files.chartPng());
on("download-state", "click", () => files.downloadRun());
onFileChosen($("state-input"), (file) => files.loadRun(file));
on("present-button", "click", () => link.togglePresent());
on("help-button", "click", () => $("shortcuts").showModal());
bindKeys(document, store, explainer, {
  playPause: mine(() => commands.togglePlay()),
  step: mine(() => commands.step()),
  reset: mine(() => commands.reset()),
  toggleMax: mine(() => speed.toggleMax()),
  toggleDraw: mine(() => drawTools.toggle()),
  explain: mine(() => drawer.explain()),
  toggleTest: () => $("show-test").click(),
  togglePresent: () => link.togglePresent(),
  nextLanguage: () => {
    const langs = Object.keys(LANGUAGES);
    switchLanguage(langs[(langs.indexOf(language()) + 1) % langs.length]);
  },
  showShortcuts: () => $("shortcuts").showModal(),
  closeTab: () => drawer.close(),
  toggleClass: classView && (() => classView.toggle()),
  tryYourself: studentPage && (() => studentPage.tryYourself()),
  followTeacher: studentPage && (() => studentPage.followTeacher()),
  timelineBack: () => timeline.back(),
  timelineForward: () => timeline.forward(),
});
window.addEventListener("hashchange", () => {
  // a link edited to another language (#lang=ru) switches the page; its settings apply as ever
  const asked = new URLSearchParams(location.hash.replace(/^#/, "")).get("lang");
  if (isLanguage(asked) && asked !== language()) switchLanguage(asked);
  commands.followLink();
});

// -- start ---------------------------------------------------------------------------------------
link.read();  // the link's lesson options (presentation mode) from the first paint on
window["nnplayTest"] = testInterface({ store, commands, socket, chart, classView, compareView });
if (studentPage) studentPage.start();  // into the class, or the form that joins one
else socket.connect();
frames.start();
