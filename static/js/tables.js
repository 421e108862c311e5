// @ts-check
/**
 * Tables for what has no input plane: the test confusion matrix (rows are true classes,
 * columns predictions), and, for small datasets, every point's inputs, target and current
 * prediction, updated live (the classic tutorial's 4-row table).
 *
 * Image data shows its confusion matrix among the image views (image-views.js draws it with
 * `confusionTable` from here), so frames that carry a gallery leave #confusion alone.
 */

import { h } from "./dom.js";
import { CLASS_COLORS } from "./colors.js";
import { markerSvg, shapeOf } from "./markers.js";
import { count, fixed, rounded } from "./format.js";
import { onLanguage, t } from "./i18n.js";

export class Tables {
  /** @param {HTMLElement} confusion @param {HTMLElement} predictions */
  constructor(confusion, predictions) {
    this.confusionEl = confusion;
    this.predictionsEl = predictions;
    this.data = null;
    this.inputNames = [];
    /** the confusion matrix last drawn, as text: a frame that did not change it redraws nothing */
    this.lastConfusion = "";
    /** @type {HTMLElement[]} the prediction cell of each row, made once per data */
    this.cells = [];
    this.classes = false;
    /** @type {[any, boolean] | null} the frame last shown, to show again in another language */
    this.last = null;
    onLanguage(() => {
      this.cells = [];
      this.lastConfusion = "";
      if (this.last) this.update(...this.last);
    });
  }

  setData(data, inputNames) {
    this.data = data;
    this.inputNames = inputNames || [];
    this.cells = [];
  }

  /** @param {{header: any, arrays: Record<string, any>}} frame @param {boolean} plane */
  update(frame, plane) {
    this.last = [frame, plane];
    const C = frame.arrays.confusion;
    const shown = !plane && C && !frame.arrays.gallery_index;
    this.confusionEl.hidden = !shown;
    if (shown) {
      const key = Array.prototype.join.call(C.data, ",");
      if (key !== this.lastConfusion) {
        this.lastConfusion = key;
        this.confusionEl.replaceChildren(...confusionTable(C));
      }
    }
    const P = frame.arrays.predictions;
    this.predictionsEl.hidden = !P || !this.data;
    if (P && this.data) this.predictions(P);
  }

  /**
   * Every point's row: its inputs and target (made once per data), and the network's
   * prediction (updated each frame; for classes, the most likely one, its probability, and ✓
   * or ✗). A row is a button-like target: image-views.js selects its point on click or Enter.
   */
  predictions(P) {
    const d = this.data;
    const y = d.arrays.y.data;
    const n = y.length;
    const cols = P.shape[1];
    const classes = d.header.task === "classification" && cols > 1;
    if (this.cells.length !== n || this.classes !== classes) this.makeRows(classes);
    for (let i = 0; i < n; i++) {
      const cell = this.cells[i];
      let text;
      let wrong = false;
      if (classes) {
        let best = 0;
        for (let j = 1; j < cols; j++) if (P.data[i * cols + j] > P.data[i * cols + best]) best = j;
        wrong = best !== y[i];
        text = `${wrong ? "✗" : "✓"} ${best} (${fixed(P.data[i * cols + best], 2)})`;
      } else {
        text = cols === 1 ? fixed(P.data[i], 4)
          : Array.from({ length: cols }, (_, j) => fixed(P.data[i * cols + j], 2)).join(" ");
      }
      if (cell.textContent !== text) {
        cell.textContent = text;
        cell.classList.toggle("wrong", wrong);
        if (classes) {
          cell.title = Array.from({ length: cols }, (_, j) => `${j}: ${fixed(P.data[i * cols + j], 3)}`)
            .join("  ");
        }
      }
    }
    this.markSelected();
  }

  /** @param {boolean} classes */
  makeRows(classes) {
    const d = this.data;
    const X = d.arrays.X;
    const y = d.arrays.y.data;
    const names = this.inputNames.length ? this.inputNames
      : Array.from({ length: X ? X.shape[1] : 0 }, (_, i) => `x${i + 1}`);
    const head = h("tr", {}, ...names.map((s) => h("th", {}, s)), h("th", {}, t("views:tables.target")),
      h("th", {}, t(classes ? "views:tables.predicted" : "views:tables.prediction")));
    const rows = [head];
    this.cells = [];
    this.classes = classes;
    for (let i = 0; i < y.length; i++) {
      const xs = X ? Array.from({ length: X.shape[1] },
        (_, j) => h("td", {}, rounded(X.data[i * X.shape[1] + j], 3))) : [];
      const cell = h("td", { className: "prediction" });
      this.cells.push(cell);
      const row = h("tr", { title: t("views:tables.select_row") }, ...xs,
        h("td", {}, rounded(y[i], 3)), cell);
      row.dataset.index = String(i);
      row.tabIndex = 0;
      rows.push(row);
    }
    this.predictionsEl.replaceChildren(h("table", { className: "predictions" }, ...rows));
  }

  /** Mark the row of the selected point (its index is the box's data-selected). */
  markSelected() {
    const selected = this.predictionsEl.dataset.selected ?? "";
    for (const row of this.predictionsEl.querySelectorAll("tr[data-index]")) {
      const on = /** @type {HTMLElement} */ (row).dataset.index === selected;
      if (row.classList.contains("selected") !== on) row.classList.toggle("selected", on);
    }
  }
}

/**
 * The test confusion matrix as a caption and a table: rows are true classes, columns
 * predictions; the diagonal in blue, mistakes in orange, each shaded by its share of the row.
 * @param {{data: ArrayLike<number>, shape: number[]}} C
 * @returns {HTMLElement[]}
 */
export function confusionTable(C) {
  const k = C.shape[0];
  let total = 0;
  let right = 0;
  const head = h("tr", {}, h("th", { title: t("views:confusion.corner") }),
    ...Array.from({ length: k }, (_, j) => h("th", {}, String(j))));
  const table = h("table", { className: "confusion" }, head);
  for (let i = 0; i < k; i++) {
    let rowSum = 0;
    for (let j = 0; j < k; j++) rowSum += C.data[i * k + j];
    const row = h("tr", {}, h("th", {}, markerSvg(shapeOf(i, "classification"),
      CLASS_COLORS[i % CLASS_COLORS.length], 14), String(i)));
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
  const label = h("div", { className: "label" }, total
    ? t("views:confusion.summary", { count: total, right: count(right), total: count(total) })
    : t("views:confusion.empty"));
  return [label, table];
}
