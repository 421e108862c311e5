// @ts-check
/**
 * Recent runs, in the Share tab: the runs this browser has made that the server has saved
 * (app/checkpoints.py), newest first, each to open again or delete.
 *
 * The browser keeps the resume tokens of its sessions (localStorage, at most MAX); the server
 * is asked for the saved runs of those tokens only (POST /api/runs), so a page never sees
 * another browser's runs. Opening a run resumes its session by its token: the page reloads and
 * reconnects with it, and the server brings the run back from memory or from its last save.
 * A token whose run is gone (deleted, pruned) is forgotten.
 *
 * Its text is in the page's language (files:runs); the list is drawn again when it changes.
 */

import * as format from "./format.js";
import { dateTime, has, language, onLanguage, t } from "./i18n.js";
import { TOKEN_KEY } from "./socket.js";

const KEY = "nnplay.runs";
const MAX = 50;  // the server's limit on tokens per request (app/api.py)

/** The tokens this browser keeps, newest first. @returns {string[]} */
function kept() {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(list) ? list.filter((t) => typeof t === "string").slice(0, MAX) : [];
  } catch {
    return [];
  }
}

/** @param {string[]} tokens */
function keep(tokens) {
  try {
    localStorage.setItem(KEY, JSON.stringify(tokens.slice(0, MAX)));
  } catch {
    // storage full or disabled: the list just stays as it is
  }
}

/** "3 min ago", "yesterday", in the page's language @param {number} unixSeconds */
export function ago(unixSeconds) {
  const seconds = Math.round(unixSeconds - Date.now() / 1000);
  const rtf = new Intl.RelativeTimeFormat(language(), { numeric: "auto" });
  const units = /** @type {[Intl.RelativeTimeFormatUnit, number][]} */ (
    [["day", 86400], ["hour", 3600], ["minute", 60]]);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return rtf.format(Math.round(seconds / size), unit);
  }
  return t("files:runs.just_now");
}

/**
 * A run's name in the list: the server's ("spiral · 2-8-8-1 tanh"); in another language its
 * dataset and activation as the page names them. @param {any} run
 */
export function runTitle(run) {
  const title = String(run.title ?? "");
  const [, rest] = title.split(" · ");
  if (language() === "en" || rest === undefined) return title;
  const dataset = `server:choices.dataset.${run.dataset}`;
  const [layers, activation] = rest.split(" ");
  const act = `server:choices.activation.${activation}`;
  return `${has(dataset) ? t(dataset) : title.split(" · ")[0]} · ${layers}` +
    (activation ? ` ${has(act) ? t(act) : activation}` : "");
}

export class RecentRuns {
  /**
   * @param {{list: HTMLElement, note: HTMLElement}} els
   * @param {import("./store.js").Store} store
   * @param {import("./toasts.js").Toasts} toasts
   * @param {{reload: () => void}} [page]  how a run is opened (tests watch it)
   */
  constructor(els, store, toasts, page = { reload: () => location.reload() }) {
    this.els = els;
    this.store = store;
    this.toasts = toasts;
    this.page = page;
    /** @type {any[]} the runs as the server last listed them */
    this.runs = [];
    this.saves = true;
    /** @type {import("./compare-view.js").Pins | null} the pinned runs, when the page compares */
    this.pins = null;
    /** @type {(() => string) | null} the note when the runs could not be listed */
    this.failed = null;
    onLanguage(() => this.render());
  }

  /** Offer a Pin button on each run (compare-view.js). @param {import("./compare-view.js").Pins} pins */
  usePins(pins) {
    this.pins = pins;
    pins.on(() => this.render());
  }

  /** The session this page holds: its token goes first in the list. @param {string} token */
  remember(token) {
    keep([token, ...kept().filter((t) => t !== token)]);
  }

  get current() {
    return this.store.hello?.resume_token ?? null;
  }

  /** Ask the server for the saved runs of the kept tokens, and show them. */
  async refresh() {
    const tokens = kept();
    let reply;
    try {
      const response = await fetch("/api/runs", { method: "POST",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify({ tokens }) });
      if (!response.ok) {
        const status = response.status;
        this.failed = () => t("files:runs.list_failed",
          { error: t("files:runs.server_answered", { status }) });
      } else {
        reply = await response.json();
      }
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.failed = () => t("files:runs.list_failed", { error });
    }
    if (!reply) {
      this.els.note.textContent = this.failed?.() ?? "";
      return;
    }
    this.failed = null;
    this.saves = reply.saves;
    this.runs = reply.runs;
    const listed = new Set(this.runs.map((r) => r.token));
    if (this.saves) keep(tokens.filter((t) => listed.has(t) || t === this.current));
    this.render();
  }

  render() {
    const { list, note } = this.els;
    if (this.failed) {
      note.textContent = this.failed();
      return;
    }
    list.replaceChildren();
    if (!this.saves) {
      note.textContent = t("files:runs.no_saving", { flag: "--no-save" });
      return;
    }
    note.textContent = this.runs.length ? t("files:runs.intro") : t("files:runs.none");
    const first = this.runs.filter((r) => r.token === this.current);  // this run, then newest
    for (const run of [...first, ...this.runs.filter((r) => r.token !== this.current)]) {
      list.append(this.row(run));
    }
  }

  /** @param {any} run */
  row(run) {
    const li = document.createElement("li");
    li.className = "run";
    const mine = run.token === this.current;
    li.dataset.current = String(mine);
    const title = document.createElement("span");
    title.className = "run-title";
    title.textContent = runTitle(run);
    const meta = document.createElement("span");
    meta.className = "run-meta";
    const state = `files:runs.states.${run.state}`;
    const where = mine ? t("files:runs.this_run") : run.connected ? t("files:runs.elsewhere")
      : has(state) ? t(state) : run.state;
    meta.textContent = t("files:runs.meta", { step: format.count(run.step), where,
      ago: ago(run.updated) });
    meta.title = t("files:runs.saved_at", { when: dateTime(run.updated * 1000) });
    const open = document.createElement("button");
    open.textContent = t("files:runs.open");
    open.dataset.action = "open";
    open.disabled = mine;
    open.title = run.connected ? t("files:runs.open_tip_elsewhere") : t("files:runs.open_tip");
    open.addEventListener("click", () => this.open(run.token));
    const remove = document.createElement("button");
    remove.textContent = t("files:runs.delete");
    remove.dataset.action = "delete";
    remove.disabled = mine || run.connected;
    remove.title = remove.disabled ? t("files:runs.delete_tip_open") : t("files:runs.delete_tip");
    remove.addEventListener("click", () => this.remove(run.token, runTitle(run)));
    li.append(title, meta, ...(this.pins ? [this.pinButton(run)] : []), open, remove);
    return li;
  }

  /** The button that pins a run to compare it, or unpins it. @param {any} run */
  pinButton(run) {
    const pins = /** @type {import("./compare-view.js").Pins} */ (this.pins);
    const pinned = pins.has(run.token);
    const pin = document.createElement("button");
    pin.textContent = pinned ? t("files:runs.unpin") : t("files:runs.pin");
    pin.dataset.action = "pin";
    pin.setAttribute("aria-pressed", String(pinned));
    pin.disabled = !pinned && pins.full;
    pin.title = pinned ? t("files:runs.unpin_tip")
      : pin.disabled ? t("files:runs.full_tip") : t("files:runs.pin_tip");
    pin.addEventListener("click", () => {
      const row = [...this.els.list.children].indexOf(/** @type {Element} */ (pin.parentElement));
      if (pinned) pins.remove(run.token);
      else pins.add(run.token);
      // the list was drawn again: the keyboard stays on this run's button
      /** @type {HTMLElement | null | undefined} */ (this.els.list.children[row]
        ?.querySelector("[data-action=pin]"))?.focus();
    });
    return pin;
  }

  /** Resume that run's session here. @param {string} token */
  open(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    this.page.reload();
  }

  /** @param {string} token @param {string} title */
  async remove(token, title) {
    const response = await fetch("/api/runs/delete", { method: "POST",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
    if (response.ok || response.status === 404) {
      keep(kept().filter((t) => t !== token));
      this.toasts.show(t("files:runs.deleted", { title }), "info", 2500);
    } else {
      const body = await response.json().catch(() => ({}));
      // the server's reason is English: in another language, what its status means
      const reason = language() === "en" ? String(body.detail ?? response.status)
        : response.status === 409 ? t("files:runs.delete_tip_open")
          : t("files:runs.server_answered", { status: response.status });
      this.toasts.show(t("files:runs.not_deleted", { title, reason }));
    }
    await this.refresh();
  }
}
