// @ts-check
/**
 * The lean-frame worker: computes a network's maps over its plane (lean.js `evaluatePlane`)
 * off the page's main thread. Each message {id, spec, params, raw, tiles} is answered with
 * {id, result} (its arrays' buffers transferred) or {id, error}.
 */

import { evaluatePlane } from "./lean.js";

self.onmessage = (event) => {
  const { id, spec, params, raw, tiles } = event.data;
  try {
    const result = evaluatePlane(spec, params, raw, tiles);
    const buffers = Object.values(result.arrays).map((a) => /** @type {Uint8Array} */ (a.data).buffer);
    self.postMessage({ id, result }, { transfer: buffers });
  } catch (e) {
    self.postMessage({ id, error: String(/** @type {Error} */ (e).stack || e) });
  }
};
