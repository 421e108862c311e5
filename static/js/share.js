// @ts-check
/**
 * Sharing and lessons: copying the link of this configuration or a lesson link (chosen
 * controls hidden, presentation mode), loading a preset, and the card that explains the
 * preset's lesson.
 */

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
    /** @type {Record<string, {title: string, text: string}> | null} */
    this.presets = null;
    els.copyLink.addEventListener("click", async () => {
      link.write();
      try {
        await navigator.clipboard.writeText(location.href);
        toasts.show("link copied: it reproduces this configuration", "info", 2500);
      } catch {
        toasts.show(`copy this link: ${location.href}`, "info", 10000);
      }
    });
    els.copyLesson.addEventListener("click", async () => {
      const hide = [...els.hide.querySelectorAll("input:checked")]
        .map((i) => /** @type {HTMLInputElement} */ (i).value);
      const url = link.url({ hide: hide.join(","), present: els.present.checked ? "1" : "" });
      try {
        await navigator.clipboard.writeText(url);
        toasts.show("lesson link copied", "info", 2500);
      } catch {
        toasts.show(`lesson link: ${url}`, "info", 12000);
      }
    });
    els.preset.addEventListener("change", async () => {
      const name = els.preset.value;
      els.preset.value = "";
      if (name) await commands.loadPreset(name);
    });
    els.cardClose.addEventListener("click", () => { els.card.hidden = true; });
  }

  /** Show the lesson card of a preset (its title and text come from /api/presets). @param {string | null} name */
  async showLesson(name) {
    if (!name) return;
    this.presets = this.presets || Object.fromEntries((await (await fetch("/api/presets")).json())
      .presets.map((/** @type {any} */ p) => [p.name, p]));
    const p = this.presets?.[name];
    if (!p) return;
    this.els.cardTitle.textContent = p.title;
    this.els.cardText.textContent = p.text;
    this.els.card.hidden = false;
  }
}
