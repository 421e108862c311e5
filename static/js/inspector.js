// @ts-check
/**
 * The neuron inspector: a clicked neuron's incoming weights and bias, and, for the selected
 * point, each weight times its input, and the neuron's pre-activation z, activation a and
 * error δ as the engine computed them (the frame's trace).
 */

import { number as fmt } from "./format.js";

export class Inspector {
  /**
   * @param {{panel: HTMLElement, title: HTMLElement, body: HTMLElement, close: HTMLElement}} els
   * @param {{onClose: Function}} callbacks
   */
  constructor(els, callbacks) {
    this.els = els;
    this.target = null;
    this.net = null;
    els.close.addEventListener("click", () => {
      this.hide();
      callbacks.onClose();
    });
  }

  setNetwork(net) {
    this.net = net;
    this.hide();
  }

  show(layer, index) {
    this.target = { layer, index };
    this.els.panel.hidden = false;
  }

  hide() {
    this.target = null;
    this.els.panel.hidden = true;
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame */
  update(frame) {
    const t = this.target;
    if (!t || !this.net || frame.header.network_version !== this.net.version) return;
    const { layer: l, index: j } = t;
    const A = frame.arrays;
    const W = A[`W${l}`];
    const b = A[`b${l}`] || A[`beta${l}`];
    const sizes = this.net.sizes;
    const last = l === sizes.length - 1;
    this.els.title.textContent = `${last ? "Output" : `Layer ${l}`}, neuron ${j}`;
    const names = l === 1 ? this.net.input_labels : Array.from({ length: sizes[l - 1] },
      (_, i) => `a${l - 1}[${i}]`);
    const trace = frame.header.trace;
    const prev = l > 1 ? A[`trace_a${l - 1}`] : null;
    const rows = [];
    for (let i = 0; i < W.shape[0]; i++) {
      const w = W.data[i * W.shape[1] + j];
      const input = trace ? (prev ? prev.data[i] : this.inputValue(frame, i)) : null;
      rows.push(`<tr><th>${names?.[i] ?? `x${i}`}</th><td>w = ${fmt(w)}</td>` +
        (trace && input != null ? `<td>× ${fmt(input)} = ${fmt(w * input)}</td>` : "") + "</tr>");
    }
    const normalized = Boolean(this.net.batch_norm?.[l - 1]);
    let html = `<table>${rows.join("")}`;
    // with batch norm, β shifts the normalized sum: it is not added to the products
    if (b) html += `<tr><th>${normalized ? "shift β" : "bias"}</th><td>${normalized ? "β" : "b"} = ` +
      `${fmt(b.data[j])}</td>` + (trace && !normalized ? `<td>+ ${fmt(b.data[j])}</td>` : "") + "</tr>";
    html += "</table>";
    if (trace) {
      const z = A[`trace_z${l}`]?.data[j];
      const a = A[`trace_a${l}`]?.data[j];
      const d = A[`trace_delta${l}`]?.data[j];
      html += `<p>For point ${trace.index}: <b>z</b> = ${fmt(z)} ` +
        (normalized ? "(Σ wᵢaᵢ, batch-normalized, scaled by γ, plus β), " : "(Σ wᵢaᵢ + b), ") +
        `<b>a</b> = φ(z) = ${fmt(a)}, <b>δ</b> = ∂L/∂z = ${fmt(d)}</p>`;
    } else {
      html += "<p class=\"label\">Click a point in the output plot to see this neuron's z, a and δ for it.</p>";
    }
    this.els.body.innerHTML = html;
  }

  /** The network input i of the traced point (its features), from the frame's trace. */
  inputValue(frame, i) {
    const x = frame.header.trace?.x;
    return x ? x[i] : null;
  }
}
