// @ts-check
/**
 * Heatmaps: a canvas at the grid's own resolution (CSS scales it up), filled with ImageData
 * through a 256-entry colour table, as TensorFlow Playground's heatmap.ts does.
 */

import { classShade, divergingTable } from "./colors.js";

const DIVERGING = divergingTable();
/** The same scale, continuous: for the output plot, which is scaled up smoothly (no bands). */
const SMOOTH = divergingTable(0);

/**
 * Fill a canvas with 8-bit codes (row-major, row 0 at the top).
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} codes  D*D values in 0..255
 * @param {number} D
 * @param {Uint8ClampedArray} [table]  256 RGBA entries
 * @param {number} [offset]  where this map starts in `codes`
 */
export function paint(canvas, codes, D, table = DIVERGING, offset = 0) {
  const [ctx, image] = imageFor(canvas, D);
  const px = image.data;
  for (let i = 0, n = D * D; i < n; i++) {
    const q = codes[offset + i] * 4;
    const j = i * 4;
    px[j] = table[q];
    px[j + 1] = table[q + 1];
    px[j + 2] = table[q + 2];
    px[j + 3] = table[q + 3];
  }
  ctx.putImageData(image, 0, 0);
}

/**
 * Fill a canvas with class regions: each cell the colour of its class, faded by confidence.
 * @param {HTMLCanvasElement} canvas
 * @param {ArrayLike<number>} classes
 * @param {ArrayLike<number>} confidence  codes 0..255 for [0, 1]
 * @param {number} D
 * @param {number} nClasses
 * @param {boolean} [discrete]  full colour regardless of confidence
 */
export function paintClasses(canvas, classes, confidence, D, nClasses, discrete = false) {
  const [ctx, image] = imageFor(canvas, D);
  const px = image.data;
  /** @type {Map<number, number[]>} */
  const cache = new Map();
  for (let i = 0, n = D * D; i < n; i++) {
    const key = classes[i] * 256 + (discrete ? 255 : confidence[i]);
    let c = cache.get(key);
    if (!c) {
      c = classShade(classes[i], (discrete ? 255 : confidence[i]) / 255, nClasses);
      cache.set(key, c);
    }
    const j = i * 4;
    px[j] = c[0];
    px[j + 1] = c[1];
    px[j + 2] = c[2];
    px[j + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/**
 * A D×D canvas (resized only when it must be) and a fresh ImageData for it.
 * @param {HTMLCanvasElement} canvas @param {number} D
 * @returns {[CanvasRenderingContext2D, ImageData]}
 */
function imageFor(canvas, D) {
  if (canvas.width !== D || canvas.height !== D) {
    canvas.width = D;
    canvas.height = D;
  }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  return [ctx, ctx.createImageData(D, D)];
}

/** A table whose codes below and above the middle snap to the two ends (discretized output). */
export function discreteTable() {
  const table = divergingTable(0);
  const lo = table.slice(48 * 4, 49 * 4); // strong enough to read, light enough for points
  const hi = table.slice(207 * 4, 208 * 4);
  for (let q = 0; q < 256; q++) table.set(q < 128 ? lo : hi, q * 4);
  return table;
}

export { DIVERGING, SMOOTH };
