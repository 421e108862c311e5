// @ts-check
/**
 * The drawer's tabs along the bottom: one panel open at a time (or none). Opening a teaching
 * panel draws it from the store; leaving the step-through ends it.
 */

import { renderShapes } from "./teach.js";

export class Drawer {
  /**
   * @param {Document} doc
   * @param {import("./store.js").Store} store
   * @param {{explainer: import("./explain.js").Explainer,
   *          activationPlots: import("./teach.js").ActivationPlots,
   *          diagnostics: import("./teach.js").Diagnostics, shapes: HTMLElement}} panels
   */
  constructor(doc, store, panels) {
    this.doc = doc;
    this.store = store;
    this.panels = panels;
    for (const tab of doc.querySelectorAll("[data-tab]")) {
      tab.addEventListener("click", () => this.toggle(/** @type {string} */ (
        /** @type {HTMLElement} */ (tab).dataset.tab)));
    }
  }

  /** Open a tab, or close it if it is the open one. @param {string} name */
  toggle(name) {
    const store = this.store;
    store.set({ openTab: store.openTab === name ? null : name });
    const open = store.openTab;
    for (const tab of this.doc.querySelectorAll("[data-tab]")) {
      tab.setAttribute("aria-selected", String(/** @type {HTMLElement} */ (tab).dataset.tab === open));
    }
    for (const panel of this.doc.querySelectorAll("[data-panel]")) {
      const el = /** @type {HTMLElement} */ (panel);
      el.hidden = el.dataset.panel !== open;
    }
    this.doc.body.classList.toggle("drawer-open", open !== null);
    const p = this.panels;
    if (open !== "explain") p.explainer.stop();
    if (open === "shapes" && store.net) renderShapes(p.shapes, store.net.sizes, store.config.batch_size);
    if (open === "activations") p.activationPlots.show();
    if (open === "diagnostics") p.diagnostics.draw();
  }

  /** Close the open tab, if any. */
  close() {
    if (this.store.openTab) this.toggle(this.store.openTab);
  }

  /** Open the step-through and explain a step on the selected point. */
  async explain() {
    if (this.store.openTab !== "explain") this.toggle("explain");
    await this.panels.explainer.start();
  }
}
