// @ts-check
/**
 * Files in and out: a CSV of points (chosen or dropped), a whole run as JSON (download and
 * load), the output plot and the chart as PNG, and any other download the page offers.
 */

import * as format from "./format.js";
import { t } from "./i18n.js";
import { errorText } from "./toasts.js";

export class Files {
  /**
   * @param {import("./store.js").Store} store
   * @param {import("./commands.js").Commands} commands
   * @param {import("./toasts.js").Toasts} toasts
   * @param {{chart: import("./charts.js").Chart, boundary: import("./boundary.js").Boundary,
   *          readouts: import("./readouts.js").Readouts}} views
   */
  constructor(store, commands, toasts, views) {
    this.store = store;
    this.commands = commands;
    this.toasts = toasts;
    this.views = views;
  }

  /** The step of the newest drawn frame, for file names. */
  step() {
    return this.store.frame?.header.step ?? 0;
  }

  /** Offer a blob as a download. @param {Blob | null} blob @param {string} name */
  download(blob, name) {
    if (!blob) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /** Train on a CSV file; the note beside the CSV button says how it went. @param {File} file */
  async loadCsv(file) {
    const limit = this.store.schema.limits.max_upload_bytes;
    /** @param {() => string} text @param {boolean} [ok]  (written again in another language) */
    const say = (text, ok) => this.views.readouts.dataMessage(text, ok);
    if (file.size > limit) {
      say(() => t("files:csv.too_large", { name: file.name, count: file.size,
        size: format.count(file.size), limit: format.bytes(limit) }));
      return;
    }
    const reply = await this.commands.loadCsv(await file.text());
    say(() => (reply.type === "error" ? t("files:csv.refused", { name: file.name, error: errorText(reply) })
      : t("files:csv.loaded", { name: file.name,
        points: t("files:csv.points", { count: reply.count, n: format.count(reply.count) }),
        inputs: t("files:csv.inputs", { count: reply.inputs, n: format.count(reply.inputs) }) })),
    reply.type !== "error");
  }

  /** Let a CSV file be dropped on `zone`. @param {HTMLElement} zone */
  acceptDrops(zone) {
    zone.addEventListener("dragover", (e) => e.preventDefault());
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      const file = e.dataTransfer?.files[0];
      if (file) this.loadCsv(file);
    });
  }

  /** The whole run (weights, data, optimizer, chart history) as JSON. */
  async downloadRun() {
    const reply = await this.commands.act({ type: "export" });
    if (reply.type === "state") {
      this.download(new Blob([JSON.stringify(reply.state)], { type: "application/json" }),
        `nnplay-run-step${reply.state.trainer.progress.step}.json`);
    }
  }

  /** Load a downloaded run: the session takes it over, and the chart shows its history. @param {File} file */
  async loadRun(file) {
    let parsed;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      this.toasts.show(t("files:run.not_json", { name: file.name }));
      return;
    }
    const reply = await this.commands.act({ type: "import", state: parsed });
    if (reply.type === "applied") {
      this.views.chart.reset(Array.isArray(parsed.history) ? parsed.history : []);
      this.toasts.show(t("files:run.loaded", { name: file.name, step: format.count(reply.step) }),
        "info", 3000);
    }
  }

  async outputPng() {
    this.download(await this.views.boundary.png(), `nnplay-output-step${this.step()}.png`);
  }

  async chartPng() {
    this.download(await this.views.chart.png(), `nnplay-loss-step${this.step()}.png`);
  }
}

/**
 * Call `use` with the file a file input was given, then clear the input (so that choosing
 * the same file again is a change too).
 * @param {HTMLInputElement} input @param {(file: File) => void} use
 */
export function onFileChosen(input, use) {
  input.addEventListener("change", () => {
    const file = input.files?.[0];
    input.value = "";
    if (file) use(file);
  });
}
