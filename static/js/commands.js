// @ts-check
/**
 * Commands to the server (docs/protocol.md), and what their replies change in the store. A
 * refused command is shown to the person as the server's sentence, and counted.
 */

import { describe } from "./toasts.js";

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
  }

  /**
   * Send a command; an error reply is shown to the user. Resolves with the reply.
   * @param {Record<string, any>} command
   * @returns {Promise<any>}
   */
  async act(command) {
    const reply = await this.socket.send(command);
    if (reply.type === "applied" && reply.seq > this.store.commandSeq) {
      this.store.set({ commandSeq: reply.seq });
    }
    if (reply.type === "error") {
      this.store.stats.errors += 1;
      this.toasts.show(describe(reply));
    }
    return reply;
  }

  /** Change settings; the controls show what the server has afterwards. @param {Record<string, any>} changes */
  async setConfig(changes) {
    const reply = await this.act({ type: "set", config: changes });
    if (reply.type === "applied") {
      this.store.set({ config: { ...this.store.config, ...reply.changed } });
      this.link.write();
    } else {
      this.store.set({ config: this.store.config }); // put the control back to what the server has
    }
    return reply;
  }

  /** Apply what the address bar asks for: its preset, then its settings. */
  async followLink() {
    const { config, errors } = this.link.read();
    for (const e of errors) this.toasts.show(e);
    if (this.store.extra.preset) await this.loadPreset(this.store.extra.preset);
    if (Object.keys(config).length) await this.setConfig(config);
  }

  /** @param {string} name */
  async loadPreset(name) {
    const reply = await this.act({ type: "preset", name });
    if (reply.type === "applied") {
      this.store.set({ extra: { ...this.store.extra, preset: "" }, lesson: name });
      const speed = /** @type {HTMLSelectElement | null} */ (document.getElementById("speed"));
      if (speed) speed.value = String(reply.speed);  // a preset sets its own pace
    }
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

  /** @param {string} value  "max" or steps per second */
  setSpeed(value) {
    return this.act({ type: "speed", steps_per_second: value === "max" ? "max" : Number(value) });
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

  /** Add a hidden layer of two neurons. */
  addLayer() {
    return this.setConfig({ hidden_layers: [...this.store.config.hidden_layers, 2] });
  }

  removeLayer() {
    return this.setConfig({ hidden_layers: this.store.config.hidden_layers.slice(0, -1) });
  }
}
