// @ts-check
/**
 * The configuration in the URL hash, so a link reproduces a run:
 *   #dataset=spiral&hidden_layers=8,8,8&learning_rate=0.01&features=x1,x2,sinx1
 * Only fields that differ from the schema's defaults are written. Values are parsed by the
 * schema's field types; anything unknown or malformed is reported, never silently applied,
 * with the schema's own words for what is allowed.
 */

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
    const allowed = field.allowed ? `; allowed: ${field.allowed}` : "";
    throw new Error(`${field.name}=${JSON.stringify(text)} in the link is not valid${allowed}`);
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
export function decodeHash(hash, fields, extraKeys = ["hide", "preset", "present", "frames"]) {
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
      errors.push(`${key} in the link is not a setting of nnplay`);
    }
  }
  return { config, extra, errors };
}
