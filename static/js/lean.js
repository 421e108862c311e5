// @ts-check
/**
 * Lean frames: the page computes every neuron's map and the output map from the frame's
 * weights, as the engine's probe does (nncore/probes.py PlaneProbe, app/frames.py `_plane`),
 * so a lean frame reaches the views with the same arrays and header fields as a full one:
 *   tiles1 … tilesL   uint8 (n_l, D, D): each unit's activation over the neuron grid, coded on
 *                     `tile_ranges[l − 1]` (0 ↦ lo, 255 ↦ hi)
 *   output            uint8 (Do, Do) on `output_range`, for one output; or, for several,
 *   output_class      uint8 (Do, Do) the predicted class and
 *   output_confidence uint8 (Do, Do) its output on [0, 1]
 * What each activation and feature computes comes from the engine as expressions
 * (expr.js); batch norm in evaluation mode is z̃ = (z − μ)·scale + β with the frame's
 * `bn_mean` and `bn_scale`; softmax (a row's, which has no elementwise expression) is
 * e^(zᵢ − max z) / Σⱼ e^(zⱼ − max z). `evaluatePlane` is pure: the worker (lean-worker.js)
 * runs it off the main thread, and `LeanPlane` is the page's handle on that worker.
 *
 * With a run side by side (`header.compare`), a lean frame carries that run's parameters too
 * (`compare_W1`, …, `compare_bn_mean*`, `compare_bn_scale*`) and, in `compare_network`, what of
 * its network differs from the session's; its output map is computed the same way and reaches
 * the views as a full frame's `compare_output` (`compare_output_range`), or
 * `compare_output_class` and `compare_output_confidence`.
 */

import { compile } from "./expr.js";

/**
 * @typedef {{expression: string | null, range: number[] | null}} ActivationFacts
 * @typedef {object} PlaneSpec
 * @property {number[]} sizes             units per layer, inputs first
 * @property {string[]} features          each input's expression of x1, x2
 * @property {number[]} extent            [lo, hi] of both axes
 * @property {number} neuronDensity       D: cells per side of the neuron tiles
 * @property {number} outputDensity       Do: cells per side of the output map
 * @property {ActivationFacts[]} activations  per layer (hidden ones, then the output's)
 * @property {boolean[]} batchNorm        per layer
 * @property {string} task                "classification" or "regression"
 * @property {number} threshold           the output that separates two classes
 * @typedef {{data: ArrayLike<number>, shape: number[]}} NDArray
 * @typedef {{header: Record<string, any>, arrays: Record<string, NDArray>,
 *            raw?: {layers: Float32Array[], output: Float32Array}}} PlaneResult
 */

/**
 * What the worker needs to know of a network (the `network` message as the store keeps it)
 * and of the engine (the schema's expressions).
 * @param {Record<string, any>} net  store.net
 * @param {Record<string, any>} schema  GET /api/schema (the page's embedded copy)
 * @param {number} outputDensity  the frame's output_density
 * @returns {PlaneSpec}
 */
export function planeSpec(net, schema, outputDensity) {
  const facts = (/** @type {string} */ name) => {
    const a = schema.activations[name];
    if (!a) throw new Error(`activation ${JSON.stringify(name)} is not in the schema`);
    return { expression: a.expression, range: a.range };
  };
  const L = net.sizes.length - 1;
  return {
    sizes: net.sizes,
    features: net.input_names.map((/** @type {string} */ name) => {
      const text = schema.feature_expressions[name];
      if (text == null) throw new Error(`input ${JSON.stringify(name)} has no feature expression`);
      return text;
    }),
    extent: net.extent,
    neuronDensity: net.neuron_density,
    outputDensity,
    activations: Array.from({ length: L }, (_, l) => facts(l < L - 1 ? net.activation : net.output_activation)),
    batchNorm: net.batch_norm,
    task: net.task,
    threshold: net.threshold,
  };
}

/**
 * The compared run's network: the session's, with what the frame's `compare_network` says
 * differs (app/frames.py `_compare_plane`).
 * @param {Record<string, any>} net  store.net @param {Record<string, any>} header  the frame's
 * @param {Record<string, any>} schema
 * @returns {PlaneSpec}
 */
export function compareSpec(net, header, schema) {
  return planeSpec({ ...net, ...header.compare_network }, schema, header.output_density);
}

/**
 * (D², n_features) inputs over the D×D grid: pixel centres, top row first (probes.grid).
 * @param {PlaneSpec} spec @param {number} D
 */
function gridInputs(spec, D) {
  const [lo, hi] = spec.extent;
  const h = (hi - lo) / D;
  const fs = spec.features.map((text) => compile(text, ["x1", "x2"]));
  const n = fs.length;
  const X = new Float32Array(D * D * n);
  for (let r = 0; r < D; r++) {
    const x2 = lo + (D - 1 - r + 0.5) * h;
    for (let c = 0; c < D; c++) {
      const x1 = lo + (c + 0.5) * h;
      const row = (r * D + c) * n;
      for (let j = 0; j < n; j++) X[row + j] = fs[j](x1, x2);
    }
  }
  return X;
}

/**
 * Every layer's activations (N, n_l) for the inputs X (N, n_0), in evaluation mode.
 * @param {PlaneSpec} spec @param {Record<string, ArrayLike<number>>} params
 * @param {Float32Array} X @param {number} N
 * @returns {Float32Array[]}
 */
function forward(spec, params, X, N) {
  const out = [];
  let A = X;
  for (let l = 1; l < spec.sizes.length; l++) {
    const nIn = spec.sizes[l - 1], nOut = spec.sizes[l];
    const W = params[`W${l}`], b = params[`b${l}`];
    const Z = new Float32Array(N * nOut);
    const acc = new Float64Array(nOut);
    for (let p = 0; p < N; p++) {
      acc.fill(0);
      for (let i = 0; i < nIn; i++) {
        const a = A[p * nIn + i];
        if (a === 0) continue;
        const row = i * nOut;
        for (let j = 0; j < nOut; j++) acc[j] += a * W[row + j];
      }
      const base = p * nOut;
      for (let j = 0; j < nOut; j++) Z[base + j] = b ? Math.fround(acc[j]) + b[j] : acc[j];
    }
    if (spec.batchNorm[l - 1]) {
      const mu = params[`bn_mean${l}`], scale = params[`bn_scale${l}`], beta = params[`beta${l}`];
      for (let p = 0, k = 0; p < N; p++) {
        for (let j = 0; j < nOut; j++, k++) {
          Z[k] = Math.fround(Math.fround(Z[k] - mu[j]) * scale[j]) + beta[j];
        }
      }
    }
    activate(spec.activations[l - 1], Z, N, nOut);
    out.push(Z);
    A = Z;
  }
  return out;
}

/**
 * φ in place: the engine's expression of z, or softmax over each row.
 * @param {ActivationFacts} facts @param {Float32Array} Z @param {number} N @param {number} n
 */
function activate(facts, Z, N, n) {
  if (facts.expression != null) {
    const phi = compile(facts.expression, ["z"]);
    for (let k = 0; k < Z.length; k++) Z[k] = phi(Z[k]);
    return;
  }
  const e = new Float64Array(n);
  for (let p = 0; p < N; p++) {
    const base = p * n;
    let top = -Infinity;
    for (let j = 0; j < n; j++) top = Math.max(top, Z[base + j]);
    let total = 0;
    for (let j = 0; j < n; j++) total += (e[j] = Math.fround(Math.exp(Math.fround(Z[base + j] - top))));
    for (let j = 0; j < n; j++) Z[base + j] = e[j] / Math.fround(total);
  }
}

/** numpy's rint: halves to even. @param {number} x */
function rint(x) {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * uint8 codes of A on [lo, hi], in float32 arithmetic as probes.quantize does it.
 * @param {Float32Array} A @param {number} lo @param {number} hi
 * @param {number} [stride] @param {number} [start] read A[start + k·stride]
 * @param {Uint8Array} [out] @param {number} [offset]
 */
export function quantize(A, lo, hi, stride = 1, start = 0, out = undefined, offset = 0) {
  const count = Math.floor((A.length - start + stride - 1) / stride);
  const codes = out ?? new Uint8Array(count);
  const lo32 = Math.fround(lo), k = Math.fround(255 / (hi - lo));
  for (let i = 0; i < count; i++) {
    const v = rint(Math.fround(Math.fround(A[start + i * stride] - lo32) * k));
    codes[offset + i] = v > 255 ? 255 : v >= 0 ? v : 0; // NaN ↦ 0
  }
  return codes;
}

/** The largest |A − t|; NaN when A holds one (as numpy's max). @param {Float32Array} A @param {number} t */
function spread(A, t) {
  let m = 0;
  for (let k = 0; k < A.length; k++) {
    const v = Math.abs(Math.fround(A[k] - t));
    if (!(v <= m)) m = v; // NaN wins
  }
  return m;
}

/** Python's max(1.0, s): NaN loses. @param {number} s */
const atLeastOne = (s) => (s > 1 ? s : 1);

/**
 * Every neuron's tile and the output map of a network over its plane, as a full frame has them
 * (or the output map alone).
 * @param {PlaneSpec} spec @param {Record<string, ArrayLike<number>>} params
 * @param {boolean} [raw]  also return the float32 activations (for the equality test): on the
 *   tiles' grid, or on the output's without tiles
 * @param {boolean} [tiles]  false: only the output map (a compared run's)
 * @returns {PlaneResult}
 */
export function evaluatePlane(spec, params, raw = false, tiles = true) {
  const D = spec.neuronDensity, Do = spec.outputDensity, L = spec.sizes.length - 1;
  /** @type {Record<string, NDArray>} */
  const arrays = {};
  /** @type {Record<string, any>} */
  const header = {};
  const layers = tiles ? forward(spec, params, gridInputs(spec, D), D * D) : null;
  if (layers) {
    const tileRanges = [];
    for (let l = 1; l <= L; l++) {
      const A = layers[l - 1], n = spec.sizes[l];
      const range = spec.activations[l - 1].range;
      const s = range ? 0 : atLeastOne(spread(A, 0));
      const [lo, hi] = range ?? [-s, s];
      tileRanges.push([lo, hi]);
      const codes = new Uint8Array(n * D * D);
      for (let i = 0; i < n; i++) quantize(A, lo, hi, n, i, codes, i * D * D);
      arrays[`tiles${l}`] = { data: codes, shape: [n, D, D] };
    }
    header.tile_ranges = tileRanges;
  }
  const onOutputGrid = layers && Do === D ? layers : forward(spec, params, gridInputs(spec, Do), Do * Do);
  const output = onOutputGrid[L - 1];
  const k = spec.sizes[L];
  if (k === 1) {
    const range = spec.activations[L - 1].range;
    const t = spec.task === "classification" ? spec.threshold : 0;
    const s = range ? 0 : atLeastOne(spread(output, t));
    const [lo, hi] = range ?? [t - s, t + s];
    header.output_range = [lo, hi];
    arrays.output = { data: quantize(output, lo, hi), shape: [Do, Do] };
  } else {
    const classes = new Uint8Array(Do * Do), top = new Float32Array(Do * Do);
    for (let p = 0; p < Do * Do; p++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (output[p * k + j] > output[p * k + best]) best = j;
      classes[p] = best;
      top[p] = output[p * k + best];
    }
    arrays.output_class = { data: classes, shape: [Do, Do] };
    arrays.output_confidence = { data: quantize(top, 0, 1), shape: [Do, Do] };
  }
  const result = /** @type {PlaneResult} */ ({ header, arrays });
  if (raw) result.raw = { layers: layers ?? onOutputGrid, output };
  return result;
}

/**
 * The arrays of a frame the maps are computed from: weights, biases, batch norm's γ, β, μ and
 * scale; the session's, or with `prefix` "compare_" the compared run's (named without it).
 * @param {Record<string, NDArray>} arrays @param {string} [prefix]
 * @returns {Record<string, ArrayLike<number>>}
 */
export function planeParams(arrays, prefix = "") {
  /** @type {Record<string, ArrayLike<number>>} */
  const params = {};
  for (const [name, a] of Object.entries(arrays)) {
    if (!name.startsWith(prefix)) continue;
    const own = name.slice(prefix.length);
    if (/^(W|b|gamma|beta|bn_mean|bn_scale)\d+$/.test(own)) params[own] = a.data;
  }
  return params;
}

/** The page's handle on the lean-frame worker: `fill` adds the maps to a lean frame. */
export class LeanPlane {
  /** @param {Record<string, any>} schema */
  constructor(schema) {
    this.schema = schema;
    /** @type {Worker | null} */
    this.worker = null;
    this.nextId = 1;
    /** @type {Map<number, {resolve: (r: PlaneResult) => void, reject: (e: Error) => void}>} */
    this.waiting = new Map();
  }

  /** @returns {Worker} */
  start() {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./lean-worker.js", import.meta.url), { type: "module" });
    worker.onmessage = (event) => {
      const { id, result, error } = event.data;
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if (!waiter) return;
      if (error) waiter.reject(new Error(`lean frame: ${error}`));
      else waiter.resolve(result);
    };
    worker.onerror = (event) => {
      const error = new Error(`lean frame worker: ${event.message}`);
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    this.worker = worker;
    return worker;
  }

  /**
   * The maps of a network over its plane, computed in the worker (`evaluatePlane`).
   * @param {PlaneSpec} spec @param {Record<string, ArrayLike<number>>} params
   * @param {boolean} [raw] @param {boolean} [tiles] @returns {Promise<PlaneResult>}
   */
  evaluate(spec, params, raw = false, tiles = true) {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, spec, params, raw, tiles });
    });
  }

  /**
   * Give a lean frame the arrays and header fields a full frame has, in place: the session's
   * maps, and the compared run's output map when the frame carries that run's parameters.
   * @param {{header: Record<string, any>, arrays: Record<string, NDArray>}} frame
   * @param {Record<string, any>} net  the network the frame belongs to (store.net)
   */
  async fill(frame, net) {
    const spec = planeSpec(net, this.schema, frame.header.output_density);
    const own = this.evaluate(spec, planeParams(frame.arrays));
    const compared = frame.header.compare && frame.arrays.compare_W1
      ? this.evaluate(compareSpec(net, frame.header, this.schema),
        planeParams(frame.arrays, "compare_"), false, false)
      : null;
    const [mine, theirs] = await Promise.all([own, compared]);
    Object.assign(frame.header, mine.header);
    Object.assign(frame.arrays, mine.arrays);
    if (theirs) {
      for (const [key, value] of Object.entries(theirs.header)) frame.header[`compare_${key}`] = value;
      for (const [name, a] of Object.entries(theirs.arrays)) frame.arrays[`compare_${name}`] = a;
    }
  }
}
