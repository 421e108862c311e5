// @ts-check
/**
 * Limits shown where they apply: a button that would go past a limit is disabled, so the
 * limit is seen before it is hit (never learnt from a refusal). The layer buttons stop at no
 * hidden layer and at `max_hidden_layers`; each layer's neuron buttons at one neuron and at
 * `max_neurons_per_layer`; the last chosen feature cannot be unchosen; Nesterov needs
 * momentum. The network view redraws its neuron buttons whenever it lays itself out, so they
 * are watched, and set as soon as they appear.
 */

export class Limits {
  /**
   * @param {Document} doc
   * @param {import("./store.js").Store} store
   */
  constructor(doc, store) {
    this.doc = doc;
    this.store = store;
    const network = doc.getElementById("network");
    if (network) new MutationObserver(() => this.neurons()).observe(network, { childList: true });
  }

  /** Show the limits of the store's config. */
  update() {
    const { config, schema } = this.store;
    const layers = config.hidden_layers ?? [];
    const max = schema.limits.max_hidden_layers;
    disable(this.doc.getElementById("layer-remove"), layers.length === 0,
      "Remove a hidden layer", "no hidden layer to remove");
    disable(this.doc.getElementById("layer-add"), layers.length >= max,
      "Add a hidden layer", `at most ${max} hidden layers`);
    this.neurons();
    const features = new Set(config.features);
    const plane = this.store.net?.plane ?? true;
    for (const el of this.doc.querySelectorAll("[data-feature]")) {
      const button = /** @type {HTMLButtonElement} */ (el);
      // the only chosen feature stays chosen: the network needs an input
      const last = features.size === 1 && features.has(button.dataset.feature ?? "");
      button.disabled = !plane || last;
      button.title = last ? "The network needs at least one input" : `Use ${
        button.textContent?.trim()} as an input`;
    }
    const nesterov = /** @type {HTMLInputElement | null} */ (
      this.doc.querySelector('input[data-field="nesterov"]'));
    if (nesterov) {
      nesterov.disabled = !(config.momentum > 0) && !config.nesterov;
      nesterov.title = nesterov.disabled ? "Nesterov momentum needs momentum above 0" : "";
    }
  }

  /** Each hidden layer's − and + (drawn by the network view). */
  neurons() {
    const layers = this.store.config.hidden_layers ?? [];
    const most = this.store.schema.limits.max_neurons_per_layer;
    for (const el of this.doc.querySelectorAll(".layer-controls button[data-layer][data-delta]")) {
      const button = /** @type {HTMLButtonElement} */ (el);
      const n = layers[Number(button.dataset.layer) - 1];
      if (n === undefined) continue;
      const atLimit = Number(button.dataset.delta) < 0 ? n <= 1 : n >= most;
      if (button.disabled !== atLimit) button.disabled = atLimit;
    }
  }
}

/**
 * @param {HTMLElement | null} el @param {boolean} off
 * @param {string} title  its title when enabled @param {string} why  what it says when not
 */
function disable(el, off, title, why) {
  if (!(el instanceof HTMLButtonElement)) return;
  el.disabled = off;
  el.title = off ? `${title}: ${why}` : title;
}
