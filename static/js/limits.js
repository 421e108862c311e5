// @ts-check
/**
 * Limits shown where they apply: a button that would go past a limit is disabled, so the
 * limit is seen before it is hit (never learnt from a refusal). The layer buttons stop at no
 * hidden layer and at `max_hidden_layers`; each layer's neuron buttons at one neuron and at
 * `max_neurons_per_layer`; the last chosen feature cannot be unchosen; Nesterov needs
 * momentum. The network view redraws its neuron buttons whenever it lays itself out, so they
 * are watched, and set as soon as they appear.
 *
 * A page may also be locked: while a student follows the teacher (docs/classroom.md), every
 * control that would change the session is disabled and says why on hover, whatever its
 * limits; unlocked, each is as it was and its limits apply again. On a student's own run, the
 * controls of the config keys the teacher locked (`room_lock`) are locked the same way.
 *
 * What a limit says is in the page's language, and said again when the language changes.
 */

import { onLanguage, t } from "./i18n.js";

/** The controls that change the session (the drawer's step-through included). */
const SESSION_CONTROLS = [
  "#play", "#step", "#reset", "#speed-range", "#speed-max", "[data-field]", "[data-dataset]",
  "[data-feature]", "#layer-add", "#layer-remove", ".layer-controls button", "#task",
  "#regenerate", "#draw-toggle", "#clear-points", "#csv-input", "#density", "#preset",
  "#state-input", ".explain-start", ".explain-apply",
].join(", ");

/** The controls that change a config key, besides the key's own `[data-field]` control. */
const KEY_CONTROLS = {
  dataset: ["[data-dataset]", "#draw-toggle", "#clear-points", "#csv-input"],
  data_seed: ["#regenerate"],
  features: ["[data-feature]"],
  hidden_layers: ["#layer-add", "#layer-remove", ".layer-controls button"],
  output_activation: ["#task"],
  loss: ["#task"],
};

export class Limits {
  /**
   * @param {Document} doc
   * @param {import("./store.js").Store} store
   */
  constructor(doc, store) {
    this.doc = doc;
    this.store = store;
    /** @type {string | null} why the session's controls are locked (null: they are not) */
    this.locked = null;
    /** @type {{selector: string, why: string} | null} the controls of locked config keys */
    this.keyLock = null;
    const network = doc.getElementById("network");
    if (network) new MutationObserver(() => this.neurons()).observe(network, { childList: true });
    // the page's own titles were just written anew (i18n.js localize): the limits' go over them
    onLanguage(() => this.update());
  }

  /**
   * Lock every control that changes the session, saying `why` (null: unlock them).
   * @param {string | null} why
   */
  lock(why) {
    const was = this.locked;
    this.locked = why;
    for (const el of this.doc.querySelectorAll(SESSION_CONTROLS)) lockOne(el, why);
    if (was && !why) this.update();
  }

  /**
   * Lock the controls of these config keys, saying `why` (none: unlock them); the page's
   * other controls keep their limits.
   * @param {string[]} keys @param {string} why
   */
  lockKeys(keys, why) {
    const selectors = keys.flatMap((key) => [`[data-field="${key}"]`,
      ...(KEY_CONTROLS[/** @type {keyof KEY_CONTROLS} */ (key)] ?? [])]);
    this.keyLock = selectors.length ? { selector: selectors.join(", "), why } : null;
    this.update();
  }

  /**
   * The locked keys' controls locked, every other one as its limits say (`limits` sets them).
   * @param {() => void} limits
   */
  withKeyLocks(limits) {
    const lock = this.keyLock;
    for (const el of this.doc.querySelectorAll(SESSION_CONTROLS)) {
      if (!lock || !el.matches(lock.selector)) lockOne(el, null);
    }
    limits();
    if (lock) for (const el of this.doc.querySelectorAll(lock.selector)) lockOne(el, lock.why);
  }

  /** Show the limits of the store's config. */
  update() {
    if (this.locked) {
      this.lock(this.locked);  // what changed meanwhile (a rebuilt network's buttons) is locked too
      return;
    }
    this.withKeyLocks(() => this.limits());
  }

  limits() {
    const { config, schema } = this.store;
    const layers = config.hidden_layers ?? [];
    const max = schema.limits.max_hidden_layers;
    disable(this.doc.getElementById("layer-remove"), layers.length === 0,
      t("page:network.remove_layer"), t("messages:limits.no_layer"));
    disable(this.doc.getElementById("layer-add"), layers.length >= max,
      t("page:network.add_layer"), t("messages:limits.max_layers", { count: max, max }));
    this.neuronLimits();
    const features = new Set(config.features);
    const plane = this.store.net?.plane ?? true;
    for (const el of this.doc.querySelectorAll("[data-feature]")) {
      const button = /** @type {HTMLButtonElement} */ (el);
      // the only chosen feature stays chosen: the network needs an input
      const last = features.size === 1 && features.has(button.dataset.feature ?? "");
      button.disabled = !plane || last;
      button.title = last ? t("messages:limits.needs_input")
        : t("messages:limits.use_feature", { feature: button.textContent?.trim() ?? "" });
    }
    const nesterov = /** @type {HTMLInputElement | null} */ (
      this.doc.querySelector('input[data-field="nesterov"]'));
    if (nesterov) {
      nesterov.disabled = !(config.momentum > 0) && !config.nesterov;
      nesterov.title = nesterov.disabled ? t("messages:limits.nesterov") : "";
    }
  }

  /** Each hidden layer's − and + (drawn by the network view). */
  neurons() {
    if (this.locked) {
      this.lock(this.locked);
      return;
    }
    this.withKeyLocks(() => this.neuronLimits());
  }

  neuronLimits() {
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
 * Set a control's title; while it is locked, the title it gets back when unlocked.
 * @param {HTMLElement} el @param {string} title
 */
export function setTitle(el, title) {
  if (el.dataset.locked === undefined) el.title = title;
  else el.dataset.unlockedTitle = title;
}

/**
 * Lock a control (disabled, its title saying why), or put it back as it was before the lock.
 * A file input's title is its label's (the input itself is not shown).
 * @param {Element} el @param {string | null} why
 */
function lockOne(el, why) {
  const control = /** @type {HTMLInputElement} */ (el);
  const shown = /** @type {HTMLElement} */ (control.type === "file" ? control.closest("label") ?? el : el);
  if (why) {
    if (control.dataset.locked === undefined) {  // first locked now: remember how it was
      control.dataset.locked = control.disabled ? "disabled" : "";
      const title = shown.getAttribute("title");
      if (title !== null) shown.dataset.unlockedTitle = title;
    }
    control.disabled = true;
    shown.title = why;
    shown.classList.add("locked");
  } else if (control.dataset.locked !== undefined) {
    control.disabled = control.dataset.locked === "disabled";
    const title = shown.dataset.unlockedTitle;
    if (title === undefined) shown.removeAttribute("title");
    else shown.title = title;
    delete control.dataset.locked;
    delete shown.dataset.unlockedTitle;
    shown.classList.remove("locked");
  }
}

/**
 * @param {HTMLElement | null} el @param {boolean} off
 * @param {string} title  its title when enabled @param {string} why  what it says when not
 */
function disable(el, off, title, why) {
  if (!(el instanceof HTMLButtonElement)) return;
  el.disabled = off;
  el.title = off ? t("messages:limits.disabled", { title, why }) : title;
}
