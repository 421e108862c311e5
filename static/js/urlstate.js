// @ts-check
/**
 * The configuration in the URL hash, so a link reproduces a run:
 *   #dataset=spiral&hidden_layers=8,8,8&learning_rate=0.01&features=x1,x2,sinx1
 * Only fields that differ from the schema's defaults are written. Values are parsed by the
 * schema's field types; anything unknown or malformed is reported, never silently applied,
 * saying what is allowed, in the page's language. Keys that are not settings (the lesson
 * options, `lang`: the page's language) are kept apart.
 */

import { t } from "./i18n.js";

/**
 * @typedef {{name: string, type: string, default: any, choices?: string[], min?: number,
 *            max?: number, max_length?: number, allowed?: string}} Field
 */

/**
 * @param {any} value
 * @param {Field} field
 */
function encodeValue(value, field) {
  if (field.type === "int_list" || field.type === "choice_list") return value.join(",");
  return String(value);
}

/**
 * @param {string} text
 * @param {Field} field
 * @returns {any} the value, or throws with a message naming the field
 */
function decodeValue(text, field) {
  const fail = () => {
    const allowed = allowedText(field);
    const values = { setting: field.name, text: JSON.stringify(text), allowed };
    throw new Error(t(allowed ? "page:link.invalid_allowed" : "page:link.invalid", values));
  };
  const inRange = (v) => (field.min == null || v >= field.min) && (field.max == null || v <= field.max);
  const choice = (v) => !field.choices || field.choices.includes(v);
  switch (field.type) {
    case "int": {
      if (!/^-?\d+$/.test(text) || !inRange(parseInt(text, 10))) fail();
      return parseInt(text, 10);
    }
    case "float": {
      const v = Number(text);
      if (text.trim() === "" || !Number.isFinite(v) || !inRange(v)) fail();
      return v;
    }
    case "bool":
      if (text !== "true" && text !== "false") fail();
      return text === "true";
    case "int_list": {
      if (text === "") return [];
      if (!/^\d+(,\d+)*$/.test(text)) fail();
      const list = text.split(",").map((s) => parseInt(s, 10));
      if (!list.every(inRange) || (field.max_length != null && list.length > field.max_length)) fail();
      return list;
    }
    case "choice_list": {
      const list = text === "" ? [] : text.split(",");
      if (!list.every(choice)) fail();
      return list;
    }
    default:
      if (!choice(text)) fail();
      return text;
  }
}

/**
 * What a field allows, in the page's language ("" when the schema does not say).
 * @param {Field} field
 */
function allowedText(field) {
  const list = (/** @type {any[]} */ items) => items.map(String).join(", ");
  if (field.type === "bool") return list([true, false]);
  if (field.choices?.length) {
    return t(field.type === "choice_list" ? "page:link.allowed.list_of" : "page:link.allowed.one_of",
      { choices: list(field.choices) });
  }
  if (field.min != null && field.max != null) {
    const range = { min: String(field.min), max: String(field.max) };
    if (field.type === "int_list") {
      return t("page:link.allowed.layers", { ...range, count: field.max_length ?? 0 });
    }
    return t(field.type === "int" ? "page:link.allowed.whole" : "page:link.allowed.range", range);
  }
  return "";
}

/** @param {any} a @param {any} b */
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The hash for a config: the fields that differ from their defaults, plus extra keys.
 * @param {Record<string, any>} config
 * @param {Field[]} fields
 * @param {Record<string, string>} [extra] e.g. {hide: "l1,l2"} for lesson links
 */
export function encodeHash(config, fields, extra = {}) {
  const params = new URLSearchParams();
  for (const field of fields) {
    if (!(field.name in config) || same(config[field.name], field.default)) continue;
    if (field.name === "dataset" && config.dataset === "custom") continue;
    params.set(field.name, encodeValue(config[field.name], field));
  }
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  const text = params.toString().replace(/%2C/g, ",");
  return text ? `#${text}` : "";
}

/**
 * Parse a hash into {config, extra, errors}: config holds typed schema fields, extra the
 * other keys (lesson options), errors one message per bad entry.
 * @param {string} hash
 * @param {Field[]} fields
 * @param {string[]} [extraKeys]
 */
export function decodeHash(hash, fields, extraKeys = ["hide", "preset", "present", "frames", "lang"]) {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  /** @type {Record<string, any>} */
  const config = {};
  /** @type {Record<string, string>} */
  const extra = {};
  /** @type {string[]} */
  const errors = [];
  for (const [key, value] of params) {
    const field = byName.get(key);
    if (field) {
      try {
        config[key] = decodeValue(value, field);
      } catch (e) {
        errors.push(/** @type {Error} */ (e).message);
      }
    } else if (extraKeys.includes(key)) {
      extra[key] = value;
    } else {
      errors.push(t("page:link.unknown", { key }));
    }
  }
  return { config, extra, errors };
}
