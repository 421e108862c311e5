// @ts-check
/**
 * Every number the page writes as text, formatted in one place, so that one value reads the
 * same wherever it is shown. Each function names what it is for; a value that is not a
 * number where one is expected (a metric the server has not sent yet) shows as a dash.
 */

const DASH = "–";

/**
 * A weight, an activation, a gradient: 4 decimals, or 4 significant digits in exponent form
 * when that would hide it (|v| < 0.001) or be too wide (|v| ≥ 10⁴).
 * @param {number} v
 * @param {{keepWhole?: boolean}} [options]  keepWhole: write a whole number as it is (1, not
 *   1.0000), e.g. a target or a count in an equation
 */
export function number(v, { keepWhole = false } = {}) {
  if (!Number.isFinite(v) || (keepWhole && Number.isInteger(v))) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(3);
  return v.toFixed(4);
}

/** A loss or an R² in the read-outs: 3 decimals. @param {number | undefined} v */
export function metric(v) {
  return typeof v === "number" ? v.toFixed(3) : DASH;
}

/** A fraction as a percentage with one decimal: 0.875 → "87.5%". @param {number | undefined} v */
export function percent(v) {
  return typeof v === "number" ? `${(100 * v).toFixed(1)}%` : DASH;
}

/** A count with thousands separators: 12345 → "12,345". @param {number} n */
export function count(n) {
  return Math.round(n).toLocaleString("en-US");
}

/** The epoch counter, six digits like an odometer: 1234 → "001,234". @param {number} n */
export function epoch(n) {
  return String(n).padStart(6, "0").replace(/(\d{3})$/, ",$1");
}

/** A value with `digits` significant digits (the chart's read-out). @param {number} v @param {number} digits */
export function significant(v, digits) {
  return v.toPrecision(digits);
}

/** A value with `digits` decimals, trailing zeros kept (a table column). @param {number} v @param {number} digits */
export function fixed(v, digits) {
  return v.toFixed(digits);
}

/** A value rounded to `digits` decimals, trailing zeros dropped: 0.500 → "0.5". @param {number} v @param {number} digits */
export function rounded(v, digits) {
  return String(+v.toFixed(digits));
}

/** A value for a scale's end (a legend): 2 decimals, exponent form from 100 on. @param {number} v */
export function scaleEnd(v) {
  return Math.abs(v) >= 100 ? v.toExponential(1) : rounded(v, 2);
}

/** An axis tick: 2 significant digits, exponent form below 0.01 and from 1000. @param {number} v */
export function tick(v) {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a < 0.01 || a >= 1000) return v.toExponential(0);
  return String(+v.toPrecision(2));
}

/** A whole percentage: 37.4 → "37%". @param {number} v  already in percent */
export function wholePercent(v) {
  return `${Math.round(v)}%`;
}

/** A value in exponent form with `digits` decimals: 0.00123 → "1.2e-3". @param {number} v @param {number} digits */
export function exponent(v, digits) {
  return v.toExponential(digits);
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
  const units = [["MiB", 2 ** 20], ["KiB", 2 ** 10]];
  for (const [unit, size] of units) {
    if (n >= size) return `${rounded(n / size, 1)} ${unit}`;
  }
  return `${n} bytes`;
}
