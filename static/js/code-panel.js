// @ts-check
/**
 * The Code tab: the run as a standalone NumPy script (the server's `export_code`), shown,
 * copied or downloaded. It is fetched when the tab opens and again when the run's settings
 * change while it is open; the button fetches it for the steps trained since.
 */

export class CodePanel {
  /**
   * @param {{text: HTMLElement, note: HTMLElement, refresh: HTMLElement, copy: HTMLElement,
   *          download: HTMLElement}} els
   * @param {import("./store.js").Store} store
   * @param {import("./commands.js").Commands} commands
   * @param {import("./files.js").Files} files
   * @param {import("./toasts.js").Toasts} toasts
   */
  constructor(els, store, commands, files, toasts) {
    this.els = els;
    this.commands = commands;
    this.code = "";
    els.refresh.addEventListener("click", () => this.refresh(els.refresh));
    els.copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(this.code);
        toasts.show("code copied", "info", 2000);
      } catch {
        toasts.show("select the code and copy it by hand", "info", 4000);
      }
    });
    els.download.addEventListener("click", () => {
      if (this.code) files.download(new Blob([this.code], { type: "text/x-python" }),
        `nnplay_${store.config.dataset}_step${files.step()}.py`);
    });
  }

  /** Fetch the script for the run as it is now. @param {Element | null} [origin] */
  async refresh(origin = null) {
    const reply = await this.commands.act({ type: "export_code" }, origin);
    if (reply.type !== "code") return;
    this.code = reply.code;
    this.els.text.textContent = this.code;
    this.els.note.textContent = reply.exact
      ? `${reply.steps} steps: run it and its weights equal the session's`
      : `Note: ${reply.note}`;
  }
}
