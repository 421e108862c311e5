// @ts-check
/**
 * Sharing and lessons: copying the link of this configuration or a lesson link (chosen
 * controls hidden, presentation mode), loading a preset, and the card that explains the
 * preset's lesson (its title and text are the server's: server:presets.<name>). A copied link
 * names the page's language (link.js), so that it opens in it.
 */

import { onLanguage, t } from "./i18n.js";

export class Share {
  /**
   * @param {{copyLink: HTMLElement, copyLesson: HTMLElement, hide: HTMLElement,
   *          present: HTMLInputElement, preset: HTMLSelectElement, card: HTMLElement,
   *          cardTitle: HTMLElement, cardText: HTMLElement, cardClose: HTMLElement}} els
   * @param {import("./commands.js").Commands} commands
   * @param {import("./link.js").Link} link
   * @param {import("./toasts.js").Toasts} toasts
   */
  constructor(els, commands, link, toasts) {
    this.els = els;
    /** @type {string | null} the preset whose lesson the card shows */
    this.lesson = null;
    els.copyLink.addEventListener("click", async () => {
      link.write();
      try {
        await navigator.clipboard.writeText(location.href);
        toasts.show(t("page:share.copied"), "info", 2500);
      } catch {
        toasts.show(t("page:share.copy_this", { url: location.href }), "info", 10000);
      }
    });
    els.copyLesson.addEventListener("click", async () => {
      const hide = [...els.hide.querySelectorAll("input:checked")]
        .map((i) => /** @type {HTMLInputElement} */ (i).value);
      const url = link.url({ hide: hide.join(","), present: els.present.checked ? "1" : "" });
      try {
        await navigator.clipboard.writeText(url);
        toasts.show(t("page:share.lesson_copied"), "info", 2500);
      } catch {
        toasts.show(t("page:share.lesson_link", { url }), "info", 12000);
      }
    });
    els.preset.addEventListener("change", async () => {
      const name = els.preset.value;
      els.preset.value = "";
      if (name) await commands.loadPreset(name);
    });
    els.cardClose.addEventListener("click", () => { els.card.hidden = true; });
    onLanguage(() => { if (this.lesson && !els.card.hidden) this.showLesson(this.lesson); });
  }

  /** Show the lesson card of a preset. @param {string | null} name */
  showLesson(name) {
    if (!name) return;
    this.lesson = name;
    this.els.cardTitle.textContent = t(`server:presets.${name}.title`);
    this.els.cardText.textContent = t(`server:presets.${name}.text`);
    this.els.card.hidden = false;
  }
}
