// @ts-check
/**
 * The page's state, in one place: what the server last said (config, session state, network,
 * data, the newest drawn frame), what the person chose (the selected point, the open tab, the
 * link's lesson options), and the page's own counters.
 *
 * Modules read the store's fields and change them only with `set`, which tells the listeners
 * of each changed field (`on`); main.js connects those listeners to the views. No module keeps
 * its own copy of what is here. Frames waiting to be drawn (`pending`) and the counters
 * (`stats`) change many times a second and have no listeners: the frame loop owns them.
 */

import { useSchema } from "./toasts.js";

/**
 * @typedef {{name: string, type: string, default: any, apply: string, min?: number,
 *            max?: number, choices?: string[], max_length?: number}} Field
 * @typedef {{name: string, symbol: string, formula: string, derivative_formula: string,
 *            range: number[] | null, max_derivative: number, note: string, hidden: boolean,
 *            output: boolean}} Activation
 * @typedef {{fields: Field[], datasets: Record<string, any>, features: Record<string, string>,
 *            activations: Record<string, Activation>, limits: Record<string, any>,
 *            losses: Record<string, any>, tasks: Record<string, string[][]>}} Schema
 * @typedef {import("./socket.js").Decoded} Decoded
 * @typedef {Record<string, any> & {sizes: number[], version: number, plane: boolean,
 *            input_labels: string[], has_bias: boolean, image_side: number,
 *            features: import("./socket.js").NDArray}} Network
 *   the `network` message's header, with what the views derive from it once
 */

export class Store {
  /** @param {Schema} schema  the schema the page embeds (app/schema.py, as_json) */
  constructor(schema) {
    this.schema = schema;
    useSchema(schema);  // a refusal says what a setting allows from it (toasts.js errorText)
    /** @type {Record<string, any>} the session's config as the server last confirmed it */
    this.config = Object.fromEntries(schema.fields.map((f) => [f.name, f.default]));
    /** @type {string} paused, running or diverged */
    this.session = "paused";
    /** @type {any} the server's hello (session id, whether it resumed, the chart history) */
    this.hello = null;
    /** @type {Network | null} */
    this.net = null;
    /** @type {Decoded | null} the points (a `data` message) */
    this.data = null;
    /** @type {Decoded | null} the newest drawn frame */
    this.frame = null;
    /** @type {Decoded[]} frames received, not yet drawn (at most two) */
    this.pending = [];
    /** @type {number | null} the point whose trace frames carry */
    this.selected = null;
    /** @type {string | null} the open drawer tab */
    this.openTab = null;
    /** @type {string | null} the preset whose lesson card is shown */
    this.lesson = null;
    /** @type {Record<string, string>} the link's keys that are not settings (hide, preset, present) */
    this.extra = {};
    /** whether the link's settings were applied (once per page, on a new session) */
    this.hashApplied = false;
    /** true once the session is set up as the link asks */
    this.ready = false;
    /** commands applied so far, as the newest `applied` reply said (frames carry command_seq) */
    this.commandSeq = 0;
    /** @type {number | "max"} the session's training pace, as the server last said it */
    this.speed = 100;
    /** new data was asked for and has not come yet: the task it will be is not known */
    this.dataChanging = false;
    /** the server's note on the output and loss, when new data moved them ("" for none) */
    /** @type {string | (() => string)} the note on the output and loss (tasks.js) */
    this.taskNote = "";
    /** @type {any} the newest `download` event (a dataset's download progress; downloads.js) */
    this.download = null;
    /** @type {{step: number, at: number} | null} the newest save of this run (a `saved` event) */
    this.saved = null;
    /** @type {any} a student's class (docs/classroom.md): the hello's `room` (code, mode
     *  "follow" or "fork", teacher_here, student, …), with `closed`, the server's sentence once
     *  the class is closed or the student token is refused; null on other pages, and until
     *  the student has joined */
    this.room = null;
    /** @type {any} the class this page teaches: {code, join_path, size, max_size, following},
     *  or null */
    this.classroom = null;
    /** @type {Decoded | null} the newest `class` message of the class this page teaches
     *  (class-link.js): the students, their runs and thumbnails */
    this.board = null;
    /** @type {string[]} the config keys the teacher locked in that class */
    this.classLocks = [];
    /** @type {{student: string, name: string} | null} the student's run that class is shown */
    this.spotlight = null;
    /** the teacher's connection's status ("connected", "reconnecting", …; "" without a class) */
    this.classLink = "";
    /** whether the class view is shown over the playground (class-view.js) */
    this.classOpen = false;
    /** a follower's page: the step the teacher explains (`explanation`, id null), and the
     *  stage of it the teacher's page shows (main.js) */
    this.teacherExplanation = null;
    this.teacherStage = 0;
    /** @type {{steps: number[], step: number} | null} the newest `timeline` event: the steps
     *  of the run's checkpoints (timeline.js; the hello lists them first) */
    this.timeline = null;
    /** the heatmap resolution the page asked for: neuron tiles and the output plot, per side */
    this.density = { neuron: 32, output: 100 };
    /** the page's counters: frames received and drawn, draw time, bytes, refused commands */
    this.stats = { received: 0, drawn: 0, drawMs: 0, maxDrawMs: 0, rafs: 0, bytes: 0, errors: 0 };
    /** @type {Map<string, ((value: any) => void)[]>} */
    this.listeners = new Map();
  }

  /**
   * Call `listener` with the new value whenever `set` changes `field`.
   * @param {string} field @param {(value: any) => void} listener
   */
  on(field, listener) {
    const list = this.listeners.get(field) ?? [];
    list.push(listener);
    this.listeners.set(field, list);
  }

  /**
   * Change fields, then tell each one's listeners, in the order given. Setting a field to
   * the value it has still tells them (e.g. to put a control back after a refusal).
   * @param {Partial<Pick<Store, "config" | "session" | "hello" | "net" | "data" | "frame" |
   *   "selected" | "openTab" | "lesson" | "extra" | "hashApplied" | "ready" | "commandSeq" |
   *   "speed" | "density" | "taskNote" | "dataChanging" | "download" | "saved" | "room" |
   *   "classroom" | "board" | "classLocks" | "spotlight" | "classLink" | "classOpen" |
   *   "teacherExplanation" | "teacherStage" | "timeline">>} changes
   */
  set(changes) {
    Object.assign(this, changes);
    for (const [field, value] of Object.entries(changes)) {
      for (const listener of this.listeners.get(field) ?? []) listener(value);
    }
  }

  /** The selected point, or else the first training point, or null (no points). */
  pointToExplain() {
    if (this.selected != null) return this.selected;
    const train = this.data?.arrays.train.data;
    const first = train ? Array.prototype.indexOf.call(train, 1) : -1;
    return first >= 0 ? first : null;
  }

  /**
   * An input's label: the feature's name from the schema (x₁, sin x₁), or its own with its
   * number as a subscript (x3 → x₃), so that every input reads in one style.
   * @param {string} name
   */
  inputLabel(name) {
    return this.schema.features[name] ?? subscripted(name);
  }
}

/**
 * The network as the views use it: the `network` message's header, its feature maps, and
 * what follows from them, worked out here once.
 * @param {Decoded} message @param {Store} store
 * @returns {Network}
 */
export function describeNetwork(message, store) {
  const h = message.header;
  const side = Math.round(Math.sqrt(h.sizes[0]));
  return /** @type {Network} */ ({
    ...h, features: message.arrays.features,
    input_labels: h.input_names.map((/** @type {string} */ n) => store.inputLabel(n)),
    has_bias: h.config.bias || h.batch_norm.some(Boolean),
    // Inputs that are a square image (the digits): each first-layer neuron is drawn as its
    // incoming weights, side × side.
    image_side: !h.plane && side * side === h.sizes[0] && side >= 4 ? side : 0,
  });
}

/** A name ending in a number, with the number as a subscript: x3 → x₃, x12 → x₁₂. @param {string} name */
export function subscripted(name) {
  return name.replace(/^([A-Za-z]+)(\d+)$/, (_, letters, digits) =>
    letters + digits.replace(/\d/g, (/** @type {string} */ d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]));
}
