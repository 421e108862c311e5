// @ts-check
/**
 * Drawing points on the output plot: the Draw toggle, one button per class (or per target
 * value, for regression) to choose what a click adds, and Clear.
 */

import { CLASS_COLORS, pointColor } from "./colors.js";
import { number } from "./format.js";
import { onLanguage, t } from "./i18n.js";
import { markerSvg, shapeOf } from "./markers.js";

export class DrawTools {
  /**
   * @param {{toggle: HTMLElement, tools: HTMLElement, classes: HTMLElement, plot: HTMLElement}} els
   * @param {import("./boundary.js").Boundary} boundary
   */
  constructor(els, boundary) {
    this.els = els;
    this.boundary = boundary;
    /** @type {Record<string, any> | null} the data's header */
    this.header = null;
    els.toggle.addEventListener("click", () => this.toggle());
    onLanguage(() => this.drawButtons());
  }

  /** Drawing on or off. */
  toggle() {
    const drawing = !this.boundary.drawing;
    this.boundary.setDrawing(drawing);
    this.els.toggle.setAttribute("aria-pressed", String(drawing));
    this.els.tools.hidden = !drawing;
    this.els.plot.classList.toggle("drawing", drawing);
  }

  /** New data: a button per class it has. @param {import("./socket.js").Decoded | null} data */
  setData(data) {
    this.header = data?.header ?? null;
    this.drawButtons();
  }

  drawButtons() {
    const box = this.els.classes;
    const b = this.boundary;
    box.textContent = "";
    const h = this.header;
    if (!h) return;
    const labels = h.task === "regression" ? [-1, 1] : Array.from({ length: h.n_classes }, (_, i) => i);
    if (!labels.includes(b.drawClass)) b.setDrawClass(labels[labels.length - 1]);
    for (const label of labels) {
      const button = document.createElement("button");
      const color = h.task === "regression" ? pointColor(label, "regression", 0)
        : h.n_classes > 2 ? CLASS_COLORS[label] : pointColor(label, "classification", 2);
      button.appendChild(markerSvg(shapeOf(label, h.task), color, 22));
      button.title = h.task === "regression"
        ? t("views:draw.value", { value: number(label, { keepWhole: true }) })
        : t("views:classes.class", { n: label });
      button.setAttribute("aria-label", button.title);
      button.setAttribute("aria-pressed", String(label === b.drawClass));
      button.addEventListener("click", () => {
        b.setDrawClass(label);
        this.drawButtons();
      });
      box.appendChild(button);
    }
  }
}
