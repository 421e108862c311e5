// @ts-check
/**
 * Tables for what has no input plane: the test confusion matrix (rows are true classes,
 * columns predictions), and, for small datasets, every point's inputs, target and current
 * prediction, updated live (the classic tutorial's 4-row table).
 */

import { h, swatch } from "./dom.js";
import { CLASS_COLORS } from "./colors.js";
import { fixed, rounded } from "./format.js";

export class Tables {
  /** @param {HTMLElement} confusion @param {HTMLElement} predictions */
  constructor(confusion, predictions) {
    this.confusionEl = confusion;
    this.predictionsEl = predictions;
    this.data = null;
    this.inputNames = [];
  }

  setData(data, inputNames) {
    this.data = data;
    this.inputNames = inputNames || [];
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame @param {boolean} plane */
  update(frame, plane) {
    const C = frame.arrays.confusion;
    this.confusionEl.hidden = plane || !C;
    if (!plane && C) this.confusion(C);
    const P = frame.arrays.predictions;
    this.predictionsEl.hidden = !P || !this.data;
    if (P && this.data) this.predictions(P);
  }

  confusion(C) {
    const k = C.shape[0];
    let total = 0;
    let right = 0;
    const head = h("tr", {}, h("th"), ...Array.from({ length: k }, (_, j) => h("th", {}, String(j))));
    const table = h("table", { className: "confusion" }, head);
    for (let i = 0; i < k; i++) {
      let rowSum = 0;
      for (let j = 0; j < k; j++) rowSum += C.data[i * k + j];
      const row = h("tr", {}, h("th", {}, swatch(CLASS_COLORS[i % CLASS_COLORS.length]), String(i)));
      for (let j = 0; j < k; j++) {
        const n = C.data[i * k + j];
        total += n;
        if (i === j) right += n;
        const share = rowSum ? n / rowSum : 0;
        const background = i === j ? `rgba(8,104,172,${share})` : `rgba(230,97,1,${Math.min(1, share * 3)})`;
        const color = share > 0.55 ? "#fff" : "#111";
        row.appendChild(h("td", { style: { background, color } }, n ? String(n) : ""));
      }
      table.appendChild(row);
    }
    const label = h("div", { className: "label" },
      `Test set: true class (rows) × predicted (columns); ${right} of ${total} right`);
    this.confusionEl.replaceChildren(label, table);
  }

  predictions(P) {
    const d = this.data;
    const X = d.arrays.X;
    const y = d.arrays.y.data;
    const n = y.length;
    const cols = P.shape[1];
    const names = this.inputNames.length ? this.inputNames
      : Array.from({ length: X ? X.shape[1] : 0 }, (_, i) => `x${i + 1}`);
    const head = names.map((s) => `<th>${s}</th>`).join("") + "<th>target</th><th>prediction</th>";
    const rows = [];
    for (let i = 0; i < n; i++) {
      const xs = X ? Array.from({ length: X.shape[1] }, (_, j) => `<td>${rounded(X.data[i * X.shape[1] + j], 3)}</td>`).join("") : "";
      const pred = cols === 1 ? fixed(P.data[i], 4)
        : Array.from({ length: cols }, (_, j) => fixed(P.data[i * cols + j], 2)).join(" ");
      rows.push(`<tr>${xs}<td>${rounded(y[i], 3)}</td><td class="prediction">${pred}</td></tr>`);
    }
    this.predictionsEl.innerHTML = `<table class="predictions"><tr>${head}</tr>${rows.join("")}</table>`;
  }
}
