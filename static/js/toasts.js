// @ts-check
/**
 * Messages to the person using the page. A refusal of something a control did is shown
 * beside that control, briefly (`near`). Everything else is a toast (`show`): at most two at
 * once, gone after a few seconds, in the lower right of the network panel, where they cover
 * no control (they let clicks through). The full text is always shown: toasts wrap, never clip.
 * A server's error reply reads in the page's language (`errorText`).
 */

import * as format from "./format.js";
import { has, language, t } from "./i18n.js";
import { choiceLabel } from "./names.js";

const MAX_SHOWN = 2;
const NEAR_MS = 4000;

export class Toasts {
  /** @param {HTMLElement} box */
  constructor(box) {
    this.box = box;
    /** @type {HTMLElement | null} the refusal shown beside a control */
    this.bubble = null;
    this.bubbleTimer = 0;
  }

  /**
   * @param {string} text
   * @param {"error" | "info"} [kind]
   * @param {number} [ms]  how long it stays (by default 5 s for an error, 3 s for a note)
   */
  show(text, kind = "error", ms = kind === "error" ? 5000 : 3000) {
    const el = document.createElement("div");
    el.className = `toast ${kind}`;
    el.textContent = text;
    this.box.appendChild(el);
    while (this.box.children.length > MAX_SHOWN) this.box.firstChild?.remove();
    setTimeout(() => el.remove(), ms);
  }

  /**
   * A short refusal beside the control that caused it (below it, or above when there is no
   * room below), until it times out or another one replaces it.
   * @param {Element} control @param {string} text
   */
  near(control, text) {
    this.bubble?.remove();
    clearTimeout(this.bubbleTimer);
    const el = document.createElement("div");
    el.className = "refusal";
    el.setAttribute("role", "alert");
    el.textContent = text;
    const anchor = control.closest("[data-control], label, .network-head, .layer-controls") ?? control;
    el.dataset.for = anchor.id || anchor.getAttribute("data-control") || control.id || "";
    document.body.appendChild(el);
    const r = control.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    const below = r.bottom + 4 + b.height <= innerHeight;
    el.style.top = `${below ? r.bottom + 4 : Math.max(0, r.top - 4 - b.height)}px`;
    el.style.left = `${Math.max(4, Math.min(r.left, innerWidth - b.width - 4))}px`;
    this.bubble = el;
    this.bubbleTimer = window.setTimeout(() => {
      el.remove();
      if (this.bubble === el) this.bubble = null;
    }, NEAR_MS);
  }

  /** Take away the note beside a control now: what it said no longer holds. */
  dismissNear() {
    clearTimeout(this.bubbleTimer);
    this.bubble?.remove();
    this.bubble = null;
  }
}

/**
 * An error reply as a sentence that names the field, the value and what is allowed: the
 * server's own English sentence (with what is allowed, when it does not say it).
 * @param {{message?: string, allowed?: string}} reply
 */
export function describe(reply) {
  let text = reply.message || "rejected";
  if (reply.allowed && !text.includes(reply.allowed)) text += ` (allowed: ${reply.allowed})`;
  return text;
}

/** @type {import("./store.js").Schema | null} the page's schema (the store hands it over) */
let pageSchema = null;

/**
 * The schema whose fields `errorText` says what is allowed of (store.js calls this).
 * @param {import("./store.js").Schema | null} schema
 */
export function useSchema(schema) {
  pageSchema = schema;
}

/**
 * A server's error reply `{code, field, value, allowed, message, command}` as a sentence in
 * the page's language, naming the field, the value and what is allowed. In English it is the
 * server's own sentence (`describe`); in another language it is built from the reply's parts,
 * each code its own sentence (messages:errors), what is allowed from the schema for a setting
 * and from nncore's phrases ("a number from 0 to 1", "one of: a, b") for any other field. A
 * code no catalogue knows shows the server's sentence.
 * @param {any} reply
 * @returns {string}
 */
export function errorText(reply) {
  if (!reply || typeof reply !== "object") return String(reply ?? "");
  if (language() === "en") return describe(reply);
  const code = String(reply.code ?? "");
  // made on this page (socket.js), already in the page's language
  if (code === "disconnected") return reply.message || t("messages:errors.disconnected");
  const field = fieldLabel(reply.field);
  const values = { field, value: shownValue(reply.value), command: reply.command ?? "",
    allowed: allowedText(reply.field, reply.allowed) };
  const key = errorKey(code, reply, values.allowed);
  if (!key) {
    return reply.message ? t("messages:errors.unknown", { message: describe(reply) })
      : t("messages:errors.rejected");
  }
  const text = t(key, { ...values, ...extraValues(code, reply) });
  return field === reply.field ? text : capitalized(text);  // a name as is stays as it is
}

/** A sentence that begins with a field's name begins with a capital. @param {string} text */
function capitalized(text) {
  return text.charAt(0).toLocaleUpperCase(language()) + text.slice(1);
}

/**
 * The catalogue key of a reply's sentence (the code's, or a variant for its field or what it
 * allows), or "" for a code no catalogue knows.
 * @param {string} code @param {any} reply @param {string} shown  what is allowed, as shown
 * @returns {string}
 */
function errorKey(code, reply, shown) {
  const allowed = String(reply.allowed ?? "");
  if (code === "invalid_value") {
    if (allowed === "this field is required") return "messages:errors.missing_field";
    if (allowed.startsWith("no such field")) return "messages:errors.extra_field";
    if (reply.field === "name" && reply.command === "preset") return "messages:errors.no_preset";
    const noValue = reply.value == null || placeholder(reply.value)
      || typeof reply.value === "object" && !Array.isArray(reply.value);
    return `messages:errors.${shown ? "invalid_value" : "invalid_field"}${noValue ? "_no_value" : ""}`;
  }
  if (code === "illegal_state") {
    if (/^a command legal in state /.test(allowed)) return "messages:errors.illegal_state_in";
    const variant = ILLEGAL_STATES[allowed];
    return `messages:errors.${variant ?? "illegal_state"}`;
  }
  if (code === "too_large") {
    const what = ["message", "state", "body"].includes(reply.field) ? reply.field : "message";
    return `messages:errors.too_large.${what}`;
  }
  if (code === "bad_json" || code === "bad_message") return "messages:errors.bad_message";
  if (code === "too_many_sessions" && !/at most \d+/.test(allowed)) return "messages:errors.server_full";
  const key = `messages:errors.${code}`;
  if (!code) return "";
  if (has(`${key}_other`)) return /at most \d+/.test(allowed) ? key : "";
  return has(key) && typeof i18nValue(key) === "string" ? key : "";
}

/** The variants of `illegal_state`, by what the reply allows. */
const ILLEGAL_STATES = /** @type {Record<string, string>} */ ({
  "fork while following": "already_own",
  "follow while on a session of your own": "already_following",
  "a student on a session of their own": "student_follows",
  "a dataset this session is downloading": "not_downloading",
});

/** Whether a key is a text (not a group of texts). @param {string} key */
function i18nValue(key) {
  return t(key, { returnObjects: true });
}

/**
 * Values some sentences need beyond the field, value and allowed.
 * @param {string} code @param {any} reply @returns {Record<string, any>}
 */
function extraValues(code, reply) {
  const allowed = String(reply.allowed ?? "");
  const most = /at most (\d+)/.exec(allowed);
  const limit = most ? Number(most[1]) : null;
  if (code === "too_large") {
    return { size: typeof reply.value === "number" ? format.bytes(reply.value) : "",
      limit: limit == null ? "" : format.bytes(limit) };
  }
  if (code === "illegal_state") {
    const state = /^a command legal in state (\w+)/.exec(allowed)?.[1] ?? "";
    return { state: has(`messages:states.${state}`) ? t(`messages:states.${state}`) : state };
  }
  if (code === "rate_limited") {
    const rate = /at most ([\d.]+) messages per second/.exec(allowed)?.[1];
    return { rate: rate == null ? "" : number(Number(rate)) };
  }
  if (limit != null) return { count: limit, limit: format.count(limit) };
  return {};
}

/**
 * A field's name as the page shows it: a setting's label (a step of a branch names it
 * `config.<name>`), a protocol field's name in the page's language, or else the name as is.
 * @param {unknown} field @returns {string}
 */
export function fieldLabel(field) {
  if (typeof field !== "string" || !field) return t("messages:fields.message");
  const name = field.replace(/^config\./, "");
  const base = name.replace(/\[\d+\]$/, "");
  for (const key of [`server:fields.${name}.label`, `server:fields.${base}.label`,
    `messages:fields.${name}`, `messages:fields.${base}`]) {
    if (has(key)) return t(key);
  }
  return field;
}

/**
 * Whether a value is the server's stand-in for one it does not repeat ("<a token>",
 * "<3 values>"): a sentence goes without it.
 * @param {unknown} value
 */
function placeholder(value) {
  return typeof value === "string" && /^<.*>$/.test(value);
}

/**
 * A value as a sentence shows it: a number in the page's language, text in quotes, a list's
 * items, or a dash for none.
 * @param {unknown} value @returns {string}
 */
function shownValue(value) {
  if (value == null) return "–";
  if (typeof value === "number") return number(value);
  if (typeof value === "boolean") return t(value ? "messages:allowed.true" : "messages:allowed.false");
  if (typeof value === "string" && /^\[.*\]$/.test(value)) return value;  // a list, clipped by the server
  if (typeof value === "string") return t("messages:quoted", { text: value.length > 80 ? `${value.slice(0, 77)}…` : value });
  if (Array.isArray(value)) return `[${value.map((v) => typeof v === "number" ? number(v) : String(v)).join("; ")}]`;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** A number in the page's language, as exact as it came (1e-12, 0.00001, 2 147 483 647). @param {number} v */
function number(v) {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? format.count(v) : format.rounded(v, 12);
}

/**
 * What is allowed, in the page's language: for a setting, from the schema (its type, min,
 * max, choices); for another field, from the phrase nncore or the protocol wrote. A phrase of
 * no known shape is shown as it came.
 * @param {unknown} field @param {unknown} allowed @returns {string}
 */
export function allowedText(field, allowed) {
  const name = typeof field === "string" ? field.replace(/^config\./, "") : "";
  const spec = pageSchema?.fields.find((f) => f.name === name);
  if (spec) return schemaAllowed(spec);
  return typeof allowed === "string" ? phraseAllowed(allowed, name) : "";
}

/** @param {import("./store.js").Field & {allowed?: string}} f @returns {string} */
function schemaAllowed(f) {
  const exclusive = typeof f.allowed === "string" && f.allowed.includes("(exclusive)");
  const range = rangeText(f.min ?? null, f.max ?? null, exclusive);
  if (f.type === "int") return t("messages:allowed.integer", { range });
  if (f.type === "float") return t("messages:allowed.number", { range });
  if (f.type === "bool") return t("messages:allowed.boolean");
  if (f.type === "choice") return t("messages:allowed.choice", { choices: choices(f.name, f.choices ?? []) });
  if (f.type === "choice_list") return t("messages:allowed.names", { choices: choices(f.name, f.choices ?? []) });
  if (f.type === "int_list") {
    const most = f.max_length ?? 0;
    return t("messages:allowed.integers", { count: most, most: format.count(most), range });
  }
  return typeof f.allowed === "string" ? phraseAllowed(f.allowed, f.name) : "";
}

/**
 * " from 0 to 1", " >= 0", " > 0" in the page's language ("" for no bounds).
 * @param {number | null} lo @param {number | null} hi @param {boolean} exclusive
 */
function rangeText(lo, hi, exclusive) {
  if (lo == null) return "";
  if (hi == null) return t(exclusive ? "messages:allowed.above" : "messages:allowed.at_least", { lo: number(lo) });
  return t(exclusive ? "messages:allowed.between_exclusive" : "messages:allowed.between",
    { lo: number(lo), hi: number(hi) });
}

/**
 * Choices by their display names: a setting's choice (server:choices), a feature
 * (server:features), or the name as is. @param {string} field @param {string[]} names
 */
function choices(field, names) {
  const shown = names.map((n) => choiceLabel(field, n));
  return new Intl.ListFormat(language(), { style: "long", type: "disjunction" }).format(shown);
}

/** The shapes nncore/spec.py and the protocol write what is allowed in. */
const NUMBER = String.raw`(-?[\d.]+(?:e[-+]?\d+)?)`;
const RANGE = new RegExp(String.raw`^(?: from ${NUMBER}( \(exclusive\))? to ${NUMBER}| (>=|>) ${NUMBER})?$`);

/**
 * nncore's and the protocol's phrases ("a whole number from 1 to 8", "a number > 0",
 * "one of: a, b", "true or false", "at most 6 runs") in the page's language; "" for a phrase of
 * no shape known here (the sentence then says what is wrong without it).
 * @param {string} phrase @param {string} field @returns {string}
 */
function phraseAllowed(phrase, field) {
  const range = (/** @type {string} */ rest) => {
    const m = RANGE.exec(rest);
    if (!m) return null;
    if (m[5]) return rangeText(Number(m[6]), null, m[5] === ">");
    if (m[1]) return rangeText(Number(m[1]), Number(m[3]), Boolean(m[2]));
    return "";
  };
  let m;
  if ((m = /^a whole number(.*)$/.exec(phrase)) && range(m[1]) != null) {
    return t("messages:allowed.integer", { range: range(m[1]) });
  }
  if ((m = /^a number(.*)$/.exec(phrase)) && range(m[1]) != null) {
    return t("messages:allowed.number", { range: range(m[1]) });
  }
  if (phrase === "true or false") return t("messages:allowed.boolean");
  if ((m = /^a list of at most (\d+) whole numbers, each(.*)$/.exec(phrase)) && range(m[2]) != null) {
    const most = Number(m[1]);
    return t("messages:allowed.integers", { count: most, most: format.count(most), range: range(m[2]) });
  }
  if ((m = /^a non-empty list of distinct names from: (.*)$/.exec(phrase))) {
    return t("messages:allowed.names", { choices: choices(field, m[1].split(", ")) });
  }
  if ((m = /^one of: (.*)$/.exec(phrase))) {
    // nncore: "a, b, c"; the protocol (Pydantic): "'a', 'b' or 'c'"
    const names = m[1].split(/, | or /).map((s) => s.replace(/^'(.*)'$/, "$1"));
    return t("messages:allowed.choice", { choices: choices(field, names) });
  }
  if ((m = /^at most (\d+) (bytes|runs|points|sessions|students|rooms|sweeps|wrong codes a minute)\b/.exec(phrase))) {
    const n = Number(m[1]);
    if (m[2] === "bytes") return t("messages:allowed.at_most_size", { size: format.bytes(n) });
    return t(`messages:allowed.at_most.${m[2].replace(/ /g, "_")}`, { count: n, most: format.count(n) });
  }
  if ((m = /^(\d+) to (\d+)$/.exec(phrase))) {
    return t("messages:allowed.integer", { range: rangeText(Number(m[1]), Number(m[2]), false) });
  }
  if ((m = /^a list of (\d+) numbers$/.exec(phrase))) {
    const n = Number(m[1]);
    return t("messages:allowed.numbers", { count: n, most: format.count(n) });
  }
  if ((m = /^a number in \(([-\d.]+), ([-\d.]+)\]$/.exec(phrase))) {
    return t("messages:allowed.number", { range: rangeText(Number(m[1]), Number(m[2]), true) });
  }
  // Pydantic's bounds: "Input should be greater than or equal to 1 (>= 1)", "(<= 60)"
  if ((m = /\(((?:[<>]=? [-\d.e+]+(?:, )?)+)\)$/.exec(phrase))) {
    const ops = Object.fromEntries(m[1].split(", ").map((part) => part.split(" ")));
    const kind = /integer/.test(phrase) ? "integer" : "number";
    const lo = ops[">="] ?? ops[">"], hi = ops["<="] ?? ops["<"];
    if (lo != null) {
      return t(`messages:allowed.${kind}`, { range: rangeText(Number(lo), hi == null ? null : Number(hi), ">" in ops) });
    }
    if (hi != null) return t(`messages:allowed.${kind}`, { range: t("messages:allowed.at_most_value", { hi: number(Number(hi)) }) });
  }
  return "";  // a phrase of no known shape: the sentence goes without it
}
