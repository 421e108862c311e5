// @ts-check
/**
 * Commands to the server (docs/protocol.md), and what their replies change in the store. A
 * refused command is shown to the person as the server's sentence, in the page's language
 * (toasts.js `errorText`), and counted.
 */

import { language, t } from "./i18n.js";
import { pairWords } from "./tasks.js";
import { errorText } from "./toasts.js";

export class Commands {
  /**
   * @param {import("./store.js").Store} store
   * @param {import("./socket.js").Connection} socket
   * @param {import("./link.js").Link} link
   * @param {import("./toasts.js").Toasts} toasts
   */
  constructor(store, socket, link, toasts) {
    this.store = store;
    this.socket = socket;
    this.link = link;
    this.toasts = toasts;
    /** @type {Map<string, (reply: any, command: Record<string, any>) => void>} */
    this.claims = new Map();
  }

  /**
   * Let a module answer the error replies of one code itself, e.g. `missing_data` (a dataset
   * whose files are not on the server yet), which downloads.js answers by offering the
   * download: such replies are then handed to `handler` instead of being shown or counted as
   * refusals.
   * @param {string} code
   * @param {(reply: any, command: Record<string, any>) => void} handler
   */
  claim(code, handler) {
    this.claims.set(code, handler);
  }

  /**
   * Send a command; an error reply is shown to the user: next to `origin`, the control that
   * sent it, or else as a toast. Resolves with the reply.
   * @param {Record<string, any>} command
   * @param {Element | null} [origin]
   * @param {boolean} [quiet]  the caller shows a refusal itself (e.g. beside the CSV button)
   * @returns {Promise<any>}
   */
  async act(command, origin = null, quiet = false) {
    const reply = await this.socket.send(command);
    if (reply.type === "applied" && reply.seq > this.store.commandSeq) {
      this.store.set({ commandSeq: reply.seq });
    }
    if (reply.type === "error") {
      const claimed = this.claims.get(reply.code);
      if (claimed) {
        claimed(reply, command);
        return reply;
      }
      this.store.stats.errors += 1;
      if (quiet) return reply;
      if (isControl(origin)) this.toasts.near(/** @type {Element} */ (origin), errorText(reply));
      else this.toasts.show(errorText(reply));
    }
    return reply;
  }

  /**
   * Change settings (several at once, atomically); the controls show what the server has
   * afterwards, including what it adjusted (new data moves the output and loss to a pair that
   * can learn it: the note says so). A refusal is shown next to `origin`, by default the
   * element that has the focus (the clicked control).
   * @param {Record<string, any>} changes
   * @param {Element | null} [origin]
   */
  async setConfig(changes, origin = document.activeElement) {
    const newData = ["dataset", "n_classes"].some((k) => k in changes);
    if (newData) this.store.set({ dataChanging: true });
    const reply = await this.act({ type: "set", config: changes }, origin);
    if (newData) this.store.set({ dataChanging: false });
    if (reply.type === "applied") {
      const before = this.store.config;
      this.store.set({ config: { ...this.store.config, ...reply.changed, ...reply.adjusted } });
      this.taskNote(reply, changes, before);
      this.link.write();
    } else {
      this.store.set({ config: this.store.config }); // put the control back to what the server has
    }
    return reply;
  }

  /**
   * The note on the output and loss after a change: the server's, when it moved them (in
   * another language, said again from what moved); none after any other change of the data
   * or of the pair.
   * @param {any} reply @param {Record<string, any>} [changes]  a `set`'s (none: new data)
   * @param {Record<string, any>} [before]  the config before the change
   */
  taskNote(reply, changes, before = this.store.config) {
    const touched = !changes || ["dataset", "n_classes", "output_activation", "loss"]
      .some((k) => k in changes);
    if (reply.note) {
      const now = reply.adjusted ?? {};
      const was = { output: before.output_activation, loss: before.loss };
      this.store.set({ taskNote: () => (language() === "en" || !now.loss ? reply.note
        : t("page:task.adjusted", { now: pairWords(now.output_activation, now.loss),
          was: pairWords(was.output, was.loss) })) });
    } else if (touched) this.store.set({ taskNote: "" });
  }

  /** Apply what the address bar asks for: its preset, then its settings. */
  async followLink() {
    const { config, errors } = this.link.read();
    for (const e of errors) this.toasts.show(e);
    if (this.store.extra.preset) await this.loadPreset(this.store.extra.preset);
    if (Object.keys(config).length) await this.setConfig(config);
  }

  /** @param {string} name @param {Element | null} [origin] */
  async loadPreset(name, origin = null) {
    this.store.set({ dataChanging: true });
    const reply = await this.act({ type: "preset", name }, origin);
    this.store.set({ dataChanging: false });
    if (reply.type === "applied") {
      this.store.set({ extra: { ...this.store.extra, preset: "" }, lesson: name,
        speed: reply.speed, taskNote: "" });  // a preset sets its own pace
    }
    return reply;
  }

  /**
   * Train on a CSV's text; new data may move the output and loss (the note says so). A
   * refusal is the caller's to show (beside the CSV button).
   * @param {string} text
   */
  async loadCsv(text) {
    this.store.set({ dataChanging: true });
    const reply = await this.act({ type: "load_csv", text }, null, true);
    this.store.set({ dataChanging: false });
    if (reply.type === "applied") this.taskNote(reply);
    return reply;
  }

  async togglePlay() {
    const reply = await this.act({ type: this.store.session === "running" ? "pause" : "play" });
    if (reply.type === "applied") this.store.set({ session: reply.state });
  }

  /** One training step (pausing first if it runs). */
  async step() {
    if (this.store.session === "running") await this.act({ type: "pause" });
    const reply = await this.act({ type: "step", n: 1 });
    if (reply.type === "applied") this.store.set({ session: reply.state });
  }

  reset() {
    return this.act({ type: "reset" });
  }

  /**
   * The training pace; the store keeps what the server confirmed.
   * @param {number | "max"} value  steps per second, or "max"
   * @param {Element | null} [origin]
   */
  async setSpeed(value, origin = null) {
    const reply = await this.act({ type: "speed", steps_per_second: value }, origin);
    this.store.set({ speed: reply.type === "applied" ? reply.speed : this.store.speed });
    return reply;
  }

  /**
   * The heatmap resolution: neuron tiles and the output plot, cells per side.
   * @param {number} neuron @param {number} output @param {Element | null} [origin]
   */
  async setDensity(neuron, output, origin = null) {
    const reply = await this.act({ type: "density", neuron, output }, origin);
    if (reply.type === "applied") this.store.set({ density: { neuron, output } });
    else this.store.set({ density: this.store.density });
    return reply;
  }

  /** Select a point (frames then carry its trace), or none. @param {number | null} index */
  async selectSample(index) {
    const reply = await this.act({ type: "select_sample", index });
    if (reply.type === "applied") this.store.set({ selected: index });
    return reply;
  }

  /** Select a point, or deselect it if it is the selected one. @param {number} index */
  toggleSample(index) {
    return this.selectSample(index === this.store.selected ? null : index);
  }

  /** Add a hidden layer of two neurons (the button is disabled at the limit). */
  addLayer() {
    const layers = this.store.config.hidden_layers;
    if (layers.length >= this.store.schema.limits.max_hidden_layers) return null;
    return this.setConfig({ hidden_layers: [...layers, 2] });
  }

  /** Remove the last hidden layer (the button is disabled when there is none). */
  removeLayer() {
    const layers = this.store.config.hidden_layers;
    if (!layers.length) return null;
    return this.setConfig({ hidden_layers: layers.slice(0, -1) });
  }
}

/** Whether an element is a control a refusal can be shown beside (not the page itself). @param {Element | null} el */
function isControl(el) {
  return el instanceof HTMLElement && el !== document.body && el.isConnected &&
    el.matches("button, select, input, label, [data-control], [data-control] *");
}
