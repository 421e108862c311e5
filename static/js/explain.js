// @ts-check
/**
 * "Explain this step": one training step on one point, stage by stage, with the numbers of
 * the network being trained (the server's `explanation`, computed by the engine).
 *
 *   forward, layer by layer   z = Σ wᵢ·aᵢ + b, then a = φ(z), for the highlighted neuron
 *   the loss                  its formula, with the numbers
 *   backward, layer by layer  the output error, then δ[l] = (δ[l+1]·W[l+1]ᵀ) ⊙ φ'(z[l])
 *   gradients                 ∂L/∂w = a·δ, ∂L/∂b = δ
 *   the update                w ← w − η·∂L/∂w, before and after; "Apply" makes it so
 *
 * Equations are MathML, which the browser typesets itself; hovering a symbol shows its value.
 * Every number shown carries its full value in data-value, and a data-key naming it. What an
 * activation is (its symbol, its derivative) comes from the schema, i.e. from the engine's
 * activation objects, in the page's language (the `server` catalogue). The narration is the
 * `explain` catalogue's, written again when the language changes.
 */

import { count, number } from "./format.js";
import { has, numberFormat, onLanguage, t } from "./i18n.js";
import { choiceLabel } from "./names.js";

const MATHML = "http://www.w3.org/1998/Math/MathML";

/** A number as the step-through shows it: whole numbers as they are. @param {number} v */
function short(v) {
  return number(v, { keepWhole: true });
}

/**
 * A full value as a tooltip shows it: every digit JavaScript keeps, with the language's
 * decimal and minus signs. @param {number} v
 */
function exact(v) {
  const parts = numberFormat({}).formatToParts(-1.5);
  const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
  const minus = parts.find((p) => p.type === "minusSign")?.value ?? "-";
  return String(v).replace(".", decimal).replace(/^-/, minus);
}

/**
 * A text the server names (`server:` key) in the page's language, or `fallback`, the schema's
 * own English, when no catalogue has it. @param {string} key @param {string} fallback
 */
function named(key, fallback) {
  return has(key) ? t(key) : fallback;
}

/** Build MathML: el("mi", {title}, "z") etc. */
function m(tag, attrs = {}, ...children) {
  const e = document.createElementNS(MATHML, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  for (const c of children) e.append(c);
  return e;
}
const mo = (op) => m("mo", {}, op);
const row = (...c) => m("mrow", {}, ...c);

/**
 * A symbol with an optional subscript and layer superscript [l], its value on hover.
 * @param {string} name @param {string | null} [sub] @param {number | null} [layer] @param {number} [value]
 */
function sym(name, sub, layer, value) {
  const base = m("mi", {}, name);
  const sup = layer == null ? null : row(mo("["), m("mn", {}, String(layer)), mo("]"));
  const subEl = sub == null ? null : m("mi", {}, sub);
  let e;
  if (subEl && sup) e = m("msubsup", {}, base, subEl, sup);
  else if (subEl) e = m("msub", {}, base, subEl);
  else if (sup) e = m("msup", {}, base, sup);
  else e = base;
  if (value != null) {
    e.setAttribute("title", `${name}${sub ?? ""}${layer != null ? `[${layer}]` : ""} = ${exact(value)}`);
    e.setAttribute("class", "valued");
  }
  return e;
}

/** A number: rounded on screen, exact in data-value. @param {number} v @param {string} key */
function num(v, key) {
  const e = m("mn", { "data-key": key, "data-value": String(v), title: exact(v) }, short(v));
  return v < 0 ? row(mo("("), e, mo(")")) : e;
}

function math(...children) {
  return m("math", { display: "block" }, ...children);
}

export class Explainer {
  /**
   * @param {HTMLElement} root
   * @param {{explain: (index: number) => Promise<any>, apply: () => Promise<any>,
   *          focus: (f: any) => void, pickPoint: () => number | null,
   *          networkKey: () => string, walked?: (stage: number) => void}} api  networkKey:
   *          what identifies the network being trained (its shape and config), to notice when
   *          an explanation no longer applies; walked: told each stage shown
   * @param {{activations: Record<string, import("./store.js").Activation>,
   *          losses: Record<string, any>, penalty_formula: string}} facts  the schema's facts of
   *          the engine's activations and losses: the step-through holds no copy of the math
   */
  constructor(root, api, facts) {
    this.root = root;
    this.api = api;
    this.facts = facts;
    this.e = null;
    this.stages = [];
    this.at = 0;
    /** highlighted neuron per layer */
    this.neuron = {};
    this.body = /** @type {HTMLElement} */ (root.querySelector(".explain-body"));
    this.title = /** @type {HTMLElement} */ (root.querySelector(".explain-stage"));
    this.counter = /** @type {HTMLElement} */ (root.querySelector(".explain-counter"));
    this.back = /** @type {HTMLButtonElement} */ (root.querySelector(".explain-back"));
    this.next = /** @type {HTMLButtonElement} */ (root.querySelector(".explain-next"));
    this.applyButton = /** @type {HTMLButtonElement} */ (root.querySelector(".explain-apply"));
    this.startButton = /** @type {HTMLButtonElement} */ (root.querySelector(".explain-start"));
    this.back.addEventListener("click", () => this.go(this.at - 1));
    this.next.addEventListener("click", () => this.go(this.at + 1));
    this.applyButton.addEventListener("click", () => this.applyStep());
    this.startButton.addEventListener("click", () => this.start());
    /** @type {"pick" | "changed" | null} a message shown in place of a step */
    this.message = null;
    /** @type {number | null} the step an applied explanation became (the title says so) */
    this.appliedStep = null;
    onLanguage(() => this.relabel());
  }

  /** The language changed: write the walk (or the message shown) again in it. */
  relabel() {
    if (this.message) {
      this.say(this.message);
    } else if (this.e && this.stages.length) {
      this.render();
      if (this.appliedStep != null) this.showApplied();
    }
  }

  /** Show a message in place of a step. @param {"pick" | "changed"} what */
  say(what) {
    this.message = what;
    this.body.textContent = what === "pick" ? t("explain:message.pick_first")
      : t("explain:message.changed", { button: this.startButton.textContent?.trim() ?? "" });
  }

  /** A layer's activation as the settings name it. @param {string} act @param {boolean} output */
  activationName(act, output) {
    const plain = choiceLabel("activation", act, act);
    return output ? choiceLabel("output_activation", act, plain) : plain;
  }

  /** A fact of an activation, in the page's language. @param {string} act @param {string} fact */
  activationFact(act, fact) {
    return named(`server:activations.${act}.${fact}`, this.facts.activations[act][fact]);
  }

  /** A fact of a loss, in the page's language. @param {string} loss @param {string} fact */
  lossFact(loss, fact) {
    return named(`server:losses.${loss}.${fact}`, this.facts.losses[loss][fact]);
  }

  get active() {
    return this.e !== null && !this.root.closest("[hidden]");
  }

  async start(index = this.api.pickPoint()) {
    if (index == null) {
      this.say("pick");
      return;
    }
    const e = await this.api.explain(index);
    if (e.type !== "explanation") return;
    this.show(e);
  }

  /**
   * Walk explanation `e` from its first stage: this page's own, or the teacher's as a
   * follower's page is sent it.
   * @param {any} e  an `explanation`
   */
  show(e) {
    this.e = e;
    this.message = null;
    this.key = this.api.networkKey();
    const L = e.layers.length;
    this.neuron = {};
    for (let l = 1; l <= L; l++) this.neuron[l] = 0;
    this.stages = [];
    for (let l = 1; l <= L; l++) this.stages.push({ kind: "forward", l });
    this.stages.push({ kind: "loss", l: L });
    this.stages.push({ kind: "output", l: L });
    for (let l = L - 1; l >= 1; l--) this.stages.push({ kind: "backward", l });
    for (let l = L; l >= 1; l--) this.stages.push({ kind: "gradient", l });
    this.stages.push({ kind: "update", l: 1 });
    this.applyButton.disabled = true;
    this.go(0);
  }

  stop() {
    this.e = null;
    this.api.focus(null);
  }

  /** The network was rebuilt (or its settings changed): an explanation of the old one ends. */
  networkChanged() {
    if (!this.e || this.api.networkKey() === this.key) return;
    this.stop();
    this.stages = [];
    this.back.disabled = this.next.disabled = this.applyButton.disabled = true;
    this.counter.textContent = "–";
    this.title.textContent = "";
    this.say("changed");
  }

  /** @param {number} k */
  go(k) {
    if (!this.e) return;
    this.at = Math.max(0, Math.min(this.stages.length - 1, k));
    this.appliedStep = null;
    this.message = null;
    this.api.walked?.(this.at);  // a teacher's page: the class's pages show this stage too
    this.back.disabled = this.at === 0;
    this.next.disabled = this.at === this.stages.length - 1;
    this.applyButton.disabled = this.at !== this.stages.length - 1;
    this.counter.textContent = `${this.at + 1} / ${this.stages.length}`;
    this.render();
  }

  /** The diagram asked to highlight neuron i of layer l (a click during the walk). */
  focusNeuron(l, i) {
    if (!this.e) return;
    this.neuron[l] = i;
    this.render();
  }

  render() {
    const e = this.e;
    const stage = this.stages[this.at];
    const { l } = stage;
    const layer = e.layers[l - 1];
    const j = this.neuron[l] ?? 0;
    this.body.textContent = "";
    const add = (...nodes) => this.body.append(...nodes);
    const note = (text) => {
      const p = document.createElement("p");
      p.textContent = text;
      add(p);
    };
    const L = e.layers.length;
    const act = l === L ? e.output_activation : e.activation;
    if (stage.kind === "forward") {
      this.title.textContent = t(l === L ? "explain:stage.forward_output" : "explain:stage.forward",
        { layer: l });
      this.api.focus({ layer: l, neuron: j });
      const inputs = layer.a_prev;
      const terms = [];
      inputs.forEach((a, i) => {
        const w = layer.W[i][j];
        if (i) terms.push(mo("+"));
        terms.push(row(num(w, `W${l}[${i},${j}]`), mo("·"), num(a, `a${l - 1}[${i}]`)));
      });
      if (layer.b) terms.push(mo("+"), num(layer.b[j], `b${l}[${j}]`));
      add(math(sym("z", "j", l, layer.z[j]), mo("="), sym("Σ", null, null),
        sym("w", "ij", l), sym("a", "i", l - 1), layer.b ? mo("+") : "", layer.b ? sym("b", "j", l) : ""));
      add(math(sym("z", String(j), l, layer.z[j]), mo("="), ...terms, mo("="),
        num(layer.z[j], `z${l}[${j}]`)));
      add(math(sym("a", String(j), l, layer.a[j]), mo("="), m("mi", {}, this.activationFact(act, "symbol")),
        mo("("), num(layer.z[j], `z${l}[${j}]`), mo(")"), mo("="), num(layer.a[j], `a${l}[${j}]`)));
      const said = `explain:note.${l === 1 ? "forward_features" : "forward_hidden"}${layer.b ? "" : "_nobias"}`;
      note(t(said, { neuron: j, layer: l, previous: l - 1, activation: this.activationName(act, l === L) }));
      add(this.vectors([["z", layer.z, `z${l}`], ["a", layer.a, `a${l}`]], l));
    } else if (stage.kind === "loss") {
      this.title.textContent = t("explain:stage.loss",
        { loss: named(`server:choices.loss.${e.loss_name}`, e.loss_name) });
      this.api.focus(null);
      add(this.lossMath());
      note(t("explain:note.loss"));
    } else if (stage.kind === "output") {
      this.title.textContent = t("explain:stage.output");
      this.api.focus({ layer: L, neuron: j });
      add(this.outputErrorMath(layer, j));
      note(t("explain:note.output"));
      add(this.vectors([["δ", layer.delta, `delta${l}`]], l));
    } else if (stage.kind === "backward") {
      const upper = e.layers[l];
      this.title.textContent = t("explain:stage.backward", { layer: l });
      this.api.focus({ layer: l + 1, neuron: null, values: upper.W.map((r) => r.map((w, k) =>
        w * upper.delta[k])), scale: 4 });
      const terms = [];
      upper.delta.forEach((d, k) => {
        if (k) terms.push(mo("+"));
        terms.push(row(num(d, `delta${l + 1}[${k}]`), mo("·"), num(upper.W[j][k], `W${l + 1}[${j},${k}]`)));
      });
      add(math(sym("δ", "j", l), mo("="), mo("("), sym("Σ", "k", null), sym("δ", "k", l + 1),
        sym("w", "jk", l + 1), mo(")"), mo("·"), m("mi", {}, "φ′"), mo("("), sym("z", "j", l), mo(")")));
      add(math(sym("δ", String(j), l, layer.delta[j]), mo("="), mo("("), ...terms, mo(")"), mo("·"),
        num(layer.phi_prime[j], `phi_prime${l}[${j}]`), mo("="), num(layer.delta[j], `delta${l}[${j}]`)));
      note(t("explain:note.backward", { upper: l + 1, activation: this.activationName(act, l === L),
        derivative: this.activationFact(act, "derivative_formula") }));
      add(this.vectors([["φ′(z)", layer.phi_prime, `phi_prime${l}`], ["δ", layer.delta, `delta${l}`]], l));
    } else if (stage.kind === "gradient") {
      this.title.textContent = t("explain:stage.gradient", { layer: l });
      this.api.focus({ layer: l, neuron: j, values: layer.dW, scale: 10 });
      const i = 0;
      add(math(mfrac(sym("∂L"), row(sym("∂w", "ij", l))), mo("="), sym("a", "i", l - 1), mo("·"), sym("δ", "j", l),
        e.l2 ? mo("+") : "", e.l2 ? row(m("mn", {}, short(e.l2)), mo("·"), sym("w", "ij", l)) : "",
        e.l1 ? mo("+") : "", e.l1 ? row(m("mn", {}, short(e.l1)), mo("·"), m("mi", {}, "sign"), mo("("), sym("w", "ij", l), mo(")")) : ""));
      add(math(mfrac(sym("∂L"), row(sym("∂w", `${i}${j}`, l))), mo("="), num(layer.a_prev[i], `a${l - 1}[${i}]`),
        mo("·"), num(layer.delta[j], `delta${l}[${j}]`), mo(e.l1 || e.l2 ? "+ …" : ""), mo("="),
        num(layer.dW[i][j], `dW${l}[${i},${j}]`)));
      if (layer.db) add(math(mfrac(sym("∂L"), row(sym("∂b", String(j), l))), mo("="), sym("δ", String(j), l), mo("="),
        num(layer.db[j], `db${l}[${j}]`)));
      note(t("explain:note.gradient"));
      add(this.matrix("∂L/∂W", layer.dW, `dW${l}`));
    } else {
      this.title.textContent = t("explain:stage.update");
      this.api.focus(null);
      add(math(sym("w"), mo("←"), sym("w"), mo("−"), sym("η", null, null, e.learning_rate), mo("·"),
        mfrac(sym("∂L"), sym("∂w")), mo(","), sym("η"), mo("="), num(e.learning_rate, "learning_rate")));
      const plain = `explain:note.update.plain${e.optimizer !== "sgd" ? "_optimizer" : ""}` +
        `${e.dropout ? "_dropout" : ""}`;
      const biases = e.layers.some((/** @type {any} */ lay) => lay.b);
      note([t(biases ? "explain:note.update.moves" : "explain:note.update.moves_nobias"),
        t(plain, { optimizer: named(`server:choices.optimizer.${e.optimizer}`, e.optimizer) }),
        t("explain:note.update.apply")].join(" "));
      e.layers.forEach((lay, k) => {
        const jj = this.neuron[k + 1] ?? 0;
        add(this.updateTable(k + 1, lay, jj));
      });
    }
  }

  lossMath() {
    const e = this.e;
    const parts = [math(m("mtext", {}, this.lossFact(e.loss_name, "formula")))];
    const values = [];
    e.y_hat.forEach((v, c) => {
      if (c) values.push(mo(","));
      values.push(num(v, `y_hat[${c}]`));
    });
    const targets = [];
    e.y.forEach((v, c) => {
      if (c) targets.push(mo(","));
      targets.push(num(v, `y[${c}]`));
    });
    parts.push(math(sym("ŷ"), mo("="), ...values, mo(";"), sym("y"), mo("="), ...targets, mo(";"), sym("L"),
      mo("="), num(e.loss, "loss")));
    if (e.l1 || e.l2) {
      const p = document.createElement("p");
      p.textContent = t("explain:note.penalty",
        { formula: this.facts.penalty_formula, l2: short(e.l2), l1: short(e.l1) });
      parts.push(p);
    }
    const wrap = document.createElement("div");
    wrap.append(...parts);
    return wrap;
  }

  outputErrorMath(layer, j) {
    const e = this.e;
    const L = e.layers.length;
    const loss = this.facts.losses[e.loss_name];
    const scale = loss.scale.replace("k", String(e.y.length)).replace(/\/1$/, "");  // 2/1 is 2
    const factor = scale === "1" ? [] : [m("mn", {}, scale), mo("·")];
    const error = [mo("("), num(e.y_hat[j], `y_hat[${j}]`), mo("−"), num(e.y[j], `y[${j}]`), mo(")")];
    const slope = loss.through_activation
      ? [mo("·"), num(layer.phi_prime[j], `phi_prime${L}[${j}]`)] : [];
    const pieces = [
      math(m("mtext", {}, this.lossFact(e.loss_name, "output_error"))),
      math(sym("δ", String(j), L, layer.delta[j]), mo("="), ...factor, ...error, ...slope, mo("="),
        num(layer.delta[j], `delta${L}[${j}]`)),
    ];
    const p = document.createElement("p");
    p.textContent = this.lossFact(e.loss_name, "note");
    pieces.push(p);
    const wrap = document.createElement("div");
    wrap.append(...pieces);
    return wrap;
  }

  /** A small table of layer vectors. */
  vectors(rows, l) {
    const table = document.createElement("table");
    table.className = "vectors";
    const n = rows[0][1].length;
    table.appendChild(headRow([t("explain:table.layer", { layer: l }),
      ...Array.from({ length: n }, (_, j) => String(j))]));
    for (const [label, values, key] of rows) {
      const tr = headRow([label]);
      values.forEach((v, j) => {
        const td = cell(v, `${key}[${j}]`);
        if (j === (this.neuron[l] ?? 0)) td.className = "hot";
        tr.appendChild(td);
      });
      table.appendChild(tr);
    }
    return table;
  }

  matrix(label, M, key) {
    const table = document.createElement("table");
    table.className = "vectors";
    table.appendChild(headRow([label, ...M[0].map((_, j) => `→${j}`)]));
    M.forEach((r, i) => {
      const tr = headRow([`${i}→`]);
      r.forEach((v, j) => tr.appendChild(cell(v, `${key}[${i},${j}]`)));
      table.appendChild(tr);
    });
    return table;
  }

  updateTable(l, layer, j) {
    const table = document.createElement("table");
    table.className = "vectors";
    table.appendChild(headRow([t("explain:table.into", { layer: l, neuron: j }), t("explain:table.before"),
      "∂L/∂w", t("explain:table.after")]));
    const rows = layer.W.map((r, i) => [`w${i}${j}`, r[j], layer.dW[i][j], layer.W_after[i][j], `W${l}[${i},${j}]`]);
    if (layer.b) rows.push([`b${j}`, layer.b[j], layer.db[j], layer.b_after[j], `b${l}[${j}]`]);
    for (const [name, before, grad, after, key] of rows) {
      const tr = headRow([name]);
      tr.append(cell(before, `before:${key}`), cell(grad, `grad:${key}`), cell(after, `after:${key}`));
      table.appendChild(tr);
    }
    return table;
  }

  async applyStep() {
    const reply = await this.api.apply();
    if (reply.type === "applied") {
      this.applyButton.disabled = true;
      this.appliedStep = reply.step;
      this.showApplied();
    }
  }

  showApplied() {
    this.title.textContent = t("explain:stage.applied", { step: count(this.appliedStep ?? 0) });
  }
}

/** A table row of header cells. @param {string[]} texts */
function headRow(texts) {
  const tr = document.createElement("tr");
  for (const text of texts) {
    const th = document.createElement("th");
    th.textContent = text;
    tr.appendChild(th);
  }
  return tr;
}

/** A table cell with a number: rounded on screen, exact in data-value. */
function cell(v, key) {
  const td = document.createElement("td");
  td.textContent = short(v);
  td.dataset.key = key;
  td.dataset.value = String(v);
  return td;
}

function mfrac(a, b) {
  return m("mfrac", {}, a, b);
}
