// @ts-check
/**
 * The page's link: the store's config (what differs from the defaults) and the lesson options
 * (hide, preset, present) in location.hash, so that a copied link reproduces the run; and the
 * lesson options shown: hidden controls, presentation mode. The link also names the page's
 * language (`lang=vi`; English is left out), so that a shared link opens in it (i18n.js).
 */

import { language } from "./i18n.js";
import { decodeHash, encodeHash } from "./urlstate.js";

export class Link {
  /** @param {import("./store.js").Store} store */
  constructor(store) {
    this.store = store;
  }

  /** The link for the store's config and `extra` (by default the store's own lesson options). */
  hash(extra = this.store.extra) {
    const lang = language();
    return encodeHash(this.store.config, this.store.schema.fields,
      { ...extra, lang: lang === "en" ? "" : lang });
  }

  /** Write the store's config and lesson options into the address bar (no history entry). */
  write() {
    const hash = this.hash();
    if (this.store.extra.hide) this.showLessonOptions();
    if (hash !== location.hash) history.replaceState(null, "", hash || location.pathname);
  }

  /**
   * Read the address bar: its lesson options go into the store; returns the settings it asks
   * for and a message for each entry that is not valid.
   * @returns {{config: Record<string, any>, errors: string[]}}
   */
  read() {
    const { config, extra, errors } = decodeHash(location.hash, this.store.schema.fields);
    this.store.set({ extra });
    return { config, errors };
  }

  /** The address of this page with `extra` as its lesson options. @param {Record<string, string>} extra */
  url(extra) {
    return `${location.origin}${location.pathname}${this.hash(extra)}`;
  }

  togglePresent() {
    this.store.set({ extra: { ...this.store.extra, present: this.store.extra.present === "1" ? "" : "1" } });
    this.write();
  }

  /** Hide what the lesson hides; presentation mode on or off. */
  showLessonOptions() {
    const hide = (this.store.extra.hide || "").split(",").filter(Boolean);
    for (const el of document.querySelectorAll("[data-hidden-by-lesson]")) {
      el.removeAttribute("data-hidden-by-lesson");
    }
    for (const name of hide) {
      const selector = `[data-control="${name}"], [data-controls~="${name}"], #${CSS.escape(name)}`;
      for (const el of document.querySelectorAll(selector)) {
        el.setAttribute("data-hidden-by-lesson", "");
      }
    }
    const present = this.store.extra.present === "1";
    document.body.classList.toggle("present", present);
    document.getElementById("present-button")?.setAttribute("aria-pressed", String(present));
    document.getElementById("drawer")?.toggleAttribute("data-hidden-by-lesson", hide.includes("drawer"));
  }
}
