// @ts-check
/**
 * The neuron inspector: a clicked neuron's incoming weights and bias, and, for the selected
 * point, each weight times its input, and the neuron's pre-activation z, activation a and
 * error δ as the engine computed them (the frame's trace). It opens in the drawer, under the
 * network, so it hides neither the data nor the network it explains.
 */

import { escapeHtml } from "./dom.js";
import { number as fmt } from "./format.js";
import { onLanguage, t } from "./i18n.js";

export class Inspector {
  /**
   * @param {{panel: HTMLElement, title: HTMLElement, body: HTMLElement, close: HTMLElement,
   *          network: HTMLElement}} els  network: the diagram whose neuron is inspected
   * @param {{onOpen: () => void, onClose: () => void, onRelease: () => void}} callbacks
   *   open and close its drawer panel; onRelease: no neuron is inspected any more (unmark it)
   */
  constructor(els, callbacks) {
    this.els = els;
    this.cb = callbacks;
    /** @type {{layer: number, index: number} | null} */
    this.target = null;
    this.net = null;
    els.close.addEventListener("click", () => this.hide());
    // Opening the drawer resizes the diagram, which draws its tiles anew: the inspected one
    // stays marked.
    new MutationObserver(() => this.mark()).observe(els.network, { childList: true });
    /** the frame last shown, to show again in another language */
    this.frame = null;
    onLanguage(() => { if (this.target && this.frame) this.update(this.frame); });
  }

  /** Mark the inspected neuron's tile in the diagram. */
  mark() {
    const t = this.target;
    if (!t) return;
    const tile = this.els.network.querySelector(
      `.neuron[data-layer="${t.layer}"][data-index="${t.index}"]`);
    if (tile && !tile.classList.contains("selected")) tile.classList.add("selected");
  }

  setNetwork(net) {
    this.net = net;
    if (this.target) this.hide();
  }

  /** Inspect neuron `index` of layer `layer`. @param {number} layer @param {number} index */
  show(layer, index) {
    this.target = { layer, index };
    this.cb.onOpen();
  }

  /** Close the inspector (and its drawer panel). */
  hide() {
    this.release();
    this.cb.onClose();
  }

  /** Forget the neuron: the drawer closed or shows another panel now. */
  release() {
    this.target = null;
    this.cb.onRelease();
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame */
  update(frame) {
    const target = this.target;
    if (!target || !this.net || frame.header.network_version !== this.net.version) return;
    this.frame = frame;
    const { layer: l, index: j } = target;
    const A = frame.arrays;
    const W = A[`W${l}`];
    const b = A[`b${l}`] || A[`beta${l}`];
    const sizes = this.net.sizes;
    const last = l === sizes.length - 1;
    this.els.title.textContent = last ? t("views:inspector.output_neuron", { neuron: j })
      : t("views:inspector.layer_neuron", { layer: l, neuron: j });
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
    if (b) html += `<tr><th>${escapeHtml(t(normalized ? "views:inspector.shift" : "views:inspector.bias"))}</th><td>${normalized ? "β" : "b"} = ` +
      `${fmt(b.data[j])}</td>` + (trace && !normalized ? `<td>+ ${fmt(b.data[j])}</td>` : "") + "</tr>";
    html += "</table>";
    if (trace) {
      const z = A[`trace_z${l}`]?.data[j];
      const a = A[`trace_a${l}`]?.data[j];
      const d = A[`trace_delta${l}`]?.data[j];
      html += `<p>${escapeHtml(t("views:inspector.for_point", { index: trace.index }))} <b>z</b> = ${fmt(z)} ` +
        (normalized ? `(${escapeHtml(t("views:inspector.normalized_sum"))}), ` : "(Σ wᵢaᵢ + b), ") +
        `<b>a</b> = φ(z) = ${fmt(a)}, <b>δ</b> = ∂L/∂z = ${fmt(d)}</p>`;
    } else {
      html += `<p class="label">${escapeHtml(t("views:inspector.click_point"))}</p>`;
    }
    this.els.body.innerHTML = html;
  }

  /** The network input i of the traced point (its features), from the frame's trace. */
  inputValue(frame, i) {
    const x = frame.header.trace?.x;
    return x ? x[i] : null;
  }
}
