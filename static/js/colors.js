// @ts-check
/**
 * Colour scales, all colour-blind safe, precomputed as 256-entry RGBA lookup tables so that a
 * heatmap is one table lookup per pixel.
 *
 * - Diverging: orange (negative) → near-white (0) → blue (positive), the two hues that stay
 *   apart for every common colour-vision deficiency (TensorFlow Playground's pair). Quantised
 *   to LEVELS steps so the legend reads as bands.
 * - Classes: the Okabe–Ito palette. With two classes, class 0 is orange and class 1 blue,
 *   matching the diverging scale (the Playground's negative/positive).
 */

export const LEVELS = 16;
export const NEGATIVE = [230, 97, 1];   // #e66101
export const NEUTRAL = [247, 247, 247]; // #f7f7f7
export const POSITIVE = [8, 104, 172];  // #0868ac
export const CLASS_COLORS = [
  "#e69f00", "#0072b2", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
  "#999999", "#882255",
];

/** @param {number[]} a @param {number[]} b @param {number} t */
function mix(a, b, t) {
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * t));
}

/**
 * The colour of a value u in [0, 1] on the diverging scale (0.5 is neutral), quantised.
 * @param {number} u
 * @param {number} [levels]
 * @returns {number[]} [r, g, b]
 */
export function diverging(u, levels = LEVELS) {
  const clamped = Math.min(1, Math.max(0, u));
  const q = levels > 0 ? (Math.min(levels - 1, Math.floor(clamped * levels)) + 0.5) / levels
    : clamped;
  return q < 0.5 ? mix(NEGATIVE, NEUTRAL, q / 0.5) : mix(NEUTRAL, POSITIVE, (q - 0.5) / 0.5);
}

/**
 * A 256-entry RGBA table (Uint8ClampedArray of 1024) for 8-bit codes on the diverging scale.
 * @param {number} [levels] 0 for a continuous scale
 * @param {number} [alpha]
 */
export function divergingTable(levels = LEVELS, alpha = 255) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let q = 0; q < 256; q++) {
    const [r, g, b] = diverging(q / 255, levels);
    table.set([r, g, b, alpha], q * 4);
  }
  return table;
}

/** @param {string} hex @returns {number[]} */
export function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The colour of class k at confidence c in [0, 1]: the class colour faded towards white as
 * the confidence falls to 1/k (a guess).
 * @param {number} k @param {number} confidence @param {number} nClasses
 */
export function classShade(k, confidence, nClasses) {
  const floor = 1 / Math.max(2, nClasses);
  const t = Math.min(1, Math.max(0, (confidence - floor) / (1 - floor)));
  return mix(NEUTRAL, hexToRgb(CLASS_COLORS[k % CLASS_COLORS.length]), 0.15 + 0.75 * t);
}

/**
 * The colour of a label or target for a data point.
 * @param {number} y @param {string} task @param {number} nClasses
 */
export function pointColor(y, task, nClasses) {
  if (task === "regression") {
    const [r, g, b] = diverging((y + 1) / 2, 0);
    return `rgb(${r},${g},${b})`;
  }
  if (nClasses <= 2) return y >= 1 ? rgbCss(POSITIVE) : rgbCss(NEGATIVE);
  return CLASS_COLORS[y % CLASS_COLORS.length];
}

/** @param {number[]} c */
export function rgbCss(c) {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
