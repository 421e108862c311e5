// @ts-check
/**
 * The engine's tiny expression language (nncore/expr.py), parsed and evaluated here, so the
 * page computes what an activation or a feature computes from the engine's own strings and
 * holds no copy of the math. The grammar is expr.py's:
 *
 *   expr    := compare
 *   compare := sum [(">=" | ">" | "<=" | "<") sum]      a comparison is 1 or 0
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | atom
 *   atom    := number | name | name "(" expr ("," expr)* ")" | "(" expr ")"
 *
 * No eval and no `new Function` (the page's CSP forbids both): `compile` turns the tree into
 * nested closures. Its errors are in the page's language (the `explain` catalogue's `expr`).
 */

import { t } from "./i18n.js";

/** @type {Record<string, (...args: number[]) => number>} */
const FUNCTIONS = {
  tanh: Math.tanh, exp: Math.exp, sin: Math.sin, cos: Math.cos,
  // np.maximum and np.minimum propagate NaN, as Math.max and Math.min do
  max: (a, b) => Math.max(a, b), min: (a, b) => Math.min(a, b), abs: Math.abs,
};
/** @type {Record<string, (a: number, b: number) => number>} */
const BINARY = {
  "+": (a, b) => a + b, "-": (a, b) => a - b, "*": (a, b) => a * b, "/": (a, b) => a / b,
  ">=": (a, b) => (a >= b ? 1 : 0), ">": (a, b) => (a > b ? 1 : 0),
  "<=": (a, b) => (a <= b ? 1 : 0), "<": (a, b) => (a < b ? 1 : 0),
};
const COMPARE = [">=", ">", "<=", "<"];
const TOKEN = /\s*(?:((?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(>=|<=|[-+*/(),<>]))/y;

/**
 * @typedef {["num", number] | ["var", string] | ["neg", Node] | ["call", string, Node[]]
 *   | [string, Node, Node]} Node
 * @typedef {["num", number] | ["name", string] | ["op", string] | ["end", null]} Token
 */

/** @param {string} text @returns {Token[]} */
export function tokens(text) {
  /** @type {Token[]} */
  const out = [];
  const src = text.trimEnd();
  let pos = 0;
  while (pos < src.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(src);
    if (!m) {
      throw new Error(t("explain:expr.cannot_read",
        { text: JSON.stringify(text), at: JSON.stringify(src.slice(pos, pos + 10)) }));
    }
    if (m[1] !== undefined) out.push(["num", Number(m[1])]);
    else if (m[2] !== undefined) out.push(["name", m[2]]);
    else out.push(["op", m[3]]);
    pos = TOKEN.lastIndex;
  }
  return out;
}

/** The expression as a tree, as expr.parse gives it. @param {string} text @returns {Node} */
export function parse(text) {
  const toks = tokens(text);
  let i = 0;
  /** @returns {Token} */
  const peek = () => (i < toks.length ? toks[i] : ["end", null]);
  const isOp = (/** @type {string} */ value) => peek()[0] === "op" && peek()[1] === value;
  /** @param {string} key @param {Record<string, string>} values @returns {never} */
  const fail = (key, values) => {
    throw new Error(t(`explain:expr.${key}`, { text: JSON.stringify(text), ...values }));
  };
  /** @param {string} value */
  const expect = (value) => {
    if (!isOp(value)) fail("expected", { expected: value, got: String(JSON.stringify(peek()[1])) });
    i += 1;
  };

  /** @returns {Node} */
  const compare = () => {
    const left = sum();
    const [kind, value] = peek();
    if (kind === "op" && COMPARE.includes(/** @type {string} */ (value))) {
      i += 1;
      return [/** @type {string} */ (value), left, sum()];
    }
    return left;
  };
  /** @returns {Node} */
  const sum = () => {
    let node = product();
    while (isOp("+") || isOp("-")) {
      const op = /** @type {string} */ (toks[i++][1]);
      node = [op, node, product()];
    }
    return node;
  };
  /** @returns {Node} */
  const product = () => {
    let node = unary();
    while (isOp("*") || isOp("/")) {
      const op = /** @type {string} */ (toks[i++][1]);
      node = [op, node, unary()];
    }
    return node;
  };
  /** @returns {Node} */
  const unary = () => {
    if (isOp("-")) {
      i += 1;
      return ["neg", unary()];
    }
    return atom();
  };
  /** @returns {Node} */
  const atom = () => {
    const [kind, value] = peek();
    if (kind === "num") {
      i += 1;
      return ["num", /** @type {number} */ (value)];
    }
    if (kind === "name") {
      i += 1;
      const name = /** @type {string} */ (value);
      if (!isOp("(")) return ["var", name];
      if (!(name in FUNCTIONS)) {
        fail("not_function", { name: JSON.stringify(name), allowed: Object.keys(FUNCTIONS).join(", ") });
      }
      expect("(");
      const args = [compare()];
      while (isOp(",")) {
        i += 1;
        args.push(compare());
      }
      expect(")");
      return ["call", name, args];
    }
    if (kind === "op" && value === "(") {
      i += 1;
      const node = compare();
      expect(")");
      return node;
    }
    return fail("unexpected", { token: String(JSON.stringify(value)) });
  };

  const tree = compare();
  if (i !== toks.length) fail("unexpected", { token: String(JSON.stringify(toks[i][1])) });
  return tree;
}

/**
 * A function of the named variables, in that order: compile("x1 * x2", ["x1", "x2"])(3, 4) = 12.
 * @param {string} text @param {string[]} names
 * @returns {(...values: number[]) => number}
 */
export function compile(text, names) {
  const vars = new Float64Array(names.length);
  const run = closure(parse(text), names, text);
  return (...values) => {
    for (let k = 0; k < values.length; k++) vars[k] = values[k];
    return run(vars);
  };
}

/**
 * @param {Node} node @param {string[]} names @param {string} text
 * @returns {(vars: Float64Array) => number}
 */
function closure(node, names, text) {
  const kind = node[0];
  if (kind === "num") {
    const v = /** @type {number} */ (node[1]);
    return () => v;
  }
  if (kind === "var") {
    const k = names.indexOf(/** @type {string} */ (node[1]));
    if (k < 0) {
      throw new Error(t("explain:expr.unknown_variable",
        { text: JSON.stringify(text), name: JSON.stringify(node[1]), allowed: names.join(", ") }));
    }
    return (vars) => vars[k];
  }
  if (kind === "neg") {
    const inner = closure(/** @type {Node} */ (node[1]), names, text);
    return (vars) => -inner(vars);
  }
  if (kind === "call") {
    const f = FUNCTIONS[/** @type {string} */ (node[1])];
    const args = /** @type {Node[]} */ (node[2]).map((a) => closure(a, names, text));
    if (args.length === 1) {
      const [a] = args;
      return (vars) => f(a(vars));
    }
    if (args.length === 2) {
      const [a, b] = args;
      return (vars) => f(a(vars), b(vars));
    }
    return (vars) => f(...args.map((a) => a(vars)));
  }
  const op = BINARY[kind];
  const left = closure(/** @type {Node} */ (node[1]), names, text);
  const right = closure(/** @type {Node} */ (node[2]), names, text);
  return (vars) => op(left(vars), right(vars));
}

/**
 * The expression's value for the given variables (the grammar's tests use this).
 * @param {string} text @param {Record<string, number>} [variables]
 */
export function evaluate(text, variables = {}) {
  const names = Object.keys(variables);
  return compile(text, names)(...names.map((n) => variables[n]));
}
