// static/css/app.css
var app_default = `/* nnplay: laid out for a projector.

   The viewport is the budget: the body is exactly the viewport's height and never scrolls;
   the toolbar takes what it needs and the playground grid shares the rest. Inside it every
   panel may shrink to nothing (min-height: 0), and the drawings take whatever is left: the
   output plot is a square as large as its box allows (container units), the chart a share of
   the output column, the network the rest of its panel. Type follows the smaller of the
   viewport's width and height, so a wide but short screen does not overflow; presentation
   mode uses the same budget for larger type and larger drawings. Numbers use tabular figures
   so that nothing moves while training. */

:root {
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  --mono: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  --base: clamp(12px, min(0.95vw, 1.75vh) + 2px, 22px);
  --tile: clamp(22px, min(2.6vw, 4.6vh), 48px);
  --drawer: 34vh;           /* the open drawer panel's height */
  --chart: 36%;             /* the chart's share of the output column */
  --ink: #1a1a1a;
  --muted: #555;
  --line: #c9c9c9;
  --panel: #ffffff;
  --page: #eef0f2;
  --accent: #0868ac;
  --warn: #b34700;
  --negative: #e66101;
  --positive: #0868ac;
}
body.present {
  --base: clamp(14px, min(1.15vw, 2.1vh) + 3px, 36px);
  --chart: 35%;
}
/* presenting, the controls grow less than the drawings and the numbers */
body.present #toolbar { gap: 0.7em; font-size: 0.9em; }
body.present .network-head, body.present .chart-head { font-size: 0.82em; }
body.present .top-controls { gap: 0.6em; }
body.present .speed-row input[type="range"] { width: 4.5em; }
body.drawer-open { --tile: clamp(16px, min(2.2vw, 3.3vh), 44px); }

* { box-sizing: border-box; }
[hidden] { display: none !important; }
html, body { margin: 0; height: 100%; overflow: hidden; }
body {
  font: var(--base) / 1.3 var(--font);
  color: var(--ink);
  background: var(--page);
  display: grid;
  grid-template-rows: auto minmax(0, 1fr);
  height: 100vh;
}
button, select, input { font: inherit; color: inherit; }
button {
  border: 1px solid var(--line);
  background: #fafafa;
  border-radius: 6px;
  padding: 0.15em 0.6em;
  cursor: pointer;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: 0.35; cursor: not-allowed; }
button:focus-visible, select:focus-visible, input:focus-visible {
  outline: 3px solid #f0a000;
  outline-offset: 1px;
}
button[aria-pressed="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
select { border: 1px solid var(--line); border-radius: 6px; background: #fff; padding: 0.1em 0.3em; max-width: 100%; }
h2 {
  font-size: 0.95em;
  letter-spacing: 0.05em;
  text-transform: uppercase;
  margin: 0 0 0.3em;
  color: #333;
  white-space: nowrap;
}
.label { color: var(--muted); font-size: 0.85em; }
.subhead { color: var(--muted); font-size: 0.8em; margin-bottom: 0.3em; }
.count, .metric, #sps, #fps, output { font-variant-numeric: tabular-nums; }
.rebuild { color: var(--warn); font-weight: bold; margin-left: 0.25em; cursor: help; }

/* -- toolbar ------------------------------------------------------------------------------ */
#toolbar {
  display: flex;
  align-items: center;
  gap: 0.9em;
  padding: 0.3em 0.7em;
  background: #fff;
  border-bottom: 1px solid var(--line);
  flex-wrap: nowrap;
  min-width: 0;
}
.brand { display: flex; flex-direction: column; line-height: 1.1; }
.brand strong { font-size: 1.35em; }
.tagline { font-size: 0.7em; color: var(--muted); }
.transport { display: flex; gap: 0.4em; align-items: center; flex: none; }
.round {
  width: 2.3em; height: 2.3em; border-radius: 50%;
  padding: 0; display: inline-grid; place-items: center; font-size: 1em; flex: none;
}
.round.big { width: 2.9em; height: 2.9em; font-size: 1.2em; background: var(--accent); color: #fff; }
.icon { width: 55%; height: 55%; display: block; }
#play .pause-icon, #play.running .play-icon { display: none; }
#play.running .pause-icon { display: block; }
.round.small { width: 1.7em; height: 1.7em; font-size: 0.95em; }
.counters {
  display: grid; grid-template-columns: auto auto; column-gap: 0.4em; align-items: baseline;
  line-height: 1.15; flex: none;
}
.count { font-size: 1.5em; font-weight: 600; min-width: 4.3em; }
.count.small { font-size: 0.9em; font-weight: 400; min-width: 0; }
.top-controls { display: flex; gap: 0.8em; align-items: flex-end; min-width: 0; }
.top-controls .control { flex-direction: column; align-items: flex-start; gap: 0.1em; margin: 0; flex-wrap: nowrap; }
.top-controls .label { white-space: nowrap; }
/* a language's longer names ("Скорость обучения") take a second line over their control
   rather than push the status and the menu off the bar */
.top-controls .control:not(.speed) { max-width: 7em; }
.top-controls .control:not(.speed) .label { white-space: normal; }
/* and when the status says more (frames waiting), the controls narrow, the slider first */
.top-controls .control { min-width: min-content; }
.top-controls .speed { min-width: 0; }
.top-controls .speed .label { white-space: normal; }  /* the pace under its name */
.speed-row { max-width: 100%; }
.speed-row input[type="range"] { min-width: 2.5em; flex: 0 1 auto; }
.speed-row { display: inline-flex; align-items: center; gap: 0.3em; }
.speed-row input[type="range"] { width: 5.5em; }
#speed-value { color: var(--ink); white-space: nowrap; }  /* beside its label: the row under it keeps still */
#speed-max { padding: 0.05em 0.45em; white-space: nowrap; }
.speed-row input.at-max { opacity: 0.4; }
.status-area { margin-left: auto; text-align: right; line-height: 1.2; flex: none; }
.status { display: inline-flex; align-items: center; gap: 0.35em; white-space: nowrap; }
#status-text { white-space: nowrap; }
.status .dot { width: 0.7em; height: 0.7em; border-radius: 50%; background: #999; }
.status[data-state="connected"] .dot { background: #1a9850; }
.status[data-state="reconnecting"] .dot, .status[data-state="connecting"] .dot { background: #f0a000; }
.status[data-state="refused"] .dot, .status[data-state="closed"] .dot,
.status[data-state="replaced"] .dot { background: #b30000; }
.rates, .frame-limited { font-size: 0.8em; color: var(--muted); white-space: nowrap; }
.frame-limited { color: var(--warn); }
body.present .frame-limited { white-space: normal; max-width: 9em; margin-left: auto; line-height: 1.1; }
.menu { display: flex; gap: 0.4em; flex: none; align-items: center; }
.menu button { white-space: nowrap; }
/* the language picker: each language by its own name, small beside the menu's buttons */
.menu select.language { font-size: 0.8em; padding: 0.15em 0.1em; }
body.present .menu select.language { display: none; }  /* the audience's page: l still switches */

/* -- the playground: four columns, the drawer under the first three ------------------------ */
#playground {
  display: grid;
  grid-template-columns: minmax(10.5em, 16%) auto minmax(0, 1fr) minmax(16em, 30%);
  grid-template-rows: minmax(0, 1fr) auto;
  grid-template-areas:
    "data features network output"
    "data drawer drawer output";
  gap: 0.5em;
  padding: 0.5em;
  min-height: 0;
  min-width: 0;
}
/* presenting, the network and the output get the width: the data and the feature tiles (the
   network's own input tiles show the same maps, larger) keep what they need */
body.present #playground { grid-template-columns: minmax(8.5em, 12.5%) auto minmax(0, 1fr) minmax(15em, 32%); }
body.present .feature { font-size: 0.72em; }
body.present #features-panel h2 { font-size: 0.78em; letter-spacing: 0.03em; }
body.present .plots { --legend-w: 3.4em; }
.panel {
  background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
  padding: 0.5em 0.65em; min-width: 0; min-height: 0;
}
#data-panel { grid-area: data; overflow: auto; }
#features-panel { grid-area: features; overflow: auto; }
#network-panel { grid-area: network; position: relative; display: flex; flex-direction: column; overflow: hidden; }
#output-panel { grid-area: output; display: flex; flex-direction: column; overflow: hidden; }
#drawer { grid-area: drawer; min-width: 0; min-height: 0; display: flex; flex-direction: column; }

.control { display: flex; align-items: center; gap: 0.4em; margin: 0.25em 0; flex-wrap: wrap; }
.settings-grid .control { justify-content: space-between; flex-wrap: nowrap; }
#data-panel .control { display: grid; grid-template-columns: minmax(0, 1fr); gap: 0; margin: 0.1em 0 0.3em; }
#data-panel .control .range { width: 100%; }
#data-panel .control .range input[type="range"] { flex: 1; width: auto; min-width: 0; }
.range { display: inline-flex; align-items: center; gap: 0.3em; }
.range input[type="range"] { width: 5.5em; }
.range output { min-width: 3.2em; text-align: right; }
input[type="number"] { width: 7em; }
.buttons { display: flex; gap: 0.4em; flex-wrap: wrap; margin-top: 0.3em; }
.file-button { border: 1px solid var(--line); border-radius: 6px; padding: 0.15em 0.6em; background: #fafafa; cursor: pointer; }
.file-button input { display: none; }
.message { min-height: 1.3em; font-size: 0.85em; color: var(--warn); }
.message.ok { color: #1a6d2f; }

.datasets { display: grid; grid-template-columns: repeat(auto-fill, minmax(clamp(40px, 5vh, 96px), 1fr)); gap: 0.25em; margin-bottom: 0.3em; }
.dataset { display: flex; flex-direction: column; align-items: center; padding: 0.1em; font-size: 0.62em; line-height: 1.05; min-width: 0; }
.dataset span { max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.dataset canvas { width: 100%; aspect-ratio: 1; border-radius: 3px; background: #fff; }
.dataset[aria-pressed="true"] { outline: 3px solid #1a1a1a; background: #fff; color: inherit; border-color: #1a1a1a; }
.dataset[hidden] { display: none; }

.draw-tools { display: flex; align-items: center; gap: 0.4em; margin-top: 0.4em; flex-wrap: wrap; }
.draw-classes { display: inline-flex; gap: 0.25em; flex-wrap: wrap; }
.draw-classes button { width: 1.8em; height: 1.8em; border-radius: 50%; padding: 0; border: 3px solid transparent; background: #fff; display: inline-grid; place-items: center; }
.draw-classes button svg { width: 1.2em; height: 1.2em; }
.draw-classes button[aria-pressed="true"] { border-color: #1a1a1a; }

.features { display: flex; flex-direction: column; gap: 0.3em; }
/* a feature not in use: its tile faded, its name still readable (#4d4d4d: 8:1 on white) */
.feature { display: flex; align-items: center; gap: 0.35em; padding: 0.12em; font-size: 0.85em; color: #4d4d4d; white-space: nowrap; }
.feature:not([aria-pressed="true"]) canvas { opacity: 0.4; }
.feature canvas { width: var(--tile); height: var(--tile); border-radius: 3px; flex: none; }
.feature[aria-pressed="true"] { opacity: 1; outline: 2px solid #1a1a1a; background: #fff; color: inherit; border-color: #1a1a1a; }
.feature[aria-pressed="true"]:disabled { opacity: 1; cursor: default; }
.feature[hidden] { display: none; }
.features[data-plane="false"] .feature { opacity: 0.3; outline: none; border-color: transparent; font-weight: normal; }

/* -- the network panel --------------------------------------------------------------------- */
.network-head { display: flex; align-items: center; justify-content: space-between; gap: 0.3em 0.8em; flex-wrap: wrap; }
.layers-head { display: flex; align-items: center; gap: 0.4em; }
.layers-head h2 { margin: 0; }
.task-control { margin: 0; flex-wrap: nowrap; min-width: 0; }
.task-control .label { white-space: nowrap; }
#task { min-width: 0; }
.note { font-size: 0.8em; line-height: 1.3; color: var(--accent); }
/* notes under the network take room only when they say something (they change with a
   rebuild, when the diagram is laid out anew anyway) */
#task-note:empty, #network-message:empty { display: none; }
.network { position: relative; flex: 1 1 0; min-height: 0; }
.network svg { position: absolute; inset: 0; width: 100%; height: 100%; overflow: visible; }
.network .link { fill: none; stroke-linecap: round; }
.network .link-hit { fill: none; stroke: transparent; stroke-width: 10px; cursor: pointer; }
.network canvas.tiles { position: absolute; inset: 0; width: 100%; height: 100%; pointer-events: none; }
.network .neuron {
  position: absolute; width: var(--tile); height: var(--tile);
  border: 1px solid #555; border-radius: 3px; cursor: pointer; background: transparent;
}
.network .neuron.plain { background: #fff; }
.network .neuron.selected { outline: 3px solid #f0a000; }
.network .neuron.dead { opacity: 0.55; }
.network .bias {
  position: absolute; bottom: -1px;
  border: 1px solid #555; border-radius: 2px; cursor: pointer; background: transparent;
}
/* the ± of each hidden layer: small enough that eight layers' buttons never meet */
.network { container-type: size; }
.network .layer-controls { position: absolute; display: flex; gap: 0.15em; transform: translateX(-50%); }
/* the network view leaves 34 px above the tiles for these */
.network .layer-controls .round.small { font-size: min(0.9em, 17px); }
.network .layer-label { position: absolute; transform: translateX(-50%); font-size: 0.75em; color: var(--muted); white-space: nowrap; }
/* five hidden layers or more: their buttons and labels shrink with the diagram's width */
.network:has(.layer-controls ~ .layer-controls ~ .layer-controls ~ .layer-controls ~ .layer-controls) .layer-controls { font-size: min(1em, 2.3cqw); }
.network:has(.layer-controls ~ .layer-controls ~ .layer-controls ~ .layer-controls ~ .layer-controls) .layer-label { font-size: min(0.75em, 1.5cqw); }
.tooltip {
  position: fixed; z-index: 20; pointer-events: none;
  background: #1a1a1a; color: #fff; padding: 0.25em 0.5em; border-radius: 4px;
  font: 0.85em var(--mono); white-space: pre;
}
.editor { position: fixed; z-index: 21; background: #fff; border: 2px solid var(--accent); border-radius: 6px; padding: 0.3em; }
.editor input { width: 7em; font-family: var(--mono); }
.network .neuron.focus { outline: 4px solid #f0a000; outline-offset: 2px; }
.lesson-card { position: relative; margin: 0.2em 0; background: #eef6fc; border: 2px solid var(--accent); border-radius: 8px; padding: 0.3em 2em 0.3em 0.7em; font-size: 0.8em; flex: none; }
.lesson-card button { position: absolute; right: 0.3em; top: 0.2em; border: none; background: none; font-size: 1.2em; }
.weight-gallery { display: grid; grid-template-columns: repeat(16, 1fr); gap: 3px; margin-top: 0.3em; flex: none; }
.weight-gallery canvas { width: 100%; aspect-ratio: 1; image-rendering: pixelated; border: 1px solid #999; }

/* -- the output column --------------------------------------------------------------------- */
.output-head { flex: none; }
.output-title { display: flex; align-items: baseline; justify-content: space-between; gap: 0.6em; }
.output-title h2 { margin: 0; }
.metrics { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.2em 0.8em; margin: 0.15em 0 0.2em; }
.metrics > div { display: flex; flex-direction: column; justify-content: flex-end; min-width: 0; }
/* a longer name ("Độ chính xác kiểm tra") takes two lines; the numbers stay in one row */
.metrics .label { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; line-height: 1.15; }
.metric { font-size: 1.25em; font-weight: 600; }
/* The plots take what the column leaves: each a square as large as the box allows, the
   legend a narrow column beside them. */
.plots {
  --legend-w: 4.2em;
  flex: 1 1 0; min-height: 4em; container-type: size;
  display: flex; justify-content: center; align-items: center; gap: 0.5em;
}
.plot-figure { margin: 0; display: flex; flex-direction: column; align-items: center; min-width: 0; }
.plot-caption { font-size: 0.8em; height: 1.3em; line-height: 1.3em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
.output-plot {
  position: relative; flex: none; border: 1px solid #555; cursor: default;
  width: min(100cqw - var(--legend-w) - 0.5em, 100cqh);
  height: min(100cqw - var(--legend-w) - 0.5em, 100cqh);
}
.plots.compare .output-plot {
  width: min((100cqw - var(--legend-w) - 1em) / 2, 100cqh - 1.05em);
  height: min((100cqw - var(--legend-w) - 1em) / 2, 100cqh - 1.05em);
}
/* two runs side by side are narrower: the chart that compares them gets the height */
#output-panel:has(.plots.compare) #chart-panel { flex-basis: 46%; }
/* data off the plane has no map: the box stays only to hold the confusion matrix */
.plots.no-plane:not(:has(#confusion:not([hidden]))) { display: none; }
.plots.no-plane .output-plot { border: none; }
#output-panel:has(.plots.no-plane) .predictions-box { max-height: none; flex: 1 1 0; }
.output-plot.drawing { cursor: crosshair; }
.output-plot canvas.fill { position: absolute; inset: 0; width: 100%; height: 100%; }
/* the output map is drawn at the grid's resolution and scaled up smoothly (bilinear) */
#output-canvas, #compare-canvas { image-rendering: auto; }
.hover-label { position: absolute; left: 0.3em; top: 0.2em; background: rgba(255,255,255,0.9); padding: 0 0.3em; font-size: 0.8em; border-radius: 3px; }
.legend {
  width: var(--legend-w); flex: none; display: flex; flex-direction: column; align-items: center;
  gap: 0.25em; font-size: 0.75em; text-align: center; line-height: 1.2;
}
.legend canvas { width: 1em; height: min(55cqh, 12em); border: 1px solid #888; }
.legend .end { display: flex; flex-direction: column; white-space: nowrap; }
.legend .value { color: var(--muted); font-variant-numeric: tabular-nums; }
.legend.classes { align-items: flex-start; padding-left: 0.6em; }
svg.marker { display: inline-block; vertical-align: middle; flex: none; overflow: visible; }
.legend .swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; border: 1px solid #555; vertical-align: middle; }
.toggles { display: flex; gap: 0.2em 0.7em; align-items: center; font-size: 0.8em; flex-wrap: wrap; justify-content: flex-end; }
.toggles label { white-space: nowrap; }
.toggles button { padding: 0 0.4em; }

#chart-panel { margin-top: 0.3em; flex: 0 0 var(--chart); display: flex; flex-direction: column; min-height: 0; }
.chart-head { display: flex; align-items: center; gap: 0.5em; flex: none; }
.chart-head h2 { margin: 0; }
.chart-head label { font-size: 0.85em; white-space: nowrap; }
.chart { width: 100%; flex: 1 1 0; min-height: 0; display: block; }
/* The legend names every line and reads out its value (the hovered step's, or the newest):
   it wraps, never clips, and its values have fixed widths so it does not move. */
.chart-legend {
  flex: none; display: flex; flex-wrap: wrap; align-items: center; gap: 0 0.9em;
  font-size: 0.75em; line-height: 1.35; min-height: 2.7em; align-content: flex-start;
}
.chart-legend .item { display: inline-flex; align-items: center; gap: 0.3em; white-space: nowrap; }
.chart-legend .group { display: inline-flex; align-items: center; gap: 0 0.9em; flex-wrap: wrap; }
.chart-legend .run { font-weight: 600; white-space: nowrap; }
.chart-legend .value { font: 1em var(--mono); min-width: 5.2em; }
.chart-legend canvas { width: 1.8em; height: 0.8em; }
.readout { font: 1em var(--mono); color: var(--muted); white-space: nowrap; min-width: 7.5em; }

.confusion-box { position: absolute; inset: 0; background: #fff; padding: 0.4em; overflow: auto; }
table.confusion { border-collapse: collapse; margin-top: 0.3em; font-variant-numeric: tabular-nums; width: 100%; }
table.confusion td, table.confusion th { border: 1px solid #ddd; text-align: center; padding: 0.1em; font-size: 0.85em; }
table.confusion th { color: var(--muted); font-weight: 500; }
.predictions-box { max-height: 9em; overflow: auto; margin-top: 0.3em; flex: 0 1 auto; min-height: 0; }
table.predictions { border-collapse: collapse; font: 0.85em var(--mono); width: 100%; }
table.predictions td, table.predictions th { padding: 0.05em 0.4em; text-align: right; border-bottom: 1px solid #eee; }
table.predictions th { font-family: var(--font); color: var(--muted); font-weight: 500; }
table.predictions td.prediction { font-weight: 700; }

/* -- messages: toasts over the network's lower right, refusals beside their control -------- */
.toasts {
  position: absolute; right: 0.6em; bottom: 2.2em; z-index: 30; pointer-events: none;
  display: flex; flex-direction: column; align-items: flex-end; gap: 0.3em;
  max-width: min(26em, calc(100% - 1.2em));
}
.toast {
  background: #fff4e5; border: 2px solid var(--warn); color: #5a2500; padding: 0.35em 0.6em;
  border-radius: 6px; box-shadow: 0 2px 10px rgba(0,0,0,0.15); font-size: 0.8em;
  overflow-wrap: anywhere;
}
.toast.info { background: #eef6fc; border-color: var(--accent); color: #06324f; }
.toast strong { font-family: var(--mono); }
.refusal {
  position: fixed; z-index: 40; max-width: 22em; pointer-events: none;
  background: #fff4e5; border: 1.5px solid var(--warn); color: #5a2500; border-radius: 5px;
  padding: 0.2em 0.5em; font-size: 0.78em; box-shadow: 0 2px 8px rgba(0,0,0,0.15);
}

dialog { border: 2px solid #333; border-radius: 10px; font-size: 1.1em; }
dialog td { padding: 0.2em 0.8em; }
kbd { font: 0.9em var(--mono); border: 1px solid #999; border-bottom-width: 2px; border-radius: 4px; padding: 0 0.3em; background: #f6f6f6; }

/* -- the drawer: settings and teaching panels ------------------------------------------------- */
.drawer-tabs { display: flex; gap: 0.25em; flex-wrap: wrap; flex: none; }
.drawer-tabs button { border-radius: 6px 6px 0 0; border-bottom: none; background: #fff; font-size: 0.85em; white-space: nowrap; padding-inline: 0.4em; }
.drawer-tabs button[aria-selected="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
.drawer-panel { background: #fff; border: 1px solid var(--line); border-radius: 0 8px 8px 8px; padding: 0.45em 0.7em; height: var(--drawer); overflow: auto; flex: none; }
/* panels whose content does not change take only what they need */
#settings-panel { height: auto; max-height: var(--drawer); }
#lesson-panel { height: var(--drawer); }  /* its list of runs grows and shrinks: the drawer does not */
body.present .drawer-tabs { gap: 0.15em; }
body.present .drawer-tabs button { font-size: 0.78em; padding: 0.15em 0.36em; }
.explain-head { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; position: sticky; top: -0.5em; background: #fff; padding: 0.2em 0; z-index: 1; }
.explain-counter { font-variant-numeric: tabular-nums; min-width: 4em; text-align: center; }
.explain-apply { margin-left: auto; background: var(--accent); color: #fff; }
.explain-apply:disabled, .explain-back:disabled, .explain-next:disabled { opacity: 0.4; }
.explain-body math { font-size: 1.25em; margin: 0.4em 0; }
.explain-body p { margin: 0.3em 0; max-width: 70em; }
math .valued { color: #0868ac; cursor: help; }
table.vectors { border-collapse: collapse; font: 0.85em var(--mono); margin: 0.3em 0.8em 0.3em 0; display: inline-table; vertical-align: top; }
table.vectors td, table.vectors th { padding: 0.05em 0.45em; border-bottom: 1px solid #eee; text-align: right; }
table.vectors th { font-family: var(--font); color: var(--muted); font-weight: 500; }
table.vectors td.hot { background: #fff2cc; font-weight: 700; }
.neuron-toy { display: flex; gap: 1.5em; align-items: flex-start; flex-wrap: wrap; }
.neuron-inputs { display: flex; flex-direction: column; gap: 0.3em; }
.toy-row { display: flex; gap: 0.6em; }
.toy-row input, .neuron-controls input { width: 5.5em; }
.neuron-controls { display: flex; flex-direction: column; gap: 0.4em; }
.toy-result { font: 1.2em var(--mono); line-height: 1.8; }
table.shapes { border-collapse: collapse; font: 0.9em var(--mono); }
table.shapes td, table.shapes th { padding: 0.15em 0.8em; border-bottom: 1px solid #eee; text-align: left; }
table.shapes .alt { color: var(--muted); }
.activation-plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(15em, 1fr)); gap: 0.8em; }
.activation-plots figure { margin: 0; }
.activation-plots canvas { width: 100%; max-width: 220px; border: 1px solid #ddd; }
.activation-plots p { font-size: 0.8em; margin: 0.2em 0; }
.diagnostics { display: grid; grid-template-columns: 1fr 1fr; gap: 0.8em; }
.diagnostics figure { margin: 0; min-width: 0; }
.diagnostics figure:last-child { grid-column: span 2; }
.diagnostics canvas { width: 100%; height: 8em; }
.legend.small { font-size: 0.75em; flex-direction: row; width: auto; justify-content: flex-start; flex-wrap: wrap; text-align: left; }
.hist-strips { display: flex; gap: 0.6em; flex-wrap: wrap; }
.hist-strips div { display: flex; flex-direction: column; }
.hist-strips canvas { width: 10em; height: 4em; image-rendering: pixelated; border: 1px solid #ccc; }
.code-head { display: flex; gap: 0.5em; align-items: center; flex-wrap: wrap; }
.code-text { font: 0.8em/1.35 var(--mono); background: #f7f7f7; padding: 0.6em; border-radius: 6px; white-space: pre; overflow: auto; }
.share { display: flex; gap: 0.5em; margin-top: 0.3em; flex-wrap: wrap; align-items: center; }
/* recent runs (runs.js): one line each, the newest first */
.runs h3 { margin: 0.8em 0 0.2em; text-transform: uppercase; letter-spacing: 0.04em; }
.runs-list { list-style: none; margin: 0; padding: 0; }
.runs-list .run { display: flex; gap: 0.6em; align-items: center; padding: 0.15em 0; flex-wrap: wrap; }
.runs-list .run[data-current="true"] .run-title { font-weight: 600; }
.runs-list .run-meta { color: var(--muted); font-size: 0.85em; margin-right: auto; }
.lesson-hide { display: grid; grid-template-columns: repeat(auto-fill, minmax(11em, 1fr)); font-size: 0.85em; margin: 0.3em 0; }
.settings-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(15em, 1fr)); column-gap: 1.4em; }
/* the neuron inspector opens in the drawer: it covers neither the data nor the network */
.inspector-head { display: flex; gap: 1em; align-items: center; }
.inspector-head h2 { margin: 0; }
.inspector-head button { margin-left: auto; }
.inspector table { border-collapse: collapse; font: 0.85em var(--mono); }
.inspector td, .inspector th { padding: 0.05em 0.6em; text-align: right; border-bottom: 1px solid #eee; }
.inspector th { text-align: left; font-family: var(--font); color: var(--muted); font-weight: 500; }
.inspector p { margin: 0.3em 0; }
#inspector-body { columns: 2 22em; column-gap: 2em; }
#inspector-body table, #inspector-body p { break-inside: avoid; }

/* -- presentation mode and lessons ----------------------------------------------------------- */
body.present .advanced, body.present .tagline, body.present .rates,
body.present .subhead { display: none; }
/* the audience needs the dot; the word only when something is wrong */
body.present .status[data-state="connected"] #status-text { display: none; }
[data-hidden-by-lesson] { display: none !important; }

/* the top bar holds the controls, the status and the menu in one row; the name gives way */
@media (max-width: 2000px) {
  .tagline { display: none; }
}
@media (max-width: 1700px) {
  .brand { display: none; }
}

/* A reader who asks for less motion (prefers-reduced-motion) gets none that is decoration:
   no transitions, animations or smooth scrolling. Training itself still moves the pictures:
   that is what the page shows, and it stops with Pause (Space). */
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after {
    animation-duration: 0.01ms !important; animation-iteration-count: 1 !important;
    transition-duration: 0.01ms !important; scroll-behavior: auto !important;
  }
}
`;

// static/js/dom.js
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  if (props.className) el.className = props.className;
  if (props.title) el.title = props.title;
  if (props.style) Object.assign(el.style, props.style);
  el.append(...children);
  return el;
}
function escapeHtml(text2) {
  return text2.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
function setText(el, text2) {
  if (el.textContent !== text2) el.textContent = text2;
}

// static/js/colors.js
var LEVELS = 16;
var NEGATIVE = [230, 97, 1];
var NEUTRAL = [247, 247, 247];
var POSITIVE = [8, 104, 172];
var CLASS_COLORS = [
  "#e69f00",
  "#0072b2",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#f0e442",
  "#000000",
  "#999999",
  "#882255"
];
function mix(a, b, t3) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t3));
}
function diverging(u, levels = LEVELS) {
  const clamped = Math.min(1, Math.max(0, u));
  const q = levels > 0 ? (Math.min(levels - 1, Math.floor(clamped * levels)) + 0.5) / levels : clamped;
  return q < 0.5 ? mix(NEGATIVE, NEUTRAL, q / 0.5) : mix(NEUTRAL, POSITIVE, (q - 0.5) / 0.5);
}
function divergingTable(levels = LEVELS, alpha = 255) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let q = 0; q < 256; q++) {
    const [r, g, b] = diverging(q / 255, levels);
    table.set([r, g, b, alpha], q * 4);
  }
  return table;
}
function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [n >> 16 & 255, n >> 8 & 255, n & 255];
}
function classShade(k, confidence, nClasses) {
  const floor = 1 / Math.max(2, nClasses);
  const t3 = Math.min(1, Math.max(0, (confidence - floor) / (1 - floor)));
  return mix(NEUTRAL, hexToRgb(CLASS_COLORS[k % CLASS_COLORS.length]), 0.15 + 0.75 * t3);
}
function pointColor(y, task, nClasses) {
  if (task === "regression") {
    const [r, g, b] = diverging((y + 1) / 2, 0);
    return `rgb(${r},${g},${b})`;
  }
  if (nClasses <= 2) return y >= 1 ? rgbCss(POSITIVE) : rgbCss(NEGATIVE);
  return CLASS_COLORS[y % CLASS_COLORS.length];
}
function rgbCss(c) {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

// static/js/vendor/i18next.js
var isString = (obj) => typeof obj === "string";
var defer = () => {
  let res;
  let rej;
  const promise = new Promise((resolve, reject) => {
    res = resolve;
    rej = reject;
  });
  promise.resolve = res;
  promise.reject = rej;
  return promise;
};
var makeString = (object) => {
  if (object == null) return "";
  return String(object);
};
var isSafeLanguageCode = (code) => isString(code) && /^[A-Za-z0-9_@.-]{1,128}$/.test(code) && !code.includes("..") && !["__proto__", "constructor", "prototype"].includes(code);
var callbackApiOf = (plugin) => plugin?.callbackApi ?? plugin?.constructor?.callbackApi;
var copy = (a, s, t22) => {
  a.forEach((m) => {
    if (s[m]) t22[m] = s[m];
  });
};
var lastOfPathSeparatorRegExp = /###/g;
var cleanKey = (key) => key && key.includes("###") ? key.replace(lastOfPathSeparatorRegExp, ".") : key;
var canNotTraverseDeeper = (object) => !object || isString(object);
var getLastOfPath = (object, path, Empty) => {
  const stack = !isString(path) ? path : path.split(".");
  let stackIndex = 0;
  while (stackIndex < stack.length - 1) {
    if (canNotTraverseDeeper(object)) return {};
    const key = cleanKey(stack[stackIndex]);
    if (!object[key] && Empty) object[key] = new Empty();
    if (Object.prototype.hasOwnProperty.call(object, key)) {
      object = object[key];
    } else {
      object = {};
    }
    ++stackIndex;
  }
  if (canNotTraverseDeeper(object)) return {};
  return {
    obj: object,
    k: cleanKey(stack[stackIndex])
  };
};
var setPath = (object, path, newValue) => {
  const {
    obj,
    k
  } = getLastOfPath(object, path, Object);
  if (obj !== void 0 || path.length === 1) {
    obj[k] = newValue;
    return;
  }
  let e = path[path.length - 1];
  let p = path.slice(0, path.length - 1);
  let last = getLastOfPath(object, p, Object);
  while (last.obj === void 0 && p.length) {
    e = `${p[p.length - 1]}.${e}`;
    p = p.slice(0, p.length - 1);
    last = getLastOfPath(object, p, Object);
    if (last?.obj && typeof last.obj[`${last.k}.${e}`] !== "undefined") {
      last.obj = void 0;
    }
  }
  last.obj[`${last.k}.${e}`] = newValue;
};
var pushPath = (object, path, newValue, concat) => {
  const {
    obj,
    k
  } = getLastOfPath(object, path, Object);
  if (!Object.prototype.hasOwnProperty.call(obj, k) || !obj[k]) obj[k] = [];
  obj[k].push(newValue);
};
var getPath = (object, path) => {
  const {
    obj,
    k
  } = getLastOfPath(object, path);
  if (!obj) return void 0;
  if (!Object.prototype.hasOwnProperty.call(obj, k)) return void 0;
  return obj[k];
};
var getPathWithDefaults = (data, defaultData, key) => {
  const value = getPath(data, key);
  if (value !== void 0) {
    return value;
  }
  return getPath(defaultData, key);
};
var deepExtend = (target, source, overwrite) => {
  for (const prop in source) {
    if (prop !== "__proto__" && prop !== "constructor") {
      if (Object.prototype.hasOwnProperty.call(target, prop)) {
        if (isString(target[prop]) || target[prop] instanceof String || isString(source[prop]) || source[prop] instanceof String) {
          if (overwrite) target[prop] = source[prop];
        } else {
          deepExtend(target[prop], source[prop], overwrite);
        }
      } else {
        target[prop] = source[prop];
      }
    }
  }
  return target;
};
var regexEscape = (str) => str.replace(/[\-\[\]\/\{\}\(\)\*\+\?\.\\\^\$\|]/g, "\\$&");
var _entityMap = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};
var escape = (data) => {
  if (isString(data)) {
    return data.replace(/[&<>"']/g, (s) => _entityMap[s]);
  }
  return data;
};
var RegExpCache = class {
  constructor(capacity) {
    this.capacity = capacity;
    this.regExpMap = /* @__PURE__ */ new Map();
    this.regExpQueue = [];
  }
  getRegExp(pattern) {
    const regExpFromCache = this.regExpMap.get(pattern);
    if (regExpFromCache !== void 0) {
      return regExpFromCache;
    }
    const regExpNew = new RegExp(pattern);
    if (this.regExpQueue.length === this.capacity) {
      this.regExpMap.delete(this.regExpQueue.shift());
    }
    this.regExpMap.set(pattern, regExpNew);
    this.regExpQueue.push(pattern);
    return regExpNew;
  }
};
var chars = [" ", ",", "?", "!", ";"];
var looksLikeObjectPathRegExpCache = new RegExpCache(20);
var looksLikeObjectPath = (key, nsSeparator, keySeparator) => {
  nsSeparator = nsSeparator || "";
  keySeparator = keySeparator || "";
  const possibleChars = chars.filter((c) => !nsSeparator.includes(c) && !keySeparator.includes(c));
  if (possibleChars.length === 0) return true;
  const r = looksLikeObjectPathRegExpCache.getRegExp(`(${possibleChars.map((c) => c === "?" ? "\\?" : c).join("|")})`);
  let matched = !r.test(key);
  if (!matched) {
    const ki = key.indexOf(keySeparator);
    if (ki > 0 && !r.test(key.substring(0, ki))) {
      matched = true;
    }
  }
  return matched;
};
var deepFind = (obj, path, keySeparator = ".") => {
  if (!obj) return void 0;
  if (obj[path]) {
    if (!Object.prototype.hasOwnProperty.call(obj, path)) return void 0;
    return obj[path];
  }
  if (!keySeparator) {
    return Object.prototype.hasOwnProperty.call(obj, path) ? obj[path] : void 0;
  }
  const tokens = path.split(keySeparator);
  let current = obj;
  for (let i = 0; i < tokens.length; ) {
    if (!current || typeof current !== "object") {
      return void 0;
    }
    let next;
    let nextPath = "";
    for (let j = i; j < tokens.length; ++j) {
      if (j !== i) {
        nextPath += keySeparator;
      }
      nextPath += tokens[j];
      next = current[nextPath];
      if ((typeof next === "function" || nextPath === "__proto__") && !Object.prototype.hasOwnProperty.call(current, nextPath)) {
        next = void 0;
      }
      if (next !== void 0) {
        if (["string", "number", "boolean"].includes(typeof next) && j < tokens.length - 1) {
          continue;
        }
        i += j - i + 1;
        break;
      }
    }
    current = next;
  }
  return current;
};
var getCleanedCode = (code) => code?.replace(/_/g, "-");
var consoleLogger = {
  type: "logger",
  log(args) {
    this.output("log", args);
  },
  warn(args) {
    this.output("warn", args);
  },
  error(args) {
    this.output("error", args);
  },
  output(type, args) {
    console?.[type]?.apply?.(console, args);
  }
};
var Logger = class _Logger {
  constructor(concreteLogger, options = {}) {
    this.init(concreteLogger, options);
  }
  init(concreteLogger, options = {}) {
    this.prefix = options.prefix || "i18next:";
    this.logger = concreteLogger || consoleLogger;
    this.options = options;
    this.debug = options.debug;
    this.seen = /* @__PURE__ */ new Set();
  }
  log(...args) {
    return this.forward(args, "log", "", true);
  }
  warn(...args) {
    return this.forward(args, "warn", "", true);
  }
  error(...args) {
    return this.forward(args, "error", "");
  }
  deprecate(...args) {
    return this.forward(args, "warn", "WARNING DEPRECATED: ", true);
  }
  once(key, lvl, ...args) {
    if (!this.debug || this.seen.has(key) || this.seen.size >= 1e3) return null;
    this.seen.add(key);
    return this[lvl](...args);
  }
  forward(args, lvl, prefix, debugOnly) {
    if (debugOnly && !this.debug) return null;
    args = args.map((a) => isString(a) ? a.replace(/[\r\n\x00-\x1F\x7F]/g, " ") : a);
    if (isString(args[0])) args[0] = `${prefix}${this.prefix} ${args[0]}`;
    return this.logger[lvl](args);
  }
  create(moduleName) {
    return new _Logger(this.logger, {
      ...{
        prefix: `${this.prefix}:${moduleName}:`
      },
      ...this.options
    });
  }
  clone(options) {
    options = options || this.options;
    options.prefix = options.prefix || this.prefix;
    return new _Logger(this.logger, options);
  }
};
var baseLogger = new Logger();
var onceListeners = /* @__PURE__ */ new WeakSet();
var EventEmitter = class {
  constructor() {
    this.observers = {};
  }
  on(events, listener) {
    events.split(" ").forEach((event) => {
      if (!this.observers[event]) this.observers[event] = /* @__PURE__ */ new Map();
      const numListeners = this.observers[event].get(listener) || 0;
      this.observers[event].set(listener, numListeners + 1);
    });
    return this;
  }
  off(events, listener) {
    (typeof events === "string" ? events.split(" ") : [events]).forEach((event) => {
      if (!this.observers[event]) return;
      if (!listener) {
        delete this.observers[event];
        return;
      }
      this.observers[event].delete(listener);
      if (onceListeners.has(listener)) {
        this.observers[event].forEach((_, observer) => {
          if (observer.listener === listener) this.observers[event].delete(observer);
        });
      }
    });
  }
  once(event, listener) {
    const wrapper = (...args) => {
      this.off(event, wrapper);
      listener(...args);
    };
    wrapper.listener = listener;
    onceListeners.add(listener);
    this.on(event, wrapper);
    return this;
  }
  emit(event, ...args) {
    if (this.observers[event]) {
      const cloned = Array.from(this.observers[event].entries());
      cloned.forEach(([observer, numTimesAdded]) => {
        for (let i = 0; i < numTimesAdded; i++) {
          observer(...args);
        }
      });
    }
    if (this.observers["*"]) {
      const cloned = Array.from(this.observers["*"].entries());
      cloned.forEach(([observer, numTimesAdded]) => {
        for (let i = 0; i < numTimesAdded; i++) {
          observer(event, ...args);
        }
      });
    }
  }
};
var nonEmptyBundles = /* @__PURE__ */ new WeakSet();
var assertSeparateArguments = (method, ...args) => {
  if (args.some((a) => !isString(a))) {
    throw new TypeError(`${method}: pass language, namespace${method === "addResource" ? " and key" : ""} as separate strings; the dotted form ('en.translation.key') was removed in i18next v27`);
  }
};
var ResourceStore = class extends EventEmitter {
  constructor(data, options = {
    ns: ["translation"],
    defaultNS: "translation"
  }, logger = baseLogger) {
    super();
    this.data = data || {};
    this.options = options;
    this.logger = logger.create("resourceStore");
    if (this.options.keySeparator === void 0) {
      this.options.keySeparator = ".";
    }
    if (this.options.ignoreJSONStructure === void 0) {
      this.options.ignoreJSONStructure = true;
    }
  }
  addNamespaces(ns) {
    if (!this.options.ns.includes(ns)) {
      this.options.ns.push(ns);
    }
  }
  removeNamespaces(ns) {
    const index = this.options.ns.indexOf(ns);
    if (index > -1) {
      this.options.ns.splice(index, 1);
    }
  }
  getResource(lng, ns, key, options = {}) {
    const keySeparator = options.keySeparator !== void 0 ? options.keySeparator : this.options.keySeparator;
    const ignoreJSONStructure = options.ignoreJSONStructure !== void 0 ? options.ignoreJSONStructure : this.options.ignoreJSONStructure;
    const path = [lng, ns];
    if (key) {
      if (Array.isArray(key)) {
        path.push(...key);
      } else if (isString(key) && keySeparator) {
        path.push(...key.split(keySeparator));
      } else {
        path.push(key);
      }
    }
    const result = getPath(this.data, path);
    if (result != null || !ignoreJSONStructure || !isString(key)) return result;
    return deepFind(this.data?.[lng]?.[ns], key, keySeparator);
  }
  addResource(lng, ns, key, value, options = {
    silent: false
  }) {
    assertSeparateArguments("addResource", lng, ns, key);
    const keySeparator = options.keySeparator !== void 0 ? options.keySeparator : this.options.keySeparator;
    let path = [lng, ns];
    if (key) path = path.concat(keySeparator ? key.split(keySeparator) : key);
    this.addNamespaces(ns);
    setPath(this.data, path, value);
    if (!options.silent) this.emit("added", lng, ns, key, value);
  }
  addResources(lng, ns, resources, options = {
    silent: false
  }) {
    assertSeparateArguments("addResources", lng, ns);
    Object.keys(resources || {}).forEach((m) => {
      if (m === "__proto__" || m === "constructor") return;
      this.addResource(lng, ns, m, resources[m], {
        silent: true
      });
    });
    if (!options.silent) this.emit("added", lng, ns, resources);
  }
  addResourceBundle(lng, ns, resources, deep, overwrite, options = {
    silent: false,
    skipCopy: false
  }) {
    assertSeparateArguments("addResourceBundle", lng, ns);
    const path = [lng, ns];
    this.addNamespaces(ns);
    let pack = getPath(this.data, path) || {};
    if (!options.skipCopy) resources = JSON.parse(JSON.stringify(resources));
    if (deep) {
      deepExtend(pack, resources, overwrite);
    } else {
      pack = {
        ...pack,
        ...resources
      };
    }
    setPath(this.data, path, pack);
    if (!options.silent) this.emit("added", lng, ns, resources);
  }
  removeResourceBundle(lng, ns) {
    if (this.hasResourceBundle(lng, ns)) {
      delete this.data[lng][ns];
    }
    this.removeNamespaces(ns);
    this.emit("removed", lng, ns);
  }
  hasResourceBundle(lng, ns) {
    return this.getResource(lng, ns) !== void 0;
  }
  getResourceBundle(lng, ns) {
    if (!ns) ns = this.options.defaultNS;
    return this.getResource(lng, ns);
  }
  getDataByLanguage(lng) {
    return this.data[lng];
  }
  hasLanguageSomeTranslations(lng) {
    const data = this.getDataByLanguage(lng);
    const n = data && Object.keys(data) || [];
    return !!n.find((v) => {
      const bundle = data[v];
      if (nonEmptyBundles.has(bundle)) return true;
      if (!bundle || Object.keys(bundle).length === 0) return false;
      if (typeof bundle === "object") nonEmptyBundles.add(bundle);
      return true;
    });
  }
  toJSON() {
    return this.data;
  }
};
var PATH_KEY = /* @__PURE__ */ Symbol("i18next/PATH_KEY");
function createProxy() {
  const state = [];
  const handler = /* @__PURE__ */ Object.create(null);
  let proxy;
  handler.get = (target, key) => {
    proxy?.revoke?.();
    if (key === PATH_KEY) return state;
    state.push(key);
    proxy = Proxy.revocable(target, handler);
    return proxy.proxy;
  };
  return Proxy.revocable(/* @__PURE__ */ Object.create(null), handler).proxy;
}
function keysFromSelector(selector, opts) {
  const {
    [PATH_KEY]: path
  } = selector(createProxy());
  const keySeparator = opts?.keySeparator || ".";
  const nsSeparator = opts?.nsSeparator ?? ":";
  const strict = opts?.enableSelector === "strict";
  if (path.length > 1 && nsSeparator) {
    const ns = opts?.ns;
    const nsList = strict ? Array.isArray(ns) ? ns : ns ? [ns] : null : Array.isArray(ns) ? ns : null;
    if (nsList) {
      const candidates = strict ? nsList : nsList.length > 1 ? nsList.slice(1) : [];
      if (candidates.includes(path[0])) {
        return `${path[0]}${nsSeparator}${path.slice(1).join(keySeparator)}`;
      }
    }
  }
  return path.join(keySeparator);
}
var shouldHandleAsObject = (res) => !isString(res) && typeof res !== "boolean" && typeof res !== "number";
var Translator = class _Translator extends EventEmitter {
  constructor(services, options = {}) {
    super();
    copy(["resourceStore", "languageUtils", "pluralResolver", "interpolator", "backendConnector", "i18nFormat", "utils", "postProcessors"], services, this);
    this.options = options;
    if (this.options.keySeparator === void 0) {
      this.options.keySeparator = ".";
    }
    this.logger = (services.logger || baseLogger).create("translator");
    this.checkedLoadedFor = {};
  }
  changeLanguage(lng) {
    if (lng) this.language = lng;
  }
  exists(key, o = {
    interpolation: {}
  }) {
    const opt = {
      ...o
    };
    if (key == null) return false;
    const resolved = this.resolve(key, opt);
    if (resolved?.res === void 0) return false;
    const isObject = shouldHandleAsObject(resolved.res);
    if (opt.returnObjects === false && isObject) {
      return false;
    }
    return true;
  }
  extractFromKey(key, opt) {
    let nsSeparator = opt.nsSeparator !== void 0 ? opt.nsSeparator : this.options.nsSeparator;
    if (nsSeparator === void 0) nsSeparator = ":";
    const keySeparator = opt.keySeparator !== void 0 ? opt.keySeparator : this.options.keySeparator;
    let namespaces = opt.ns || this.options.defaultNS || [];
    const wouldCheckForNsInKey = nsSeparator && key.includes(nsSeparator);
    const seemsNaturalLanguage = !this.options.userDefinedKeySeparator && !opt.keySeparator && !this.options.userDefinedNsSeparator && !opt.nsSeparator && !looksLikeObjectPath(key, nsSeparator, keySeparator);
    if (wouldCheckForNsInKey && !seemsNaturalLanguage) {
      const m = key.match(this.interpolator.nestingRegexp);
      if (m && m.length > 0) {
        return {
          key,
          namespaces: isString(namespaces) ? [namespaces] : namespaces
        };
      }
      const parts = key.split(nsSeparator);
      if (nsSeparator !== keySeparator || nsSeparator === keySeparator && this.options.ns.includes(parts[0])) namespaces = parts.shift();
      key = parts.join(keySeparator);
    }
    return {
      key,
      namespaces: isString(namespaces) ? [namespaces] : namespaces
    };
  }
  translate(keys, o, lastKey) {
    let opt = typeof o === "object" ? {
      ...o
    } : o;
    if (typeof opt !== "object" && this.options.overloadTranslationOptionHandler) {
      opt = this.options.overloadTranslationOptionHandler(arguments);
    }
    if (typeof opt === "object") opt = {
      ...opt
    };
    if (!opt) opt = {};
    if (keys == null) return "";
    if (typeof keys === "function") keys = keysFromSelector(keys, {
      ...this.options,
      ...opt
    });
    if (!Array.isArray(keys)) keys = [String(keys)];
    keys = keys.map((k) => typeof k === "function" ? keysFromSelector(k, {
      ...this.options,
      ...opt
    }) : String(k));
    const returnDetails = opt.returnDetails !== void 0 ? opt.returnDetails : this.options.returnDetails;
    const keySeparator = opt.keySeparator !== void 0 ? opt.keySeparator : this.options.keySeparator;
    const {
      key,
      namespaces
    } = this.extractFromKey(keys[keys.length - 1], opt);
    const namespace = namespaces[namespaces.length - 1];
    let nsSeparator = opt.nsSeparator !== void 0 ? opt.nsSeparator : this.options.nsSeparator;
    if (nsSeparator === void 0) nsSeparator = ":";
    const lng = opt.lng || this.language;
    const appendNamespaceToCIMode = opt.appendNamespaceToCIMode || this.options.appendNamespaceToCIMode;
    if (lng?.toLowerCase() === "cimode") {
      if (appendNamespaceToCIMode) {
        if (returnDetails) {
          return {
            res: `${namespace}${nsSeparator}${key}`,
            usedKey: key,
            exactUsedKey: key,
            usedLng: lng,
            usedNS: namespace,
            usedParams: this.getUsedParamsDetails(opt)
          };
        }
        return `${namespace}${nsSeparator}${key}`;
      }
      if (returnDetails) {
        return {
          res: key,
          usedKey: key,
          exactUsedKey: key,
          usedLng: lng,
          usedNS: namespace,
          usedParams: this.getUsedParamsDetails(opt)
        };
      }
      return key;
    }
    const resolved = this.resolve(keys, opt);
    let res = resolved?.res;
    const resUsedKey = resolved?.usedKey || key;
    const resExactUsedKey = resolved?.exactUsedKey || key;
    const noObject = ["[object Number]", "[object Function]", "[object RegExp]"];
    const joinArrays = opt.joinArrays !== void 0 ? opt.joinArrays : this.options.joinArrays;
    const handleAsObjectInI18nFormat = !this.i18nFormat || this.i18nFormat.handleAsObject;
    const needsPluralHandling = opt.count !== void 0 && !isString(opt.count);
    const hasDefaultValue = _Translator.hasDefaultValue(opt);
    const defaultValueSuffix = needsPluralHandling ? this.pluralResolver.getSuffix(lng, opt.count, opt) : "";
    const defaultValueSuffixOrdinalFallback = opt.ordinal && needsPluralHandling ? this.pluralResolver.getSuffix(lng, opt.count, {
      ordinal: false
    }) : "";
    const needsZeroSuffixLookup = needsPluralHandling && !opt.ordinal && opt.count === 0;
    const sep = this.options.pluralSeparator;
    const defaultValue = needsZeroSuffixLookup && opt[`defaultValue${sep}zero`] || opt[`defaultValue${defaultValueSuffix}`] || opt[`defaultValue${defaultValueSuffixOrdinalFallback}`] || (opt.defaultValue ?? (needsPluralHandling ? opt[`defaultValue${opt.ordinal ? `${sep}ordinal${sep}` : sep}other`] : void 0));
    let resForObjHndl = res;
    if (handleAsObjectInI18nFormat && !res && hasDefaultValue) {
      resForObjHndl = defaultValue;
    }
    const handleAsObject = shouldHandleAsObject(resForObjHndl);
    const resType = Object.prototype.toString.apply(resForObjHndl);
    const isObjectHit = handleAsObjectInI18nFormat && resForObjHndl && handleAsObject && !noObject.includes(resType) && !(isString(joinArrays) && Array.isArray(resForObjHndl));
    const objectNotReturned = isObjectHit && !opt.returnObjects && !this.options.returnObjects;
    if (objectNotReturned && this.options.returnedObjectHandler) {
      const r = this.options.returnedObjectHandler(resUsedKey, resForObjHndl, {
        ...opt,
        ns: namespaces
      });
      if (returnDetails) {
        resolved.res = r;
        resolved.usedParams = this.getUsedParamsDetails(opt);
        return resolved;
      }
      return r;
    }
    if (objectNotReturned) {
      this.logger.warn("accessing an object - but returnObjects options is not enabled!");
    }
    if (isObjectHit && !objectNotReturned) {
      if (keySeparator) {
        const resTypeIsArray = Array.isArray(resForObjHndl);
        const copy2 = resTypeIsArray ? [] : {};
        const newKeyToUse = resTypeIsArray ? resExactUsedKey : resUsedKey;
        for (const m in resForObjHndl) {
          if (Object.prototype.hasOwnProperty.call(resForObjHndl, m)) {
            const deepKey = `${newKeyToUse}${keySeparator}${m}`;
            if (hasDefaultValue && !res) {
              copy2[m] = this.translate(deepKey, {
                ...opt,
                defaultValue: shouldHandleAsObject(defaultValue) ? defaultValue[m] : void 0,
                ...{
                  joinArrays: false,
                  ns: namespaces
                }
              });
            } else {
              copy2[m] = this.translate(deepKey, {
                ...opt,
                ...{
                  joinArrays: false,
                  ns: namespaces
                }
              });
            }
            if (copy2[m] === deepKey) copy2[m] = resForObjHndl[m];
          }
        }
        res = copy2;
      }
    } else if (handleAsObjectInI18nFormat && isString(joinArrays) && Array.isArray(res)) {
      res = res.join(joinArrays);
      if (res) res = this.extendTranslation(res, keys, opt, resolved, lastKey);
    } else {
      let usedDefault = false;
      let usedKey = false;
      if (objectNotReturned) res = void 0;
      if (!this.isValidLookup(res) && hasDefaultValue && !(objectNotReturned && shouldHandleAsObject(defaultValue))) {
        usedDefault = true;
        res = defaultValue;
      }
      if (!this.isValidLookup(res) && !(usedDefault && res === "")) {
        usedKey = true;
        res = key;
      }
      const missingKeyNoValueFallbackToKey = opt.missingKeyNoValueFallbackToKey || this.options.missingKeyNoValueFallbackToKey;
      const resForMissing = missingKeyNoValueFallbackToKey && usedKey ? void 0 : res;
      const updateMissing = hasDefaultValue && defaultValue !== res && this.options.updateMissing;
      if (!objectNotReturned && (usedKey || usedDefault || updateMissing)) {
        this.logger.log(updateMissing ? "updateKey" : "missingKey", lng, namespace, needsPluralHandling && !updateMissing ? `${key}${this.pluralResolver.getSuffix(lng, opt.count, opt)}` : key, updateMissing ? defaultValue : res);
        if (keySeparator) {
          const fk = this.resolve(key, {
            ...opt,
            keySeparator: false
          });
          if (fk && fk.res) this.logger.warn("Seems the loaded translations were in flat JSON format instead of nested. Either set keySeparator: false on init or make sure your translations are published in nested format.");
        }
        let lngs = [];
        const fallbackLngs = this.languageUtils.getFallbackCodes(this.options.fallbackLng, opt.lng || this.language);
        if (this.options.saveMissingTo === "fallback" && fallbackLngs && fallbackLngs[0]) {
          for (let i = 0; i < fallbackLngs.length; i++) {
            lngs.push(fallbackLngs[i]);
          }
        } else if (this.options.saveMissingTo === "all") {
          lngs = this.languageUtils.toResolveHierarchy(opt.lng || this.language);
        } else {
          lngs.push(opt.lng || this.language);
        }
        const send = (l, k, specificDefaultValue) => {
          const defaultForMissing = hasDefaultValue && specificDefaultValue !== res ? specificDefaultValue : resForMissing;
          if (this.options.missingKeyHandler) {
            this.options.missingKeyHandler(l, namespace, k, defaultForMissing, updateMissing, opt);
          } else if (this.backendConnector?.saveMissing) {
            this.backendConnector.saveMissing(l, namespace, k, defaultForMissing, updateMissing, opt, void 0, this.utils?.hasLoadedNamespace);
          }
          this.emit("missingKey", l, namespace, k, res);
        };
        if (this.options.saveMissing) {
          if (this.options.saveMissingPlurals && needsPluralHandling) {
            lngs.forEach((language2) => {
              const suffixes = this.pluralResolver.getSuffixes(language2, opt);
              if (needsZeroSuffixLookup && opt[`defaultValue${this.options.pluralSeparator}zero`] && !suffixes.includes(`${this.options.pluralSeparator}zero`)) {
                suffixes.push(`${this.options.pluralSeparator}zero`);
              }
              suffixes.forEach((suffix) => {
                send([language2], key + suffix, opt[`defaultValue${suffix}`] || defaultValue);
              });
            });
          } else {
            send(lngs, key, defaultValue);
          }
        }
      }
      res = this.extendTranslation(res, keys, opt, resolved, lastKey);
      if (usedKey && res === key && this.options.appendNamespaceToMissingKey) {
        res = `${namespace}${nsSeparator}${key}`;
      }
      if ((usedKey || usedDefault) && this.options.parseMissingKeyHandler) {
        res = this.options.parseMissingKeyHandler(this.options.appendNamespaceToMissingKey ? `${namespace}${nsSeparator}${key}` : key, usedDefault ? res : void 0, opt);
      }
    }
    if (returnDetails) {
      resolved.res = res;
      resolved.usedParams = this.getUsedParamsDetails(opt);
      return resolved;
    }
    return res;
  }
  extendTranslation(res, key, opt, resolved, lastKey) {
    if (this.i18nFormat?.parse) {
      res = this.i18nFormat.parse(res, {
        ...this.options.interpolation.defaultVariables,
        ...opt
      }, opt.lng || this.language || resolved.usedLng, resolved.usedNS, resolved.usedKey, {
        resolved
      });
    } else if (!opt.skipInterpolation) {
      if (opt.interpolation) this.interpolator.init({
        ...opt,
        ...{
          interpolation: {
            ...this.options.interpolation,
            ...opt.interpolation
          }
        }
      });
      const skipOnVariables = isString(res) && (opt?.interpolation?.skipOnVariables !== void 0 ? opt.interpolation.skipOnVariables : this.options.interpolation.skipOnVariables);
      let nestBef;
      if (skipOnVariables) {
        const nb = res.includes(this.interpolator.nestingPrefixText) ? res.match(this.interpolator.nestingRegexp) : null;
        nestBef = nb && nb.length;
      }
      let data = opt.replace && !isString(opt.replace) ? opt.replace : opt;
      if (this.options.interpolation.defaultVariables) data = {
        ...this.options.interpolation.defaultVariables,
        ...data
      };
      res = this.interpolator.interpolate(res, data, opt.lng || this.language || resolved.usedLng, opt);
      if (skipOnVariables) {
        const na = res.includes(this.interpolator.nestingPrefixText) ? res.match(this.interpolator.nestingRegexp) : null;
        const nestAft = na && na.length;
        if (nestBef < nestAft) opt.nest = false;
      }
      if (!opt.lng && resolved && resolved.res) opt.lng = this.language || resolved.usedLng;
      if (opt.nest !== false) res = this.interpolator.nest(res, (...args) => {
        if (lastKey?.[0] === args[0] && !opt.context) {
          this.logger.warn(`It seems you are nesting recursively key: ${args[0]} in key: ${key[0]}`);
          return null;
        }
        return this.translate(...args, key);
      }, opt);
      if (opt.interpolation) this.interpolator.reset();
    }
    const postProcess = opt.postProcess || this.options.postProcess;
    const postProcessorNames = isString(postProcess) ? [postProcess] : postProcess;
    if (res != null && postProcessorNames?.length && opt.applyPostProcessor !== false) {
      const ppOptions = this.options?.postProcessPassResolved ? {
        i18nResolved: {
          ...resolved,
          usedParams: this.getUsedParamsDetails(opt)
        },
        ...opt
      } : opt;
      postProcessorNames.forEach((name) => {
        const processor = this.postProcessors?.[name];
        if (!processor) {
          this.logger.once(`postProcess:${name}`, "warn", `postProcess: '${name}' is not registered on this i18next instance; call use() with it on this instance`);
          return;
        }
        res = processor.process(res, key, ppOptions, this) ?? res;
      });
    }
    return res;
  }
  resolve(keys, opt = {}) {
    let found;
    let usedKey;
    let exactUsedKey;
    let usedLng;
    let usedNS;
    if (isString(keys)) keys = [keys];
    if (Array.isArray(keys)) keys = keys.map((k) => typeof k === "function" ? keysFromSelector(k, {
      ...this.options,
      ...opt
    }) : k);
    keys.forEach((k) => {
      if (this.isValidLookup(found)) return;
      const extracted = this.extractFromKey(k, opt);
      const key = extracted.key;
      usedKey = key;
      let namespaces = extracted.namespaces;
      if (this.options.fallbackNS) namespaces = namespaces.concat(this.options.fallbackNS);
      const needsPluralHandling = opt.count !== void 0 && !isString(opt.count);
      const needsZeroSuffixLookup = needsPluralHandling && !opt.ordinal && opt.count === 0;
      const needsContextHandling = opt.context !== void 0 && (isString(opt.context) || typeof opt.context === "number") && opt.context !== "";
      const codes = opt.lngs ? opt.lngs : this.languageUtils.toResolveHierarchy(opt.lng || this.language, opt.fallbackLng);
      namespaces.forEach((ns) => {
        if (this.isValidLookup(found)) return;
        usedNS = ns;
        if (!this.checkedLoadedFor[`${codes[0]}-${ns}`] && this.utils?.hasLoadedNamespace && !this.utils?.hasLoadedNamespace(usedNS)) {
          this.checkedLoadedFor[`${codes[0]}-${ns}`] = true;
          this.logger.warn(`key "${usedKey}" for languages "${codes.join(", ")}" won't get resolved as namespace "${usedNS}" was not yet loaded`, "This means something IS WRONG in your setup. You access the t function before i18next.init / i18next.loadNamespace / i18next.changeLanguage was done. Wait for the callback or Promise to resolve before accessing it!!!");
        }
        codes.forEach((code) => {
          if (this.isValidLookup(found)) return;
          usedLng = code;
          const finalKeys = [key];
          if (this.i18nFormat?.addLookupKeys) {
            this.i18nFormat.addLookupKeys(finalKeys, key, code, ns, opt);
          } else {
            let pluralSuffix;
            if (needsPluralHandling) pluralSuffix = this.pluralResolver.getSuffix(code, opt.count, opt);
            const zeroSuffix = `${this.options.pluralSeparator}zero`;
            const ordinalPrefix = `${this.options.pluralSeparator}ordinal${this.options.pluralSeparator}`;
            if (needsPluralHandling) {
              if (opt.ordinal && pluralSuffix.startsWith(ordinalPrefix)) {
                finalKeys.push(key + pluralSuffix.replace(ordinalPrefix, this.options.pluralSeparator));
              }
              finalKeys.push(key + pluralSuffix);
              if (needsZeroSuffixLookup) {
                finalKeys.push(key + zeroSuffix);
              }
            }
            if (needsContextHandling) {
              const contextKey = `${key}${this.options.contextSeparator || "_"}${opt.context}`;
              finalKeys.push(contextKey);
              if (needsPluralHandling) {
                if (opt.ordinal && pluralSuffix.startsWith(ordinalPrefix)) {
                  finalKeys.push(contextKey + pluralSuffix.replace(ordinalPrefix, this.options.pluralSeparator));
                }
                finalKeys.push(contextKey + pluralSuffix);
                if (needsZeroSuffixLookup) {
                  finalKeys.push(contextKey + zeroSuffix);
                }
              }
            }
            if (needsPluralHandling) {
              const otherSuffix = `${opt.ordinal ? ordinalPrefix : this.options.pluralSeparator}other`;
              if (pluralSuffix !== otherSuffix) {
                if (needsContextHandling) {
                  finalKeys.unshift(`${key}${this.options.contextSeparator || "_"}${opt.context}${otherSuffix}`);
                }
                finalKeys.unshift(key + otherSuffix);
              }
            }
          }
          let possibleKey;
          while (possibleKey = finalKeys.pop()) {
            if (!this.isValidLookup(found)) {
              exactUsedKey = possibleKey;
              found = this.getResource(code, ns, possibleKey, opt);
            }
          }
        });
      });
    });
    return {
      res: found,
      usedKey,
      exactUsedKey,
      usedLng,
      usedNS
    };
  }
  isValidLookup(res) {
    return res !== void 0 && !(!this.options.returnNull && res === null) && !(!this.options.returnEmptyString && res === "");
  }
  getResource(code, ns, key, options = {}) {
    if (this.i18nFormat?.getResource) return this.i18nFormat.getResource(code, ns, key, options);
    return this.resourceStore.getResource(code, ns, key, options);
  }
  getUsedParamsDetails(options = {}) {
    const optionsKeys = ["defaultValue", "ordinal", "context", "replace", "lng", "lngs", "fallbackLng", "ns", "keySeparator", "nsSeparator", "returnObjects", "returnDetails", "joinArrays", "postProcess", "interpolation"];
    const useOptionsReplaceForData = options.replace && !isString(options.replace);
    let data = useOptionsReplaceForData ? options.replace : options;
    if (useOptionsReplaceForData && typeof options.count !== "undefined") {
      data = {
        ...data,
        count: options.count
      };
    }
    if (this.options.interpolation.defaultVariables) {
      data = {
        ...this.options.interpolation.defaultVariables,
        ...data
      };
    }
    if (!useOptionsReplaceForData) {
      data = {
        ...data
      };
      for (const key of optionsKeys) {
        delete data[key];
      }
    }
    return data;
  }
  static hasDefaultValue(options) {
    const prefix = "defaultValue";
    for (const option in options) {
      if (Object.prototype.hasOwnProperty.call(options, option) && option.startsWith(prefix) && void 0 !== options[option]) {
        return true;
      }
    }
    return false;
  }
};
var LanguageUtil = class {
  constructor(options, logger = baseLogger) {
    this.options = options;
    this.supportedLngs = this.options.supportedLngs || false;
    this.logger = logger.create("languageUtils");
    this.resolveHierarchyCache = {};
    this.formattedCodes = /* @__PURE__ */ new Map();
  }
  clearCache() {
    this.resolveHierarchyCache = {};
    this.formattedCodes.clear();
  }
  getScriptPartFromCode(code) {
    code = getCleanedCode(code);
    if (!code || !code.includes("-")) return null;
    const p = code.split("-");
    if (p.length === 2) return null;
    p.pop();
    if (p[p.length - 1].toLowerCase() === "x") return null;
    return this.formatLanguageCode(p.join("-"));
  }
  getLanguagePartFromCode(code) {
    code = getCleanedCode(code);
    if (!code || !code.includes("-")) return code;
    const p = code.split("-");
    return this.formatLanguageCode(p[0]);
  }
  formatLanguageCode(code) {
    if (!isString(code)) return code;
    let formatted = this.formattedCodes.get(code);
    if (formatted !== void 0) return formatted;
    formatted = this.formatUncached(code);
    if (this.formattedCodes.size >= 1e3) this.formattedCodes.clear();
    this.formattedCodes.set(code, formatted);
    return formatted;
  }
  formatUncached(code) {
    const hasSubtags = code.includes("-");
    if (hasSubtags || this.options.cleanCode !== false) {
      let canonical;
      try {
        canonical = Intl.getCanonicalLocales(code)[0];
      } catch (e) {
      }
      if (canonical && (hasSubtags || canonical.toLowerCase() === code.toLowerCase())) {
        return this.options.lowerCaseLng ? canonical.toLowerCase() : canonical;
      }
      if (canonical) return code.toLowerCase();
    }
    return this.options.lowerCaseLng || this.options.cleanCode && !hasSubtags ? code.toLowerCase() : code;
  }
  isSupportedCode(code) {
    if (this.options.load === "languageOnly" || this.options.nonExplicitSupportedLngs) {
      code = this.getLanguagePartFromCode(code);
    }
    return !this.supportedLngs || !this.supportedLngs.length || this.supportedLngs.includes(code);
  }
  getBestMatchFromCodes(codes) {
    if (!codes) return null;
    let found;
    codes.forEach((code) => {
      if (found) return;
      const cleanedLng = this.formatLanguageCode(code);
      if (!this.options.supportedLngs || this.isSupportedCode(cleanedLng)) found = cleanedLng;
    });
    if (!found && this.options.supportedLngs) {
      codes.forEach((code) => {
        if (found) return;
        const lngScOnly = this.getScriptPartFromCode(code);
        if (this.isSupportedCode(lngScOnly)) return found = lngScOnly;
        const lngOnly = this.getLanguagePartFromCode(code);
        if (this.isSupportedCode(lngOnly)) return found = lngOnly;
        found = this.options.supportedLngs.find((supportedLng) => {
          if (supportedLng === lngOnly) return true;
          if (!supportedLng.includes("-") && !lngOnly.includes("-")) return false;
          if (supportedLng.includes("-") && !lngOnly.includes("-") && supportedLng.slice(0, supportedLng.indexOf("-")) === lngOnly) return true;
          return false;
        });
      });
    }
    if (!found) found = this.getFallbackCodes(this.options.fallbackLng)[0];
    return found;
  }
  getFallbackCodes(fallbacks, code) {
    if (!fallbacks) return [];
    if (typeof fallbacks === "function") fallbacks = fallbacks(code);
    if (isString(fallbacks)) fallbacks = [fallbacks];
    if (Array.isArray(fallbacks)) return fallbacks;
    const getOwnFallback = (key) => Object.prototype.hasOwnProperty.call(fallbacks, key) ? fallbacks[key] : void 0;
    if (!code) return getOwnFallback("default") || [];
    let found = getOwnFallback(code);
    if (!found) found = getOwnFallback(this.getScriptPartFromCode(code));
    if (!found) found = getOwnFallback(this.formatLanguageCode(code));
    if (!found) found = getOwnFallback(this.getLanguagePartFromCode(code));
    if (!found) found = getOwnFallback("default");
    return found || [];
  }
  toResolveHierarchy(code, fallbackCode) {
    const fallbackLng = this.options.fallbackLng;
    const fallbackLngKey = Array.isArray(fallbackLng) ? fallbackLng.join("|") : fallbackLng;
    if (fallbackLngKey !== this._cachedFallbackLng) {
      this.resolveHierarchyCache = {};
      this._cachedFallbackLng = fallbackLngKey;
    }
    const hasCacheableFallback = fallbackCode === void 0 || fallbackCode === false || isString(fallbackCode);
    const usesUncacheableOptionsFallback = fallbackCode === void 0 && typeof this.options.fallbackLng === "function";
    const cacheable = isString(code) && hasCacheableFallback && !usesUncacheableOptionsFallback;
    let cacheKey = null;
    if (cacheable) {
      let fallbackCacheKey;
      if (fallbackCode === void 0) fallbackCacheKey = "undefined";
      else if (fallbackCode === false) fallbackCacheKey = "boolean:false";
      else fallbackCacheKey = `string:${fallbackCode}`;
      cacheKey = `${code.length}:${code}|${fallbackCacheKey}`;
    }
    if (cacheKey !== null) {
      const cached = this.resolveHierarchyCache[cacheKey];
      if (cached !== void 0) return cached.slice();
    }
    const fallbackCodes = this.getFallbackCodes((fallbackCode === false ? [] : fallbackCode) || this.options.fallbackLng || [], code);
    const codes = [];
    const addCode = (c) => {
      if (!c) return;
      if (this.isSupportedCode(c)) {
        codes.push(c);
      } else {
        this.logger.warn(`rejecting language code not found in supportedLngs: ${c}`);
      }
    };
    if (isString(code) && (code.includes("-") || code.includes("_"))) {
      if (this.options.load !== "languageOnly") addCode(this.formatLanguageCode(code));
      if (this.options.load !== "languageOnly" && this.options.load !== "currentOnly") addCode(this.getScriptPartFromCode(code));
      if (this.options.load !== "currentOnly") addCode(this.getLanguagePartFromCode(code));
    } else if (isString(code)) {
      addCode(this.formatLanguageCode(code));
    }
    fallbackCodes.forEach((fc) => {
      const formattedFc = this.formatLanguageCode(fc);
      if (!codes.includes(formattedFc)) addCode(formattedFc);
    });
    if (cacheKey !== null) {
      if (Object.keys(this.resolveHierarchyCache).length >= 1e3) this.resolveHierarchyCache = {};
      this.resolveHierarchyCache[cacheKey] = codes;
      return codes.slice();
    }
    return codes;
  }
};
var suffixesOrder = {
  zero: 0,
  one: 1,
  two: 2,
  few: 3,
  many: 4,
  other: 5
};
var dummyRule = {
  select: (count2) => count2 === 1 ? "one" : "other",
  resolvedOptions: () => ({
    pluralCategories: ["one", "other"]
  })
};
var PluralResolver = class {
  constructor(languageUtils, options = {}, logger = baseLogger) {
    this.languageUtils = languageUtils;
    this.options = options;
    this.logger = logger.create("pluralResolver");
    this.pluralRulesCache = {};
  }
  clearCache() {
    this.pluralRulesCache = {};
  }
  getRule(code, options = {}) {
    const cleanedCode = getCleanedCode(code === "dev" ? "en" : code);
    const type = options.ordinal ? "ordinal" : "cardinal";
    const cacheKey = JSON.stringify({
      cleanedCode,
      type
    });
    if (cacheKey in this.pluralRulesCache) {
      return this.pluralRulesCache[cacheKey];
    }
    let rule;
    try {
      rule = new Intl.PluralRules(cleanedCode, {
        type
      });
    } catch (err) {
      if (typeof Intl === "undefined") {
        this.logger.error("No Intl support, please use an Intl polyfill!");
        return dummyRule;
      }
      if (!code.match(/-|_/)) return dummyRule;
      const lngPart = this.languageUtils.getLanguagePartFromCode(code);
      rule = this.getRule(lngPart, options);
    }
    if (Object.keys(this.pluralRulesCache).length >= 1e3) this.pluralRulesCache = {};
    this.pluralRulesCache[cacheKey] = rule;
    return rule;
  }
  needsPlural(code, options = {}) {
    let rule = this.getRule(code, options);
    if (!rule) rule = this.getRule("dev", options);
    return rule?.resolvedOptions().pluralCategories.length > 1;
  }
  getPluralFormsOfKey(code, key, options = {}) {
    return this.getSuffixes(code, options).map((suffix) => `${key}${suffix}`);
  }
  getSuffixes(code, options = {}) {
    let rule = this.getRule(code, options);
    if (!rule) rule = this.getRule("dev", options);
    if (!rule) return [];
    return rule.resolvedOptions().pluralCategories.sort((pluralCategory1, pluralCategory2) => suffixesOrder[pluralCategory1] - suffixesOrder[pluralCategory2]).map((pluralCategory) => `${this.options.prepend}${options.ordinal ? `ordinal${this.options.prepend}` : ""}${pluralCategory}`);
  }
  getSuffix(code, count2, options = {}) {
    const rule = this.getRule(code, options);
    if (rule) {
      return `${this.options.prepend}${options.ordinal ? `ordinal${this.options.prepend}` : ""}${rule.select(count2)}`;
    }
    this.logger.warn(`no plural rule found for: ${code}`);
    return this.getSuffix("dev", count2, options);
  }
};
var deepFindWithDefaults = (data, defaultData, key, keySeparator = ".", ignoreJSONStructure = true) => {
  let path = getPathWithDefaults(data, defaultData, key);
  if (path == null && ignoreJSONStructure && isString(key)) {
    path = deepFind(data, key, keySeparator);
    if (path === void 0) path = deepFind(defaultData, key, keySeparator);
  }
  return path;
};
var Interpolator = class {
  constructor(options = {}, logger = baseLogger) {
    this.logger = logger.create("interpolator");
    this.options = options;
    this.format = options?.interpolation?.format || ((value) => value);
    this.init(options);
  }
  init(options = {}) {
    if (!options.interpolation) options.interpolation = {
      escapeValue: true
    };
    const {
      escape: escape$1,
      escapeValue,
      useRawValueToEscape,
      prefix,
      suffix,
      formatSeparator,
      unescapeSuffix,
      unescapePrefix,
      nestingPrefix,
      nestingSuffix,
      nestingOptionsSeparator,
      maxReplaces,
      alwaysFormat
    } = options.interpolation;
    this.escape = escape$1 !== void 0 ? escape$1 : escape;
    this.escapeValue = escapeValue !== void 0 ? escapeValue : true;
    this.useRawValueToEscape = useRawValueToEscape !== void 0 ? useRawValueToEscape : false;
    this.prefix = prefix ? regexEscape(prefix) : "{{";
    this.suffix = suffix ? regexEscape(suffix) : "}}";
    this.formatSeparator = formatSeparator || ",";
    this.unescapePrefix = unescapeSuffix ? "" : unescapePrefix ? regexEscape(unescapePrefix) : "-";
    this.unescapeSuffix = this.unescapePrefix ? "" : unescapeSuffix ? regexEscape(unescapeSuffix) : "";
    this.prefixText = prefix || "{{";
    this.nestingPrefixText = nestingPrefix || "$t(";
    this.nestingPrefix = regexEscape(nestingPrefix || "$t(");
    this.nestingSuffix = regexEscape(nestingSuffix || ")");
    this.nestingOptionsSeparator = nestingOptionsSeparator || ",";
    this.maxReplaces = maxReplaces || 1e3;
    this.alwaysFormat = alwaysFormat !== void 0 ? alwaysFormat : false;
    this.resetRegExp();
  }
  reset() {
    if (this.options) this.init(this.options);
  }
  resetRegExp() {
    const getOrResetRegExp = (existingRegExp, pattern) => {
      if (existingRegExp?.source === pattern) {
        existingRegExp.lastIndex = 0;
        return existingRegExp;
      }
      return new RegExp(pattern, "g");
    };
    this.regexp = getOrResetRegExp(this.regexp, `${this.prefix}(.+?)${this.suffix}`);
    this.regexpUnescape = getOrResetRegExp(this.regexpUnescape, `${this.prefix}${this.unescapePrefix}(.+?)${this.unescapeSuffix}${this.suffix}`);
    this.nestingRegexp = getOrResetRegExp(this.nestingRegexp, `${this.nestingPrefix}((?:[^()"']|"[^"]*"|'[^']*'|\\((?:[^()"']|"[^"]*"|'[^']*')*\\))*?)${this.nestingSuffix}`);
  }
  interpolate(str, data, lng, options) {
    let match;
    let value;
    let replaces;
    const original = str;
    const defaultData = this.options && this.options.interpolation && this.options.interpolation.defaultVariables || {};
    const handleFormat = (key) => {
      if (!key.includes(this.formatSeparator)) {
        const path = deepFindWithDefaults(data, defaultData, key, this.options.keySeparator, this.options.ignoreJSONStructure);
        return this.alwaysFormat ? this.format(path, void 0, lng, {
          ...options,
          ...data,
          interpolationkey: key
        }) : path;
      }
      const p = key.split(this.formatSeparator);
      const k = p.shift().trim();
      const f = p.join(this.formatSeparator).trim();
      return this.format(deepFindWithDefaults(data, defaultData, k, this.options.keySeparator, this.options.ignoreJSONStructure), f, lng, {
        ...options,
        ...data,
        interpolationkey: k
      });
    };
    this.resetRegExp();
    if (!this.escapeValue && typeof str === "string" && /\$t\([^)]*\{[^}]*\{\{/.test(str)) {
      this.logger.warn("nesting options string contains interpolated variables with escapeValue: false — if any of those values are attacker-controlled they can inject additional nesting options (e.g. redirect lng/ns). Sanitise untrusted input before passing it to t(), or keep escapeValue: true.");
    }
    const missingInterpolationHandler = options?.missingInterpolationHandler || this.options.missingInterpolationHandler;
    const skipOnVariables = options?.interpolation?.skipOnVariables !== void 0 ? options.interpolation.skipOnVariables : this.options.interpolation.skipOnVariables;
    if (isString(str) && !str.includes(this.prefixText)) return str;
    const todos = [{
      regex: this.regexpUnescape,
      safeValue: (val) => val
    }, {
      regex: this.regexp,
      safeValue: (val) => this.escapeValue ? this.escape(val) : val
    }];
    const unescapedValues = [];
    let shift = 0;
    todos.forEach((todo) => {
      replaces = 0;
      while (match = todo.regex.exec(str)) {
        const at = match.index - shift;
        const written = unescapedValues.find(([start, end]) => at >= start && at < end);
        if (written) {
          todo.regex.lastIndex = written[1] + shift;
          continue;
        }
        const matchedVar = match[1].trim();
        value = handleFormat(matchedVar);
        if (value === void 0) {
          if (typeof missingInterpolationHandler === "function") {
            const temp = missingInterpolationHandler(str, match, options);
            value = isString(temp) ? temp : "";
          } else if (options && Object.prototype.hasOwnProperty.call(options, matchedVar)) {
            value = "";
          } else if (skipOnVariables) {
            if (this.logger.debug) {
              this.logger.once(`${original}\0${match[0]}`, "warn", `missed to pass in variable ${matchedVar} for interpolating ${original}`);
            }
            value = match[0];
            continue;
          } else {
            this.logger.warn(`missed to pass in variable ${matchedVar} for interpolating ${str}`);
            value = "";
          }
        } else if (!isString(value) && !this.useRawValueToEscape) {
          value = makeString(value);
        }
        const safeValue = makeString(todo.safeValue(value));
        str = str.slice(0, match.index) + safeValue + str.slice(match.index + match[0].length);
        if (skipOnVariables) {
          if (todo.regex === this.regexpUnescape) {
            unescapedValues.push([match.index, match.index + safeValue.length]);
          } else {
            shift += safeValue.length - match[0].length;
          }
          todo.regex.lastIndex += safeValue.length;
          todo.regex.lastIndex -= match[0].length;
        } else {
          todo.regex.lastIndex = 0;
        }
        replaces++;
        if (replaces >= this.maxReplaces) {
          break;
        }
      }
    });
    return str;
  }
  nest(str, fc, options = {}) {
    let match;
    let value;
    let clonedOptions;
    const handleHasOptions = (key, inheritedOptions) => {
      const sep = this.nestingOptionsSeparator;
      if (!key.includes(sep)) return key;
      const c = key.split(new RegExp(`${regexEscape(sep)}[ ]*{`));
      let optionsString = `{${c[1]}`;
      key = c[0];
      optionsString = this.interpolate(optionsString, clonedOptions);
      const matchedSingleQuotes = optionsString.match(/'/g);
      const matchedDoubleQuotes = optionsString.match(/"/g);
      if ((matchedSingleQuotes?.length ?? 0) % 2 === 0 && !matchedDoubleQuotes || (matchedDoubleQuotes?.length ?? 0) % 2 !== 0) {
        optionsString = optionsString.replace(/'/g, '"');
      }
      try {
        clonedOptions = JSON.parse(optionsString);
        if (inheritedOptions) clonedOptions = {
          ...inheritedOptions,
          ...clonedOptions
        };
      } catch (e) {
        this.logger.warn(`failed parsing options string in nesting for key ${key}`, e);
        return `${key}${sep}${optionsString}`;
      }
      if (clonedOptions.defaultValue && clonedOptions.defaultValue.includes(this.prefix)) delete clonedOptions.defaultValue;
      return key;
    };
    if (isString(str) && !str.includes(this.nestingPrefixText)) return str;
    const nestingRegexp = new RegExp(this.nestingRegexp);
    let out = "";
    let lastEnd = 0;
    while (match = nestingRegexp.exec(str)) {
      let formatters = [];
      clonedOptions = {
        ...options
      };
      clonedOptions = clonedOptions.replace && !isString(clonedOptions.replace) ? clonedOptions.replace : clonedOptions;
      clonedOptions.applyPostProcessor = false;
      delete clonedOptions.defaultValue;
      const keyEndIndex = /{.*}/s.test(match[1]) ? match[1].lastIndexOf("}") + 1 : match[1].indexOf(this.formatSeparator);
      if (keyEndIndex !== -1) {
        formatters = match[1].slice(keyEndIndex).split(this.formatSeparator).map((elem) => elem.trim()).filter(Boolean);
        match[1] = match[1].slice(0, keyEndIndex);
      }
      value = fc(handleHasOptions.call(this, match[1].trim(), clonedOptions), clonedOptions);
      if (value && match[0] === str && !isString(value)) return value;
      if (!isString(value)) value = makeString(value);
      if (!value) {
        this.logger.warn(`missed to resolve ${match[1]} for nesting ${str}`);
        value = "";
      }
      if (formatters.length) {
        value = formatters.reduce((v, f) => this.format(v, f, options.lng, {
          ...options,
          interpolationkey: match[1].trim()
        }), value.trim());
      }
      out += str.slice(lastEnd, match.index) + makeString(value);
      lastEnd = nestingRegexp.lastIndex;
      this.regexp.lastIndex = 0;
    }
    return lastEnd ? out + str.slice(lastEnd) : str;
  }
};
var parseFormatStr = (formatStr) => {
  let formatName = formatStr.toLowerCase().trim();
  const formatOptions = {};
  if (formatStr.includes("(")) {
    const p = formatStr.split("(");
    formatName = p[0].toLowerCase().trim();
    const optStr = p[1].slice(0, -1);
    if (formatName === "currency" && !optStr.includes(":")) {
      if (!formatOptions.currency) formatOptions.currency = optStr.trim();
    } else if (formatName === "relativetime" && !optStr.includes(":")) {
      if (!formatOptions.range) formatOptions.range = optStr.trim();
    } else {
      const opts = optStr.split(";");
      opts.forEach((opt) => {
        if (opt) {
          const [key, ...rest] = opt.split(":");
          const val = rest.join(":").trim().replace(/^'+|'+$/g, "");
          const trimmedKey = key.trim();
          if (!formatOptions[trimmedKey]) formatOptions[trimmedKey] = val;
          if (val === "false") formatOptions[trimmedKey] = false;
          if (val === "true") formatOptions[trimmedKey] = true;
          if (!isNaN(val)) formatOptions[trimmedKey] = parseInt(val, 10);
        }
      });
    }
  }
  return {
    formatName,
    formatOptions
  };
};
var cachedFormattersLimit = 1e3;
var createCachedFormatter = (fn) => {
  const cache = /* @__PURE__ */ new Map();
  return (v, l, o) => {
    let optForCache = o;
    if (o && o.interpolationkey && o.formatParams && o.formatParams[o.interpolationkey] && o[o.interpolationkey]) {
      optForCache = {
        ...optForCache,
        [o.interpolationkey]: void 0
      };
    }
    let key;
    try {
      key = l + JSON.stringify(optForCache);
    } catch (e) {
      return fn(getCleanedCode(l), o)(v);
    }
    let frm = cache.get(key);
    if (!frm) {
      frm = fn(getCleanedCode(l), o);
      if (cache.size >= cachedFormattersLimit) cache.delete(cache.keys().next().value);
      cache.set(key, frm);
    }
    return frm(v);
  };
};
var createNonCachedFormatter = (fn) => (v, l, o) => fn(getCleanedCode(l), o)(v);
var Formatter = class {
  constructor(options = {}) {
    this.logger = baseLogger.create("formatter");
    this.options = options;
    this.init(options);
  }
  init(services, options = {
    interpolation: {}
  }) {
    if (services?.logger?.create) this.logger = services.logger.create("formatter");
    this.formatSeparator = options.interpolation.formatSeparator || ",";
    const cf = options.cacheInBuiltFormats ? createCachedFormatter : createNonCachedFormatter;
    this.formats = {
      number: cf((lng, opt) => {
        const formatter = new Intl.NumberFormat(lng, {
          ...opt
        });
        return (val) => formatter.format(val);
      }),
      currency: cf((lng, opt) => {
        const formatter = new Intl.NumberFormat(lng, {
          ...opt,
          style: "currency"
        });
        return (val) => formatter.format(val);
      }),
      datetime: cf((lng, opt) => {
        const formatter = new Intl.DateTimeFormat(lng, {
          ...opt
        });
        return (val) => formatter.format(val);
      }),
      relativetime: cf((lng, opt) => {
        const formatter = new Intl.RelativeTimeFormat(lng, {
          ...opt
        });
        return (val) => formatter.format(val, opt.range || "day");
      }),
      list: cf((lng, opt) => {
        const formatter = new Intl.ListFormat(lng, {
          ...opt
        });
        return (val) => formatter.format(val);
      })
    };
  }
  add(name, fc) {
    this.formats[name.toLowerCase().trim()] = fc;
  }
  addCached(name, fc) {
    this.formats[name.toLowerCase().trim()] = createCachedFormatter(fc);
  }
  format(value, format, lng, options = {}) {
    if (!format) return value;
    if (value == null) return value;
    const rawFormats = format.split(this.formatSeparator);
    const formats = [];
    for (let i = 0; i < rawFormats.length; i++) {
      let f = rawFormats[i];
      while (f.indexOf("(") > -1 && !f.includes(")") && i + 1 < rawFormats.length) {
        f = `${f}${this.formatSeparator}${rawFormats[++i]}`;
      }
      formats.push(f);
    }
    const result = formats.reduce((mem, f) => {
      const {
        formatName,
        formatOptions
      } = parseFormatStr(f);
      if (this.formats[formatName]) {
        let formatted = mem;
        try {
          const valOptions = options?.formatParams?.[options.interpolationkey] || {};
          const l = valOptions.locale || valOptions.lng || options.locale || options.lng || lng;
          formatted = this.formats[formatName](mem, l, {
            ...formatOptions,
            ...options,
            ...valOptions
          });
        } catch (error) {
          this.logger.warn(error);
        }
        return formatted;
      } else {
        this.logger.warn(`there was no format function for ${formatName}`);
      }
      return mem;
    }, value);
    return result;
  }
};
var maxFailedLoads = 1e3;
var removePending = (q, name) => {
  if (q.pending[name] !== void 0) {
    delete q.pending[name];
    q.pendingCount--;
  }
};
var Connector = class extends EventEmitter {
  constructor(backend, store, services, options = {}) {
    super();
    this.backend = backend;
    this.store = store;
    this.services = services;
    this.languageUtils = services.languageUtils;
    this.options = options;
    this.logger = (services.logger || baseLogger).create("backendConnector");
    this.waitingReads = [];
    this.maxParallelReads = options.maxParallelReads || 10;
    this.readingCalls = 0;
    this.maxRetries = options.maxRetries >= 0 ? options.maxRetries : 5;
    this.retryTimeout = options.retryTimeout >= 1 ? options.retryTimeout : 350;
    this.state = {};
    this.failed = /* @__PURE__ */ new Set();
    this.queue = [];
    this.backend?.init?.(services, options.backend, options);
    this.callbackApi = callbackApiOf(this.backend);
    if (this.backend && this.callbackApi === void 0 && (this.backend.read || this.backend.create)) {
      this.logger.deprecate("backend: set callbackApi to declare the calling convention (true: read(language, namespace, callback) and create(languages, namespace, key, fallbackValue, callback, options); false: both return a promise or a value); guessing it from the number of parameters is deprecated");
    }
  }
  queueLoad(languages, namespaces, options, callback) {
    const toLoad = {};
    const pending = {};
    const toLoadLanguages = {};
    const toLoadNamespaces = {};
    languages.forEach((lng) => {
      let hasAllNamespaces = true;
      namespaces.forEach((ns) => {
        const name = `${lng}|${ns}`;
        if (!options.reload && this.store.hasResourceBundle(lng, ns)) {
          this.state[name] = 2;
        } else if (!options.reload && this.state[name] < 0) ;
        else if (this.state[name] === 1) {
          if (pending[name] === void 0) pending[name] = true;
        } else {
          this.state[name] = 1;
          hasAllNamespaces = false;
          if (pending[name] === void 0) pending[name] = true;
          if (toLoad[name] === void 0) toLoad[name] = true;
          if (toLoadNamespaces[ns] === void 0) toLoadNamespaces[ns] = true;
        }
      });
      if (!hasAllNamespaces) toLoadLanguages[lng] = true;
    });
    if (Object.keys(toLoad).length || Object.keys(pending).length) {
      this.queue.push({
        pending,
        pendingCount: Object.keys(pending).length,
        loaded: {},
        errors: [],
        callback
      });
    }
    return {
      toLoad: Object.keys(toLoad),
      pending: Object.keys(pending),
      toLoadLanguages: Object.keys(toLoadLanguages),
      toLoadNamespaces: Object.keys(toLoadNamespaces)
    };
  }
  loaded(name, err, data) {
    const s = name.split("|");
    const lng = s[0];
    const ns = s[1];
    if (err) this.emit("failedLoading", lng, ns, err);
    if (!err && data) {
      this.store.addResourceBundle(lng, ns, data, void 0, void 0, {
        skipCopy: true
      });
    }
    this.state[name] = err ? -1 : 2;
    if (err && data) this.state[name] = 0;
    this.failed.delete(name);
    if (err) {
      this.failed.add(name);
      if (this.failed.size > maxFailedLoads) {
        const oldest = this.failed.values().next().value;
        this.failed.delete(oldest);
        if (this.state[oldest] < 1) delete this.state[oldest];
      }
    }
    const loaded = {};
    this.queue.forEach((q) => {
      pushPath(q.loaded, [lng], ns);
      removePending(q, name);
      if (err) q.errors.push(err);
      if (q.pendingCount === 0 && !q.done) {
        Object.keys(q.loaded).forEach((l) => {
          if (!Object.prototype.hasOwnProperty.call(loaded, l)) loaded[l] = {};
          const loadedKeys = q.loaded[l];
          if (loadedKeys.length) {
            loadedKeys.forEach((n) => {
              if (loaded[l][n] === void 0) loaded[l][n] = true;
            });
          }
        });
        q.done = true;
        if (q.errors.length) {
          q.callback(q.errors);
        } else {
          q.callback();
        }
      }
    });
    this.emit("loaded", loaded);
    this.queue = this.queue.filter((q) => !q.done);
  }
  read(lng, ns, fcName, tried = 0, wait = this.retryTimeout, callback) {
    if (!lng.length) return callback(null, {});
    if (this.readingCalls >= this.maxParallelReads) {
      this.waitingReads.push({
        lng,
        ns,
        fcName,
        tried,
        wait,
        callback
      });
      return;
    }
    this.readingCalls++;
    const resolver = (err, data) => {
      this.readingCalls--;
      if (this.waitingReads.length > 0) {
        const next = this.waitingReads.shift();
        this.read(next.lng, next.ns, next.fcName, next.tried, next.wait, next.callback);
      }
      if (err && data && tried < this.maxRetries) {
        setTimeout(() => {
          this.read(lng, ns, fcName, tried + 1, wait * 2, callback);
        }, wait);
        return;
      }
      callback(err, data);
    };
    const fc = this.backend[fcName].bind(this.backend);
    if (this.callbackApi === false || this.callbackApi === void 0 && fc.length === 2) {
      try {
        const r = fc(lng, ns);
        if (r && typeof r.then === "function") {
          r.then((data) => resolver(null, data)).catch(resolver);
        } else {
          resolver(null, r);
        }
      } catch (err) {
        resolver(err);
      }
      return;
    }
    return fc(lng, ns, resolver);
  }
  prepareLoading(languages, namespaces, options = {}, callback) {
    if (!this.backend) {
      this.logger.warn("No backend was added via i18next.use. Will not load resources.");
      return callback && callback();
    }
    if (isString(languages)) languages = this.languageUtils.toResolveHierarchy(languages);
    if (isString(namespaces)) namespaces = [namespaces];
    const toLoad = this.queueLoad(languages, namespaces, options, callback);
    if (!toLoad.toLoad.length) {
      if (!toLoad.pending.length) callback();
      return null;
    }
    toLoad.toLoad.forEach((name) => {
      this.loadOne(name);
    });
  }
  load(languages, namespaces, callback) {
    this.prepareLoading(languages, namespaces, {}, callback);
  }
  reload(languages, namespaces, callback) {
    this.prepareLoading(languages, namespaces, {
      reload: true
    }, callback);
  }
  loadOne(name, prefix = "") {
    const s = name.split("|");
    const lng = s[0];
    const ns = s[1];
    this.read(lng, ns, "read", void 0, void 0, (err, data) => {
      if (err) this.logger.warn(`${prefix}loading namespace ${ns} for language ${lng} failed`, err);
      if (!err && data) this.logger.log(`${prefix}loaded namespace ${ns} for language ${lng}`, data);
      this.loaded(name, err, data);
    });
  }
  saveMissing(languages, namespace, key, fallbackValue, isUpdate, options = {}, clb = () => {
  }, hasLoadedNamespace2 = this.newestCloneHasLoadedNamespace || this.services?.utils?.hasLoadedNamespace) {
    if (hasLoadedNamespace2 && !hasLoadedNamespace2(namespace)) {
      this.logger.warn(`did not save key "${key}" as the namespace "${namespace}" was not yet loaded`, "This means something IS WRONG in your setup. You access the t function before i18next.init / i18next.loadNamespace / i18next.changeLanguage was done. Wait for the callback or Promise to resolve before accessing it!!!");
      return;
    }
    if (key === void 0 || key === null || key === "") return;
    if (this.backend?.create) {
      const opts = {
        ...options,
        isUpdate
      };
      const fc = this.backend.create.bind(this.backend);
      if (this.callbackApi === false || this.callbackApi === void 0 && fc.length < 6) {
        try {
          let r;
          if (this.callbackApi === false || fc.length === 5) {
            r = fc(languages, namespace, key, fallbackValue, opts);
          } else {
            r = fc(languages, namespace, key, fallbackValue);
          }
          if (r && typeof r.then === "function") {
            r.then((data) => clb(null, data)).catch(clb);
          } else {
            clb(null, r);
          }
        } catch (err) {
          clb(err);
        }
      } else {
        fc(languages, namespace, key, fallbackValue, clb, opts);
      }
    }
    if (!languages || !languages[0]) return;
    this.store.addResource(languages[0], namespace, key, fallbackValue);
  }
};
var get = () => ({
  debug: false,
  initAsync: true,
  ns: ["translation"],
  defaultNS: ["translation"],
  fallbackLng: false,
  fallbackNS: false,
  supportedLngs: false,
  nonExplicitSupportedLngs: false,
  load: "all",
  preload: false,
  keySeparator: ".",
  nsSeparator: ":",
  pluralSeparator: "_",
  contextSeparator: "_",
  enableSelector: false,
  partialBundledLanguages: false,
  saveMissing: false,
  updateMissing: false,
  saveMissingTo: "fallback",
  saveMissingPlurals: true,
  missingKeyHandler: false,
  missingInterpolationHandler: false,
  postProcess: false,
  postProcessPassResolved: false,
  returnNull: false,
  returnEmptyString: false,
  returnObjects: false,
  joinArrays: false,
  returnedObjectHandler: false,
  parseMissingKeyHandler: false,
  appendNamespaceToMissingKey: false,
  appendNamespaceToCIMode: false,
  overloadTranslationOptionHandler: (args) => {
    let ret = {};
    if (typeof args[1] === "object") ret = args[1];
    if (isString(args[1])) ret.defaultValue = args[1];
    if (isString(args[2])) ret.tDescription = args[2];
    if (typeof args[2] === "object" || typeof args[3] === "object") {
      const options = args[3] || args[2];
      Object.keys(options).forEach((key) => {
        ret[key] = options[key];
      });
    }
    return ret;
  },
  interpolation: {
    escapeValue: true,
    prefix: "{{",
    suffix: "}}",
    formatSeparator: ",",
    unescapePrefix: "-",
    nestingPrefix: "$t(",
    nestingSuffix: ")",
    nestingOptionsSeparator: ",",
    maxReplaces: 1e3,
    skipOnVariables: true
  },
  cacheInBuiltFormats: true
});
var transformOptions = (options) => {
  if (isString(options.ns)) options.ns = [options.ns];
  if (isString(options.fallbackLng)) options.fallbackLng = [options.fallbackLng];
  if (isString(options.fallbackNS)) options.fallbackNS = [options.fallbackNS];
  if (options.supportedLngs && !options.supportedLngs.includes("cimode")) {
    options.supportedLngs = options.supportedLngs.concat(["cimode"]);
  }
  return options;
};
var noop = () => {
};
var withDefaults = (options) => {
  const defOpts = get();
  const merged = {
    ...defOpts,
    ...options
  };
  merged.interpolation = {
    ...defOpts.interpolation,
    ...options.interpolation
  };
  if (typeof merged.overloadTranslationOptionHandler !== "function") {
    merged.overloadTranslationOptionHandler = defOpts.overloadTranslationOptionHandler;
  }
  return merged;
};
var configuredLanguageCodes = (options) => {
  const codes = [].concat(options.supportedLngs || [], options.preload || []);
  codes.push(...Object.keys(options.resources || {}));
  const fallbackLng = options.fallbackLng;
  if (isString(fallbackLng) || Array.isArray(fallbackLng)) codes.push(...[].concat(fallbackLng));
  else if (fallbackLng && typeof fallbackLng === "object") {
    Object.keys(fallbackLng).forEach((code) => {
      if (code !== "default") codes.push(code);
      codes.push(...[].concat(fallbackLng[code]));
    });
  }
  return codes;
};
var isRefusedLanguageCode = (i18n, code) => {
  if (!isString(code) || isSafeLanguageCode(code) || i18n.configuredLngs?.has(code)) return false;
  i18n.logger.once(`lng:${code}`, "warn", `refused the language code '${code.slice(0, 64)}' from lng, changeLanguage(), the language detector or loadLanguages(): it is not configured and has other characters than letters, digits, '-', '_', '@' and '.' (or '..', or more than 128). List it in supportedLngs to use it`);
  return true;
};
var bindMemberFunctions = (inst) => {
  const mems = Object.getOwnPropertyNames(Object.getPrototypeOf(inst));
  mems.forEach((mem) => {
    if (typeof inst[mem] === "function") {
      inst[mem] = inst[mem].bind(inst);
    }
  });
};
var I18n = class _I18n extends EventEmitter {
  constructor(options = {}, callback) {
    super();
    this.userOptions = transformOptions(options);
    this.options = withDefaults(this.userOptions);
    this.services = {
      postProcessors: /* @__PURE__ */ Object.create(null)
    };
    this.logger = new Logger(null, this.options);
    this.modules = {
      external: []
    };
    bindMemberFunctions(this);
    if (callback && !this.isInitialized && !options.isClone) {
      if (!this.userOptions.initAsync) {
        this.init(options, callback);
        return this;
      }
      setTimeout(() => {
        this.init(options, callback);
      }, 0);
    }
  }
  init(options = {}, callback) {
    this.isInitializing = true;
    if (typeof options === "function") {
      callback = options;
      options = {};
    }
    if (options.defaultNS == null && options.ns) {
      if (isString(options.ns)) {
        options.defaultNS = options.ns;
      } else if (!options.ns.includes("translation")) {
        options.defaultNS = options.ns[0];
      }
    }
    transformOptions(options);
    const userOptions = {
      ...this.userOptions,
      ...options
    };
    this.options = withDefaults({
      ...this.options,
      ...options
    });
    if (userOptions.keySeparator !== void 0) {
      this.options.userDefinedKeySeparator = userOptions.keySeparator;
    }
    if (userOptions.nsSeparator !== void 0) {
      this.options.userDefinedNsSeparator = userOptions.nsSeparator;
    }
    if (!this.options.isClone) {
      this.configuredLngs = /* @__PURE__ */ new Set([...this.configuredLngs || [], ...configuredLanguageCodes(userOptions)]);
    }
    const createClassOnDemand = (ClassOrObject) => {
      if (!ClassOrObject) return null;
      if (typeof ClassOrObject === "function") return new ClassOrObject();
      return ClassOrObject;
    };
    if (!this.options.isClone) {
      this.logger.init(createClassOnDemand(this.modules.logger), this.options);
      const {
        logger
      } = this;
      this.pendingWarnings?.forEach((msg) => this.logger.warn(msg));
      this.pendingWarnings = void 0;
      let formatter;
      if (this.modules.formatter) {
        formatter = this.modules.formatter;
      } else {
        formatter = Formatter;
      }
      const lu = new LanguageUtil(this.options, logger);
      this.store = new ResourceStore(this.options.resources, this.options, logger);
      const s = this.services;
      s.logger = logger;
      s.resourceStore = this.store;
      s.languageUtils = lu;
      s.pluralResolver = new PluralResolver(lu, {
        prepend: this.options.pluralSeparator
      }, logger);
      if (formatter) {
        s.formatter = createClassOnDemand(formatter);
        if (s.formatter.init) s.formatter.init(s, this.options);
        this.options.interpolation.format = s.formatter.format.bind(s.formatter);
      }
      s.interpolator = new Interpolator(this.options, logger);
      s.utils = {
        hasLoadedNamespace: this.hasLoadedNamespace.bind(this),
        reloadResources: this.reloadResources.bind(this)
      };
      s.backendConnector = new Connector(createClassOnDemand(this.modules.backend), s.resourceStore, s, this.options);
      s.backendConnector.on("*", (event, ...args) => {
        this.emit(event, ...args);
      });
      if (this.modules.languageDetector) {
        s.languageDetector = createClassOnDemand(this.modules.languageDetector);
        if (s.languageDetector.init) s.languageDetector.init(s, this.options.detection, this.options);
        if (s.languageDetector.async && callbackApiOf(s.languageDetector) === void 0) {
          this.logger.deprecate("languageDetector: set callbackApi to declare how the async detect() answers (true: detect(callback); false: detect() returns a promise); guessing it from the number of parameters is deprecated");
        }
      }
      if (this.modules.i18nFormat) {
        s.i18nFormat = createClassOnDemand(this.modules.i18nFormat);
        if (s.i18nFormat.init) s.i18nFormat.init(this);
      }
      this.translator = new Translator(this.services, this.options);
      this.translator.on("*", (event, ...args) => {
        this.emit(event, ...args);
      });
      this.modules.external.forEach((m) => {
        if (m.init) m.init(this);
      });
    }
    this.format = this.options.interpolation.format;
    if (!callback) callback = noop;
    if (this.options.fallbackLng && !this.services.languageDetector && !this.options.lng) {
      const codes = this.services.languageUtils.getFallbackCodes(this.options.fallbackLng);
      if (codes.length > 0 && codes[0] !== "dev") this.options.lng = codes[0];
    }
    if (!this.services.languageDetector && !this.options.lng) {
      this.logger.warn("init: no languageDetector is used and no lng is defined");
    }
    const storeApi = ["getResource", "hasResourceBundle", "getResourceBundle", "getDataByLanguage"];
    storeApi.forEach((fcName) => {
      this[fcName] = (...args) => this.store[fcName](...args);
    });
    const storeApiChained = ["addResource", "addResources", "addResourceBundle", "removeResourceBundle"];
    storeApiChained.forEach((fcName) => {
      this[fcName] = (...args) => {
        this.store[fcName](...args);
        return this;
      };
    });
    const deferred = defer();
    const load = () => {
      const finish = (err, t22) => {
        this.isInitializing = false;
        if (this.isInitialized && !this.initializedStoreOnce) this.logger.warn("init: i18next is already initialized. You should call init just once!");
        this.isInitialized = true;
        if (!this.options.isClone) this.logger.log("initialized", this.options);
        this.emit("initialized", this.options);
        deferred.resolve(t22);
        callback(err, t22);
      };
      if ((this.languages || this.isLanguageChangingTo) && !this.isInitialized) return finish(null, this.t.bind(this));
      this.changeLanguage(this.options.lng, finish);
    };
    if (this.options.resources || !this.options.initAsync) {
      load();
    } else {
      setTimeout(load, 0);
    }
    return deferred;
  }
  loadResources(language2, callback = noop) {
    let usedCallback = callback;
    const usedLng = isString(language2) ? language2 : this.language;
    if (typeof language2 === "function") usedCallback = language2;
    if (!this.options.resources || this.options.partialBundledLanguages) {
      if (usedLng?.toLowerCase() === "cimode" && (!this.options.preload || this.options.preload.length === 0)) return usedCallback();
      const toLoad = [];
      const append = (lng) => {
        if (!lng) return;
        if (lng === "cimode") return;
        const lngs = this.services.languageUtils.toResolveHierarchy(lng);
        lngs.forEach((l) => {
          if (l === "cimode") return;
          if (!toLoad.includes(l)) toLoad.push(l);
        });
      };
      if (!usedLng) {
        const fallbacks = this.services.languageUtils.getFallbackCodes(this.options.fallbackLng);
        fallbacks.forEach((l) => append(l));
      } else {
        append(usedLng);
      }
      this.options.preload?.forEach?.((l) => append(l));
      this.services.backendConnector.load(toLoad, this.options.ns, (e) => {
        if (!e && !this.resolvedLanguage && this.language) this.setResolvedLanguage(this.language);
        usedCallback(e);
      });
    } else {
      usedCallback(null);
    }
  }
  reloadResources(lngs, ns, callback) {
    const deferred = defer();
    if (typeof lngs === "function") {
      callback = lngs;
      lngs = void 0;
    }
    if (typeof ns === "function") {
      callback = ns;
      ns = void 0;
    }
    if (!lngs) {
      const requested = Object.keys(this.services.backendConnector.state).map((name) => name.split("|")[0]);
      lngs = [.../* @__PURE__ */ new Set([...this.languages || [], ...requested])].filter((l) => l !== "cimode");
    }
    if (!ns) ns = this.options.ns;
    if (!callback) callback = noop;
    this.services.backendConnector.reload(lngs, ns, (err) => {
      deferred.resolve();
      callback(err);
    });
    return deferred;
  }
  use(module) {
    if (!module) throw new Error("You are passing an undefined module! Please check the object you are passing to i18next.use()");
    if (!module.type) throw new Error("You are passing a wrong module! Please check the object you are passing to i18next.use()");
    const setModule = (type) => {
      if (this.modules[type] && this.modules[type] !== module) {
        const msg = `use: this ${type} replaces the ${type} passed to an earlier use() call; only one ${type} is used per instance`;
        if (this.isInitializing || this.isInitialized) this.logger.warn(msg);
        else (this.pendingWarnings = this.pendingWarnings || []).push(msg);
      }
      this.modules[type] = module;
    };
    if (module.type === "backend") {
      setModule("backend");
    }
    if (module.type === "logger" || module.log && module.warn && module.error) {
      this.modules.logger = module;
    }
    if (module.type === "languageDetector") {
      setModule("languageDetector");
    }
    if (module.type === "i18nFormat") {
      setModule("i18nFormat");
    }
    if (module.type === "postProcessor") {
      this.services.postProcessors[module.name] = module;
    }
    if (module.type === "formatter") {
      setModule("formatter");
    }
    if (module.type === "3rdParty") {
      this.modules.external.push(module);
    }
    return this;
  }
  hydrate(resources, lng) {
    if (this.options.isClone) return this;
    if (!this.services.resourceStore) {
      this.logger.warn("hydrate: call init() first, the instance has no resource store yet");
      return this;
    }
    if (resources && !this.initializedStoreOnce) {
      this.services.resourceStore.data = resources;
      Object.values(resources).forEach((lngResources) => {
        Object.keys(lngResources).forEach((ns) => {
          if (!this.options.ns.includes(ns)) this.options.ns.push(ns);
        });
      });
      this.initializedStoreOnce = true;
      this.isInitialized = true;
    }
    if (lng && !this.initializedLanguageOnce) {
      this.changeLanguage(lng);
      this.initializedLanguageOnce = true;
    }
    return this;
  }
  setResolvedLanguage(l) {
    if (!l || !this.languages) return;
    if (["cimode", "dev"].includes(l)) return;
    for (let li = 0; li < this.languages.length; li++) {
      const lngInLngs = this.languages[li];
      if (["cimode", "dev"].includes(lngInLngs)) continue;
      if (this.store.hasLanguageSomeTranslations(lngInLngs)) {
        this.resolvedLanguage = lngInLngs;
        break;
      }
    }
    if (!this.resolvedLanguage && !this.languages.includes(l) && this.store.hasLanguageSomeTranslations(l)) {
      this.resolvedLanguage = l;
      this.languages.unshift(l);
    }
  }
  changeLanguage(lng, callback) {
    this.isLanguageChangingTo = lng;
    const deferred = defer();
    this.emit("languageChanging", lng);
    const setLngProps = (l) => {
      this.language = l;
      this.languages = this.services.languageUtils.toResolveHierarchy(l);
      this.resolvedLanguage = void 0;
      this.setResolvedLanguage(l);
    };
    const done = (err, l) => {
      if (l) {
        if (this.isLanguageChangingTo === lng) {
          setLngProps(l);
          this.translator.changeLanguage(l);
          this.isLanguageChangingTo = void 0;
          this.emit("languageChanged", l);
          this.logger.log("languageChanged", l);
        }
      } else {
        this.isLanguageChangingTo = void 0;
      }
      deferred.resolve((...args) => this.t(...args));
      if (callback) callback(err, (...args) => this.t(...args));
    };
    const setLng = (lngs) => {
      if (!lng && !lngs && this.services.languageDetector) lngs = [];
      const {
        supportedLngs
      } = this.options;
      if (lngs && !supportedLngs) {
        const accepted = [].concat(lngs).filter((c) => !isRefusedLanguageCode(this, c));
        if (accepted.length < [].concat(lngs).length) lngs = accepted;
      }
      const fl = isString(lngs) ? lngs : lngs && lngs[0];
      let l = this.store.hasLanguageSomeTranslations(fl) ? fl : this.services.languageUtils.getBestMatchFromCodes(isString(lngs) ? [lngs] : lngs);
      if (supportedLngs && isRefusedLanguageCode(this, l)) l = this.services.languageUtils.getBestMatchFromCodes([]);
      if (l) {
        if (!this.language) {
          setLngProps(l);
        }
        if (!this.translator.language) this.translator.changeLanguage(l);
        this.services.languageDetector?.cacheUserLanguage?.(l);
      }
      this.loadResources(l, (err) => {
        done(err, l);
      });
    };
    if (!lng && this.services.languageDetector && !this.services.languageDetector.async) {
      setLng(this.services.languageDetector.detect());
    } else if (!lng && this.services.languageDetector && this.services.languageDetector.async) {
      const callbackApi = callbackApiOf(this.services.languageDetector);
      if (callbackApi === false || callbackApi === void 0 && this.services.languageDetector.detect.length === 0) {
        this.services.languageDetector.detect().then(setLng);
      } else {
        this.services.languageDetector.detect(setLng);
      }
    } else {
      setLng(lng);
    }
    return deferred;
  }
  getFixedT(lng, ns, keyPrefix, fixedOpts) {
    const scopeNs = fixedOpts?.scopeNs;
    const fixedT = (key, opts, ...rest) => {
      let o;
      if (typeof opts !== "object") {
        o = this.options.overloadTranslationOptionHandler([key, opts].concat(rest));
      } else {
        o = {
          ...opts
        };
      }
      o.lng = o.lng || fixedT.lng;
      o.lngs = o.lngs || fixedT.lngs;
      const explicitCallNs = o.ns !== void 0 && o.ns !== null;
      o.ns = o.ns || fixedT.ns;
      if (o.keyPrefix !== "") o.keyPrefix = o.keyPrefix || keyPrefix || fixedT.keyPrefix;
      const selectorOpts = {
        ...this.options,
        ...o
      };
      if (Array.isArray(scopeNs) && !explicitCallNs) selectorOpts.ns = scopeNs;
      if (typeof o.keyPrefix === "function") o.keyPrefix = keysFromSelector(o.keyPrefix, selectorOpts);
      const keySeparator = this.options.keySeparator || ".";
      let resultKey;
      if (o.keyPrefix && Array.isArray(key)) {
        resultKey = key.map((k) => {
          if (typeof k === "function") k = keysFromSelector(k, selectorOpts);
          return `${o.keyPrefix}${keySeparator}${k}`;
        });
      } else {
        if (typeof key === "function") key = keysFromSelector(key, selectorOpts);
        resultKey = o.keyPrefix ? `${o.keyPrefix}${keySeparator}${key}` : key;
      }
      return this.t(resultKey, o);
    };
    if (isString(lng)) {
      fixedT.lng = lng;
    } else {
      fixedT.lngs = lng;
    }
    fixedT.ns = ns;
    fixedT.keyPrefix = keyPrefix;
    return fixedT;
  }
  t(...args) {
    if (!this.translator) {
      this.logger.warn("t: called before init(); returning an empty string");
      return "";
    }
    return this.translator.translate(...args);
  }
  exists(...args) {
    return this.translator?.exists(...args);
  }
  setDefaultNamespace(ns) {
    this.options.defaultNS = ns;
  }
  hasLoadedNamespace(ns, options = {}) {
    if (!this.isInitialized) {
      this.logger.warn("hasLoadedNamespace: i18next was not initialized", this.languages);
      return false;
    }
    if (!this.languages || !this.languages.length) {
      this.logger.warn("hasLoadedNamespace: i18n.languages were undefined or empty", this.languages);
      return false;
    }
    const lng = options.lng || this.resolvedLanguage || this.languages[0];
    const fallbackLng = this.options ? this.options.fallbackLng : false;
    const lastLng = this.languages[this.languages.length - 1];
    if (lng.toLowerCase() === "cimode") return true;
    const loadNotPending = (l, n) => {
      const loadState = this.services.backendConnector.state[`${l}|${n}`];
      return loadState === -1 || loadState === 0 || loadState === 2;
    };
    if (options.precheck) {
      const preResult = options.precheck(this, loadNotPending);
      if (preResult !== void 0) return preResult;
    }
    if (this.hasResourceBundle(lng, ns)) return true;
    if (!this.services.backendConnector.backend || this.options.resources && !this.options.partialBundledLanguages) return true;
    const {
      languageUtils
    } = this.services;
    const loadLng = !options.lng ? lng : languageUtils.isSupportedCode(lng) && languageUtils.toResolveHierarchy(lng, false)[0];
    if ((!loadLng || loadNotPending(loadLng, ns)) && (!fallbackLng || loadNotPending(lastLng, ns))) return true;
    return false;
  }
  loadNamespaces(ns, callback) {
    const deferred = defer();
    if (!this.options.ns || !this.services.backendConnector) {
      if (callback) callback();
      return Promise.resolve();
    }
    if (isString(ns)) ns = [ns];
    ns.forEach((n) => {
      if (!this.options.ns.includes(n)) this.options.ns.push(n);
    });
    this.loadResources((err) => {
      deferred.resolve();
      if (callback) callback(err);
    });
    return deferred;
  }
  loadLanguages(lngs, callback) {
    const deferred = defer();
    if (isString(lngs)) lngs = [lngs];
    const preloaded = this.options.preload || [];
    const newLngs = lngs.filter((lng) => !preloaded.includes(lng) && !isRefusedLanguageCode(this, lng) && this.services.languageUtils.isSupportedCode(lng));
    if (!newLngs.length) {
      if (callback) callback();
      return Promise.resolve();
    }
    this.options.preload = preloaded.concat(newLngs);
    this.loadResources((err) => {
      deferred.resolve();
      if (callback) callback(err);
    });
    return deferred;
  }
  dir(lng) {
    if (!lng) lng = this.resolvedLanguage || (this.languages?.length > 0 ? this.languages[0] : this.language);
    if (!lng) return "ltr";
    try {
      const l = new Intl.Locale(lng);
      if (l && l.getTextInfo) {
        const ti = l.getTextInfo();
        if (ti && ti.direction) return ti.direction;
      }
    } catch (e) {
    }
    const rtlLngs = ["ar", "shu", "sqr", "ssh", "xaa", "yhd", "yud", "aao", "abh", "abv", "acm", "acq", "acw", "acx", "acy", "adf", "ads", "aeb", "aec", "afb", "ajp", "apc", "apd", "arb", "arq", "ars", "ary", "arz", "auz", "avl", "ayh", "ayl", "ayn", "ayp", "bbz", "pga", "he", "iw", "ps", "pbt", "pbu", "pst", "prp", "prd", "ug", "ur", "ydd", "yds", "yih", "ji", "yi", "hbo", "men", "xmn", "fa", "jpr", "peo", "pes", "prs", "dv", "sam", "ckb"];
    const languageUtils = this.services?.languageUtils || new LanguageUtil(get());
    if (lng.toLowerCase().indexOf("-latn") > 1) return "ltr";
    return rtlLngs.includes(languageUtils.getLanguagePartFromCode(lng)) || lng.toLowerCase().indexOf("-arab") > 1 ? "rtl" : "ltr";
  }
  static createInstance(options = {}, callback) {
    const instance2 = new _I18n(options, callback);
    instance2.createInstance = _I18n.createInstance;
    return instance2;
  }
  cloneInstance(options = {}, callback = noop) {
    const forkResourceStore = options.forkResourceStore;
    if (forkResourceStore) {
      options = {
        ...options
      };
      delete options.forkResourceStore;
    }
    const mergedOptions = {
      ...this.options,
      preload: false,
      ...options,
      ...{
        isClone: true
      }
    };
    const clone = new _I18n(mergedOptions);
    clone.logger = options.debug !== void 0 || options.prefix !== void 0 ? this.logger.clone(options) : this.logger;
    const membersToCopy = ["store", "language"];
    membersToCopy.forEach((m) => {
      clone[m] = this[m];
    });
    clone.services = {
      ...this.services
    };
    clone.services.postProcessors = Object.create(this.services.postProcessors);
    clone.services.utils = {
      ...clone.services.utils,
      hasLoadedNamespace: clone.hasLoadedNamespace.bind(clone),
      reloadResources: clone.reloadResources.bind(clone)
    };
    if (forkResourceStore) {
      const copyData = (obj) => {
        const copied = Array.isArray(obj) ? [...obj] : {
          ...obj
        };
        Object.keys(copied).forEach((k) => {
          if (copied[k] && typeof copied[k] === "object") copied[k] = copyData(copied[k]);
        });
        return copied;
      };
      const clonedData = copyData(this.store.data);
      clone.store = new ResourceStore(clonedData, mergedOptions, this.logger);
      clone.services.resourceStore = clone.store;
    }
    if (options.interpolation) {
      const defOpts = get();
      const mergedInterpolation = {
        ...defOpts.interpolation,
        ...this.options.interpolation,
        ...options.interpolation
      };
      const mergedForInterpolator = {
        ...mergedOptions,
        interpolation: mergedInterpolation
      };
      clone.services.interpolator = new Interpolator(mergedForInterpolator, this.logger);
    }
    clone.configuredLngs = /* @__PURE__ */ new Set([...this.configuredLngs || [], ...configuredLanguageCodes(options)]);
    clone.translator = new Translator(clone.services, mergedOptions);
    clone.translator.on("*", (event, ...args) => {
      clone.emit(event, ...args);
    });
    clone.init(mergedOptions, callback);
    clone.translator.options = mergedOptions;
    clone.translator.backendConnector.newestCloneHasLoadedNamespace = clone.hasLoadedNamespace.bind(clone);
    return clone;
  }
  toJSON() {
    return {
      options: this.options,
      store: this.store,
      language: this.language,
      languages: this.languages,
      resolvedLanguage: this.resolvedLanguage
    };
  }
};
var instance = I18n.createInstance();
var createInstance = instance.createInstance;
var dir = instance.dir;
var init = instance.init;
var loadResources = instance.loadResources;
var reloadResources = instance.reloadResources;
var use = instance.use;
var changeLanguage = instance.changeLanguage;
var getFixedT = instance.getFixedT;
var t = instance.t;
var exists = instance.exists;
var setDefaultNamespace = instance.setDefaultNamespace;
var hasLoadedNamespace = instance.hasLoadedNamespace;
var loadNamespaces = instance.loadNamespaces;
var loadLanguages = instance.loadLanguages;

// static/i18n/en/page.json
var page_default = {
  units: {
    mib: "{{size}} MiB",
    kib: "{{size}} KiB",
    bytes_one: "{{size}} byte",
    bytes_other: "{{size}} bytes"
  },
  title: "nnplay: a neural network, trained live in NumPy",
  brand: {
    tagline: "real NumPy, trained live"
  },
  language: {
    label: "Language",
    tip: "The page's language (l)"
  },
  run: {
    reset: "Reset",
    reset_tip: "Reset to step 0 (r)",
    play: "Play",
    play_tip: "Play (space)",
    pause: "Pause",
    pause_tip: "Pause (space)",
    step: "Step",
    step_tip: "One step (→)"
  },
  counters: {
    epoch: "Epoch",
    step: "Step"
  },
  speed: {
    label: "Speed",
    tip: "Training speed, in mini-batch steps a second",
    slider: "Training speed",
    max: "max",
    max_tip: "As fast as the server can train (m); press again for the pace before",
    pace_one: "{{value}} step/s",
    pace_other: "{{value}} steps/s"
  },
  status: {
    connecting: "connecting",
    connected: "connected",
    reconnecting: "reconnecting…",
    refused: "refused: {{detail}}",
    replaced: "opened elsewhere",
    closed: "closed",
    saved: "saved on the server at step {{step}}, {{time}}"
  },
  rates: {
    sps: "steps/s",
    fps: "fps",
    limited: "frames wait for training",
    slow: "frames come slower than {{fps}} a second: each takes {{ms}} ms to build, and training gets at least as much time",
    back: "frames are back to {{fps}} a second",
    link: "the connection carried {{kb}} KB/s: frames come at {{fps}} a second",
    link_lean: "the connection carried {{kb}} KB/s: frames come at {{fps}} a second, lean (this page draws the maps)"
  },
  menu: {
    compare: "Compare",
    compare_tip: "Compare pinned runs side by side",
    present: "Present",
    present_tip: "Presentation mode: large type and drawings, advanced controls hidden (p)",
    help: "Keyboard shortcuts",
    help_tip: "Keyboard shortcuts (?)"
  },
  room: {
    join: "Join a class",
    fork: "Try it yourself",
    fork_tip: "A run of your own, from the teacher's as it is now (y)",
    follow: "Follow the teacher",
    follow_tip: "Watch the teacher's run again; yours is kept (f)"
  },
  data: {
    title: "Data",
    which: "Which dataset?",
    training_data: "Training data",
    regenerate: "Regenerate",
    regenerate_tip: "New points, same dataset",
    draw: "Draw",
    draw_tip: "Click the output plot to add points; shift-click removes one (d)",
    csv: "CSV…",
    csv_tip: "Train on a CSV file: one row per point, the label last",
    draw_class: "Draw class",
    clear: "Clear",
    clear_tip: "Remove every point",
    no_points: "No points: draw some (d), or load a CSV",
    thumb_inputs_one: "{{count}} in",
    thumb_inputs_other: "{{count}} in",
    thumb_classes_one: "{{count}} cls",
    thumb_classes_other: "{{count}} cls"
  },
  features: {
    title: "Features",
    inputs: "Inputs",
    use: "Use {{label}} as an input"
  },
  network: {
    remove_layer: "Remove a hidden layer",
    add_layer: "Add a hidden layer",
    hidden_layers_one: "hidden layer",
    hidden_layers_other: "hidden layers",
    rebuild: "Changing this restarts training from step 0",
    rebuild_layers: "Changing the layers restarts training from step 0",
    images: "{{side}}×{{side}} images: each first-layer neuron below is drawn as its incoming weights",
    not_plane_one: "{{inputs}} input: this data is not 2-D, so neurons have no map over a plane",
    not_plane_other: "{{inputs}} inputs: this data is not 2-D, so neurons have no map over a plane",
    close: "Close"
  },
  task: {
    label: "Output + loss",
    aria: "Output activation and loss",
    tip: "The output layer's activation and the loss it is trained with: the pairs that can learn this data",
    pair: "{{output}} + {{loss}}",
    usual: "the usual pair for this task",
    for: "For {{kind}}: {{pair}}",
    kinds: {
      binary: "two classes",
      multiclass: "several classes",
      regression: "a number to predict"
    },
    losses: {
      bce: "binary cross-entropy",
      cross_entropy: "cross-entropy",
      mse: "mean squared error",
      sse: "sum of squared errors",
      perceptron: "perceptron rule"
    },
    adjusted: "Output and loss moved to fit the data: {{now}} (was {{was}})"
  },
  output: {
    title: "Output",
    test_data: "Test data",
    test_tip: "Show the test points too, ringed (t)",
    discretize: "Discretize",
    discretize_tip: "Snap the output to its two ends (or classes to full colour)",
    png_tip: "Save the output plot as PNG",
    test_loss: "Test loss",
    train_loss: "Training loss",
    test_accuracy: "Test accuracy",
    train_accuracy: "Training accuracy",
    test_r2: "Test R²",
    train_r2: "Training R²"
  },
  chart: {
    title: "Loss",
    metric: "What the chart shows",
    loss: "loss",
    score: "accuracy / R²",
    log: "log",
    png_tip: "Save the chart as PNG",
    legend: "What each line is, and its value"
  },
  timeline: {
    label: "Timeline: the run's past, to view and to branch from",
    range: "Step shown ([ and ] move checkpoint by checkpoint)",
    range_tip: "Drag to see the run as it was at an earlier step; the ticks are the checkpoints kept ([ and ])",
    live: "Live",
    back: "Back to live",
    back_tip: "Show the live run again",
    branch: "Branch from here"
  },
  tabs: {
    label: "More",
    settings: "Settings",
    settings_tip: "More settings of the network and its training",
    explain: "Explain",
    explain_tip: "Walk through one training step with the real numbers (e)",
    neuron: "Neuron",
    neuron_tip: "One neuron to try by hand",
    shapes: "Shapes",
    shapes_tip: "The shape of every array",
    activations: "Activations",
    activations_tip: "Each activation and its slope",
    diagnostics: "Diagnostics",
    diagnostics_tip: "Gradients, dead units and weights over time",
    code: "Code",
    code_tip: "The run as a plain NumPy script",
    lesson: "Share",
    lesson_tip: "Links, runs, presets and lessons",
    sweep: "Sweep",
    sweep_tip: "Vary a setting over values: many runs side by side",
    class: "Class",
    class_tip: "Teach a class: students join with a code and follow this run"
  },
  density: {
    label: "Heatmap detail",
    tip: "How finely the neuron tiles and the output plot are computed: finer is smoother and costs the server more",
    coarse: "coarse",
    coarse_tip: "neuron tiles 16×16, output plot 50×50",
    normal: "normal",
    normal_tip: "neuron tiles 32×32, output plot 100×100",
    fine: "fine",
    fine_tip: "neuron tiles 48×48, output plot 150×150",
    finest: "finest",
    finest_tip: "neuron tiles 64×64, output plot 200×200"
  },
  explain: {
    start: "Explain the selected point",
    start_tip: "Explain a step on the selected point (click one in the output plot)",
    back: "◀ Back",
    back_label: "Back (←)",
    next: "Next ▶",
    next_label: "Next (→)",
    apply: "Apply this step",
    apply_tip: "Apply exactly this step to the network",
    intro: `Pick a point in the output plot, then press "Explain the selected point". Training pauses; the step is walked through on that point with the network's own numbers.`
  },
  toy: {
    bias: "bias b",
    activation: "activation",
    add: "+ input",
    add_tip: "Add an input",
    remove: "− input",
    remove_tip: "Remove an input"
  },
  diagnostics: {
    gradients: "Gradient norm ‖∇‖ per layer (log scale)",
    dead: "Dead units per hidden layer (φ′ ≈ 0 on every training point)",
    weights: "Weights per layer over time (each column a moment, each row a range of values)"
  },
  code: {
    show: "Show the code for this run",
    copy: "Copy",
    download: "Download .py",
    intro: 'Press "Show the code for this run": a standalone Python script (NumPy only) that trains the same network on the same points and ends with the same weights.'
  },
  share: {
    copy_link: "Copy link",
    copy_link_tip: "Copy a link that reproduces this configuration",
    download: "Download run",
    download_tip: "Download the whole run (weights, data, optimizer) as JSON",
    load: "Load run…",
    load_tip: "Load a downloaded run",
    preset: "Preset",
    preset_tip: "Load a preset",
    choose: "Choose…",
    runs: "Recent runs",
    compare_tip: "Compare the pinned runs side by side",
    lesson_intro: "A lesson link opens this configuration with the chosen controls hidden, so students can focus on one thing:",
    bottom_tabs: "the bottom tabs",
    present: "open in presentation mode",
    copy_lesson: "Copy lesson link",
    copied: "link copied: it reproduces this configuration",
    copy_this: "copy this link: {{url}}",
    lesson_copied: "lesson link copied",
    lesson_link: "lesson link: {{url}}"
  },
  metrics: {
    score: "test accuracy",
    test_loss: "test loss",
    train_loss: "training loss"
  },
  sweep: {
    vary: "Vary",
    and: "and",
    nothing: "(nothing)",
    over: "over",
    example: "e.g. relu, tanh or 64-32, 32",
    epochs: "epochs",
    start: "Start",
    start_tip: "Train every combination from this run's settings (up to 24 runs)",
    cancel: "Cancel",
    metric: "What the curves show",
    csv: "Export CSV",
    png: "Export PNG",
    curves: "Every run's curve, overlaid; the legend beside it names each run",
    expand: "Full view",
    expand_tip: "Show the sweep's results over the playground, large enough for a room (Esc: back)",
    view_title: "Sweep results"
  },
  class: {
    start: "Start a class",
    intro: "Students join from their own computers with a code. They follow this run live, and can try it themselves from any step.",
    reach: "nnplay listens on this machine only, so students' computers cannot reach it: start it with",
    reach_end: ".",
    qr_alt: "QR code of the class's join address",
    qr_missing: "adds a QR code here",
    go_to: "Go to",
    enter_code: "and enter the code",
    show: "Show the class",
    show_tip: "Every student's run, over the whole window: for the projector (c)",
    close: "Close the class",
    close_tip: "End the class: students' pages stop following (their own runs are kept)",
    spot_end: "End spotlight",
    spot_end_tip: "The class sees {{name}}'s run: show them yours again"
  },
  class_view: {
    title: "Class",
    sort: "Sort",
    sort_tip: "The order of the cards (remembered)",
    by_joined: "by time joined",
    by_score: "by accuracy",
    push_tip: "Push to every student's own run, as if they had made the change",
    push_what: "What to push",
    all_settings: "all my settings",
    push: "Push my settings",
    preset: "A preset to push",
    a_preset: "a preset…",
    push_preset: "Push preset",
    push_preset_tip: "Load this preset in every student's own run",
    lock: "Lock…",
    lock_tip: "Controls students cannot change in their own runs",
    lock_apply: "Lock the ticked",
    unlock: "Unlock all",
    names: "names in the spotlight",
    names_tip: "When you show a student's run: their name, if they allowed it when joining (else “a student”)",
    back: "Back to my run",
    back_tip: "Back to your own run (c or Esc)",
    spot_end_tip: "Everyone sees your run again",
    students: "The students",
    empty: "No student has joined yet."
  },
  compare: {
    title: "Compare runs",
    none_pinned: "0 of 6 pinned",
    pin_this: "Pin this run",
    chart: "Chart",
    target: "Target",
    target_tip: "The test accuracy each run must reach; the table says at which step it first did",
    refresh: "Refresh",
    refresh_tip: "Read the pinned runs again (this run as it is now)",
    png: "Export PNG",
    png_tip: "The chart, the plots and the table as one PNG",
    csv: "Export CSV",
    csv_tip: "The table as CSV, full precision",
    back: "Back to the run",
    back_tip: "Back to the run (Esc)",
    test_accuracy: "Test accuracy",
    test_loss: "Test loss",
    train_loss: "Training loss",
    chart_aria: "The pinned runs' curves, overlaid",
    legend_aria: "What differs between the runs",
    plots_aria: "Each run's output plot",
    run: "Run",
    steps: "Steps",
    reached: "Reached 90% at step",
    unpin: "Unpin"
  },
  confirm: {
    remove: "Remove",
    cancel: "Cancel"
  },
  join: {
    title: "Join a class",
    code: "Class code",
    code_example: "e.g. K7M-P2Q",
    name: "Your name, as the class will see it",
    show_name: "Show my name on the projector if the teacher shows my run",
    submit: "Join"
  },
  keys: {
    title: "Keyboard shortcuts",
    space: "space",
    play: "play / pause",
    step: "one step (in the step-through: next stage)",
    back: "in the step-through: previous stage",
    explain: "explain a step on the selected point",
    reset: "reset to step 0",
    max: "train at max speed, or back to the pace before",
    draw: "draw points on the output plot",
    test: "show test data",
    present: "presentation mode",
    language: "the page in its next language",
    fork: "in a class: try it yourself (a run of your own from the teacher's)",
    follow: "in a class: follow the teacher again",
    class: "teaching a class: show the class (every student's run), or back to yours",
    timeline: "timeline: the run one checkpoint earlier / later (past the newest: live)",
    help: "this list",
    close: "close",
    close_button: "Close"
  },
  link: {
    invalid: "{{setting}}={{text}} in the link is not valid",
    invalid_allowed: "{{setting}}={{text}} in the link is not valid; allowed: {{allowed}}",
    unknown: "{{key}} in the link is not a setting of nnplay",
    allowed: {
      one_of: "one of: {{choices}}",
      list_of: "a comma-separated list of: {{choices}}",
      whole: "a whole number from {{min}} to {{max}}",
      range: "a number from {{min}} to {{max}}",
      layers_one: "up to {{count}} layer of {{min}} to {{max}} neurons, comma-separated",
      layers_other: "up to {{count}} layers of {{min}} to {{max}} neurons each, comma-separated"
    }
  },
  inspector: {
    title: "Neuron",
    close: "Close the inspector"
  },
  pictures: {
    plot: "Output plot at step {{step}}: {{scoreName}} {{score}}, loss {{loss}}",
    chart: "Loss chart up to step {{step}}: loss {{loss}}, {{scoreName}} {{score}}",
    plot_empty: "Output plot",
    network_empty: "The network",
    chart_empty: "Loss chart",
    network: "The network {{shape}}: {{layers}}, {{neurons}}",
    layers_one: "{{n}} hidden layer",
    layers_other: "{{n}} hidden layers",
    neurons_one: "{{n}} neuron",
    neurons_other: "{{n}} neurons"
  }
};

// static/i18n/en/messages.json
var messages_default = {
  connection: {
    replaced: {
      session: "this session is open in another tab or window: reload to take it back",
      student: "this place in the class is open in another tab or window: reload to take it back",
      teacher: "the class's view is open in too many tabs or windows: reload to take it back"
    },
    class_closed: "the teacher closed the class",
    removed: "the teacher removed this student from the class",
    retry_in: "in {{ms}} ms",
    restored: "the session was restored from its last save; this command may not have been applied",
    dropped: "the connection dropped",
    closed: "the connection was closed",
    not_sent: "not connected; the command was not sent",
    refused: {
      too_many_sessions: "the server is full",
      forbidden_origin: "this page's address is not allowed",
      forbidden_host: "this server's name is not allowed",
      local_only: "only this computer may open a session",
      not_teacher: "not the class's teacher",
      room_closed: "the class is closed",
      removed: "removed from the class",
      unknown_student: "unknown student link",
      invalid_value: "a wrong link",
      no_workers: "no worker is free"
    }
  },
  session: {
    restored: "restored at step {{step}} from its last save",
    resumed: "reconnected: the session carried on where it was",
    gone: "The session is gone ({{why}}): a new one starts from this link's settings",
    expired: "no session with that token (it expired or the server restarted)",
    not_restored: "its last save could not be restored",
    diverged_loss: "step {{step}} gave a loss of {{loss}}; training stopped and the weights are those of step {{last}}, the last finite state. The learning rate ({{rate}}) is probably too high: lower it (or reset) and carry on.",
    diverged_gradient: "step {{step}} gave a gradient too large to go on with; training stopped and the weights are those of step {{last}}, the last finite state. The learning rate ({{rate}}) is probably too high: lower it (or reset) and carry on."
  },
  teacher: {
    set: "The teacher set {{what}}",
    setting: "{{field}} {{value}}",
    speed: "speed {{speed}}",
    max_speed: "max",
    preset: "the preset {{preset}}",
    showing_yours: "The teacher is showing your run to the class",
    locked: "the teacher locked {{controls}} for this exercise",
    unlocked: "the teacher unlocked every control",
    spotlight_on: "{{name}}'s run is on the projector: you see it instead of the teacher's",
    spotlight_off: "you see the teacher's run again",
    here: "the teacher is here",
    left: "the teacher's page left: the teacher's run stands still until it comes back",
    reset_yours: "the teacher reset your run to theirs at step {{step}}"
  },
  limits: {
    disabled: "{{title}}: {{why}}",
    no_layer: "no hidden layer to remove",
    max_layers_one: "at most {{max}} hidden layer",
    max_layers_other: "at most {{max}} hidden layers",
    needs_input: "The network needs at least one input",
    use_feature: "Use {{feature}} as an input",
    nesterov: "Nesterov momentum needs momentum above 0"
  },
  states: {
    paused: "paused",
    running: "running",
    diverged: "diverged",
    detached: "detached",
    closed: "closed"
  },
  quoted: "“{{text}}”",
  fields: {
    message: "the message",
    type: "the command",
    name: "the name",
    code: "the class code",
    student: "the student",
    stage: "the stage",
    steps_per_second: "the speed",
    n: "the number of steps",
    index: "the point",
    x: "the point",
    label: "the class",
    preset: "the preset",
    state: "the saved run",
    "state.format": "the saved run's format",
    body: "the request",
    tokens: "the runs",
    target: "the target accuracy",
    controls: "the controls",
    show_name: "show the name",
    neuron: "the neurons' picture size",
    output: "the output plot's size",
    step: "the step",
    epochs: "the epochs",
    vary: "the values to sweep",
    text: "the CSV"
  },
  allowed: {
    integer: "a whole number{{range}}",
    number: "a number{{range}}",
    between: " from {{lo}} to {{hi}}",
    between_exclusive: " from {{lo}} (exclusive) to {{hi}}",
    at_least: " ≥ {{lo}}",
    above: " > {{lo}}",
    at_most_value: " ≤ {{hi}}",
    boolean: "true or false",
    true: "true",
    false: "false",
    choice: "one of: {{choices}}",
    names: "one or more of: {{choices}}, each once",
    integers_one: "a list of at most {{most}} whole number, each{{range}}",
    integers_other: "a list of at most {{most}} whole numbers, each{{range}}",
    numbers_one: "a list of {{most}} number",
    numbers_other: "a list of {{most}} numbers",
    at_most_size: "at most {{size}}",
    at_most: {
      points_one: "at most {{most}} point",
      points_other: "at most {{most}} points",
      runs_one: "at most {{most}} run",
      runs_other: "at most {{most}} runs",
      sessions_one: "at most {{most}} session",
      sessions_other: "at most {{most}} sessions",
      students_one: "at most {{most}} student",
      students_other: "at most {{most}} students",
      rooms_one: "at most {{most}} class",
      rooms_other: "at most {{most}} classes",
      sweeps_one: "at most {{most}} sweep",
      sweeps_other: "at most {{most}} sweeps",
      wrong_codes_a_minute_one: "at most {{most}} wrong code a minute",
      wrong_codes_a_minute_other: "at most {{most}} wrong codes a minute"
    }
  },
  errors: {
    rejected: "rejected",
    unknown: "The server refused: {{message}}",
    disconnected: "not connected; the command was not sent",
    invalid_value: "{{field}} cannot be {{value}}: allowed is {{allowed}}",
    invalid_value_no_value: "{{field}} is not valid: allowed is {{allowed}}",
    invalid_field: "{{field}} cannot be {{value}}",
    invalid_field_no_value: "{{field}} is not valid",
    missing_field: "{{field}} is missing",
    extra_field: "{{field}} is not part of this command",
    no_preset: "{{value}} is not a preset",
    bad_message: "The message is not a JSON object with a type",
    unknown_type: "{{value}} is not a command the server knows",
    too_large: {
      message: "The message is too large ({{size}}): at most {{limit}}",
      state: "The run is too large to save ({{size}}): at most {{limit}}",
      body: "The request is too large ({{size}}): at most {{limit}}"
    },
    rate_limited: "Too many messages: at most {{rate}} a second. This one was dropped; the session is unchanged",
    binary_not_allowed: "Commands are JSON text: a binary message was ignored",
    illegal_state: "This cannot be done now",
    illegal_state_in: "This cannot be done while the session is {{state}}",
    already_own: "You are on a run of your own already: follow the teacher to watch the teacher again",
    already_following: "You are following the teacher already",
    student_follows: "This student follows the teacher: they have no run of their own",
    not_downloading: "This dataset is not being downloaded",
    locked: "{{field}} is locked: the teacher locked it for this exercise; it opens again when the teacher unlocks it",
    limit_one: "The data already has {{limit}} point, the most allowed",
    limit_other: "The data already has {{limit}} points, the most allowed",
    missing_data: "The files of this dataset are not on the server yet",
    not_yours: "While you follow the teacher you cannot change the teacher's run: make a run of your own to change it freely",
    teacher_away: "The teacher's run is not open now: try again once the teacher's page is back",
    student_away: "This student is not connected now",
    no_student: "There is no such student in the class",
    no_own_session: "You have no run of your own (any more): make a new one from the teacher's run",
    too_many_sessions_one: "The server holds {{limit}} session, its limit: try again later",
    too_many_sessions_other: "The server holds {{limit}} sessions, its limit: try again later",
    server_full: "The server holds as many sessions as it can: try again later",
    no_workers: "No worker is free to run a session: try again in a few seconds",
    not_in_room: "This is only for a student in a class",
    not_teacher: "This needs the class's teacher (the teacher's link may have been replaced)",
    forbidden_host: "This server does not answer to this address",
    forbidden_origin: "Connections from this page's address are not allowed",
    local_only: "This server is teaching a class: from another computer, join the class with its code",
    room_closed: "The teacher closed the class",
    removed: "The teacher removed you from the class",
    unknown_student: "This student link opens no class on this server",
    no_room: "There is no class with the code {{value}}: check the code on the projector",
    room_full_one: "The class is full: it holds {{limit}} student",
    room_full_other: "The class is full: it holds {{limit}} students",
    name_taken: "Someone in the class is already called {{value}}: add an initial or a number",
    too_many_rooms_one: "The server holds {{limit}} class, its limit: close one first",
    too_many_rooms_other: "The server holds {{limit}} classes, its limit: close one first",
    too_many_attempts: "Too many wrong codes: wait a minute and try again",
    no_session: "No session with that token is open on this server",
    qr_unavailable: "This server cannot make QR codes",
    sweep_running: "This page runs a sweep already: cancel it or let it finish first",
    too_many_sweeps_one: "The server runs {{limit}} sweep at once, its limit: try again when it has finished",
    too_many_sweeps_other: "The server runs {{limit}} sweeps at once, its limit: try again when one has finished",
    no_sweep: "There is no such sweep (it was forgotten, or the server restarted); its finished runs are in the saved runs",
    no_pins: "Pin at least one run to compare",
    too_many_pins_one: "At most {{limit}} run can be compared: unpin one first",
    too_many_pins_other: "At most {{limit}} runs can be compared: unpin one first",
    unknown_run: "One of the runs is not here any more (deleted or pruned)"
  }
};

// static/i18n/en/views.json
var views_default = {
  classes: {
    class: "class {{n}}",
    class_shape: "class {{n}} ({{shape}})"
  },
  shapes: {
    circle: "circle",
    square: "square",
    triangle: "triangle",
    diamond: "diamond",
    triangle_down: "triangle down",
    plus: "plus",
    star: "star",
    hexagon: "hexagon",
    cross: "cross",
    pentagon: "pentagon"
  },
  network: {
    strongest_one: "Links: each neuron's {{count}} strongest",
    strongest_other: "Links: each neuron's {{count}} strongest",
    strongest_tip_one: "A neuron with more than {{inputs}} inputs shows only its {{count}} incoming link of largest |w|, shaded on its layer's largest |w|",
    strongest_tip_other: "A neuron with more than {{inputs}} inputs shows only its {{count}} incoming links of largest |w|, shaded on its layer's largest |w|",
    input_picture_one: "the input: the selected sample's {{shape}} image, {{inputs}} input",
    input_picture_other: "the input: the selected sample's {{shape}} image, {{inputs}} inputs",
    more_inputs_one: "{{n}} more input",
    more_inputs_other: "{{n}} more inputs",
    more_label_one: "+{{n}} more",
    more_label_other: "+{{n}} more",
    weights_tile: "neuron {{neuron}}: its {{shape}} incoming weights (blue +, orange −)",
    weights_zoom: "neuron {{neuron}}: its {{shape}} incoming weights (blue: the pixel raises it, orange: lowers it)",
    layer_neuron: "layer {{layer}}, neuron {{neuron}}",
    remove_neuron_tip: "Remove a neuron (layer {{layer}})",
    remove_neuron_label: "Remove a neuron in hidden layer {{layer}}",
    add_neuron_tip: "Add a neuron (layer {{layer}})",
    add_neuron_label: "Add a neuron in hidden layer {{layer}}",
    neurons_one: "{{n}} neuron",
    neurons_other: "{{n}} neurons",
    input_sample: "input: #{{index}}, label {{label}}",
    input_test_image: "input: test image #{{index}}, label {{label}}",
    gradient_tip: "∂L/∂w (selected point) = {{value}}",
    click_to_edit: "click to edit"
  },
  plot: {
    boundary_at: "output; the boundary is at {{value}}",
    predicted_value: "predicted value"
  },
  chart: {
    empty: "press play to train",
    step: "step {{step}}",
    loss: "Loss",
    accuracy: "Accuracy",
    training: "training",
    test: "test",
    mini_batch: "mini-batch"
  },
  tables: {
    target: "target",
    predicted: "predicted (probability)",
    prediction: "prediction",
    select_row: "Select this point: the network diagram shows it"
  },
  confusion: {
    corner: "rows: the true class; columns: the predicted class",
    summary_one: "Test set: true class (rows) × predicted (columns); {{right}} of {{total}} right",
    summary_other: "Test set: true class (rows) × predicted (columns); {{right}} of {{total}} right",
    empty: "No test points: the confusion matrix counts test points only"
  },
  inspector: {
    layer_neuron: "Layer {{layer}}, neuron {{neuron}}",
    output_neuron: "Output, neuron {{neuron}}",
    bias: "bias",
    shift: "shift β",
    for_point: "For point {{index}}:",
    normalized_sum: "Σ wᵢaᵢ, batch-normalized, scaled by γ, plus β",
    click_point: "Click a point in the output plot to see this neuron's z, a and δ for it."
  },
  draw: {
    value: "value {{value}}"
  },
  images: {
    selected: "Selected",
    no_image: "no image selected",
    bars_aria: "class probabilities",
    click_image: "Click a test image below",
    draw_digit: "Draw a digit",
    draw_image: "Draw an image",
    clear: "Clear",
    clear_tip: "Clear the drawing",
    pad_aria: "Drawing pad: draw a digit with the mouse, a pen or a finger",
    draw_bars_aria: "class probabilities of the drawing",
    seen_tip: "What the network sees: your drawing, cropped, centred and shrunk to the data's size",
    draw_hint: "It guesses live as it trains",
    gallery: "Test images, mistakes first",
    gallery_aria: "Test images, mistakes first: arrow keys move, Enter selects",
    confusion: "Confusion",
    confusion_tip: "The test confusion matrix: which digits it mixes up",
    label: "label {{label}}",
    label_says: "label {{label}}, says {{predicted}} {{mark}}",
    sample_aria: "test image #{{index}}, {{text}}",
    says: "says {{predicted}} ({{share}})",
    output: "output {{value}}",
    card: "test image #{{index}}: label {{label}}, predicted {{predicted}} ({{share}}); Enter selects it",
    card_mistake: "test image #{{index}}: label {{label}}, predicted {{predicted}} ({{share}}), a mistake; Enter selects it",
    shown_wrong_one: "{{wrong}} of {{total}} shown are wrong",
    shown_wrong_other: "{{wrong}} of {{total}} shown are wrong",
    wrong_one: "{{wrong}} of {{total}} wrong",
    wrong_other: "{{wrong}} of {{total}} wrong",
    bars_probability: "The network's probability for each class",
    bars_output: "The network's output for each class",
    out: "out",
    highest: "highest: {{top}} ({{value}})"
  },
  toy: {
    not_a_number: "every input, weight and the bias must be a number",
    slope: "slope φ′(z) = {{value}}"
  },
  shapes_table: {
    layer: "layer",
    weights: "weights",
    biases: "biases",
    values_one: "pre-activations, activations (batch of {{batch}})",
    values_other: "pre-activations, activations (batch of {{batch}})",
    gradient: "gradient",
    convention: "column convention",
    output: "output",
    hidden: "hidden {{layer}}",
    as: "{{name}} as {{shape}}",
    note: "nnplay stores W[l] as (inputs, outputs), n[l−1] × n[l], and computes Z[l] = A[l−1]·W[l] + b[l] with one row per point, as NumPy code usually does. Many courses (Andrew Ng's among them) write W[l] as (n[l], n[l−1]) with one column per point: Z[l] = W[l]·A[l−1] + b[l]. Same numbers, transposed."
  },
  activations: {
    dashed: "φ′(z) dashed",
    plot_aria: "{{name}}: the function φ(z) and its derivative φ′(z), for z from −5 to 5"
  },
  diagnostics: {
    layer: "layer {{layer}}",
    latest: "latest: {{values}}",
    separator: ", ",
    weights_tip: "weights of layer {{layer}}: range ±{{range}} now"
  },
  widget: {
    play: "▶ Play",
    pause: "❚❚ Pause",
    play_tip: "Train in the kernel, or pause",
    step: "Step",
    step_tip: "One training step",
    rate: "Learning rate",
    rate_tip: "Step size η of each update",
    no_step: "step –",
    network: "The network",
    network_aria: "The network: {{sizes}} neurons, step {{step}}",
    metric: "What the chart shows",
    metric_loss: "loss",
    metric_score: "accuracy / R²",
    log: "log",
    legend: "What each line is, and its value",
    step_epoch: "step {{step}} · epoch {{epoch}}",
    test_accuracy: "test accuracy {{value}}",
    test_r2: "test R² {{value}}",
    loss: "loss {{train}} (test {{test}})"
  }
};

// static/i18n/en/explain.json
var explain_default = {
  message: {
    pick_first: "Click a point in the output plot first: the step is explained on it.",
    changed: 'The network changed since this step was explained: press "{{button}}" to explain a step of the network as it is now.'
  },
  stage: {
    forward: "Forward: layer {{layer}}",
    forward_output: "Forward: layer {{layer}} (output)",
    loss: "The loss: {{loss}}",
    output: "Backward: the output error δ",
    backward: "Backward: δ of layer {{layer}}",
    gradient: "Gradients of layer {{layer}}",
    update: "The update: W ← W − η·∂L/∂W",
    applied: 'Applied as step {{step}}: the network now has the weights shown as "after"'
  },
  note: {
    forward_features: "Neuron {{neuron}} of layer {{layer}} (click another neuron in the diagram to follow it): its inputs are the point's features, each times its weight, plus the bias, make z; the activation {{activation}} turns z into a.",
    forward_hidden: "Neuron {{neuron}} of layer {{layer}} (click another neuron in the diagram to follow it): its inputs are layer {{previous}}'s activations, each times its weight, plus the bias, make z; the activation {{activation}} turns z into a.",
    forward_features_nobias: "Neuron {{neuron}} of layer {{layer}} (click another neuron in the diagram to follow it): its inputs are the point's features, each times its weight, summed, make z (this network has no biases); the activation {{activation}} turns z into a.",
    forward_hidden_nobias: "Neuron {{neuron}} of layer {{layer}} (click another neuron in the diagram to follow it): its inputs are layer {{previous}}'s activations, each times its weight, summed, make z (this network has no biases); the activation {{activation}} turns z into a.",
    loss: "The loss measures how wrong the output is for this point; training lowers it.",
    penalty: "The loss includes the regularization penalty {{formula}} (l2 = {{l2}}, l1 = {{l1}}).",
    output: "δ = ∂L/∂z: how the loss changes as the output neuron's z changes. The backward pass carries it from right to left.",
    backward: "Each neuron of layer {{upper}} sends its δ back along its weight; the sum is scaled by the slope of {{activation}} at z ({{derivative}}). A slope near 0 stops the gradient: that is how gradients vanish.",
    gradient: "A weight's gradient is the activation at its start times the δ at its end. The diagram shows them: colour the sign, thickness the size.",
    update: {
      moves: "Every weight and bias moves against its gradient, scaled by the learning rate.",
      moves_nobias: "Every weight moves against its gradient, scaled by the learning rate.",
      plain: "This is plain gradient descent on this one point.",
      plain_dropout: "This is plain gradient descent on this one point, without dropout.",
      plain_optimizer: "This is plain gradient descent on this one point (the run itself uses {{optimizer}}).",
      plain_optimizer_dropout: "This is plain gradient descent on this one point (the run itself uses {{optimizer}}), without dropout.",
      apply: "Apply it, and the next frame shows exactly these weights."
    }
  },
  table: {
    layer: "layer {{layer}}",
    into: "layer {{layer}}, into neuron {{neuron}}",
    before: "before",
    after: "after"
  },
  expr: {
    cannot_read: "expression {{text}}: cannot read {{at}}",
    expected: "expression {{text}}: expected {{expected}}, got {{got}}",
    not_function: "expression {{text}}: {{name}} is not a function; allowed: {{allowed}}",
    unexpected: "expression {{text}}: unexpected {{token}}",
    unknown_variable: "expression {{text}}: unknown variable {{name}}; allowed: {{allowed}}"
  }
};

// static/i18n/en/classroom.json
var classroom_default = {
  server: {
    answered: "the server answered {{status}}",
    unreachable: "the server cannot be reached"
  },
  panel: {
    none: "No student has joined yet",
    joined_one: "{{count}} student joined",
    joined_other: "{{count}} students joined",
    following_one: "{{count}} following",
    following_other: "{{count}} following"
  },
  link: {
    no_class: "no class is being taught",
    connecting: "connecting",
    reconnecting: "reconnecting",
    closed: "the class is closed",
    refused: "the server refused this page's connection to the class",
    replaced: "another tab teaches this class now"
  },
  view: {
    title: "Class {{code}}",
    title_none: "Class",
    none: "No student yet",
    students_one: "{{count}} student",
    students_other: "{{count}} students",
    own_one: "{{count}} own run",
    own_other: "{{count}} own runs",
    following_one: "{{count}} following",
    following_other: "{{count}} following",
    away_one: "{{count}} away",
    away_other: "{{count}} away",
    legend: "Each card: the student's output over the plane",
    low: "class 0 / low",
    high: "class 1 / high",
    locked: "Locked: {{controls}}"
  },
  card: {
    reset: "Reset",
    reset_tip: "A new run for this student, from yours as it is now",
    remove: "Remove",
    remove_tip: "Take this student out of the class (they can join again with the code)",
    step: "step",
    at_step: "step {{step}}",
    own: "own run",
    following: "following",
    away: "away",
    away_own: "away · own run",
    differs: "differs from yours: {{diff}}",
    following_you: "following you",
    no_map: "no map",
    reset_to: "reset to step {{step}}",
    confirm: "Remove {{name}} from the class? Their page stops following; their own run stays theirs, and they can join again with the code."
  },
  short: {
    learning_rate: "lr",
    activation: "act",
    hidden_layers: "layers",
    batch_size: "batch",
    optimizer: "opt",
    output_activation: "out",
    n_samples: "points",
    train_ratio: "train",
    n_classes: "classes",
    batch_norm: "BN",
    dataset: "data",
    data_seed: "data seed",
    momentum: "mom",
    dropout: "drop",
    features: "inputs"
  },
  value: {
    none: "none",
    on: "on",
    off: "off"
  },
  push: {
    all: "all my settings",
    only: "only {{control}}",
    your_settings: "your settings",
    setting: "{{control}} {{value}}",
    preset: "the preset {{preset}}",
    took: "took it",
    refused: "refused: {{why}}",
    following: "following you: not pushed",
    away: "away: not pushed",
    result: "Pushed {{what}}: {{results}}",
    took_one: "{{count}} took it",
    took_other: "{{count}} took it",
    refused_one: "{{count}} refused",
    refused_other: "{{count}} refused",
    followers_one: "{{count}} following (not pushed)",
    followers_other: "{{count}} following (not pushed)",
    away_one: "{{count}} away",
    away_other: "{{count}} away"
  },
  spotlight: {
    named: "On the projector: {{name}}'s run",
    anonymous: "On the projector: a student's run",
    accuracy: "test accuracy {{value}}",
    r2: "test R² {{value}}"
  },
  student: {
    joining: "Join a class with its code",
    closed: "The teacher closed room {{code}}: the class is over",
    closed_somewhere: "The teacher closed the class: the class is over",
    removed: "The teacher removed you from room {{code}}",
    removed_somewhere: "The teacher removed you from the class",
    showing: "Showing {{name}}'s run · {{code}}",
    showing_anonymous: "Showing a student's run · {{code}}",
    teacher_here: "Following {{code}} · teacher here",
    teacher_away: "Following {{code}} · teacher away",
    own: "Your own run",
    own_at: "Your own run (forked at step {{step}})",
    as: "as {{name}}",
    not_joined: "not joined",
    unknown: "that student token is not one of a room on this server (join again with the room's code)",
    own_lost: "Your own run could not be opened again: you follow the teacher"
  },
  lock: {
    following: "following the teacher — Try it yourself (y) to change things",
    key: "the teacher locked this for the exercise; it opens again when they unlock it",
    removed: "removed from the class",
    over: "the class is over",
    join_first: "join the class first"
  }
};

// static/i18n/en/experiments.json
var experiments_default = {
  phrase: "{{field}} {{value}}",
  value: {
    on: "on",
    off: "off",
    none: "none"
  },
  timeline: {
    live: "Live",
    live_tip: "the live run, at step {{step}}",
    viewing: "Step {{step}} (viewing)",
    viewing_tip: "viewing step {{step}} of {{live}}: the run goes on as it was",
    value_live: "live, step {{step}}",
    value_viewing: "step {{step}} of {{live}} (viewing)",
    rebuild: "While you view step {{step}}, settings go to a branch from it, and {{field}} would build a new network: go back to live to change it",
    change: "{{field}} {{value}}",
    for_branch: "{{changes}}: for the branch from step {{step}} ({{button}})",
    branched: "Branched from step {{step}}. The run as it was is kept: Share → Recent runs",
    branched_with: "Branched from step {{step}} with your settings. The run as it was is kept: Share → Recent runs",
    no_save: "This server saves no runs (--no-save), so a branch cannot keep the original",
    branch_with: "Go on from this step with: {{changes}}",
    branch_tip: "Go on from this step as a new run (change settings first to branch with them); the run as it is is kept"
  },
  metric: {
    score: "Test accuracy",
    r2: "Test R²",
    test_loss: "Test loss",
    train_loss: "Training loss"
  },
  compare: {
    count: "{{pinned}} of {{count}} pinned",
    open: "Compare",
    open_count: "Compare ({{count}})",
    pin_this: "Pin this run",
    unpin_this: "Unpin this run",
    pin_tip: "Compare this run as it is now",
    pin_full_one: "{{count}} run is pinned: unpin one first",
    pin_full_other: "{{count}} runs are pinned: unpin one first",
    full_one: "{{count}} run is pinned, the most compared at once: unpin one first",
    full_other: "{{count}} runs are pinned, the most compared at once: unpin one first",
    bad_target: "target {{text}} is not allowed: give a percentage above 0 and at most 100",
    empty_one: 'Pin up to {{count}} run: "Pin this run" above, or Pin beside a run in Share → Recent runs.',
    empty_other: 'Pin up to {{count}} runs: "Pin this run" above, or Pin beside a run in Share → Recent runs.',
    reading: "Reading the pinned runs…",
    unreadable: "The pinned runs could not be read: {{error}}",
    gone: "a pinned run is gone (deleted or pruned): it was unpinned",
    refused: "The runs could not be compared: {{reason}}",
    one: "Pin another run to compare it with this one.",
    differ: "These runs differ in {{fields}}.",
    same: "These runs have the same settings; they differ in how long they trained.",
    at_step: "{{label}} (step {{step}})",
    title_branch: "before a branch at step {{step}}",
    no_points: "no measured points yet: train the pinned runs",
    no_runs: "no runs pinned",
    axis_start: "step {{step}}",
    target_line: "target {{percent}}",
    caption_tip: "{{label}} ({{title}})",
    no_plot: "no output plot: the data is not on the plane",
    plot_label: "output plot of {{label}}",
    reached_head: "Reached {{percent}} at step",
    r2: "R² {{value}}",
    not_reached: "not reached",
    unpin: "Unpin",
    unpin_tip: "Unpin {{label}}",
    png_title_one: "nnplay: {{count}} run compared, {{metric}}",
    png_title_other: "nnplay: {{count}} runs compared, {{metric}}"
  },
  png: {
    run: "run",
    steps: "steps",
    accuracy: "test accuracy",
    r2: "test R²",
    test_loss: "test loss",
    train_loss: "training loss",
    reached: "reached {{percent}}",
    title: "Sweep of {{fields}}",
    varied: "{{field}} ({{values}})",
    epochs_one: "{{count}} epoch",
    epochs_other: "{{count}} epochs",
    data: "{{dataset}} data",
    subtitle_one: "{{count}} run, {{measure}} by epoch",
    subtitle_other: "{{count}} runs, {{measure}} by epoch",
    shared: "; all else the same: {{settings}}",
    outputs_one: "Each run's output after {{count}} epoch",
    outputs_other: "Each run's output after {{count}} epochs",
    curves: "Each run's {{measure}} (grey: training)",
    result: "{{measure}} {{value}}"
  },
  csv: {
    run: "run",
    label: "label",
    title: "title",
    steps: "steps",
    final_step: "final_step",
    test_accuracy: "test_accuracy",
    test_r2: "test_r2",
    test_loss: "test_loss",
    train_loss: "train_loss",
    target: "target",
    reached_step: "reached_step",
    state: "state",
    epochs: "epochs",
    final: "final_{{measure}}"
  },
  measure: {
    test_accuracy: "test accuracy",
    test_rmse: "test RMSE",
    test_loss: "test loss",
    train_accuracy: "training accuracy",
    train_rmse: "training RMSE",
    train_loss: "training loss"
  },
  state: {
    queued: "queued",
    running: "running",
    done: "done",
    diverged: "diverged",
    cancelled: "cancelled",
    failed: "failed"
  },
  sweep: {
    suggested: "Suggested: ",
    suggest_tip: "Fill in this sweep of the preset's exercise",
    unreachable: "The server could not be reached: {{error}}",
    refused: "{{reason}}",
    answered: "The server answered {{status}}",
    runs_done_one: "{{done}} of {{count}} run done",
    runs_done_other: "{{done}} of {{count}} runs done",
    epochs_done_one: "{{done}} of {{count}} epoch",
    epochs_done_other: "{{done}} of {{count}} epochs",
    not_saved: " (this server does not save runs: they cannot be opened)",
    head: {
      index: "#",
      state: "state",
      epoch: "epoch",
      test_accuracy: "test accuracy",
      test_rmse: "test RMSE",
      test_loss: "test loss",
      session: "session"
    },
    open: "Open",
    open_tip: "Open this run here as a normal session",
    no_save: "This server does not save runs",
    unfinished: "Not finished",
    failed_tip: "This run failed: {{error}}",
    diverged_tip: "This run diverged: its loss grew without bound (try a smaller learning rate)",
    csv_failed: "The CSV could not be made: the server answered {{status}}",
    axis_epoch: "epoch"
  }
};

// static/i18n/en/server.json
var server_default = {
  fields: {
    dataset: {
      label: "Dataset",
      help: "Which points to learn"
    },
    n_samples: {
      label: "Points",
      help: "How many points to generate"
    },
    noise: {
      label: "Noise",
      help: "How far points stray across the class boundary"
    },
    n_classes: {
      label: "Classes",
      help: "Number of classes (spiral and blobs)"
    },
    train_ratio: {
      label: "Training data",
      help: "Fraction of the points used for training; the rest measure the test loss"
    },
    data_seed: {
      label: "Data seed",
      help: "Seeds the points and the train/test split"
    },
    features: {
      label: "Features",
      help: "Input features computed from (x₁, x₂)"
    },
    hidden_layers: {
      label: "Hidden layers",
      help: "Neurons in each hidden layer"
    },
    activation: {
      label: "Activation",
      help: "The hidden layers' activation φ"
    },
    output_activation: {
      label: "Output",
      help: "The output layer's activation; it must pair with the loss"
    },
    loss: {
      label: "Loss",
      help: "What training minimises"
    },
    init: {
      label: "Initializer",
      help: "How weights start"
    },
    bias: {
      label: "Biases",
      help: "Give every neuron a bias b"
    },
    batch_norm: {
      label: "Batch norm",
      help: "Normalise hidden pre-activations over each batch"
    },
    seed: {
      label: "Seed",
      help: "Seeds the initial weights, shuffling and dropout"
    },
    dtype: {
      label: "Precision",
      help: "Floating-point type of the network"
    },
    learning_rate: {
      label: "Learning rate",
      help: "Step size η of each update"
    },
    batch_size: {
      label: "Batch size",
      help: "Points per mini-batch update"
    },
    optimizer: {
      label: "Optimizer",
      help: "The update rule"
    },
    momentum: {
      label: "Momentum",
      help: "SGD and RMSProp momentum μ"
    },
    nesterov: {
      label: "Nesterov",
      help: "Nesterov momentum (SGD, needs momentum)"
    },
    beta1: {
      label: "β₁",
      help: "Adam's first-moment decay"
    },
    beta2: {
      label: "β₂",
      help: "Adam's second-moment decay"
    },
    alpha: {
      label: "α",
      help: "RMSProp's square-average decay"
    },
    eps: {
      label: "ε",
      help: "Adam and RMSProp's denominator guard"
    },
    l1: {
      label: "L1",
      help: "Adds l1·Σ|W| to the loss"
    },
    l2: {
      label: "L2",
      help: "Adds (l2/2)·ΣW² to the loss"
    },
    dropout: {
      label: "Dropout",
      help: "Probability of dropping a hidden unit in training"
    }
  },
  choices: {
    dataset: {
      circle: "circle",
      xor: "xor",
      gaussian: "gaussian",
      spiral: "spiral",
      moons: "moons",
      blobs: "blobs",
      plane: "plane",
      gaussians: "gaussians",
      tutorial: "tutorial",
      xor_table: "xor table",
      digits: "digits",
      mnist: "mnist",
      fashion_mnist: "fashion mnist",
      custom: "custom"
    },
    features: {
      x1: "x1",
      x2: "x2",
      x1sq: "x1sq",
      x2sq: "x2sq",
      x1x2: "x1x2",
      sinx1: "sinx1",
      sinx2: "sinx2"
    },
    activation: {
      linear: "linear",
      sigmoid: "sigmoid",
      tanh: "tanh",
      relu: "relu",
      leaky_relu: "leaky relu"
    },
    output_activation: {
      linear: "linear",
      sigmoid: "sigmoid",
      tanh: "tanh",
      softmax: "softmax",
      step: "step"
    },
    loss: {
      sse: "sse",
      mse: "mse",
      bce: "bce",
      cross_entropy: "cross entropy",
      perceptron: "perceptron"
    },
    init: {
      uniform: "uniform",
      normal: "normal",
      xavier: "xavier",
      he: "he",
      playground: "playground",
      zeros: "zeros"
    },
    dtype: {
      float64: "float64",
      float32: "float32"
    },
    optimizer: {
      sgd: "sgd",
      adam: "adam",
      rmsprop: "rmsprop"
    }
  },
  presets: {
    playground: {
      title: "TensorFlow Playground's default",
      text: "The circle, a 2-4-2-1 tanh network, learning rate 0.03, batch 10, half the points for training: where the Playground starts."
    },
    classic_tutorial: {
      title: "The classic from-scratch tutorial",
      text: "The 4-row table with 3 inputs, a 3-4-1 sigmoid network without biases, weights from U[0, 1), sum of squared errors, learning rate 1, full batch. After 1500 iterations the predictions read close to 0, 1, 1, 0."
    },
    xor_two_hidden: {
      title: "XOR with two hidden neurons",
      text: "2-2-1 sigmoid with biases, normal initialisation, mean squared error, learning rate 0.1. Seed 0 solves XOR; seed 2 gets stuck with two inputs at 0.5: a local minimum."
    },
    perceptron_separable: {
      title: "A perceptron on separable data",
      text: "One threshold unit and Rosenblatt's rule (w ← w + η(y − ŷ)x, one point at a time). Two Gaussian clusters are linearly separable: it finds a line and stops making mistakes."
    },
    perceptron_xor: {
      title: "The same perceptron on XOR",
      text: "No line separates XOR's classes, so the perceptron never settles: its line keeps jumping and the accuracy stays near chance. This is why we need hidden layers."
    },
    vanishing_gradients: {
      title: "Deep sigmoid network: vanishing gradients",
      text: "Six sigmoid layers. Each layer multiplies the gradient by σ' ≤ 0.25, so the first layer's gradient is a tiny fraction of the last one's: watch the gradient-norm chart. Switch the activation to relu to see the difference."
    },
    dead_relus: {
      title: "Dead ReLUs from a learning rate too high",
      text: "A relu network with learning rate 1: large updates push many units to z < 0 for every input, where relu passes no gradient, and they never recover. The dead-unit chart counts them."
    },
    mse_vs_cross_entropy: {
      title: "Squared error vs cross-entropy",
      text: "The same classifier trained with cross-entropy and with squared error: cross-entropy's gradient (ŷ − y) does not vanish when a sigmoid output is confidently wrong, so it learns faster."
    },
    spiral_depth: {
      title: "Spiral: depth or features",
      text: "A 2-4-2-1 network cannot separate the spiral. Give it more layers and neurons, or add sin(x₁) and sin(x₂) as inputs."
    },
    digits: {
      title: "Handwritten digits",
      text: "8×8 images of digits, 64 inputs, relu and softmax over 10 classes. The first layer's weights are drawn as 8×8 images; the confusion matrix shows which digits it mixes up."
    },
    mnist: {
      title: "MNIST: 784-128-64-10",
      text: "The from-scratch tutorials' exercise: 28×28 digits, 60,000 to train on and 10,000 to test, through 784-128-64-10 with relu and a softmax output, Adam with learning rate 0.001, batches of 128. Test accuracy passes 95% within the first epoch (about 470 steps). Now vary it and compare the curves: one hidden layer or three, 32 neurons or 128, learning rate 0.01 or 0.0001, sigmoid instead of relu."
    },
    sweep_exercise: {
      title: "The A–Z exercise: vary the network, compare the curves",
      text: "The tutorial's exercise on the 8×8 digits: train 64-32-10 (relu, softmax with cross-entropy), then vary the layers and their neurons, the learning rate and the activation, and compare the learning curves. The Sweep tab has both sweeps ready: press Start. Deeper is not always better in 20 epochs, and a sigmoid network needs a larger learning rate to learn as fast.",
      sweeps: {
        "0": {
          title: "layers and neurons × learning rate"
        },
        "1": {
          title: "activation × learning rate"
        }
      }
    },
    sweep_exercise_mnist: {
      title: "The A–Z exercise on MNIST",
      text: "The same exercise on MNIST's 28×28 digits with the tutorial's 784-128-64-10 (Adam, batches of 128): vary the layers and neurons, the learning rate and the activation, two epochs a run. Each epoch is 470 steps over 60,000 images: a sweep takes minutes, in turn here or in parallel on workers.",
      sweeps: {
        "0": {
          title: "layers and neurons × learning rate"
        },
        "1": {
          title: "activation × learning rate"
        }
      }
    },
    fashion_mnist: {
      title: "Fashion-MNIST: the same network on clothes",
      text: "The same 784-128-64-10 network on 28×28 photos of clothes in 10 kinds. They are harder to tell apart than digits: test accuracy reaches about 85% in the first epoch and about 88% after ten, where MNIST passes 97%. The confusion matrix shows which kinds it mixes up (shirts, T-shirts, pullovers, coats). Try the changes you tried on MNIST: do they help here too?"
    }
  },
  datasets: {
    circle: {
      description: "A disc inside a ring"
    },
    xor: {
      description: "Opposite quadrants share a class"
    },
    gaussian: {
      description: "Two Gaussian clusters"
    },
    spiral: {
      description: "Interleaved spiral arms, one per class"
    },
    moons: {
      description: "Two interleaving half moons"
    },
    blobs: {
      description: "k Gaussian blobs, one per class"
    },
    plane: {
      description: "A tilted plane: y = (x₁ + x₂)/10"
    },
    gaussians: {
      description: "Six signed Gaussian bumps"
    },
    tutorial: {
      description: "The classic tutorial's 4-row table with 3 inputs"
    },
    xor_table: {
      description: "The XOR truth table"
    },
    digits: {
      description: "scikit-learn's 8×8 handwritten digits (needs nnplay[datasets])"
    },
    mnist: {
      description: "MNIST: 70,000 handwritten digits, 28×28, its own split (60,000 training)"
    },
    fashion_mnist: {
      description: "Fashion-MNIST: 70,000 photos of clothes, 28×28, 10 kinds, its own split"
    }
  },
  features: {
    x1: "x₁",
    x2: "x₂",
    x1sq: "x₁²",
    x2sq: "x₂²",
    x1x2: "x₁x₂",
    sinx1: "sin x₁",
    sinx2: "sin x₂"
  },
  activations: {
    linear: {
      note: "No bend: stacked linear layers are still one linear map, so depth adds nothing."
    },
    sigmoid: {
      note: "Smooth, from 0 to 1. Its slope is at most 0.25 and near 0 once |z| > 4: gradients shrink layer after layer (vanishing gradients)."
    },
    tanh: {
      note: "Like sigmoid but centred on 0, slope up to 1; still saturates for large |z|."
    },
    relu: {
      derivative_formula: "φ′(z) = 1 if z > 0, else 0",
      note: "Slope 1 for z > 0, so gradients pass unchanged; 0 for z < 0, and a unit stuck there for every input is dead and never learns again."
    },
    leaky_relu: {
      formula: "φ(z) = z if z > 0, else 0.01·z",
      derivative_formula: "φ′(z) = 1 if z > 0, else 0.01",
      note: "ReLU with a small slope (0.01) for z < 0, so no unit can die."
    },
    softmax: {
      derivative_formula: "∂φᵢ/∂zᵢ = φᵢ·(1 − φᵢ); with cross-entropy, ∂L/∂z = ŷ − y",
      note: "Turns a layer's z into probabilities that sum to 1 (for the output only)."
    },
    step: {
      symbol: "step",
      formula: "φ(z) = 1 if z ≥ 0, else 0",
      derivative_formula: "φ′(z) = 0 (almost everywhere)",
      note: "The perceptron's threshold: 1 if z ≥ 0 else 0. Its slope is 0, so it cannot be trained by backpropagation, only by the perceptron rule."
    }
  },
  losses: {
    sse: {
      note: "The classic tutorial's loss: δ passes through the output's slope φ′(z), so a saturated output learns slowly."
    },
    mse: {
      note: "The mean of the squared errors: δ passes through the output's slope φ′(z), so a confidently wrong sigmoid output learns slowly."
    },
    bce: {
      note: "With a sigmoid output the slope cancels: δ is the error ŷ − y itself, largest when the output is confidently wrong."
    },
    cross_entropy: {
      note: "With a softmax output the Jacobian cancels: δ is the error ŷ − y, one entry per class."
    },
    perceptron: {
      note: "The perceptron criterion's gradient is ŷ − y: zero when the point is right, ±1 when it is wrong."
    }
  }
};

// static/i18n/en/files.json
var files_default = {
  code: {
    copied: "code copied",
    copy_by_hand: "select the code and copy it by hand",
    exact_one: "{{steps}} step: run it and its weights equal the session's",
    exact_other: "{{steps}} steps: run it and its weights equal the session's",
    note: "Note: {{note}}",
    notes: {
      branched: "this run branched at step {{step}}, where it had also changed: the script may not replay it exactly",
      too_often: "the run changed too often to be replayed: the script trains without the latest changes",
      loaded: "this run was loaded from a file at step {{step}}; the script starts from step 0 and cannot know what happened before",
      points: "points were added, removed or loaded during the run: the script trains on today's points from step 0, so its weights will differ from the session's"
    }
  },
  download: {
    start: "Download",
    retry: "Try again",
    cancel: "Cancel",
    close: "Close",
    title: {
      offer: "{{title}} is not on this server yet",
      missing: "{{title}}'s files are not on this server",
      downloading: "Downloading {{title}}",
      here: "{{title}} is here",
      failed: "{{title}} is not here",
      failed_unknown: "The dataset is not here"
    },
    offer_one: "Download its {{count}} file from {{host}}? It is kept in {{folder}} and used from then on. Or put it there yourself.",
    offer_other: "Download its {{count}} files from {{host}}? They are kept in {{folder}} and used from then on. Or put them there yourself.",
    offer_sized_one: "Download its {{count}} file ({{size}}) from {{host}}? It is kept in {{folder}} and used from then on. Or put it there yourself.",
    offer_sized_other: "Download its {{count}} files ({{size}}) from {{host}}? They are kept in {{folder}} and used from then on. Or put them there yourself.",
    missing: "{{title}}'s files are not on this server ({{why}}): {{put}}",
    put_one: "put its {{count}} file {{files}} in {{folder}} (gzipped or not), then choose {{title}} again",
    put_other: "put its {{count}} files {{files}} in {{folder}} (gzipped or not), then choose {{title}} again",
    put_from_one: "put its {{count}} file {{files}} (from {{source}}) in {{folder}} (gzipped or not), then choose {{title}} again",
    put_from_other: "put its {{count}} files {{files}} (from {{source}}) in {{folder}} (gzipped or not), then choose {{title}} again",
    why: {
      named: "its folder was named with {{flag}} ({{folder}}); nnplay leaves it to you",
      off: "downloads are turned off on this server ({{flag}})",
      not_listed: "it is not in this server's download table"
    },
    refused: "the download was refused",
    from_into: "From {{host}} into {{folder}}.",
    into: "Into {{folder}}.",
    loading: "Loading {{title}}…",
    not_loaded: "it could not be loaded",
    ready: "{{title}} is ready: load your run again",
    amount: "{{done}} of {{total}}",
    could_not: "{{title}} could not be downloaded",
    failed: {
      save: "{{title}} could not be saved in {{folder}}. Choose a folder nnplay can write to with {{flag}}, or {{put}}",
      offline: "{{title}} could not be downloaded. This machine seems to be offline: {{put}}",
      other: "{{title}} could not be downloaded. Instead, {{put}}"
    },
    its_source: "its source"
  },
  csv: {
    too_large_one: "{{name}} is {{size}} byte; the limit is {{limit}}",
    too_large_other: "{{name}} is {{size}} bytes; the limit is {{limit}}",
    refused: "{{name}}: {{error}}",
    loaded: "{{name}}: {{points}}, {{inputs}}",
    points_one: "{{n}} point",
    points_other: "{{n}} points",
    inputs_one: "{{n}} input",
    inputs_other: "{{n}} inputs"
  },
  run: {
    not_json: "{{name}} is not JSON: download a run from nnplay and load that",
    loaded: "loaded {{name}}: step {{step}}"
  },
  runs: {
    just_now: "just now",
    list_failed: "The saved runs could not be listed: {{error}}",
    server_answered: "the server answered {{status}}",
    no_saving: "This server does not save runs (it was started with {{flag}}).",
    intro: "Runs this browser made, saved on the server:",
    none: "No saved runs yet: a run is saved once it has trained or changed.",
    this_run: "this run",
    elsewhere: "open in another page",
    states: {
      paused: "paused",
      running: "running",
      diverged: "diverged",
      detached: "detached",
      closed: "closed"
    },
    meta: "step {{step}} · {{where}} · saved {{ago}}",
    saved_at: "Saved {{when}}",
    open: "Open",
    open_tip_elsewhere: "Open it here: the other page lets it go",
    open_tip: "Open this run here",
    delete: "Delete",
    delete_tip_open: "A run open in a page cannot be deleted",
    delete_tip: "Delete this saved run",
    pin: "Pin",
    unpin: "Unpin",
    unpin_tip: "Take this run out of the comparison",
    full_tip: "Six runs are pinned: unpin one first",
    pin_tip: "Pin this run to compare it",
    deleted: "deleted {{title}}",
    not_deleted: "{{title}} was not deleted: {{reason}}"
  }
};

// static/js/i18n.js
var NAMESPACES = [
  "page",
  "messages",
  "views",
  "explain",
  "classroom",
  "experiments",
  "server",
  "files"
];
var missingKeys = /* @__PURE__ */ new Set();
var listeners = /* @__PURE__ */ new Set();
instance.init({
  lng: "en",
  fallbackLng: "en",
  ns: NAMESPACES,
  defaultNS: "page",
  initAsync: false,
  resources: { en: {
    page: page_default,
    messages: messages_default,
    views: views_default,
    explain: explain_default,
    classroom: classroom_default,
    experiments: experiments_default,
    server: server_default,
    files: files_default
  } },
  interpolation: { escapeValue: false },
  // text goes in as textContent, never as HTML
  returnNull: false,
  saveMissing: true,
  missingKeyHandler: (_lngs, ns, key) => {
    missingKeys.add(`${ns}:${key}`);
  }
});
function t2(key, values) {
  return (
    /** @type {string} */
    instance.t(key, values)
  );
}
function has(key) {
  return instance.exists(key);
}
function language() {
  return instance.language;
}
function onLanguage(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
var numberFormats = /* @__PURE__ */ new Map();
function numberFormat(options) {
  const key = JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language(), options);
    numberFormats.set(key, format);
  }
  return format;
}

// static/js/markers.js
var HALO = "#ffffff";
var OUTLINE = "#1a1a1a";
var TRAIN_OUTLINE = 1.75;
var TEST_OUTLINE = 3;
var HALO_WIDTH = 2;
var polygon = (n, turn, scale) => Array.from({ length: n }, (_, i) => {
  const a = turn + 2 * Math.PI * i / n;
  return [scale * Math.cos(a), scale * Math.sin(a)];
});
var star = Array.from({ length: 10 }, (_, i) => {
  const a = -Math.PI / 2 + Math.PI * i / 5;
  const r = i % 2 ? 0.55 : 1.3;
  return [r * Math.cos(a), r * Math.sin(a)];
});
var cross = (w) => [
  [-w, -1],
  [w, -1],
  [w, -w],
  [1, -w],
  [1, w],
  [w, w],
  [w, 1],
  [-w, 1],
  [-w, w],
  [-1, w],
  [-1, -w],
  [-w, -w]
];
var rotate = (points, a) => points.map(([x, y]) => [
  x * Math.cos(a) - y * Math.sin(a),
  x * Math.sin(a) + y * Math.cos(a)
]);
var SHAPES = [
  { name: "circle", points: null },
  { name: "square", points: polygon(4, Math.PI / 4, 1.25) },
  { name: "triangle", points: polygon(3, -Math.PI / 2, 1.45) },
  { name: "diamond", points: polygon(4, 0, 1.3) },
  { name: "triangle down", points: polygon(3, Math.PI / 2, 1.45) },
  { name: "plus", points: cross(0.38).map(([x, y]) => [1.2 * x, 1.2 * y]) },
  { name: "star", points: star },
  { name: "hexagon", points: polygon(6, 0, 1.1) },
  { name: "cross", points: rotate(cross(0.38), Math.PI / 4).map(([x, y]) => [1.2 * x, 1.2 * y]) },
  { name: "pentagon", points: polygon(5, -Math.PI / 2, 1.15) }
];
function shapeName(shape) {
  return t2(`views:shapes.${shape.name.replace(" ", "_")}`);
}
function shapeOf(y, task) {
  return task === "regression" ? SHAPES[0] : SHAPES[y % SHAPES.length];
}
function trace(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (!shape.points) {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
    return;
  }
  shape.points.forEach(([u, v], i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x + r * u, y + r * v));
  ctx.closePath();
}
function drawMarker(ctx, shape, x, y, r, fill, test = false, rings = 1) {
  const outline = (test ? TEST_OUTLINE : TRAIN_OUTLINE) * rings;
  trace(ctx, shape, x, y, r);
  ctx.lineJoin = "round";
  ctx.lineWidth = outline + 2 * HALO_WIDTH * rings;
  ctx.strokeStyle = HALO;
  ctx.stroke();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.lineWidth = outline;
  ctx.strokeStyle = OUTLINE;
  ctx.stroke();
}
function markerSvg(shape, fill, size = 16) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const half = size / 2;
  const r = half * 0.6;
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("marker");
  const el = shape.points ? document.createElementNS(ns, "polygon") : document.createElementNS(ns, "circle");
  if (shape.points) {
    el.setAttribute("points", shape.points.map(([u, v]) => `${half + r * u},${half + r * v}`).join(" "));
  } else {
    el.setAttribute("cx", String(half));
    el.setAttribute("cy", String(half));
    el.setAttribute("r", String(r));
  }
  el.setAttribute("fill", fill);
  el.setAttribute("stroke", OUTLINE);
  el.setAttribute("stroke-width", String(TRAIN_OUTLINE));
  el.setAttribute("stroke-linejoin", "round");
  svg.appendChild(el);
  return svg;
}

// static/js/format.js
var DASH = "–";
function localized(text2) {
  const { decimal, minus } = signs();
  return text2.replace(".", decimal).replace(/^-/, minus);
}
var known = { format: null, decimal: ".", minus: "-", group: "," };
function signs() {
  const format = numberFormat({});
  if (known.format !== format) {
    const parts = format.formatToParts(-12345675e-1);
    const sign = (type, or) => parts.find((p) => p.type === type)?.value ?? or;
    Object.assign(known, { format, decimal: sign("decimal", "."), minus: sign("minusSign", "-"), group: sign("group", ",") });
  }
  return known;
}
function number(v, { keepWhole = false } = {}) {
  if (!Number.isFinite(v) || keepWhole && Number.isInteger(v)) return localized(String(v));
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return localized(v.toExponential(3));
  return localized(v.toFixed(4));
}
function metric(v) {
  return typeof v === "number" ? localized(v.toFixed(3)) : DASH;
}
function percent(v) {
  if (typeof v !== "number") return DASH;
  return numberFormat({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
}
function count(n) {
  return numberFormat({ maximumFractionDigits: 0 }).format(Math.round(n));
}
function significant(v, digits) {
  return localized(v.toPrecision(digits));
}
function fixed(v, digits) {
  return localized(v.toFixed(digits));
}
function rounded(v, digits) {
  return localized(String(+v.toFixed(digits)));
}
function scaleEnd(v) {
  return Math.abs(v) >= 100 ? localized(v.toExponential(1)) : rounded(v, 2);
}
function tick(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a < 0.01 || a >= 1e3) return localized(v.toExponential(0));
  return localized(String(+v.toPrecision(2)));
}
function wholePercent(v) {
  return numberFormat({ style: "percent", maximumFractionDigits: 0 }).format(Math.round(v) / 100);
}
function editable(v) {
  return String(+v.toPrecision(6));
}

// static/js/heatmap.js
var DIVERGING = divergingTable();
var SMOOTH = divergingTable(0);
function paint(canvas, codes, D, table = DIVERGING, offset = 0) {
  const [ctx, image] = imageFor(canvas, D);
  const px = image.data;
  for (let i = 0, n = D * D; i < n; i++) {
    const q = codes[offset + i] * 4;
    const j = i * 4;
    px[j] = table[q];
    px[j + 1] = table[q + 1];
    px[j + 2] = table[q + 2];
    px[j + 3] = table[q + 3];
  }
  ctx.putImageData(image, 0, 0);
}
function paintClasses(canvas, classes, confidence, D, nClasses, discrete = false) {
  const [ctx, image] = imageFor(canvas, D);
  const px = image.data;
  const cache = /* @__PURE__ */ new Map();
  for (let i = 0, n = D * D; i < n; i++) {
    const key = classes[i] * 256 + (discrete ? 255 : confidence[i]);
    let c = cache.get(key);
    if (!c) {
      c = classShade(classes[i], (discrete ? 255 : confidence[i]) / 255, nClasses);
      cache.set(key, c);
    }
    const j = i * 4;
    px[j] = c[0];
    px[j + 1] = c[1];
    px[j + 2] = c[2];
    px[j + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}
function imageFor(canvas, D) {
  if (canvas.width !== D || canvas.height !== D) {
    canvas.width = D;
    canvas.height = D;
  }
  const ctx = (
    /** @type {CanvasRenderingContext2D} */
    canvas.getContext("2d")
  );
  return [ctx, ctx.createImageData(D, D)];
}
function discreteTable() {
  const table = divergingTable(0);
  const lo = table.slice(48 * 4, 49 * 4);
  const hi = table.slice(207 * 4, 208 * 4);
  for (let q = 0; q < 256; q++) table.set(q < 128 ? lo : hi, q * 4);
  return table;
}

// static/js/tasks.js
function lossWords(loss) {
  const key = `page:task.losses.${loss}`;
  return has(key) ? t2(key) : loss.replace(/_/g, " ");
}
function runWords(label) {
  const m = /^loss (\w+)$/.exec(label);
  return m ? lossWords(m[1]) : label.replace(/_/g, " ");
}

// static/js/boundary.js
var DISCRETE = discreteTable();
var REMOVE_RADIUS = 1 / 30;
var Boundary = class {
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
    this.hoverTile = null;
    this.selected = null;
    this.plane = true;
    this.compare = null;
    els.points.addEventListener("click", (e) => this.click(e));
    new ResizeObserver(() => this.drawPoints()).observe(els.plot);
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
    this.setCompare(frame.header.compare && (frame.arrays.compare_output || frame.arrays.compare_output_class) ? frame.header.compare : null);
    if (this.compare) this.paintOutput("compare_", this.els.compareOutput);
    if (this.hoverTile) return;
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
      paintClasses(
        canvas,
        classes.data,
        A[`${prefix}output_confidence`].data,
        classes.shape[0],
        this.data?.header.n_classes ?? 2,
        this.discrete
      );
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
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      out.getContext("2d")
    );
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
    return [Math.round(x1 * 1e3) / 1e3, Math.round(x2 * 1e3) / 1e3];
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
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      canvas.getContext("2d")
    );
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const data = this.data;
    if (!data || !data.arrays.X || data.arrays.X.shape[1] !== 2) return;
    const X = data.arrays.X.data;
    const y = data.arrays.y.data;
    const train = data.arrays.train.data;
    const { task, n_classes: k } = data.header;
    const r = y.length <= 16 ? W / 30 : Math.max(2.5, W / 110);
    for (const pass of [1, 0]) {
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
    let bestD = Math.max(8, rect.width / 50) ** 2;
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
        legend.appendChild(h(
          "span",
          { title: t2(
            "views:classes.class_shape",
            { n: c, shape: shapeName(SHAPES[c % SHAPES.length]) }
          ) },
          markerSvg(shapeOf(c, task), CLASS_COLORS[c % CLASS_COLORS.length]),
          ` ${c}`
        ));
      }
      return;
    }
    const lo = range ? range[0] : -1;
    const hi = range ? range[1] : 1;
    const classes = task === "classification";
    const end = (name, v, c) => h("span", { className: "end" }, ...classes ? [
      markerSvg(shapeOf(c, task), pointColor(c, task, 2)),
      name,
      h("span", { className: "value" }, scaleEnd(v))
    ] : [scaleEnd(v)]);
    const bar = document.createElement("canvas");
    bar.width = 1;
    bar.height = 256;
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      bar.getContext("2d")
    );
    const img = ctx.createImageData(1, 256);
    const table = this.discrete ? DISCRETE : SMOOTH;
    for (let q = 0; q < 256; q++) img.data.set(table.slice(q * 4, q * 4 + 4), (255 - q) * 4);
    ctx.putImageData(img, 0, 0);
    bar.title = classes ? t2("views:plot.boundary_at", { value: scaleEnd((lo + hi) / 2) }) : t2("views:plot.predicted_value");
    legend.append(
      end(t2("views:classes.class", { n: 1 }), hi, 1),
      bar,
      end(t2("views:classes.class", { n: 0 }), lo, 0)
    );
  }
  /** A PNG of the output plot with its points, for slides. @returns {Promise<Blob|null>} */
  async png() {
    const size = 800;
    const c = document.createElement("canvas");
    c.width = c.height = size;
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      c.getContext("2d")
    );
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.els.output, 0, 0, size, size);
    ctx.drawImage(this.els.points, 0, 0, size, size);
    return new Promise((resolve) => c.toBlob(resolve, "image/png"));
  }
};

// static/js/charts.js
var MAX_POINTS = 1500;
var BATCH_COLOR = "rgba(8,104,172,0.35)";
var SERIES = {
  loss: [
    { key: "train_loss", label: "training", color: "#6a6a6a", dash: [] },
    { key: "test_loss", label: "test", color: "#111111", dash: [6, 3] }
  ],
  score: [
    { key: "train_accuracy", alt: "train_r2", label: "training", color: "#6a6a6a", dash: [] },
    { key: "test_accuracy", alt: "test_r2", label: "test", color: "#111111", dash: [6, 3] }
  ]
};
var COMPARED = ["#e66101", "#b34700"];
function thin(points, max = MAX_POINTS) {
  while (points.length > max) {
    const last = points[points.length - 1];
    points = points.filter((_, i) => i % 2 === 0);
    if (points[points.length - 1] !== last) points.push(last);
  }
  return points;
}
var Chart = class {
  /**
   * @param {{canvas: HTMLCanvasElement, legend: HTMLElement, readout: HTMLElement,
   *          metric: HTMLSelectElement, log: HTMLInputElement, title: HTMLElement}} els
   */
  constructor(els) {
    const canvas = els.canvas;
    this.els = els;
    this.canvas = canvas;
    this.readout = els.readout;
    this.points = [];
    this.batch = [];
    this.metric = "loss";
    this.log = false;
    this.compare = null;
    this.hoverX = null;
    this.marker = null;
    this.onMargins = null;
    this.margins = "";
    this.dirty = true;
    this.items = /* @__PURE__ */ new Map();
    this.legendKey = "";
    canvas.addEventListener("mousemove", (e) => {
      const rect = canvas.getBoundingClientRect();
      this.hoverX = e.clientX - rect.left;
      this.draw();
    });
    canvas.addEventListener("mouseleave", () => {
      this.hoverX = null;
      this.draw();
    });
    els.metric.addEventListener("change", () => this.setMetric(els.metric.value));
    els.log.addEventListener("change", () => this.setLog(els.log.checked));
    new ResizeObserver(() => this.draw()).observe(canvas);
    this.stopLanguage = onLanguage(() => {
      this.legendKey = "";
      this.draw();
    });
  }
  /** What the chart shows: "loss" or "score" (accuracy or R²). @param {string} metric */
  setMetric(metric2) {
    this.metric = metric2;
    this.els.metric.value = metric2;
    this.draw();
  }
  /** A log scale for the loss, or not. @param {boolean} on */
  setLog(on) {
    this.log = on;
    this.draw();
  }
  /**
   * A run side by side (a preset comparing two losses): the frame's `compare`, or null. When
   * one starts, the chart shows accuracy, the scale the two runs share.
   * @param {{label: string, base: string} | null} compare
   */
  setCompare(compare) {
    const was = this.compare;
    this.compare = compare ? { label: compare.label, base: compare.base } : null;
    if (compare && (!was || was.label !== compare.label || was.base !== compare.base)) {
      this.setMetric("score");
    }
    if (Boolean(was) !== Boolean(compare)) this.dirty = true;
  }
  /** @param {Record<string, number>[]} points */
  reset(points = []) {
    this.points = thin(points.slice());
    this.batch = [];
    this.draw();
  }
  /**
   * Add a frame's chart point and mini-batch losses (point null: a frame of an earlier step,
   * viewed on the timeline, whose point the chart has; its losses are the live run's).
   * @param {Record<string, number> | null} point
   * @param {{steps: number[], values: number[]}} losses
   */
  add(point, losses) {
    const last = this.points[this.points.length - 1];
    if (!point) {
    } else if (last && last.step === point.step) this.points[this.points.length - 1] = point;
    else if (!last || point.step > last.step) this.points.push(point);
    else {
      this.points = [point];
      this.batch = [];
    }
    this.points = thin(this.points);
    for (let i = 0; i < losses.steps.length; i++) {
      const v = losses.values[i];
      if (typeof v === "number") this.batch.push([losses.steps[i], v]);
    }
    this.batch = thin(this.batch, MAX_POINTS * 2);
    this.dirty = true;
  }
  /**
   * The run goes on from its step `step` (a branch, timeline.js): what came after is the
   * original's, and leaves the chart.
   * @param {number} step
   */
  truncate(step) {
    this.points = this.points.filter((p) => p.step <= step);
    this.batch = this.batch.filter(([s]) => s <= step);
    this.dirty = true;
  }
  /**
   * Mark the step the page shows from the timeline (null: none, the live run).
   * @param {number | null} step
   */
  setMarker(step) {
    if (this.marker === step) return;
    this.marker = step;
    this.dirty = true;
  }
  /** Redraw if anything changed (called once per animation frame). */
  flush() {
    if (this.dirty) this.draw();
  }
  /** The lines the chart draws now: each run's training and test series that have values. */
  series() {
    const last = this.points[this.points.length - 1];
    const present = (s) => Boolean(last) && (typeof last[s.key] === "number" || s.alt !== void 0 && typeof last[s.alt] === "number");
    const own = SERIES[this.metric];
    if (!this.compare || !last || !Object.keys(last).some((k) => k.startsWith("cmp_"))) {
      return own.filter(present);
    }
    const base = runWords(this.compare.base);
    const other = runWords(this.compare.label);
    return [
      ...own.map((s) => ({ ...s, run: base })),
      ...own.map((s, i) => ({
        ...s,
        key: `cmp_${s.key}`,
        alt: s.alt && `cmp_${s.alt}`,
        run: other,
        color: COMPARED[i]
      }))
    ].filter(present);
  }
  draw() {
    this.dirty = false;
    const canvas = this.canvas;
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const W = rect.width;
    const H = rect.height;
    const series = this.series();
    const pts = this.points;
    const last = pts[pts.length - 1];
    const regression = Boolean(last) && !("train_accuracy" in last) && "train_r2" in last;
    this.title(regression);
    const batch = this.metric === "loss" && this.batch.length > 0;
    this.legend(series, batch);
    if (W === 0 || H === 0) return;
    if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
    if (canvas.height !== Math.round(H * dpr)) canvas.height = Math.round(H * dpr);
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      canvas.getContext("2d")
    );
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const value = (p2, s) => p2[s.key] ?? (s.alt ? p2[s.alt] : void 0);
    const ys = [];
    for (const p2 of pts) for (const s of series) {
      const v = value(p2, s);
      if (typeof v === "number" && Number.isFinite(v)) ys.push(v);
    }
    if (batch) {
      for (const [, v] of this.batch) if (Number.isFinite(v)) ys.push(v);
    }
    const font = Math.max(10, Math.min(16, Math.round(H / 14)));
    ctx.font = `${font}px system-ui, sans-serif`;
    const padL = Math.round(font * 4);
    const padB = Math.round(font * 1.5);
    const padT = Math.round(font * 0.7);
    ctx.fillStyle = "#555";
    if (pts.length < 1 || ys.length === 0) {
      ctx.fillText(t2("views:chart.empty"), padL, H / 2);
      this.readouts(null, series);
      return;
    }
    const x0 = pts[0].step;
    const x1 = Math.max(
      pts[pts.length - 1].step,
      x0 + 1,
      batch ? this.batch[this.batch.length - 1][0] : 0
    );
    const log = this.log && this.metric === "loss";
    const tf = (v) => log ? Math.log10(Math.max(v, 1e-12)) : v;
    let lo = Math.min(...ys.map(tf));
    let hi = Math.max(...ys.map(tf));
    if (!log && this.metric === "loss") lo = Math.min(lo, 0);
    if (this.metric === "score") hi = Math.max(hi, 1);
    if (hi - lo < 1e-9) hi = lo + 1;
    const X = (s) => padL + (s - x0) / (x1 - x0) * (W - padL - 8);
    if (this.onMargins && this.margins !== `${padL}:8`) {
      this.margins = `${padL}:8`;
      this.onMargins(padL, 8);
    }
    const Y = (v) => padT + (1 - (tf(v) - lo) / (hi - lo)) * (H - padB - padT - 4);
    ctx.strokeStyle = "#ccc";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(padL, padT);
    ctx.lineTo(padL, H - padB);
    ctx.lineTo(W - 4, H - padB);
    ctx.stroke();
    ctx.fillStyle = "#555";
    ctx.textAlign = "right";
    const percents = this.metric === "score" && !regression;
    for (const u of [lo, (lo + hi) / 2, hi]) {
      const v = log ? 10 ** u : u;
      ctx.fillText(
        percents ? wholePercent(100 * v) : tick(v),
        padL - 4,
        padT + (1 - (u - lo) / (hi - lo)) * (H - padB - padT - 4) + font / 3
      );
    }
    ctx.textAlign = "left";
    ctx.fillText(t2("views:chart.step", { step: count(x0) }), padL, H - 3);
    ctx.textAlign = "right";
    ctx.fillText(count(x1), W - 4, H - 3);
    if (batch) {
      ctx.strokeStyle = BATCH_COLOR;
      ctx.lineWidth = 1;
      ctx.beginPath();
      let started = false;
      for (const [s, v] of this.batch) {
        if (s < x0 || !Number.isFinite(v)) continue;
        if (started) ctx.lineTo(X(s), Y(v));
        else ctx.moveTo(X(s), Y(v));
        started = true;
      }
      ctx.stroke();
    }
    for (const s of series) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2;
      ctx.setLineDash(s.dash);
      ctx.beginPath();
      let started = false;
      for (const p2 of pts) {
        const v = value(p2, s);
        if (typeof v !== "number" || !Number.isFinite(v)) continue;
        if (started) ctx.lineTo(X(p2.step), Y(v));
        else ctx.moveTo(X(p2.step), Y(v));
        started = true;
      }
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (this.marker != null && this.marker >= x0 && this.marker <= x1) {
      ctx.strokeStyle = "#b34700";
      ctx.lineWidth = 2;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(X(this.marker), padT);
      ctx.lineTo(X(this.marker), H - padB);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    let p = last;
    if (this.hoverX != null) {
      const step = x0 + (this.hoverX - padL) / (W - padL - 8) * (x1 - x0);
      p = pts.reduce((a, b) => Math.abs(b.step - step) < Math.abs(a.step - step) ? b : a);
      ctx.strokeStyle = "#f0a000";
      ctx.beginPath();
      ctx.moveTo(X(p.step), padT);
      ctx.lineTo(X(p.step), H - padB);
      ctx.stroke();
    }
    this.readouts(p, series, regression);
  }
  /** The chart's heading: what its lines measure. @param {boolean} regression */
  title(regression) {
    const text2 = this.metric === "loss" ? t2("views:chart.loss") : regression ? "R²" : t2("views:chart.accuracy");
    if (this.els.title.textContent !== text2) this.els.title.textContent = text2;
  }
  /**
   * The legend: one item per line (its stroke, its name, its value), rebuilt only when the
   * lines change.
   * @param {Series[]} series @param {boolean} batch  whether the mini-batch trace is drawn
   */
  legend(series, batch) {
    const key = series.map((s) => `${s.key}:${s.run}`).join("|") + (batch ? "|batch" : "");
    if (key === this.legendKey) return;
    this.legendKey = key;
    for (const el of this.els.legend.querySelectorAll(".item, .group")) el.remove();
    this.items.clear();
    const add = (box2, id, label, color, dashed, width, run2) => {
      const stroke = h("span", { className: "stroke", style: {
        display: "inline-block",
        width: "1.8em",
        height: "0",
        borderTop: `${width}px ${dashed ? "dashed" : "solid"} ${color}`
      } });
      const name = t2(`views:chart.${label}`);
      const item = h(
        "span",
        { className: "item", title: run2 ? `${name}, ${run2}` : name },
        stroke,
        h("span", { className: "name" }, name),
        h("span", { className: "value" }, "–")
      );
      item.dataset.series = id;
      box2.appendChild(item);
      this.items.set(id, item);
    };
    let run;
    let box = this.els.legend;
    for (const s of series) {
      if (s.run && s.run !== run) {
        run = s.run;
        box = h(
          "span",
          { className: "group" },
          h("span", { className: "run", style: { color: s.color } }, `${run}:`)
        );
        this.els.legend.appendChild(box);
      }
      add(box, s.key, s.label, s.color, s.dash.length > 0, 2.5, s.run);
    }
    if (batch) add(this.els.legend, "batch", "mini_batch", BATCH_COLOR, false, 2);
  }
  /**
   * The legend's values at a chart point (null: none yet), and the step they are at.
   * @param {Record<string, number> | null} p @param {Series[]} series @param {boolean} [regression]
   */
  readouts(p, series, regression = false) {
    setText(this.readout, p ? t2("views:chart.step", { step: count(p.step) }) : " ");
    for (const s of series) {
      const el = this.items.get(s.key)?.querySelector(".value");
      if (!el) continue;
      const v = p ? p[s.key] ?? (s.alt ? p[s.alt] : void 0) : void 0;
      setText(
        /** @type {HTMLElement} */
        el,
        typeof v !== "number" ? "–" : this.metric === "loss" ? significant(v, 4) : regression ? metric(v) : percent(v)
      );
    }
    const batchEl = this.items.get("batch")?.querySelector(".value");
    if (batchEl) {
      const b = p ? nearestBatch(this.batch, p.step) : void 0;
      setText(
        /** @type {HTMLElement} */
        batchEl,
        b === void 0 ? "–" : significant(b, 4)
      );
    }
  }
  /** @returns {Promise<Blob|null>} */
  png() {
    return new Promise((resolve) => this.canvas.toBlob(resolve, "image/png"));
  }
};
function nearestBatch(batch, step) {
  let lo = 0;
  let hi = batch.length - 1;
  if (hi < 0) return void 0;
  while (lo < hi) {
    const mid = lo + hi + 1 >> 1;
    if (batch[mid][0] <= step) lo = mid;
    else hi = mid - 1;
  }
  return batch[lo][1];
}

// static/js/image-views.js
function imageShape(net) {
  if (!net || net.plane) return null;
  const shape = net.image_shape;
  if (Array.isArray(shape) && shape.length === 2 && shape[0] * shape[1] === net.sizes[0]) return shape;
  const side = net.image_side;
  return side ? [side, side] : null;
}
function quantize(v, lo, hi) {
  return Math.min(255, Math.max(0, Math.round((v - lo) * (255 / (hi - lo || 1)))));
}
function paintCodes(canvas, codes, offset, rows, cols) {
  if (canvas.width !== cols || canvas.height !== rows) {
    canvas.width = cols;
    canvas.height = rows;
  }
  const ctx = (
    /** @type {CanvasRenderingContext2D} */
    canvas.getContext("2d")
  );
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
function paintValues(canvas, values, rows, cols, lo, hi) {
  const codes = new Uint8Array(rows * cols);
  for (let i = 0; i < codes.length; i++) codes[i] = quantize(values[i], lo, hi);
  paintCodes(canvas, codes, 0, rows, cols);
}

// static/js/network-view.js
var MAX_LINK = 9;
var WIDTH_STEPS = 8;
var COLOR_STEPS = 12;
var MAX_DRAWN_INPUTS = 16;
var LINK_RESOLUTION = 0.5;
var MAX_FULL_FAN_IN = 12;
var STRONGEST = 3;
var MAX_CACHED_LINKS = 2e4;
var LINK_GAIN = 0.8;
var MAX_TILE = 56;
var MAX_OUTPUT_TILE = 40;
var WEIGHTS_MIN = 32;
var HEAVY_WEIGHTS = 2e4;
var HEAVY_EVERY_MS = 150;
var LINK_ROOM = 32;
var NARROW_MIN = 16;
var BIAS_MIN = 18;
var TOP = 34;
var BOTTOM = 18;
var MARGIN = 8;
var BOUNDED = { sigmoid: 1, softmax: 1, step: 1, tanh: 1 };
var NetworkView = class {
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
    this.linkSteps = null;
    this.tooltip = document.createElement("div");
    this.tooltip.className = "tooltip";
    this.tooltip.hidden = true;
    this.overlay.appendChild(this.tooltip);
    this.columns = [];
    this.links = [];
    this.fullLinks = [];
    this.pruned = [];
    this.linkCache = /* @__PURE__ */ new Map();
    this.drawnLinks = null;
    this.shape = null;
    this.inputImage = null;
    this.inputKey = "";
    this.inputCaption = null;
    this.outputRoom = { label: 0, bar: 0 };
    this.heavy = false;
    this.weightsDrawn = 0;
    this.atlas = document.createElement("canvas");
    this.atlasReady = false;
    this.zoom = document.createElement("div");
    this.zoom.className = "weight-zoom";
    this.zoom.hidden = true;
    this.zoom.append(document.createElement("canvas"), document.createElement("div"));
    this.overlay.appendChild(this.zoom);
    this.net = null;
    this.frame = null;
    this.focus = null;
    this.canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.canvas.addEventListener("mouseleave", () => {
      this.tooltip.hidden = true;
    });
    this.canvas.addEventListener("click", (e) => this.clickLink(e));
    new ResizeObserver(() => this.layout()).observe(container);
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
    this.heavy = !net.plane && weights > HEAVY_WEIGHTS;
    this.weightsDrawn = 0;
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
      ".layer-controls, .layer-label, .input-label, .output-label, .input-caption, .link-legend"
    )) {
      el.remove();
    }
    const rect = this.container.getBoundingClientRect();
    const W = Math.max(rect.width, 100);
    const H = Math.max(rect.height, 100);
    const dpr = window.devicePixelRatio || 1;
    this.linkScale = dpr * LINK_RESOLUTION;
    this.canvas.width = Math.round(W * this.linkScale);
    this.canvas.height = Math.round(H * this.linkScale);
    this.tiles.width = Math.round(W * dpr);
    this.tiles.height = Math.round(H * dpr);
    this.linkSteps = null;
    this.drawnLinks = null;
    this.weightsDrawn = 0;
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
    const size = Math.max(12, Math.min(
      72,
      (H - top - bottom) / (most * 1.35),
      W / (nCols * 2.4)
    ));
    const gapY = Math.min(size * 0.45, (H - top - bottom - most * size) / Math.max(most - 1, 1));
    const marginX = size * 0.9;
    const stepX = nCols > 1 ? (W - 2 * marginX - size) / (nCols - 1) : 0;
    this.columns = shown.map((n, l) => {
      const x = marginX + l * stepX;
      const total = n * size + (n - 1) * gapY;
      const y0 = top + (H - top - bottom - total) / 2;
      return Array.from({ length: n }, (_, i) => this.makeNode(
        l,
        i,
        x,
        y0 + i * (size + gapY),
        size
      ));
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
    const charW = 0.75 * font * 0.62;
    const nIn = shape ? 1 : Math.min(sizes[0], MAX_DRAWN_INPUTS);
    const names = shape ? [] : Array.from({ length: nIn }, (_, i) => inputName(net, i, nIn));
    const labelW = names.length ? Math.min(W * 0.18, 10 + charW * Math.max(...names.map((n) => n.length))) : 0;
    const classes = outputNames(net);
    const outLabelW = 8 + charW * Math.max(...classes.map((n) => n.length));
    const barW = net.task === "classification" ? Math.max(24, Math.min(W * 0.08, 70)) : 0;
    const rightW = outLabelW + barW;
    const captionH = shape ? 2.8 * 0.75 * font : 0;
    const imgSize = shape ? Math.round(Math.max(40, Math.min(W * 0.2, (avail - captionH) * 0.7, 220))) : 0;
    const last = sizes.length - 1;
    const plan = sizes.map((n, l) => {
      if (l === 0) return shape ? { n: 1, c: 1, rows: 1, size: imgSize, gx: 0 } : column(nIn, avail, MAX_TILE);
      const one = column(n, avail, l === last ? MAX_OUTPUT_TILE : MAX_TILE);
      const weights = Boolean(shape) && l === 1;
      return l === last || one.size >= (weights ? WEIGHTS_MIN : NARROW_MIN) ? one : null;
    });
    const fixed2 = 2 * MARGIN + labelW + rightW + last * LINK_ROOM + plan.reduce((sum, p) => sum + (p ? columnWidth(p) : 0), 0);
    const share = sizes.map((n, l) => plan[l] ? 0 : n * (shape && l === 1 ? 2 : 1));
    const shares = share.reduce((a, b) => a + b, 0);
    for (let l = 1; l < last; l++) {
      if (!plan[l]) plan[l] = this.bestGrid(sizes[l], Math.max(0, W - fixed2) * share[l] / shares, avail);
    }
    const used = plan.reduce((sum, p) => sum + columnWidth(p), 0);
    const gap = plan.length > 1 ? Math.max(8, (W - 2 * MARGIN - labelW - used - rightW) / (plan.length - 1)) : 0;
    let x0 = MARGIN + labelW;
    this.columns = plan.map((p, l) => {
      const gy = p.rows > 1 ? Math.min(p.size * 0.45, (avail - p.rows * p.size) / (p.rows - 1)) : 0;
      const total = p.rows * p.size + (p.rows - 1) * gy;
      const y0 = TOP + (avail - total - (l === 0 ? captionH : 0)) / 2;
      const col = Array.from({ length: p.n }, (_, k) => this.makeNode(
        l,
        k,
        x0 + k % p.c * (p.size + p.gx),
        y0 + Math.floor(k / p.c) * (p.size + gy),
        p.size
      ));
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
    this.fullLinks = [];
    this.pruned = [];
    this.linkCache = /* @__PURE__ */ new Map();
    for (let l = 1; l < this.columns.length; l++) {
      if (sizes[l - 1] > MAX_FULL_FAN_IN || shape && l === 1) {
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
      legend.textContent = t2("views:network.strongest", { count: STRONGEST });
      legend.title = t2("views:network.strongest_tip", { count: STRONGEST, inputs: MAX_FULL_FAN_IN });
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
  addLabel(className, text2, node, width) {
    const label = document.createElement("div");
    label.className = className;
    label.textContent = text2;
    label.title = text2;
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
    const tile = Boolean(net.plane || l === 1 && this.shape);
    const value = !net.plane && !tile && !picture;
    if (isInput) {
      el.title = picture ? t2("views:network.input_picture", {
        count: net.sizes[0],
        shape: this.shape.join("×"),
        inputs: count(net.sizes[0])
      }) : net.sizes[0] > MAX_DRAWN_INPUTS && i === MAX_DRAWN_INPUTS - 1 ? t2("views:network.more_inputs", {
        count: net.sizes[0] - MAX_DRAWN_INPUTS + 1,
        n: count(net.sizes[0] - MAX_DRAWN_INPUTS + 1)
      }) : net.input_labels?.[i] ?? "";
      el.classList.add("input");
    } else if (!net.plane && l === 1 && this.shape) {
      el.title = t2("views:network.weights_tile", { neuron: i, shape: this.shape.join("×") });
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
      bias.addEventListener("mouseleave", () => {
        this.tooltip.hidden = true;
      });
      bias.addEventListener("click", (e) => {
        e.stopPropagation();
        this.editBias(l, i, e);
      });
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
    return {
      x,
      y,
      size,
      layer: l,
      index: i,
      el,
      tile,
      bias,
      last: null,
      img: tile && !weights ? document.createElement("canvas") : null,
      value,
      weights
    };
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
      this.cb.onHoverTile(canvas, l === 0 ? net.input_labels[i] : t2("views:network.layer_neuron", { layer: l, neuron: i }));
    }
  }
  /**
   * A first-layer neuron of image data, large: its incoming weights as an image.
   * @param {Node} node
   */
  showZoom(node) {
    if (!node || !this.atlasReady || !this.shape) return;
    const [rows, cols] = this.shape;
    const [canvas, caption] = (
      /** @type {[HTMLCanvasElement, HTMLElement]} */
      [...this.zoom.children]
    );
    canvas.width = cols;
    canvas.height = rows;
    canvas.getContext("2d").drawImage(this.atlas, node.index * cols, 0, cols, rows, 0, 0, cols, rows);
    caption.textContent = t2("views:network.weights_zoom", {
      neuron: node.index,
      shape: this.shape.join("×")
    });
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
      for (const [text2, delta, name] of [["−", -1, "remove"], ["+", 1, "add"]]) {
        const b = document.createElement("button");
        b.className = "round small";
        b.textContent = /** @type {string} */
        text2;
        b.title = t2(`views:network.${name}_neuron_tip`, { layer: l });
        b.setAttribute("aria-label", t2(`views:network.${name}_neuron_label`, { layer: l }));
        b.dataset.layer = String(l);
        b.dataset.delta = String(delta);
        b.addEventListener("click", () => {
          const next = [...hidden];
          next[k] = n + /** @type {number} */
          delta;
          this.cb.onChangeLayers(next);
        });
        box.appendChild(b);
      }
      this.container.appendChild(box);
      const label = document.createElement("div");
      label.className = "layer-label";
      label.style.left = `${x}px`;
      label.style.top = `${H - 16}px`;
      label.textContent = t2("views:network.neurons", { count: n, n: count(n) });
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
    if (focus?.values) {
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
    const atlas = this.atlas;
    if (atlas.width !== n * cols || atlas.height !== rows) {
      atlas.width = n * cols;
      atlas.height = rows;
    }
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      atlas.getContext("2d")
    );
    const image = ctx.createImageData(n * cols, rows);
    const px = image.data;
    const stride = n * cols * 4;
    for (let p = 0; p < pixels; p++) {
      const base = Math.floor(p / cols) * stride + p % cols * 4;
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
    const h2 = frame.header;
    const trace2 = h2.trace;
    const G = frame.arrays.gallery_index;
    const range = h2.gallery_range ?? [0, 1];
    if (trace2 && Array.isArray(trace2.x) && trace2.x.length === rows * cols) {
      const key = `${h2.data_version}:${trace2.index}`;
      if (key === this.inputKey) return;
      this.inputKey = key;
      paintValues(canvas, trace2.x, rows, cols, range[0], range[1]);
      const label = trace2.y.length > 1 ? trace2.y.indexOf(Math.max(...trace2.y)) : trace2.y[0];
      this.setCaption(t2("views:network.input_sample", { index: trace2.index, label }));
    } else if (G && G.data.length) {
      const key = `${h2.data_version}:g${G.data[0]}`;
      if (key === this.inputKey) return;
      this.inputKey = key;
      paintCodes(canvas, frame.arrays.gallery_pixels.data, 0, rows, cols);
      this.setCaption(t2("views:network.input_test_image", {
        index: G.data[0],
        label: frame.arrays.gallery_label.data[0]
      }));
    }
    canvas.dataset.sample = this.inputKey.split(":")[1] ?? "";
  }
  /** @param {string} text */
  setCaption(text2) {
    if (this.inputCaption && this.inputCaption.textContent !== text2) this.inputCaption.textContent = text2;
  }
  drawLinks(frame) {
    this.drawTiles();
    const focus = this.focus;
    let gain = null;
    if (this.net && !this.net.plane) [this.links, gain] = this.currentLinks(frame);
    const links = this.links;
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
    if (this.linkSteps && this.linkSteps.length === steps.length && (drawn === links || drawn && drawn.every((link, k) => link === links[k])) && this.linkSteps.every((v, k) => v === steps[k])) return;
    this.linkSteps = steps;
    this.drawnLinks = links;
    if (this.container.dataset.links !== String(links.length)) {
      this.container.dataset.links = String(links.length);
    }
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      this.canvas.getContext("2d")
    );
    ctx.setTransform(this.linkScale, 0, 0, this.linkScale, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.lineCap = "round";
    const groups = /* @__PURE__ */ new Map();
    for (const [k, link] of links.entries()) {
      const key = `${steps[3 * k]}:${steps[3 * k + 1]}:${steps[3 * k + 2]}`;
      let g = groups.get(key);
      if (!g) groups.set(key, g = []);
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
    let bestD = 36;
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
    let text2 = `W${link.l}[${link.i}→${link.j}] = ${number(w)}`;
    const g = this.frame.arrays[`trace_dW${link.l}`];
    if (g) {
      text2 += `
${t2(
        "views:network.gradient_tip",
        { value: number(g.data[link.i * g.shape[1] + link.j]) }
      )}`;
    }
    text2 += `
${t2("views:network.click_to_edit")}`;
    this.tip(text2, e);
  }
  /** @param {MouseEvent} e */
  clickLink(e) {
    const link = this.frame ? this.linkAt(e) : null;
    if (!link) return;
    const current = weight(this.frame, link);
    this.edit(`W${link.l}[${link.i}→${link.j}]`, current, e, (value) => this.cb.onEditWeight(link.l, link.i, link.j, value));
  }
  showBias(l, i, e) {
    const b = this.frame?.arrays[`b${l}`] || this.frame?.arrays[`beta${l}`];
    if (!b) return;
    this.tip(`b${l}[${i}] = ${number(b.data[i])}
${t2("views:network.click_to_edit")}`, e);
  }
  editBias(l, i, e) {
    const b = this.frame?.arrays[`b${l}`] || this.frame?.arrays[`beta${l}`];
    if (!b) return;
    this.edit(`b${l}[${i}]`, b.data[i], e, (value) => this.cb.onEditBias(l, i, value));
  }
  tip(text2, e) {
    this.tooltip.textContent = text2;
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
    const input = (
      /** @type {HTMLInputElement} */
      box.querySelector("input")
    );
    input.value = editable(value);
    box.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const v = Number(input.value);
      box.remove();
      if (Number.isFinite(v)) done(v);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") box.remove();
    });
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
    if (node.img) paint(node.img, codes, D, void 0, offset);
    node.last = { codes, D, offset };
  }
  /**
   * The tiles, scaled into place over the links, and each bias as a small square coloured by
   * its value, on the tiles canvas (drawn rather than styled: restyling 48 elements a frame
   * made Chromium repaint the whole panel).
   */
  drawTiles() {
    const ctx = (
      /** @type {CanvasRenderingContext2D} */
      this.tiles.getContext("2d")
    );
    ctx.setTransform(this.scale, 0, 0, this.scale, 0, 0);
    ctx.clearRect(0, 0, this.tiles.width, this.tiles.height);
    const plane = !this.net || this.net.plane;
    ctx.imageSmoothingEnabled = plane;
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
    const t3 = frame && frame.header.network_version === net.version ? frame.header.trace : null;
    const last = this.columns.length - 1;
    for (let l = 0; l < this.columns.length; l++) {
      const a = t3 && l > 0 ? frame.arrays[`trace_a${l}`]?.data : null;
      const activation = l === last ? net.output_activation : net.activation;
      let most = 1e-12;
      if (a && !BOUNDED[activation]) for (const v of a) most = Math.max(most, Math.abs(v));
      for (const node of this.columns[l]) {
        if (!node.value) continue;
        ctx.fillStyle = "#fff";
        ctx.fillRect(node.x, node.y, node.size, node.size);
        if (a) {
          const v = a[node.index];
          const u = activation === "tanh" ? (v + 1) / 2 : BOUNDED[activation] ? 0.5 + v / 2 : 0.5 + v / (2 * most);
          const [r, g, b] = diverging(u, 0);
          ctx.fillStyle = `rgb(${r},${g},${b})`;
          ctx.fillRect(node.x + 1, node.y + 1, node.size - 2, node.size - 2);
        } else if (l === 0 && t3 && Array.isArray(t3.x) && node.size >= 16 && !(net.sizes[0] > MAX_DRAWN_INPUTS && node.index === MAX_DRAWN_INPUTS - 1)) {
          ctx.fillStyle = "#222";
          ctx.font = `${Math.min(14, node.size * 0.34)}px system-ui, sans-serif`;
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillText(
            rounded(t3.x[node.index], 2),
            node.x + node.size / 2,
            node.y + node.size / 2,
            node.size - 2
          );
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
    const t3 = this.frame?.header.trace;
    const room = this.outputRoom;
    if (net.task !== "classification" || !t3 || !Array.isArray(t3.y_hat) || room.bar < 10) return;
    const out = this.columns[this.columns.length - 1];
    const top = t3.y_hat.indexOf(Math.max(...t3.y_hat));
    for (const node of out) {
      const v = Math.max(0, Math.min(1, t3.y_hat[node.index] ?? 0));
      const x = node.x + node.size + 4 + room.label;
      const len = room.bar - 6;
      const h2 = Math.max(4, node.size * 0.5);
      const y = node.y + (node.size - h2) / 2;
      ctx.fillStyle = "#e8e8e8";
      ctx.fillRect(x, y, len, h2);
      ctx.fillStyle = node.index === top ? "#0868ac" : "#8a8a8a";
      ctx.fillRect(x, y, len * v, h2);
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
    paint(c, last.codes, last.D, void 0, last.offset);
    return c;
  }
};
function weight(frame, link) {
  const W = frame.arrays[`W${link.l}`];
  if (!W) return 0;
  return W.data[link.i * W.shape[1] + link.j];
}
function curve(a, b) {
  const x0 = a.x + a.size;
  const y0 = a.y + a.size / 2;
  const x1 = b.x;
  const y1 = b.y + b.size / 2;
  const mx = (x0 + x1) / 2;
  return [x0, y0, mx, y0, mx, y1, x1, y1];
}
function distanceToCurve(p, x, y) {
  let best = Infinity;
  for (let k = 0; k <= 16; k++) {
    const t3 = k / 16;
    const u = 1 - t3;
    const bx = u * u * u * p[0] + 3 * u * u * t3 * p[2] + 3 * u * t3 * t3 * p[4] + t3 * t3 * t3 * p[6];
    const by = u * u * u * p[1] + 3 * u * u * t3 * p[3] + 3 * u * t3 * t3 * p[5] + t3 * t3 * t3 * p[7];
    const d = (bx - x) ** 2 + (by - y) ** 2;
    if (d < best) best = d;
  }
  return best;
}
function weightCss(w) {
  const [r, g, b] = diverging((Math.max(-1, Math.min(1, w)) + 1) / 2, 0);
  return `rgb(${r},${g},${b})`;
}
function columnWidth(p) {
  return p.c * p.size + (p.c - 1) * p.gx;
}
function inputName(net, i, drawn) {
  if (net.sizes[0] > drawn && i === drawn - 1) {
    const more = net.sizes[0] - drawn + 1;
    return t2("views:network.more_label", { count: more, n: count(more) });
  }
  return net.input_labels?.[i] ?? `x${i + 1}`;
}
function outputNames(net) {
  const n = net.sizes[net.sizes.length - 1];
  if (net.task !== "classification") return Array.from({ length: n }, (_, j) => n > 1 ? `ŷ${j + 1}` : "ŷ");
  return n === 1 ? [t2("views:classes.class", { n: 1 })] : Array.from({ length: n }, (_, j) => String(j));
}
function column(n, avail, cap) {
  return { n, c: 1, rows: n, size: Math.max(6, Math.min(cap, Math.floor(avail / (n * 1.3 - 0.3)))), gx: 0 };
}

// static/js/socket.js
var TYPED = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  int32: Int32Array
};
function decodeMessage(buffer) {
  const view = new DataView(buffer);
  const n = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, n)));
  let offset = 4 + n;
  const arrays = {};
  const packed = [];
  for (const [name, dtype, shape, codec, packedBytes] of header.arrays) {
    const Typed = TYPED[dtype];
    if (!Typed) throw new Error(`unknown dtype ${dtype} for ${name}`);
    const count2 = shape.reduce((a, b) => a * b, 1);
    let size = count2 * Typed.BYTES_PER_ELEMENT;
    if (codec === void 0) {
      arrays[name] = { data: new Typed(buffer, offset, count2), shape };
    } else if (codec === "planes" && dtype === "uint8") {
      size = packedBytes;
      packed.push(unpackPlanes(new Uint8Array(buffer, offset, size), shape).then((data) => {
        arrays[name] = { data, shape };
      }));
    } else {
      throw new Error(`unknown codec ${codec} for ${name}`);
    }
    offset += size + (-size & 7);
  }
  if (offset > buffer.byteLength) throw new Error("a binary message shorter than its arrays");
  delete header.arrays;
  return {
    header,
    arrays,
    bytes: buffer.byteLength,
    unpacked: packed.length ? Promise.all(packed).then(() => void 0) : null
  };
}
async function unpackPlanes(bytes2, shape) {
  const stream = new Blob([bytes2]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const data = new Uint8Array(await new Response(stream).arrayBuffer());
  const w = shape[shape.length - 1], h2 = shape[shape.length - 2];
  if (data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new Error(`packed pictures of ${data.length} bytes for the shape ${shape}`);
  }
  for (let plane = 0; plane < data.length; plane += w * h2) {
    for (let i = plane + w; i < plane + w * h2; i++) data[i] += data[i - w];
    for (let row = plane; row < plane + w * h2; row += w) {
      for (let i = row + 1; i < row + w; i++) data[i] += data[i - 1];
    }
  }
  return data;
}

// static/js/toasts.js
var NUMBER = String.raw`(-?[\d.]+(?:e[-+]?\d+)?)`;
var RANGE = new RegExp(String.raw`^(?: from ${NUMBER}( \(exclusive\))? to ${NUMBER}| (>=|>) ${NUMBER})?$`);

// static/js/store.js
function describeNetwork(message, store) {
  const h2 = message.header;
  const side = Math.round(Math.sqrt(h2.sizes[0]));
  return (
    /** @type {Network} */
    {
      ...h2,
      features: message.arrays.features,
      input_labels: h2.input_names.map((n) => store.inputLabel(n)),
      has_bias: h2.config.bias || h2.batch_norm.some(Boolean),
      // Inputs that are a square image (the digits): each first-layer neuron is drawn as its
      // incoming weights, side × side.
      image_side: !h2.plane && side * side === h2.sizes[0] && side >= 4 ? side : 0
    }
  );
}
function subscripted(name) {
  return name.replace(/^([A-Za-z]+)(\d+)$/, (_, letters, digits) => letters + digits.replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]));
}

// static/js/widget.js
var WIDGET_CSS = `
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
var text = (key) => escapeHtml(t2(key));
var markup = () => `
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
function bufferOf(value) {
  if (!value) return null;
  if (value instanceof ArrayBuffer) return value.byteLength ? value : null;
  if (ArrayBuffer.isView(value)) {
    if (!value.byteLength) return null;
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  }
  return null;
}
async function decoded(buffer) {
  const message = decodeMessage(buffer);
  if (message.unpacked) await message.unpacked;
  return message;
}
function render({ model, el }) {
  const host = document.createElement("div");
  host.className = "nnplay-widget";
  el.appendChild(host);
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>${String(app_default).replace(/:root\b/g, ":host")}${WIDGET_CSS}</style>${markup()}`;
  const $ = (selector) => root.querySelector(selector);
  const store = {
    inputLabel: (name) => (model.get("feature_labels") ?? {})[name] ?? subscripted(name)
  };
  const send = (message2) => model.send(message2);
  const boundary = new Boundary({
    plot: $(".main-plot"),
    output: $(".output-canvas"),
    points: $(".points-canvas"),
    label: $(".hover-label"),
    legend: $(".legend"),
    plots: $(".plots"),
    caption: $(".plot-main-caption"),
    compareFigure: $(".compare-figure"),
    compareCaption: $(".compare-caption"),
    compareOutput: $(".compare-canvas"),
    comparePoints: $(".compare-points")
  }, { onAdd: () => {
  }, onRemove: () => {
  }, onSelect: () => {
  } });
  const network = new NetworkView({
    container: $(".network"),
    gallery: $(".weight-gallery"),
    overlay: $(".nnplay")
  }, {
    onEditWeight: (layer, source, target, value) => send({ type: "set_weight", layer, source, target, value }),
    onEditBias: (layer, neuron, value) => send({ type: "set_bias", layer, neuron, value }),
    onSelectNeuron: () => {
    },
    onHoverTile: (canvas, name) => boundary.showTile(canvas, name),
    onChangeLayers: (layers) => send({ type: "hidden_layers", value: layers }),
    onFocusNeuron: () => {
    }
  });
  const chart = new Chart({
    canvas: $(".chart"),
    legend: $(".chart-legend"),
    readout: $(".chart-readout"),
    metric: $(".chart-metric"),
    log: $(".log-scale"),
    title: $(".chart-title")
  });
  const ORDER = ["network_message", "data_message", "frame_message"];
  const inbox = [];
  let net = null;
  let pending = null;
  let drawn = 0;
  let queue = Promise.resolve();
  const apply = async () => {
    const batch = inbox.splice(0).sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]));
    for (const [name, value] of batch) {
      const buffer = bufferOf(value);
      if (!buffer) continue;
      const message2 = await decoded(buffer);
      if (name === "network_message") {
        net = describeNetwork(
          message2,
          /** @type {any} */
          store
        );
        network.setNetwork(net);
        boundary.setPlane(net.plane);
        if (drawn) chart.reset([]);
      } else if (name === "data_message") {
        boundary.setData(message2);
      } else {
        chart.add(message2.header.point, message2.header.losses);
        pending = message2;
        requestAnimationFrame(draw);
      }
    }
  };
  const arrived = (name) => {
    inbox.push([name, model.get(name)]);
    queue = queue.then(apply).catch((error) => console.error("nnplay widget:", error));
  };
  const draw = () => {
    const frame = pending;
    pending = null;
    if (!frame) return;
    const h2 = frame.header;
    if (net && h2.network_version === net.version) {
      network.update(frame);
      if (net.plane) boundary.update(frame);
    }
    chart.flush();
    drawn += 1;
    showFrame(h2);
    host.dataset.frames = String(drawn);
    host.dataset.step = String(h2.step);
    host.dataset.chartPoints = String(chart.points.length);
  };
  const play = $(".play"), rate = $(".lr"), message = $(".message");
  const showFrame = (h2) => {
    $(".step-readout").textContent = t2(
      "views:widget.step_epoch",
      { step: count(h2.step), epoch: count(h2.epoch) }
    );
    const m = h2.metrics ?? {};
    const score = m.test_accuracy !== void 0 ? ` · ${t2("views:widget.test_accuracy", { value: percent(m.test_accuracy) })}` : m.test_r2 !== void 0 ? ` · ${t2("views:widget.test_r2", { value: fixed(m.test_r2, 3) })}` : "";
    $(".loss-readout").textContent = t2("views:widget.loss", {
      train: metric(m.train_loss),
      test: metric(m.test_loss)
    }) + score;
    $(".network").setAttribute("aria-label", t2(
      "views:widget.network_aria",
      { sizes: net ? net.sizes.join("-") : "", step: count(h2.step) }
    ) + score);
  };
  const showPlaying = () => {
    const playing = Boolean(model.get("playing"));
    play.textContent = t2(playing ? "views:widget.pause" : "views:widget.play");
    play.setAttribute("aria-pressed", String(playing));
  };
  const showRates = () => {
    const current = model.get("learning_rate");
    rate.textContent = "";
    for (const value of model.get("learning_rates") ?? []) {
      rate.add(new Option(String(value), String(value), false, value === current));
    }
  };
  const showError = () => {
    message.textContent = model.get("error") ?? "";
  };
  play.addEventListener("click", () => send({ type: model.get("playing") ? "pause" : "play" }));
  $(".step").addEventListener("click", () => send({ type: "step" }));
  rate.addEventListener("change", () => send({ type: "learning_rate", value: Number(rate.value) }));
  const listeners2 = [
    ...ORDER.map((name) => (
      /** @type {[string, Function]} */
      [`change:${name}`, () => arrived(name)]
    )),
    ["change:playing", showPlaying],
    ["change:learning_rate", showRates],
    ["change:learning_rates", showRates],
    ["change:error", showError],
    ["msg:custom", (content) => {
      if (content?.type === "history") {
        chart.reset(content.points);
        host.dataset.chartPoints = String(chart.points.length);
      }
    }]
  ];
  for (const [event, callback] of listeners2) model.on(event, callback);
  showPlaying();
  showRates();
  showError();
  for (const name of ORDER) arrived(name);
  send({ type: "history" });
  return () => {
    for (const [event, callback] of listeners2) model.off(event, callback);
    for (const view of [boundary, network, chart]) view.stopLanguage();
    host.remove();
  };
}
var widget_default = { render };
export {
  widget_default as default
};
