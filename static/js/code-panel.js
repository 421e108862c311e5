// @ts-check
/**
 * The Code tab: the run as a standalone NumPy script (the server's `export_code`), shown,
 * copied or downloaded. It is fetched when the tab opens and again when the run's settings
 * change while it is open; the button fetches it for the steps trained since. Its comments
 * and docstrings are in the page's language (`lang`; the code is the same in every one), so
 * it is fetched again when the language changes while the tab is open.
 */

import * as format from "./format.js";
import { language, onLanguage, t } from "./i18n.js";

/**
 * Why the script may not replay the run, as the server says it (app/record.py and the
 * commands that set `note`): each sentence's pattern and its key in files:code.notes.
 * @type {[RegExp, string][]}
 */
const NOTES = [
  [/^this run branched at step (\d+), where it had also changed/, "branched"],
  [/^the run changed too often to be replayed/, "too_often"],
  [/^this run was loaded from a file at step (\d+);/, "loaded"],
  [/^points were added, removed or loaded during the run/, "points"],
];

/** The server's note in the page's language (as it is when no pattern knows it). @param {string} note */
export function noteText(note) {
  for (const [pattern, key] of NOTES) {
    const match = pattern.exec(note);
    if (match) return t(`files:code.notes.${key}`, { step: format.count(Number(match[1] ?? 0)) });
  }
  return note;
}

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
        toasts.show(t("files:code.copied"), "info", 2000);
      } catch {
        toasts.show(t("files:code.copy_by_hand"), "info", 4000);
      }
    });
    els.download.addEventListener("click", () => {
      if (this.code) files.download(new Blob([this.code], { type: "text/x-python" }),
        `nnplay_${store.config.dataset}_step${files.step()}.py`);
    });
    // the script's comments follow the language: fetched again if it is on show
    onLanguage(() => {
      if (this.code && store.openTab === "code") this.refresh();
      else if (this.code) this.code = "";  // stale: the tab fetches it when it opens
    });
  }

  /** Fetch the script for the run as it is now. @param {Element | null} [origin] */
  async refresh(origin = null) {
    const reply = await this.commands.act({ type: "export_code", lang: language() }, origin);
    if (reply.type !== "code") return;
    this.code = reply.code;
    this.els.text.textContent = this.code;
    this.els.note.textContent = reply.exact
      ? t("files:code.exact", { count: reply.steps, steps: format.count(reply.steps) })
      : t("files:code.note", { note: noteText(reply.note) });
  }
}
