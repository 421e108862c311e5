// @ts-check
/**
 * Every number the page writes as text, formatted in one place, so that one value reads the
 * same wherever it is shown, in the page's language (i18n.js): "0,125" and "12 345" in
 * Russian. `editable` alone stays in JavaScript's own form, for inputs and links. Each function names what it is for; a value that is not a
 * number where one is expected (a metric the server has not sent yet) shows as a dash.
 */

import { numberFormat, t } from "./i18n.js";

const DASH = "–";

/**
 * `text`, a number JavaScript wrote ("-1.5e-3"), in the page's language: its decimal sign
 * (a comma in Vietnamese and Russian) and its minus sign.
 * @param {string} text
 */
function localized(text) {
  const { decimal, minus } = signs();
  return text.replace(".", decimal).replace(/^-/, minus);
}

/** @type {{format: Intl.NumberFormat | null, decimal: string, minus: string, group: string}} */
const known = { format: null, decimal: ".", minus: "-", group: "," };

/** The language's decimal, minus and group signs (found again when the language changes). */
function signs() {
  const format = numberFormat({});
  if (known.format !== format) {
    const parts = format.formatToParts(-1234567.5);
    const sign = (/** @type {string} */ type, /** @type {string} */ or) => parts.find((p) => p.type === type)?.value ?? or;
    Object.assign(known, { format, decimal: sign("decimal", "."), minus: sign("minusSign", "-"), group: sign("group", ",") });
  }
  return known;
}

/**
 * A weight, an activation, a gradient: 4 decimals, or 4 significant digits in exponent form
 * when that would hide it (|v| < 0.001) or be too wide (|v| ≥ 10⁴).
 * @param {number} v
 * @param {{keepWhole?: boolean}} [options]  keepWhole: write a whole number as it is (1, not
 *   1.0000), e.g. a target or a count in an equation
 */
export function number(v, { keepWhole = false } = {}) {
  if (!Number.isFinite(v) || (keepWhole && Number.isInteger(v))) return localized(String(v));
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return localized(v.toExponential(3));
  return localized(v.toFixed(4));
}

/** A loss or an R² in the read-outs: 3 decimals. @param {number | undefined} v */
export function metric(v) {
  return typeof v === "number" ? localized(v.toFixed(3)) : DASH;
}

/** A fraction as a percentage with one decimal: 0.875 → "87.5%". @param {number | undefined} v */
export function percent(v) {
  if (typeof v !== "number") return DASH;
  return numberFormat({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
}

/** A count with the language's thousands separators: 12345 → "12,345" ("12 345" in Russian). @param {number} n */
export function count(n) {
  return numberFormat({ maximumFractionDigits: 0 }).format(Math.round(n));
}

/** The epoch counter, six digits like an odometer: 1234 → "001,234". @param {number} n */
export function epoch(n) {
  return String(n).padStart(6, "0").replace(/(\d{3})$/, `${signs().group}$1`);
}

/** A value with `digits` significant digits (the chart's read-out). @param {number} v @param {number} digits */
export function significant(v, digits) {
  return localized(v.toPrecision(digits));
}

/** A value with `digits` decimals, trailing zeros kept (a table column). @param {number} v @param {number} digits */
export function fixed(v, digits) {
  return localized(v.toFixed(digits));
}

/** A value rounded to `digits` decimals, trailing zeros dropped: 0.500 → "0.5". @param {number} v @param {number} digits */
export function rounded(v, digits) {
  return localized(String(+v.toFixed(digits)));
}

/** A value for a scale's end (a legend): 2 decimals, exponent form from 100 on. @param {number} v */
export function scaleEnd(v) {
  return Math.abs(v) >= 100 ? localized(v.toExponential(1)) : rounded(v, 2);
}

/** An axis tick: 2 significant digits, exponent form below 0.01 and from 1000. @param {number} v */
export function tick(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a < 0.01 || a >= 1000) return localized(v.toExponential(0));
  return localized(String(+v.toPrecision(2)));
}

/** A whole percentage: 37.4 → "37%". @param {number} v  already in percent */
export function wholePercent(v) {
  return numberFormat({ style: "percent", maximumFractionDigits: 0 }).format(Math.round(v) / 100);
}

/** A value in exponent form with `digits` decimals: 0.00123 → "1.2e-3". @param {number} v @param {number} digits */
export function exponent(v, digits) {
  return localized(v.toExponential(digits));
}

/** A power of ten on a log axis: 2 → "1e2". @param {number} log10 */
export function powerOfTen(log10) {
  return `1e${Math.round(log10)}`;
}

/** A value to edit: at most 6 significant digits, no trailing zeros. @param {number} v */
export function editable(v) {
  return String(+v.toPrecision(6));
}

/** A size in bytes: 1048576 → "1 MiB". @param {number} n */
export function bytes(n) {
  /** @type {[string, number][]} */
  const units = [["page:units.mib", 2 ** 20], ["page:units.kib", 2 ** 10]];
  for (const [unit, size] of units) {
    if (n >= size) return t(unit, { size: rounded(n / size, 1) });
  }
  return t("page:units.bytes", { count: n, size: count(n) });
}
