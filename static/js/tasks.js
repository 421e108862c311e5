// @ts-check
/**
 * Tasks, not pairings: the data decides the task (binary, multi-class, regression; the `data`
 * message's `kind`), and one control offers the output activations and losses that can learn
 * it, as pairs in words ("sigmoid + binary cross-entropy"), the schema's `tasks` in its order
 * (the task's default first). Choosing a pair sends both fields in one `set`, so no click can
 * ask for a pairing the engine refuses. When new data moves the pair (the server's `adjusted`
 * and `note`), the note is shown in one line next to the control.
 */

/** What each loss is called in words; the formulas come from the schema. */
const LOSS_WORDS = {
  bce: "binary cross-entropy",
  cross_entropy: "cross-entropy",
  mse: "mean squared error",
  sse: "sum of squared errors",
  perceptron: "perceptron rule",
};

const KIND_WORDS = {
  binary: "two classes",
  multiclass: "several classes",
  regression: "a number to predict",
};

/** A loss in words: "binary cross-entropy". @param {string} loss */
export function lossWords(loss) {
  return LOSS_WORDS[/** @type {keyof LOSS_WORDS} */ (loss)] ?? loss.replace(/_/g, " ");
}

/** An output activation and a loss in words: "sigmoid + binary cross-entropy". @param {string} output @param {string} loss */
export function pairWords(output, loss) {
  return `${output.replace(/_/g, " ")} + ${lossWords(loss)}`;
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
    els.select.addEventListener("change", () => {
      const [output_activation, loss] = els.select.value.split("|");
      this.say("");
      callbacks.onSet({ output_activation, loss }, els.select);
    });
    this.render();
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
        if (i === 0) option.title = "the usual pair for this task";
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
    select.title = `For ${KIND_WORDS[/** @type {keyof KIND_WORDS} */ (this.kind)] ?? this.kind}: ` +
      `${pairWords(config.output_activation, config.loss)}` + (facts ? `. ${facts.formula}` : "");
  }

  /**
   * While new data is on its way its task is not known: the control waits for it (so no
   * pair of the old task can be asked of the new data).
   * @param {boolean} waiting
   */
  setWaiting(waiting) {
    this.els.select.disabled = waiting;
  }

  /** The note next to the control (empty: none). @param {string} text */
  say(text) {
    this.els.note.textContent = text;
    this.els.note.title = text;
  }
}
