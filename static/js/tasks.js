// @ts-check
/**
 * Tasks, not pairings: the data decides the task (binary, multi-class, regression; the `data`
 * message's `kind`), and one control offers the output activations and losses that can learn
 * it, as pairs in words ("sigmoid + binary cross-entropy"), the schema's `tasks` in its order
 * (the task's default first). Choosing a pair sends both fields in one `set`, so no click can
 * ask for a pairing the engine refuses. When new data moves the pair (the server's `adjusted`
 * and `note`), the note is shown in one line next to the control.
 */

import { has, onLanguage, t } from "./i18n.js";

/**
 * A loss in words (page:task.losses: "binary cross-entropy"); the formulas come from the
 * schema. @param {string} loss
 */
export function lossWords(loss) {
  const key = `page:task.losses.${loss}`;
  return has(key) ? t(key) : loss.replace(/_/g, " ");
}

/** An output activation in words (the server's name of the choice). @param {string} output */
function outputWords(output) {
  const key = `server:choices.output_activation.${output}`;
  return has(key) ? t(key) : output.replace(/_/g, " ");
}

/** An output activation and a loss in words: "sigmoid + binary cross-entropy". @param {string} output @param {string} loss */
export function pairWords(output, loss) {
  return t("page:task.pair", { output: outputWords(output), loss: lossWords(loss) });
}

/**
 * A compared run's label ("loss mse") in words ("mean squared error"); other labels as they are.
 * @param {string} label
 */
export function runWords(label) {
  const m = /^loss (\w+)$/.exec(label);
  return m ? lossWords(m[1]) : label.replace(/_/g, " ");
}

export class TaskControl {
  /**
   * @param {{select: HTMLSelectElement, note: HTMLElement}} els
   * @param {import("./store.js").Store} store
   * @param {{onSet: (changes: Record<string, any>, origin: Element) => void}} callbacks
   */
  constructor(els, store, callbacks) {
    this.els = els;
    this.store = store;
    /** @type {Record<string, string[][]>} */
    this.tasks = store.schema.tasks;
    this.kind = "binary";
    /** @type {string | (() => string)} the note shown (a function: said again in a new language) */
    this.note = "";
    els.select.addEventListener("change", () => {
      const [output_activation, loss] = els.select.value.split("|");
      this.say("");
      callbacks.onSet({ output_activation, loss }, els.select);
    });
    this.render();
    onLanguage(() => {
      delete els.select.dataset.kind;  // the options again, in words of the new language
      this.render();
      if (this.note) this.say(this.note);
    });
  }

  /** New data: offer its kind's pairs. @param {string} kind  binary, multiclass or regression */
  setKind(kind) {
    if (!(kind in this.tasks) || kind === this.kind) return;
    this.kind = kind;
    this.render();
  }

  /** Show the config's pair as chosen. @param {Record<string, any>} config */
  setConfig(config) {
    this.render(config);
  }

  render(config = this.store.config) {
    const select = this.els.select;
    const pairs = this.tasks[this.kind] ?? [];
    const key = `${this.kind}:${pairs.length}`;
    if (select.dataset.kind !== key) {
      select.dataset.kind = key;
      select.replaceChildren(...pairs.map(([output, loss], i) => {
        const option = document.createElement("option");
        option.value = `${output}|${loss}`;
        option.textContent = pairWords(output, loss);
        if (i === 0) option.title = t("page:task.usual");
        return option;
      }));
    }
    const value = `${config.output_activation}|${config.loss}`;
    // Until the data's kind is known the config's pair may not be listed yet: show it anyway.
    let current = [...select.options].find((o) => o.value === value);
    select.querySelector("option.interim")?.remove();
    if (!current) {
      current = document.createElement("option");
      current.value = value;
      current.className = "interim";
      current.textContent = pairWords(config.output_activation, config.loss);
      select.prepend(current);
    }
    select.value = value;
    const facts = this.store.schema.losses?.[config.loss];
    const kind = has(`page:task.kinds.${this.kind}`) ? t(`page:task.kinds.${this.kind}`) : this.kind;
    select.title = t("page:task.for", { kind, pair: pairWords(config.output_activation, config.loss) }) +
      (facts ? `. ${facts.formula}` : "");
  }

  /**
   * While new data is on its way its task is not known: the control waits for it (so no
   * pair of the old task can be asked of the new data).
   * @param {boolean} waiting
   */
  setWaiting(waiting) {
    this.els.select.disabled = waiting;
  }

  /**
   * The note next to the control (empty: none); given as a function, it is written again
   * when the language changes. @param {string | (() => string)} note
   */
  say(note) {
    this.note = note;
    const text = typeof note === "function" ? note() : note;
    this.els.note.textContent = text;
    this.els.note.title = text;
  }
}
