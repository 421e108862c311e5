// @ts-check
/**
 * The drawer along the bottom: one panel open at a time (or none), chosen by its tabs, or
 * the neuron inspector, which opens here when a neuron is clicked. Opening a teaching panel
 * draws it from the store, and an open panel stays live: it is drawn again when the network
 * or the settings it shows change. Leaving the step-through ends it.
 */

import { onLanguage } from "./i18n.js";
import { renderShapes } from "./teach.js";

export class Drawer {
  /**
   * @param {Document} doc
   * @param {import("./store.js").Store} store
   * @param {{explainer: import("./explain.js").Explainer,
   *          activationPlots: import("./teach.js").ActivationPlots,
   *          diagnostics: import("./teach.js").Diagnostics, shapes: HTMLElement,
   *          inspector: import("./inspector.js").Inspector,
   *          code: import("./code-panel.js").CodePanel}} panels
   */
  constructor(doc, store, panels) {
    this.doc = doc;
    this.store = store;
    this.panels = panels;
    for (const tab of doc.querySelectorAll("[data-tab]")) {
      tab.addEventListener("click", () => this.toggle(/** @type {string} */ (
        /** @type {HTMLElement} */ (tab).dataset.tab)));
    }
    // Each panel is its tab's tabpanel, focusable (tabindex 0), so that a panel longer than
    // the drawer scrolls from the keyboard too (WAI-ARIA's tabs pattern).
    this.namePanels();
    onLanguage(() => this.namePanels());
  }

  /** Each tab's panel is named as its tab is (again when the language changes). */
  namePanels() {
    for (const panel of this.doc.querySelectorAll("[data-panel]")) {
      const el = /** @type {HTMLElement} */ (panel);
      const tab = this.doc.querySelector(`[data-tab="${el.dataset.panel}"]`);
      if (!tab) continue;
      el.setAttribute("role", "tabpanel");
      el.setAttribute("aria-label", tab.textContent?.trim() ?? "");
      if (!el.hasAttribute("tabindex")) el.tabIndex = 0;
    }
  }

  /** Open a tab, or close it if it is the open one. @param {string} name */
  toggle(name) {
    this.show(this.store.openTab === name ? null : name);
  }

  /** Open a panel (a tab's, or "inspector"), or none. @param {string | null} open */
  show(open) {
    const store = this.store;
    const before = store.openTab;
    store.set({ openTab: open });
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
    if (before === "inspector" && open !== "inspector") p.inspector.release();
    if (open === "activations") p.activationPlots.show();
    if (open === "diagnostics") p.diagnostics.draw();
    if (open !== before) this.refresh();
  }

  /** Close the open panel, if any. */
  close() {
    if (this.store.openTab) this.show(null);
  }

  /**
   * Draw the open panel again from the store: called when it opens, and when the network,
   * the data or the settings change while it is open.
   */
  refresh() {
    const { store, panels: p } = this;
    const open = store.openTab;
    if (open === "shapes" && store.net) renderShapes(p.shapes, store.net.sizes, store.config.batch_size);
    if (open === "code") p.code.refresh();
  }

  /** The network was rebuilt: an explanation of the old one no longer applies. */
  networkChanged() {
    this.panels.explainer.networkChanged();
    this.refresh();
  }

  /** Open the step-through and explain a step on the selected point. */
  async explain() {
    if (this.store.openTab !== "explain") this.show("explain");
    await this.panels.explainer.start();
  }
}
